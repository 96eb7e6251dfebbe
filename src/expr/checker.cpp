// The checker: resolves every path (through the Schema) and every function (through the
// registry) at compile time, and infers types, rejecting the type errors it can prove.
// Also the compile() entry points and the Schema helpers.
#include "ast.hpp"
#include "mlscale/suggest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace mlscale::expr {

std::string_view type_name(Type type) noexcept
{
    switch (type) {
    case Type::Number:
        return "number";
    case Type::String:
        return "string";
    case Type::Bool:
        return "bool";
    case Type::List:
        return "list";
    case Type::Any:
        return "any";
    }
    return "any";
}

// ---------------------------------------------------------------- schemas

Schema::~Schema() = default;

MapSchema::MapSchema(std::map<std::string, Type, std::less<>> paths, std::map<std::string, Type, std::less<>> prefixes) : m_paths(std::move(paths))
{
    for (auto& [prefix, type] : prefixes)
        add_prefix(prefix, type);
}

MapSchema& MapSchema::add(std::string path, Type type)
{
    m_paths[std::move(path)] = type;
    return *this;
}

MapSchema& MapSchema::add_prefix(std::string prefix, Type type)
{
    if (prefix.empty() || prefix.back() != '.')
        prefix += '.';
    m_prefixes[std::move(prefix)] = type;
    return *this;
}

std::optional<Type> MapSchema::path_type(std::string_view path) const
{
    if (const auto it = m_paths.find(path); it != m_paths.end())
        return it->second;
    for (const auto& [prefix, type] : m_prefixes) {
        if (path.size() > prefix.size() && path.substr(0, prefix.size()) == prefix)
            return type;
    }
    return std::nullopt;
}

std::vector<std::string> MapSchema::known_paths() const
{
    std::vector<std::string> out;
    out.reserve(m_paths.size() + m_prefixes.size());
    for (const auto& [path, type] : m_paths)
        out.push_back(path);
    for (const auto& [prefix, type] : m_prefixes)
        out.push_back(prefix);
    return out;
}

namespace detail {

std::string_view op_text(Op op) noexcept
{
    switch (op) {
    case Op::Neg:
        return "-";
    case Op::Not:
        return "not";
    case Op::And:
        return "and";
    case Op::Or:
        return "or";
    case Op::Add:
        return "+";
    case Op::Sub:
        return "-";
    case Op::Mul:
        return "*";
    case Op::Div:
        return "/";
    case Op::Mod:
        return "%";
    case Op::Eq:
        return "==";
    case Op::Ne:
        return "!=";
    case Op::Lt:
        return "<";
    case Op::Le:
        return "<=";
    case Op::Gt:
        return ">";
    case Op::Ge:
        return ">=";
    case Op::In:
        return "in";
    case Op::NotIn:
        return "not in";
    default:
        return "?";
    }
}

namespace {

bool known(Type t) noexcept
{
    return t != Type::Any;
}

std::string describe(StaticType t)
{
    if (t.kind == Type::List && known(t.elem))
        return fmt::format("list of {}", type_name(t.elem));
    return std::string(type_name(t.kind));
}

std::string_view ordinal(std::size_t i) noexcept
{
    static constexpr std::string_view names[] = {"first", "second", "third", "fourth"};
    return i < 4 ? names[i] : "next";
}

std::string plural(std::size_t n, std::string_view word)
{
    return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

class Checker {
public:
    Checker(Program& program, const Schema& schema, std::vector<Error>& errors) : m_program(program), m_schema(schema), m_errors(errors) { }

    StaticType check(std::uint32_t id)
    {
        Node& n = m_program.nodes[id]; // the node vector does not grow while checking
        StaticType t;
        switch (n.op) {
        case Op::Num:
            t.kind = Type::Number;
            break;
        case Op::Str:
            t.kind = Type::String;
            break;
        case Op::Bool:
            t.kind = Type::Bool;
            break;
        case Op::List:
            t = check_list(n);
            break;
        case Op::Path:
            t = check_path(n);
            break;
        case Op::Neg:
            expect_number(n.a, check(n.a), n.op);
            t.kind = Type::Number;
            break;
        case Op::Not:
            expect_bool(n.a, check(n.a), n.op);
            t.kind = Type::Bool;
            break;
        case Op::And:
        case Op::Or: {
            const StaticType l = check(n.a);
            const StaticType r = check(n.b);
            expect_bool(n.a, l, n.op);
            expect_bool(n.b, r, n.op);
            t.kind = Type::Bool;
            break;
        }
        case Op::Add:
            t = check_add(n, check(n.a), check(n.b));
            break;
        case Op::Sub:
        case Op::Mul:
        case Op::Div:
        case Op::Mod: {
            const StaticType l = check(n.a);
            const StaticType r = check(n.b);
            expect_number(n.a, l, n.op);
            expect_number(n.b, r, n.op);
            t.kind = Type::Number;
            break;
        }
        case Op::Eq:
        case Op::Ne: {
            const StaticType l = check(n.a);
            const StaticType r = check(n.b);
            expect_comparable(n, l, r);
            t.kind = Type::Bool;
            break;
        }
        case Op::Lt:
        case Op::Le:
        case Op::Gt:
        case Op::Ge: {
            const StaticType l = check(n.a);
            const StaticType r = check(n.b);
            const bool ok_l = expect_ordered(n.a, l, n.op);
            const bool ok_r = expect_ordered(n.b, r, n.op);
            if (ok_l && ok_r)
                expect_comparable(n, l, r);
            t.kind = Type::Bool;
            break;
        }
        case Op::In:
        case Op::NotIn:
            check_in(n, check(n.a), check(n.b));
            t.kind = Type::Bool;
            break;
        case Op::Call:
            t = check_call(n);
            break;
        case Op::Error:
            if (n.fn == k_error_with_operands) {
                check(n.a);
                check(n.b);
            }
            break;
        }
        n.type = t;
        return t;
    }

private:
    void error(Span span, std::string message, std::string help = {})
    {
        m_errors.push_back(Error{std::move(message), span, std::move(help)});
    }

    std::string_view slice(Span s) const
    {
        return std::string_view(m_program.source).substr(s.begin, s.end - s.begin);
    }
    const Node& node(std::uint32_t id) const
    {
        return m_program.nodes[id];
    }

    void expect_number(std::uint32_t child, StaticType t, Op op)
    {
        if (known(t.kind) && t.kind != Type::Number) {
            error(node(child).span, fmt::format("'{}' expects a number, got {}", op_text(op), describe(t)));
        }
    }

    void expect_bool(std::uint32_t child, StaticType t, Op op)
    {
        if (!known(t.kind) || t.kind == Type::Bool)
            return;
        std::string help;
        if (t.kind == Type::Number)
            help = fmt::format("compare it, e.g. `{} > 0`", slice(node(child).span));
        if (t.kind == Type::String)
            help = fmt::format("compare it, e.g. `{} == \"...\"`", slice(node(child).span));
        if (t.kind == Type::List)
            help = "use any(...), all(...) or len(...)";
        error(node(child).span, fmt::format("'{}' expects a bool, got {}", op_text(op), describe(t)), std::move(help));
    }

    bool expect_ordered(std::uint32_t child, StaticType t, Op op)
    {
        if (known(t.kind) && t.kind != Type::Number && t.kind != Type::String) {
            error(node(child).span, fmt::format("'{}' expects a number or string, got {}", op_text(op), describe(t)));
            return false;
        }
        return true;
    }

    static bool compatible(StaticType a, StaticType b) noexcept
    {
        if (!known(a.kind) || !known(b.kind))
            return true;
        if (a.kind != b.kind)
            return false;
        if (a.kind == Type::List && known(a.elem) && known(b.elem))
            return a.elem == b.elem;
        return true;
    }

    void expect_comparable(const Node& n, StaticType l, StaticType r)
    {
        if (!compatible(l, r)) {
            error(n.op_span, fmt::format("cannot compare {} with {}", describe(l), describe(r)));
        }
    }

    StaticType check_add(const Node& n, StaticType l, StaticType r)
    {
        auto addable = [](Type t) { return !known(t) || t == Type::Number || t == Type::String; };
        bool ok = true;
        if (!addable(l.kind)) {
            error(node(n.a).span, fmt::format("'+' expects numbers or strings, got {}", describe(l)));
            ok = false;
        }
        if (!addable(r.kind)) {
            error(node(n.b).span, fmt::format("'+' expects numbers or strings, got {}", describe(r)));
            ok = false;
        }
        if (!ok)
            return StaticType{};
        if (known(l.kind) && known(r.kind) && l.kind != r.kind) {
            error(n.op_span, fmt::format("'+' needs two numbers or two strings, got {} and {}", describe(l), describe(r)));
            return StaticType{};
        }
        return StaticType{known(l.kind) ? l.kind : r.kind};
    }

    void check_in(const Node& n, StaticType l, StaticType r)
    {
        const std::string_view op = op_text(n.op);
        if (r.kind == Type::List) {
            if (known(l.kind) && known(r.elem) && !compatible(l, StaticType{r.elem})) {
                error(n.op_span, fmt::format("cannot compare {} with the list's {} elements", describe(l), type_name(r.elem)));
            }
        } else if (r.kind == Type::String) {
            if (known(l.kind) && l.kind != Type::String) {
                error(node(n.a).span, fmt::format("'{}' with a string on the right expects a string on the left, got {}", op, describe(l)));
            }
        } else if (known(r.kind)) {
            error(node(n.b).span, fmt::format("'{}' expects a list or string on the right, got {}", op, describe(r)));
        }
    }

    StaticType check_list(const Node& n)
    {
        StaticType t{Type::List, Type::Any};
        StaticType first;
        for (std::uint32_t i = 0; i < n.b; ++i) {
            const std::uint32_t child = m_program.args[n.a + i];
            const StaticType e = check(child);
            if (!known(e.kind))
                continue;
            if (!known(first.kind)) {
                first = e;
            } else if (!compatible(first, e)) {
                error(node(child).span, fmt::format("list elements must all have the same type: expected {}, got {}", describe(first), describe(e)));
            }
        }
        t.elem = first.kind;
        return t;
    }

    StaticType check_path(const Node& n)
    {
        const PathRef& ref = m_program.paths[n.a];
        const std::optional<Type> type = m_schema.path_type(ref.dotted);
        if (!type) {
            error(n.span, fmt::format("unknown path '{}'", ref.dotted), suggest_path(ref.dotted));
            return StaticType{};
        }
        return StaticType{*type, Type::Any};
    }

    std::string suggest_path(const std::string& path)
    {
        if (!m_known)
            m_known = m_schema.known_paths();
        const std::vector<std::string>& candidates = *m_known;

        std::string lower = path;
        for (auto& c : lower)
            c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        if (lower != path && is_keyword(lower))
            return fmt::format("did you mean `{}`? keywords are lower-case", lower);
        if (find_function(path) >= 0)
            return fmt::format("`{}` is a function; call it as `{}(...)`", path, path);

        const std::string group = path + ".";
        for (const auto& c : candidates) {
            if (c.size() > group.size() && c.compare(0, group.size(), group) == 0 && c.back() != '.') {
                return fmt::format("`{}` is a group of facts, not a value; use a field such as `{}`", path, c);
            }
        }

        for (const auto& c : candidates) {
            if (c == group)
                return fmt::format("`{}` is a group of facts, not a value; use a field such as `{}<name>`", path, c);
        }

        std::vector<std::string> exact;
        for (const auto& c : candidates) {
            if (!c.empty() && c.back() != '.')
                exact.push_back(c);
        }
        if (auto m = closest_match(path, exact))
            return fmt::format("did you mean `{}`?", *m);

        // Open prefixes ("param."): compare the path's leading segments with the prefix.
        std::optional<std::string> best;
        std::size_t best_distance = std::numeric_limits<std::size_t>::max();
        for (const auto& prefix : candidates) {
            if (prefix.empty() || prefix.back() != '.')
                continue;
            const auto dots = static_cast<std::size_t>(std::count(prefix.begin(), prefix.end(), '.'));
            std::size_t cut = std::string::npos;
            std::size_t from = 0;
            for (std::size_t s = 0; s < dots; ++s) {
                cut = path.find('.', from);
                if (cut == std::string::npos)
                    break;
                from = cut + 1;
            }
            if (cut == std::string::npos || cut + 1 >= path.size())
                continue;
            const std::string head = path.substr(0, cut + 1);
            const std::size_t d = edit_distance(head, prefix);
            if (d <= std::max<std::size_t>(2, prefix.size() / 3) && d < best_distance) {
                best_distance = d;
                best = prefix + path.substr(cut + 1);
            }
        }
        if (best)
            return fmt::format("did you mean `{}`?", *best);
        return {};
    }

    /// Whole-number literal value of `id` (a number or a negated number), if it is one.
    std::optional<double> literal_number(std::uint32_t id) const
    {
        const Node& n = node(id);
        if (n.op == Op::Num)
            return m_program.constants[n.a].as_number();
        if (n.op == Op::Neg && node(n.a).op == Op::Num)
            return -m_program.constants[node(n.a).a].as_number();
        return std::nullopt;
    }

    bool matches(Param p, Type t) const noexcept
    {
        if (!known(t))
            return true;
        switch (p) {
        case Param::Number:
            return t == Type::Number;
        case Param::String:
            return t == Type::String;
        case Param::Bool:
            return t == Type::Bool;
        case Param::List:
            return t == Type::List;
        case Param::StringOrList:
            return t == Type::String || t == Type::List;
        case Param::Any:
            return true;
        }
        return true;
    }

    static std::string_view param_text(Param p) noexcept
    {
        switch (p) {
        case Param::Number:
            return "a number";
        case Param::String:
            return "a string";
        case Param::Bool:
            return "a bool";
        case Param::List:
            return "a list";
        case Param::StringOrList:
            return "a string or list";
        case Param::Any:
            return "a value";
        }
        return "a value";
    }

    // A call being checked: its node, name, function and the checked types of its arguments.
    struct Call {
        const Node& n;
        std::string_view name;
        const FunctionDef& f;
        std::vector<StaticType> args;
    };

    const Node& arg(const Call& call, std::size_t i) const
    {
        return node(m_program.args[call.n.a + i]);
    }

    StaticType check_call(Node& n)
    {
        const std::string_view name = slice(n.op_span);
        std::vector<StaticType> args;
        args.reserve(n.b);
        for (std::uint32_t i = 0; i < n.b; ++i) {
            args.push_back(check(m_program.args[n.a + i]));
        }
        const int index = find_function(name);
        if (index < 0) {
            unknown_function(n, name);
            return StaticType{};
        }
        n.fn = static_cast<std::uint8_t>(index);
        const Call call{n, name, function_table()[static_cast<std::size_t>(index)], std::move(args)};
        const StaticType result{call.f.result};
        if (!check_arity(call)) {
            return result;
        }
        switch (call.f.check) {
        case Check::Params:
            check_param_args(call);
            return result;
        case Check::Exists:
            check_exists(call);
            return result;
        case Check::MinMax:
            check_min_max(call);
            return result;
        case Check::AnyAll:
            check_any_all(call);
            return result;
        case Check::Contains:
            check_contains(call);
            return result;
        case Check::Coalesce:
            return check_coalesce(call);
        }
        return result;
    }

    void unknown_function(const Node& n, std::string_view name)
    {
        std::vector<std::string> names;
        for (const auto& f : function_table()) {
            names.emplace_back(f.name);
        }
        std::string help;
        if (auto m = closest_match(name, names)) {
            help = fmt::format("did you mean `{}`?", *m);
        } else {
            help = "see the function list in docs/expression-language.md";
        }
        error(n.op_span, fmt::format("unknown function '{}'", name), std::move(help));
    }

    // Whether the call has as many arguments as the function takes; an error where it does not.
    bool check_arity(const Call& call)
    {
        const FunctionDef& f = call.f;
        const std::size_t count = call.n.b;
        if (count >= f.min_args && (f.max_args == k_variadic || count <= f.max_args)) {
            return true;
        }
        std::string takes;
        if (f.max_args == k_variadic) {
            takes = fmt::format("at least {}", plural(f.min_args, "argument"));
        } else if (f.min_args == f.max_args) {
            takes = plural(f.min_args, "argument");
        } else if (f.max_args == f.min_args + 1) {
            takes = fmt::format("{} or {} arguments", f.min_args, f.max_args);
        } else {
            takes = fmt::format("{} to {} arguments", f.min_args, f.max_args);
        }
        // Too many: point at the first extra argument; too few: at the closing ')'.
        const Span where = count > f.min_args ? arg(call, f.max_args).span : Span{call.n.span.end - 1, call.n.span.end};
        error(where, fmt::format("function '{}' takes {}, got {}", call.name, takes, count));
        return false;
    }

    // Each argument against the function's declared parameters.
    void check_param_args(const Call& call)
    {
        const FunctionDef& f = call.f;
        for (std::size_t i = 0; i < call.args.size(); ++i) {
            const Param p = f.params[std::min<std::size_t>(i, f.params.size() - 1)];
            if (matches(p, call.args[i].kind)) {
                continue;
            }
            if (f.max_args == 1) {
                error(arg(call, i).span, fmt::format("'{}' expects {}, got {}", call.name, param_text(p), describe(call.args[i])));
            } else {
                error(
                    arg(call, i).span, fmt::format("'{}' expects {} as its {} argument, got {}", call.name, param_text(p), ordinal(i), describe(call.args[i])));
            }
        }
        if (f.name == "round" && call.args.size() == 2) {
            if (auto d = literal_number(m_program.args[call.n.a + 1]); d && (*d != std::trunc(*d) || std::fabs(*d) > 15)) {
                error(arg(call, 1).span, "'round' expects a whole number of digits from -15 to 15");
            }
        }
    }

    void check_exists(const Call& call)
    {
        if (arg(call, 0).op != Op::Path && arg(call, 0).op != Op::Error) {
            error(arg(call, 0).span, "'exists' expects a path", "e.g. exists(dataset.size_gb)");
        }
    }

    // Numbers, or one list of numbers.
    void check_min_max(const Call& call)
    {
        if (call.args.size() == 1) {
            const StaticType a = call.args[0];
            if (a.kind == Type::List) {
                if (known(a.elem) && a.elem != Type::Number) {
                    error(arg(call, 0).span, fmt::format("'{}' expects numbers, got a {}", call.name, describe(a)));
                }
            } else if (known(a.kind) && a.kind != Type::Number) {
                error(arg(call, 0).span, fmt::format("'{}' expects numbers or a list of numbers, got {}", call.name, describe(a)));
            }
            return;
        }
        for (std::size_t i = 0; i < call.args.size(); ++i) {
            if (known(call.args[i].kind) && call.args[i].kind != Type::Number) {
                error(arg(call, i).span, fmt::format("'{}' expects numbers, got {}", call.name, describe(call.args[i])));
            }
        }
    }

    void check_any_all(const Call& call)
    {
        const StaticType a = call.args[0];
        if (known(a.kind) && (a.kind != Type::List || (known(a.elem) && a.elem != Type::Bool))) {
            error(arg(call, 0).span, fmt::format("'{}' expects a list of bools, got {}{}", call.name, a.kind == Type::List ? "a " : "", describe(a)));
        }
    }

    // (string, string) or (list, element of the list's type).
    void check_contains(const Call& call)
    {
        const StaticType h = call.args[0];
        const StaticType x = call.args[1];
        if (!matches(Param::StringOrList, h.kind)) {
            error(arg(call, 0).span, fmt::format("'{}' expects a string or list as its first argument, got {}", call.name, describe(h)));
        } else if (h.kind == Type::String && known(x.kind) && x.kind != Type::String) {
            error(arg(call, 1).span, fmt::format("'{}' on a string expects a string as its second argument, got {}", call.name, describe(x)));
        } else if (h.kind == Type::List && known(h.elem) && !compatible(x, StaticType{h.elem})) {
            error(arg(call, 1).span, fmt::format("cannot compare {} with the list's {} elements", describe(x), type_name(h.elem)));
        }
    }

    // Arguments of one type, which is the result's.
    StaticType check_coalesce(const Call& call)
    {
        StaticType t;
        for (std::size_t i = 0; i < call.args.size(); ++i) {
            if (!known(call.args[i].kind)) {
                continue;
            }
            if (!known(t.kind)) {
                t = call.args[i];
            } else if (!compatible(t, call.args[i])) {
                error(arg(call, i).span, fmt::format("'{}' arguments must have the same type, got {} and {}", call.name, describe(t), describe(call.args[i])));
            }
        }
        // Only a known type when every argument has it: an `any` argument may be anything.
        for (const auto& a : call.args) {
            if (!known(a.kind)) {
                return StaticType{};
            }
        }
        return t;
    }

    Program& m_program;
    const Schema& m_schema;
    std::vector<Error>& m_errors;
    std::optional<std::vector<std::string>> m_known;
};

void finish(std::vector<Error>& errors, const Limits& limits)
{
    std::stable_sort(errors.begin(), errors.end(), [](const Error& a, const Error& b) { return a.span.begin < b.span.begin; });
    if (errors.size() > limits.max_errors)
        errors.resize(limits.max_errors);
}

std::string quote(const std::string& s)
{
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    out += '"';
    return out;
}

void sexpr(const Program& p, std::uint32_t id, std::string& out)
{
    const Node& n = p.nodes[id];
    switch (n.op) {
    case Op::Num:
        out += fmt::format("{}", p.constants[n.a].as_number());
        return;
    case Op::Str:
        out += quote(p.constants[n.a].as_string());
        return;
    case Op::Bool:
        out += p.constants[n.a].as_bool() ? "true" : "false";
        return;
    case Op::Path:
        out += p.paths[n.a].dotted;
        return;
    case Op::Error:
        out += "<error>";
        return;
    case Op::List:
    case Op::Call:
        out += n.op == Op::List ? "[" : "(";
        if (n.op == Op::Call)
            out.append(p.source, n.op_span.begin, n.op_span.end - n.op_span.begin);
        for (std::uint32_t i = 0; i < n.b; ++i) {
            if (i > 0 || n.op == Op::Call)
                out += ' ';
            sexpr(p, p.args[n.a + i], out);
        }
        out += n.op == Op::List ? "]" : ")";
        return;
    case Op::Neg:
    case Op::Not:
        out += fmt::format("({} ", op_text(n.op));
        sexpr(p, n.a, out);
        out += ')';
        return;
    default:
        out += fmt::format("({} ", op_text(n.op));
        sexpr(p, n.a, out);
        out += ' ';
        sexpr(p, n.b, out);
        out += ')';
        return;
    }
}

} // namespace

void check(Program& program, const Schema& schema, std::vector<Error>& errors)
{
    if (program.nodes.empty())
        return;
    Checker checker(program, schema, errors);
    checker.check(program.root);
}

} // namespace detail

// ---------------------------------------------------------------- entry points

Type Expression::type() const noexcept
{
    const auto& p = *m_program;
    return p.nodes[p.root].type.kind;
}

std::string_view Expression::source() const noexcept
{
    return m_program->source;
}

CompileResult compile(std::string_view text, const Schema& schema, const Limits& limits)
{
    CompileResult result;
    const std::size_t max_bytes = std::min<std::size_t>(limits.max_expression_bytes, std::numeric_limits<std::uint32_t>::max() - 1);
    if (text.size() > max_bytes) {
        const auto end = static_cast<std::uint32_t>(std::min<std::size_t>(text.size(), std::numeric_limits<std::uint32_t>::max()));
        result.errors.push_back(
            Error{fmt::format("expression is too long ({} bytes; the limit is {})", text.size(), limits.max_expression_bytes), Span{0, end}, {}});
        return result;
    }
    auto program = std::make_shared<detail::Program>();
    program->source = std::string(text);
    std::vector<Error> errors;
    if (detail::parse(text, limits, *program, errors))
        detail::check(*program, schema, errors);
    detail::finish(errors, limits);
    if (errors.empty()) {
        result.expression = detail::Access::make(std::move(program));
    } else {
        result.errors = std::move(errors);
    }
    return result;
}

CompileResult compile_condition(std::string_view text, const Schema& schema, const Limits& limits)
{
    CompileResult result = compile(text, schema, limits);
    if (!result.expression)
        return result;
    const auto& p = detail::Access::program(*result.expression);
    const detail::Node& root = p.nodes[p.root];
    if (root.type.kind != Type::Bool && root.type.kind != Type::Any) {
        std::string help;
        if (root.type.kind == Type::Number)
            help = fmt::format("compare it, e.g. `{} > 0`", text);
        result.errors.push_back(Error{fmt::format("a condition must be a bool expression, got {}", type_name(root.type.kind)), root.span, std::move(help)});
        result.expression.reset();
    }
    return result;
}

std::vector<std::string> referenced_paths(const Expression& e)
{
    std::vector<std::string> out;
    for (const auto& ref : detail::Access::program(e).paths)
        out.push_back(ref.dotted);
    return out;
}

std::string to_sexpr(const Expression& e)
{
    const auto& p = detail::Access::program(e);
    std::string out;
    detail::sexpr(p, p.root, out);
    return out;
}

} // namespace mlscale::expr
