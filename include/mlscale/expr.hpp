// The rule expression language: compile `applies_when` / `condition` expressions and
// `message` / `recommendation` templates against a schema of known facts, then evaluate
// them over a JSON fact tree with three-valued (Kleene) logic.
//
// Pure: no I/O, no exceptions for user errors (they come back as `Error` values), no code
// execution. The language is described in docs/expression-language.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace mlscale::expr {

/// A half-open byte range [begin, end) into the source text that was compiled.
/// For template errors the offsets are relative to the whole template text.
struct Span {
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
    friend bool operator==(const Span&, const Span&) = default;
};

/// A compile error. `message` starts lower-case and says what is wrong and what was expected;
/// `span` points exactly at the offending token; `help` is optional advice such as
/// "did you mean `dataset.size_gb`?" (empty when there is none).
struct Error {
    std::string message;
    Span span;
    std::string help;
};

/// Static and run-time types. `Any` means "not known until run time" (or, for a Value, unknown).
enum class Type : std::uint8_t { Number, String, Bool, List, Any };

/// "number", "string", "bool", "list" or "any".
std::string_view type_name(Type type) noexcept;

/// Every limit the compiler enforces, in one place. Exceeding one is a compile error with a
/// clear message, never a crash or a stack overflow.
struct Limits {
    std::size_t max_expression_bytes = 4096;    ///< longest expression (or template placeholder) text, in bytes
    std::size_t max_nesting_depth = 64;         ///< deepest nesting of parentheses, brackets, calls and operators
    std::size_t max_errors = 20;                ///< most errors reported by one compile; further ones are dropped
    std::size_t max_list_elements = 1000;       ///< most elements in one list literal `[...]`
    std::size_t max_template_placeholders = 64; ///< most `{expression}` placeholders in one template
    std::size_t max_template_bytes = 16384;     ///< longest template text, in bytes
};

/// Tells the checker which fact paths exist and their types. Every path in an expression is
/// resolved through this at compile time; an unknown path is a compile error.
class Schema {
public:
    virtual ~Schema();
    /// The type of the fact at dotted `path` (e.g. "dataset.size_gb"), or nullopt when the path
    /// is not known. `Type::Any` defers the type check to run time.
    virtual std::optional<Type> path_type(std::string_view path) const = 0;
    /// Candidates for "did you mean": every known path. An entry ending in '.' (e.g. "param.")
    /// stands for an open prefix under which any path is accepted.
    virtual std::vector<std::string> known_paths() const = 0;
};

/// A Schema backed by a map of exact paths, plus optional open prefixes: with prefix "param.",
/// every path `param.<name>[.<name>...]` is known with the prefix's type (usually Type::Any).
class MapSchema final : public Schema {
public:
    MapSchema() = default;
    explicit MapSchema(std::map<std::string, Type, std::less<>> paths, std::map<std::string, Type, std::less<>> prefixes = {});
    /// Adds (or replaces) an exact path.
    MapSchema& add(std::string path, Type type);
    /// Adds an open prefix; a missing trailing '.' is added ("param" and "param." are the same).
    MapSchema& add_prefix(std::string prefix, Type type = Type::Any);

    std::optional<Type> path_type(std::string_view path) const override;
    std::vector<std::string> known_paths() const override;

private:
    std::map<std::string, Type, std::less<>> m_paths;
    std::map<std::string, Type, std::less<>> m_prefixes;
};

/// A run-time value: unknown, number (finite double), string, bool, or list of values.
/// Invariant: a number is never NaN or infinite (constructing one gives unknown instead).
class Value {
public:
    using List = std::vector<Value>;

    /// Unknown.
    Value() noexcept = default;
    static Value unknown() noexcept
    {
        return Value();
    }
    /// A number; NaN or infinity becomes unknown. -0 becomes 0.
    static Value number(double v) noexcept;
    static Value string(std::string v);
    static Value boolean(bool v) noexcept;
    static Value list(List v);

    bool is_unknown() const noexcept
    {
        return m_value.index() == 0;
    }
    bool is_number() const noexcept
    {
        return m_value.index() == 1;
    }
    bool is_bool() const noexcept
    {
        return m_value.index() == 2;
    }
    bool is_string() const noexcept
    {
        return m_value.index() == 3;
    }
    bool is_list() const noexcept
    {
        return m_value.index() == 4;
    }
    /// True only for the known bool `true`; false for `false` and for unknown.
    bool is_true() const noexcept
    {
        return is_bool() && std::get<bool>(m_value);
    }
    /// True only for the known bool `false`.
    bool is_false() const noexcept
    {
        return is_bool() && !std::get<bool>(m_value);
    }
    /// The value's type; Type::Any for unknown.
    Type type() const noexcept;

    /// Accessors: precondition is the matching is_*() (otherwise std::bad_variant_access).
    double as_number() const
    {
        return std::get<double>(m_value);
    }
    bool as_bool() const
    {
        return std::get<bool>(m_value);
    }
    const std::string& as_string() const
    {
        return std::get<std::string>(m_value);
    }
    const List& as_list() const
    {
        return std::get<List>(m_value);
    }

    /// The text a template shows: `unknown`, format_number() for numbers, strings as they
    /// are (no quotes), `true`/`false`, lists as `[a, b]`.
    std::string to_display() const;

    /// Structural equality (unknown equals unknown); for tests, not the language's `==`.
    friend bool operator==(const Value& a, const Value& b);

private:
    std::variant<std::monostate, double, bool, std::string, List> m_value;
};

/// Converts one JSON value the way facts are read: null -> unknown, integers and floats ->
/// number, string, bool, array -> list (recursively), object -> unknown.
Value value_from_json(const nlohmann::json& j);

namespace detail {
struct Program;
struct TemplateProgram;
struct Access;
} // namespace detail

/// A compiled, checked, immutable expression. Cheap to copy (shared), and safe to evaluate
/// from several threads at once.
class Expression {
public:
    /// The source text it was compiled from.
    std::string_view source() const noexcept;
    /// The result type the checker inferred (Type::Any when only known at run time).
    Type type() const noexcept;

private:
    friend struct detail::Access;
    explicit Expression(std::shared_ptr<const detail::Program> program) : m_program(std::move(program)) { }
    std::shared_ptr<const detail::Program> m_program;
};

/// Exactly one of the two is set: `expression` when there are no errors, otherwise `errors`
/// (sorted by position, at most Limits::max_errors).
struct CompileResult {
    std::optional<Expression> expression;
    std::vector<Error> errors;
};

/// Lexes, parses and checks `text`. Every path is resolved through `schema` and every function
/// against the built-in registry. Never throws for bad input.
CompileResult compile(std::string_view text, const Schema& schema, const Limits& limits = {});

/// Like compile(), and also requires a bool result (for `applies_when` / `condition`):
/// "a condition must be a bool expression, got number". Type::Any results are accepted.
CompileResult compile_condition(std::string_view text, const Schema& schema, const Limits& limits = {});

/// Evaluates over `facts`, a JSON object tree where path `a.b.c` is facts["a"]["b"]["c"]. A
/// missing fact or JSON null is unknown. Never throws, never yields NaN or infinity; a run-time
/// type mismatch yields unknown. For a condition, treat only Value::is_true() as "holds".
Value evaluate(const Expression& e, const nlohmann::json& facts);

/// The same, with `params` standing for facts["param"]: a path `param.x` is params["x"]. The rule
/// engine evaluates each rule with its own parameters over one fact tree without copying them in.
Value evaluate(const Expression& e, const nlohmann::json& facts, const nlohmann::json& params);

/// The distinct dotted paths the expression reads (including inside exists()), in order of
/// first appearance — the evidence a rule used.
std::vector<std::string> referenced_paths(const Expression& e);

/// The syntax tree as an S-expression with explicit grouping, e.g. "(or a (and b c))";
/// for tests, debugging and `explain` output.
std::string to_sexpr(const Expression& e);

/// A compiled template: literal text with `{expression}` placeholders (`{{` and `}}` are
/// literal braces). Cheap to copy, safe to render from several threads at once.
class Template {
public:
    std::string_view source() const noexcept;

private:
    friend struct detail::Access;
    explicit Template(std::shared_ptr<const detail::TemplateProgram> program) : m_program(std::move(program)) { }
    std::shared_ptr<const detail::TemplateProgram> m_program;
};

/// Exactly one of the two is set, as for CompileResult. Error spans are relative to the whole
/// template text.
struct TemplateResult {
    std::optional<Template> tmpl;
    std::vector<Error> errors;
};

/// Compiles every placeholder like an expression (any result type is allowed).
TemplateResult compile_template(std::string_view text, const Schema& schema, const Limits& limits = {});

/// Renders the template over `facts`; each placeholder shows Value::to_display().
std::string render(const Template& t, const nlohmann::json& facts);

/// The distinct paths all placeholders read, in order of first appearance.
std::vector<std::string> referenced_paths(const Template& t);

/// One entry of the built-in function registry.
struct FunctionInfo {
    std::string name;      ///< e.g. "len"
    std::string signature; ///< e.g. "len(string | list) -> number"
    std::string doc;       ///< one line
    std::string example;   ///< e.g. "len([1, 2]) == 2"
    std::size_t min_args = 0;
    std::optional<std::size_t> max_args; ///< nullopt: variadic
    Type result = Type::Any;
};

/// The built-in functions, in registry order.
std::vector<FunctionInfo> functions();

/// Deterministic number text: integral values without decimals ("150", no thousands
/// separators); others rounded to at most 2 decimals with trailing zeros trimmed ("4.2",
/// "0.41"); magnitudes below 0.01 with 2 significant digits ("0.0042"), below 1e-6 in
/// exponent form ("1.2e-07"); integral magnitudes of 1e21 or more in shortest exponent form.
/// NaN and infinity (never produced by evaluation) give "unknown".
std::string format_number(double v);

/// A human-readable diagnostic for `error` in `source`: the message, the source line with a
/// caret under the span, and the help line when there is one.
std::string format_diagnostic(std::string_view source, const Error& error);

} // namespace mlscale::expr
