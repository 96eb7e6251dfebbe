// Private to the expression module: tokens, the flat syntax tree, the function registry.
#pragma once

#include "mlscale/expr.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mlscale::expr::detail {

// ---------------------------------------------------------------- tokens (lexer.cpp)

enum class Tok : std::uint8_t {
    Number,
    String,
    Path,
    True,
    False,
    And,
    Or,
    Not,
    In,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    EqEq,
    BangEq,
    Less,
    LessEq,
    Greater,
    GreaterEq,
    Error, // garbage the lexer has already reported; the parser skips it
    Eof,
};
inline constexpr std::size_t k_tok_count = static_cast<std::size_t>(Tok::Eof) + 1;

struct Token {
    Tok kind = Tok::Eof;
    Span span;
    double number = 0; // Number
    std::string text;  // String: the decoded value
};

/// Produces tokens one at a time. Lexical errors are appended to `errors` as they are found;
/// the lexer then either returns a usable token (bad escape, bad number, unterminated string)
/// or a Tok::Error token for garbage.
class Lexer {
public:
    Lexer(std::string_view text, std::vector<Error>& errors) : m_text(text), m_errors(errors) { }
    Token next();

private:
    Token make(Tok kind, std::size_t begin, std::size_t end) const;
    Token number(std::size_t begin);
    Token string(std::size_t begin);
    Token path(std::size_t begin);
    Token unexpected(std::size_t begin);
    void error(std::string message, std::size_t begin, std::size_t end, std::string help = {});

    std::string_view m_text;
    std::size_t m_pos = 0;
    std::vector<Error>& m_errors;
};

bool is_keyword(std::string_view word) noexcept;

// ---------------------------------------------------------------- syntax tree

enum class Op : std::uint8_t {
    Num,
    Str,
    Bool,
    List,
    Path,
    Neg,
    Not,
    And,
    Or,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Call,
    Error, // a syntax error already reported; type any, never evaluated
};

/// Node::fn of an Op::Error node whose children `a` and `b` are still checked.
inline constexpr std::uint8_t k_error_with_operands = 1;

/// The checker's view of a type: a list may know its element type.
struct StaticType {
    Type kind = Type::Any;
    Type elem = Type::Any; // meaningful for lists only
};

/// One node of the flat tree. Children are indices into Program::nodes.
struct Node {
    Op op = Op::Error;
    std::uint8_t fn = 0;      // Call: index into function_table(); Error: k_error_with_operands
    std::uint16_t height = 0; // 0 for leaves
    std::uint32_t a = 0;      // unary/binary: first child; Num/Str/Bool: constant index;
                              // Path: path index; List/Call: first index into Program::args
    std::uint32_t b = 0;      // binary: second child; List/Call: element/argument count
    Span span;                // the whole node
    Span op_span;             // the operator token; for a call, the function name
    StaticType type;          // filled in by the checker
};

/// A fact path, resolved once at compile time.
struct PathRef {
    std::string dotted;                // "dataset.size_gb"
    std::vector<std::string> segments; // {"dataset", "size_gb"}
};

struct Program {
    std::string source;
    std::vector<Node> nodes;
    std::vector<std::uint32_t> args; // list elements and call arguments, by range
    std::vector<Value> constants;
    std::vector<PathRef> paths; // distinct, in order of first appearance
    std::uint32_t root = 0;
};

struct Access {
    static Expression make(std::shared_ptr<const Program> p)
    {
        return Expression(std::move(p));
    }
    static const Program& program(const Expression& e)
    {
        return *e.m_program;
    }
    static Template make(std::shared_ptr<const TemplateProgram> p)
    {
        return Template(std::move(p));
    }
    static const TemplateProgram& program(const Template& t)
    {
        return *t.m_program;
    }
};

/// Parses `text` into `program` (parser.cpp). Syntax errors go to `errors`; the tree then
/// contains Op::Error nodes but is still well formed, so the checker can report more.
/// Returns false when parsing stopped early (a limit was hit); the tree is then not checked.
bool parse(std::string_view text, const Limits& limits, Program& program, std::vector<Error>& errors);

/// Resolves paths and functions and infers types (checker.cpp).
void check(Program& program, const Schema& schema, std::vector<Error>& errors);

/// Token / operator text for messages, e.g. "'and'" or "end of expression".
std::string_view op_text(Op op) noexcept;

// ---------------------------------------------------------------- functions (eval.cpp)

struct Evaluator;

/// How the checker types a call's arguments.
enum class Check : std::uint8_t {
    Params,   // each argument against `params`
    Exists,   // exactly one path
    MinMax,   // numbers, or a single list of numbers
    AnyAll,   // a list of bools
    Contains, // (string, string) or (list, element)
    Coalesce, // arguments of one type; the result has it
};

/// What an argument may be. `StringOrList` accepts either.
enum class Param : std::uint8_t { Number, String, Bool, List, StringOrList, Any };

inline constexpr std::uint8_t k_variadic = 255;

struct FunctionDef {
    std::string_view name;
    std::uint8_t min_args;
    std::uint8_t max_args; // k_variadic: no limit
    Check check;
    std::array<Param, 2> params;
    Type result; // Type::Any for Coalesce (computed)
    std::string_view signature;
    std::string_view doc;
    std::string_view example;
    /// Pure implementation; `args` indexes Program::args (the argument nodes), so that
    /// exists() can look at its path and coalesce() can skip its fallback.
    Value (*eval)(const Evaluator& ev, const std::uint32_t* args, std::size_t count);
};

std::span<const FunctionDef> function_table() noexcept;
/// Index into function_table(), or -1.
int find_function(std::string_view name) noexcept;

} // namespace mlscale::expr::detail
