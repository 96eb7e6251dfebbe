// The tree-walking evaluator (three-valued logic), run-time values, number formatting,
// and the built-in function registry.
#include "ast.hpp"

#include <fmt/format.h>

#include <cmath>

namespace mlscale::expr {

// ---------------------------------------------------------------- values

Value Value::number(double v) noexcept
{
    Value out;
    if (std::isfinite(v))
        out.m_value = v == 0.0 ? 0.0 : v; // also turns -0 into 0
    return out;
}

Value Value::string(std::string v)
{
    Value out;
    out.m_value = std::move(v);
    return out;
}

Value Value::boolean(bool v) noexcept
{
    Value out;
    out.m_value = v;
    return out;
}

Value Value::list(List v)
{
    Value out;
    out.m_value = std::move(v);
    return out;
}

Type Value::type() const noexcept
{
    switch (m_value.index()) {
    case 1:
        return Type::Number;
    case 2:
        return Type::Bool;
    case 3:
        return Type::String;
    case 4:
        return Type::List;
    default:
        return Type::Any;
    }
}

bool operator==(const Value& a, const Value& b)
{
    if (a.m_value.index() != b.m_value.index())
        return false;
    switch (a.m_value.index()) {
    case 0:
        return true;
    case 1:
        return a.as_number() == b.as_number();
    case 2:
        return a.as_bool() == b.as_bool();
    case 3:
        return a.as_string() == b.as_string();
    default: {
        const auto& x = a.as_list();
        const auto& y = b.as_list();
        if (x.size() != y.size())
            return false;
        for (std::size_t i = 0; i < x.size(); ++i) {
            if (!(x[i] == y[i]))
                return false;
        }
        return true;
    }
    }
}

std::string Value::to_display() const
{
    switch (m_value.index()) {
    case 1:
        return format_number(as_number());
    case 2:
        return as_bool() ? "true" : "false";
    case 3:
        return as_string();
    case 4: {
        std::string out = "[";
        bool first = true;
        for (const auto& e : as_list()) {
            if (!first)
                out += ", ";
            first = false;
            out += e.to_display();
        }
        out += ']';
        return out;
    }
    default:
        return "unknown";
    }
}

namespace {

Value from_json(const nlohmann::json& j, int depth)
{
    switch (j.type()) {
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
        return Value::number(j.get<double>());
    case nlohmann::json::value_t::string:
        return Value::string(j.get_ref<const std::string&>());
    case nlohmann::json::value_t::boolean:
        return Value::boolean(j.get<bool>());
    case nlohmann::json::value_t::array: {
        if (depth >= 64)
            return Value(); // absurdly deep data: unknown rather than deep recursion
        Value::List list;
        list.reserve(j.size());
        for (const auto& e : j)
            list.push_back(from_json(e, depth + 1));
        return Value::list(std::move(list));
    }
    default:
        return Value(); // null, object, binary, discarded
    }
}

} // namespace

Value value_from_json(const nlohmann::json& j)
{
    return from_json(j, 0);
}

// ---------------------------------------------------------------- number formatting

namespace {

std::string trim_zeros(std::string s)
{
    if (s.find('.') == std::string::npos)
        return s;
    while (!s.empty() && s.back() == '0')
        s.pop_back();
    if (!s.empty() && s.back() == '.')
        s.pop_back();
    if (s == "-0")
        s = "0";
    return s;
}

} // namespace

std::string format_number(double v)
{
    if (!std::isfinite(v))
        return "unknown";
    if (v == 0)
        return "0";
    const double mag = std::fabs(v);
    if (v == std::trunc(v)) {
        if (mag < 1e21)
            return fmt::format("{:.0f}", v);
        return fmt::format("{}", v);
    }
    if (mag >= 0.01) {
        std::string s = trim_zeros(fmt::format("{:.2f}", v));
        return s;
    }
    if (mag < 1e-6)
        return fmt::format("{:.1e}", v);
    // Two significant digits: 0.0042, 0.00051.
    const int decimals = 1 - static_cast<int>(std::floor(std::log10(mag)));
    return trim_zeros(fmt::format("{:.{}f}", v, decimals));
}

namespace detail {

// ---------------------------------------------------------------- the evaluator

enum class Tri : std::uint8_t { False, True, Unknown };

namespace {

Tri truth(const Value& v) noexcept
{
    if (!v.is_bool())
        return Tri::Unknown;
    return v.as_bool() ? Tri::True : Tri::False;
}

Value from_tri(Tri t)
{
    if (t == Tri::Unknown)
        return Value();
    return Value::boolean(t == Tri::True);
}

Tri negate(Tri t) noexcept
{
    if (t == Tri::Unknown)
        return t;
    return t == Tri::True ? Tri::False : Tri::True;
}

/// The language's `==`: unknown when either side is unknown or the types differ at run time;
/// lists compare element-wise with Kleene `and`.
Tri equals(const Value& a, const Value& b)
{
    if (a.is_unknown() || b.is_unknown() || a.type() != b.type())
        return Tri::Unknown;
    switch (a.type()) {
    case Type::Number:
        return a.as_number() == b.as_number() ? Tri::True : Tri::False;
    case Type::String:
        return a.as_string() == b.as_string() ? Tri::True : Tri::False;
    case Type::Bool:
        return a.as_bool() == b.as_bool() ? Tri::True : Tri::False;
    case Type::List: {
        const auto& x = a.as_list();
        const auto& y = b.as_list();
        if (x.size() != y.size())
            return Tri::False;
        Tri acc = Tri::True;
        for (std::size_t i = 0; i < x.size(); ++i) {
            const Tri t = equals(x[i], y[i]);
            if (t == Tri::False)
                return Tri::False;
            if (t == Tri::Unknown)
                acc = Tri::Unknown;
        }
        return acc;
    }
    case Type::Any:
        break;
    }
    return Tri::Unknown;
}

/// `==` between a value and a JSON element, without converting scalars.
Tri equals_json(const Value& a, const nlohmann::json& j)
{
    if (a.is_unknown())
        return Tri::Unknown;
    if (j.is_number())
        return a.is_number() ? (a.as_number() == j.get<double>() ? Tri::True : Tri::False) : Tri::Unknown;
    if (j.is_string()) {
        return a.is_string() ? (a.as_string() == j.get_ref<const std::string&>() ? Tri::True : Tri::False) : Tri::Unknown;
    }
    if (j.is_boolean())
        return a.is_bool() ? (a.as_bool() == j.get<bool>() ? Tri::True : Tri::False) : Tri::Unknown;
    return equals(a, value_from_json(j));
}

std::size_t code_points(std::string_view s) noexcept
{
    std::size_t n = 0;
    for (const char c : s)
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

} // namespace

struct Evaluator {
    const Program& p;
    const nlohmann::json& facts;
    const nlohmann::json* params = nullptr; // stands for facts["param"] when set

    const nlohmann::json* lookup(std::uint32_t path) const
    {
        const auto& segments = p.paths[path].segments;
        const nlohmann::json* cur = &facts;
        auto segment_it = segments.begin();
        if (params != nullptr && !segments.empty() && segments.front() == "param") {
            cur = params;
            ++segment_it;
        }
        for (; segment_it != segments.end(); ++segment_it) {
            const auto& segment = *segment_it;
            if (!cur->is_object())
                return nullptr;
            const auto& object = cur->get_ref<const nlohmann::json::object_t&>();
            const auto it = object.find(segment);
            if (it == object.end())
                return nullptr;
            cur = &it->second;
        }
        return cur;
    }

    /// Calls f(const Value&) for each element when node `id` is a list (f returns true to stop)
    /// and returns true. Otherwise stores the node's value in *scalar (when given) and returns
    /// false. List literals and list facts are walked without building a list.
    template <class F> bool each(std::uint32_t id, F&& f, Value* scalar = nullptr) const
    {
        const Node& n = p.nodes[id];
        if (n.op == Op::List) {
            for (std::uint32_t i = 0; i < n.b; ++i) {
                if (f(eval(p.args[n.a + i])))
                    break;
            }
            return true;
        }
        if (n.op == Op::Path) {
            const nlohmann::json* j = lookup(n.a);
            if (j != nullptr && j->is_array()) {
                for (const auto& e : *j) {
                    if (f(value_from_json(e)))
                        break;
                }
                return true;
            }
            if (scalar != nullptr)
                *scalar = j != nullptr ? value_from_json(*j) : Value();
            return false;
        }
        Value v = eval(id);
        if (v.is_list()) {
            for (const auto& e : v.as_list()) {
                if (f(e))
                    break;
            }
            return true;
        }
        if (scalar != nullptr)
            *scalar = std::move(v);
        return false;
    }

    /// `x in haystack`: Kleene `or` of `x == element` over a list; substring test on a string.
    Tri member(const Value& x, std::uint32_t haystack) const
    {
        const Node& h = p.nodes[haystack];
        if (h.op == Op::Path) {
            const nlohmann::json* j = lookup(h.a);
            if (j != nullptr && j->is_array()) {
                Tri acc = Tri::False;
                for (const auto& e : *j) {
                    const Tri t = equals_json(x, e);
                    if (t == Tri::True)
                        return t;
                    if (t == Tri::Unknown)
                        acc = t;
                }
                return acc;
            }
        }
        Tri acc = Tri::False;
        Value scalar;
        const bool is_list = each(
            haystack,
            [&](const Value& e) {
                const Tri t = equals(x, e);
                if (t == Tri::Unknown)
                    acc = t;
                if (t == Tri::True) {
                    acc = t;
                    return true;
                }
                return false;
            },
            &scalar);
        if (is_list)
            return acc;
        if (scalar.is_string() && x.is_string()) {
            return scalar.as_string().find(x.as_string()) != std::string::npos ? Tri::True : Tri::False;
        }
        return Tri::Unknown;
    }

    // + on two numbers or two strings; - * / % on numbers (division by zero: unknown).
    Value arithmetic(const Node& n) const
    {
        const Value l = eval(n.a);
        const Value r = eval(n.b);
        if (n.op == Op::Add && l.is_string() && r.is_string())
            return Value::string(l.as_string() + r.as_string());
        if (!l.is_number() || !r.is_number())
            return Value();
        const double x = l.as_number();
        const double y = r.as_number();
        switch (n.op) {
        case Op::Add:
            return Value::number(x + y);
        case Op::Sub:
            return Value::number(x - y);
        case Op::Mul:
            return Value::number(x * y);
        case Op::Div:
            return y == 0 ? Value() : Value::number(x / y);
        default:
            return y == 0 ? Value() : Value::number(std::fmod(x, y));
        }
    }

    // < <= > >= between two numbers or two strings; anything else is unknown.
    Value ordering(const Node& n) const
    {
        const Value l = eval(n.a);
        const Value r = eval(n.b);
        int c = 0;
        if (l.is_number() && r.is_number()) {
            c = l.as_number() < r.as_number() ? -1 : (l.as_number() > r.as_number() ? 1 : 0);
        } else if (l.is_string() && r.is_string()) {
            c = l.as_string().compare(r.as_string());
        } else {
            return Value();
        }
        switch (n.op) {
        case Op::Lt:
            return Value::boolean(c < 0);
        case Op::Le:
            return Value::boolean(c <= 0);
        case Op::Gt:
            return Value::boolean(c > 0);
        default:
            return Value::boolean(c >= 0);
        }
    }

    Value eval(std::uint32_t id) const
    {
        const Node& n = p.nodes[id];
        switch (n.op) {
        case Op::Num:
        case Op::Str:
        case Op::Bool:
            return p.constants[n.a];
        case Op::List: {
            Value::List list;
            list.reserve(n.b);
            for (std::uint32_t i = 0; i < n.b; ++i)
                list.push_back(eval(p.args[n.a + i]));
            return Value::list(std::move(list));
        }
        case Op::Path: {
            const nlohmann::json* j = lookup(n.a);
            return j != nullptr ? value_from_json(*j) : Value();
        }
        case Op::Neg: {
            const Value v = eval(n.a);
            return v.is_number() ? Value::number(-v.as_number()) : Value();
        }
        case Op::Not:
            return from_tri(negate(truth(eval(n.a))));
        case Op::And: {
            const Tri l = truth(eval(n.a));
            if (l == Tri::False)
                return Value::boolean(false);
            const Tri r = truth(eval(n.b));
            if (r == Tri::False)
                return Value::boolean(false);
            return from_tri(l == Tri::True && r == Tri::True ? Tri::True : Tri::Unknown);
        }
        case Op::Or: {
            const Tri l = truth(eval(n.a));
            if (l == Tri::True)
                return Value::boolean(true);
            const Tri r = truth(eval(n.b));
            if (r == Tri::True)
                return Value::boolean(true);
            return from_tri(l == Tri::False && r == Tri::False ? Tri::False : Tri::Unknown);
        }
        case Op::Add:
        case Op::Sub:
        case Op::Mul:
        case Op::Div:
        case Op::Mod:
            return arithmetic(n);
        case Op::Eq:
            return from_tri(equals(eval(n.a), eval(n.b)));
        case Op::Ne:
            return from_tri(negate(equals(eval(n.a), eval(n.b))));
        case Op::Lt:
        case Op::Le:
        case Op::Gt:
        case Op::Ge:
            return ordering(n);
        case Op::In:
            return from_tri(member(eval(n.a), n.b));
        case Op::NotIn:
            return from_tri(negate(member(eval(n.a), n.b)));
        case Op::Call:
            return function_table()[n.fn].eval(*this, p.args.data() + n.a, n.b);
        case Op::Error:
            return Value();
        }
        return Value();
    }
};

// ---------------------------------------------------------------- built-in functions

namespace {

using Args = const std::uint32_t*;

Value fn_exists(const Evaluator& ev, Args args, std::size_t)
{
    const Node& n = ev.p.nodes[args[0]];
    if (n.op != Op::Path)
        return Value::boolean(!ev.eval(args[0]).is_unknown());
    const nlohmann::json* j = ev.lookup(n.a);
    return Value::boolean(j != nullptr && (j->is_number() || j->is_string() || j->is_boolean() || j->is_array()));
}

Value fn_len(const Evaluator& ev, Args args, std::size_t)
{
    const Node& n = ev.p.nodes[args[0]];
    if (n.op == Op::Path) {
        const nlohmann::json* j = ev.lookup(n.a);
        if (j == nullptr)
            return Value();
        if (j->is_array())
            return Value::number(static_cast<double>(j->size()));
        if (j->is_string())
            return Value::number(static_cast<double>(code_points(j->get_ref<const std::string&>())));
        return Value();
    }
    const Value v = ev.eval(args[0]);
    if (v.is_string())
        return Value::number(static_cast<double>(code_points(v.as_string())));
    if (v.is_list())
        return Value::number(static_cast<double>(v.as_list().size()));
    return Value();
}

template <bool IsMin> Value fn_extreme(const Evaluator& ev, Args args, std::size_t count)
{
    bool have = false;
    bool bad = false;
    double best = 0;
    auto take = [&](const Value& v) {
        if (!v.is_number()) {
            bad = true;
            return true;
        }
        const double x = v.as_number();
        if (!have || (IsMin ? x < best : x > best))
            best = x;
        have = true;
        return false;
    };
    if (count == 1) {
        Value scalar;
        if (!ev.each(args[0], take, &scalar))
            take(scalar);
    } else {
        for (std::size_t i = 0; i < count && !bad; ++i)
            take(ev.eval(args[i]));
    }
    return bad || !have ? Value() : Value::number(best);
}

template <bool IsAny> Value fn_any_all(const Evaluator& ev, Args args, std::size_t)
{
    // any: Kleene `or` of the elements (false when empty); all: Kleene `and` (true when empty).
    const Tri decisive = IsAny ? Tri::True : Tri::False;
    Tri acc = IsAny ? Tri::False : Tri::True;
    const bool is_list = ev.each(args[0], [&](const Value& e) {
        const Tri t = truth(e);
        if (t == decisive) {
            acc = t;
            return true;
        }
        if (t == Tri::Unknown)
            acc = Tri::Unknown;
        return false;
    });
    return is_list ? from_tri(acc) : Value();
}

template <bool Starts> Value fn_affix(const Evaluator& ev, Args args, std::size_t)
{
    const Value s = ev.eval(args[0]);
    const Value x = ev.eval(args[1]);
    if (!s.is_string() || !x.is_string())
        return Value();
    const std::string_view a = s.as_string();
    return Value::boolean(Starts ? a.starts_with(x.as_string()) : a.ends_with(x.as_string()));
}

Value fn_contains(const Evaluator& ev, Args args, std::size_t)
{
    return from_tri(ev.member(ev.eval(args[1]), args[0]));
}

Value fn_lower(const Evaluator& ev, Args args, std::size_t)
{
    Value v = ev.eval(args[0]);
    if (!v.is_string())
        return Value();
    std::string s = v.as_string();
    for (auto& c : s)
        c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return Value::string(std::move(s));
}

Value fn_coalesce(const Evaluator& ev, Args args, std::size_t count)
{
    for (std::size_t i = 0; i < count; ++i) {
        Value v = ev.eval(args[i]);
        if (!v.is_unknown())
            return v;
    }
    return Value();
}

Value fn_abs(const Evaluator& ev, Args args, std::size_t)
{
    const Value v = ev.eval(args[0]);
    return v.is_number() ? Value::number(std::fabs(v.as_number())) : Value();
}

Value fn_round(const Evaluator& ev, Args args, std::size_t count)
{
    const Value v = ev.eval(args[0]);
    if (!v.is_number())
        return Value();
    double digits = 0;
    if (count == 2) {
        const Value d = ev.eval(args[1]);
        if (!d.is_number() || d.as_number() != std::trunc(d.as_number()) || std::fabs(d.as_number()) > 15) {
            return Value();
        }
        digits = d.as_number();
    }
    const double x = v.as_number();
    const double scale = std::pow(10.0, std::fabs(digits));
    if (digits >= 0) {
        if (std::fabs(x) * scale >= 4503599627370496.0)
            return v; // 2^52: already whole at this scale
        return Value::number(std::round(x * scale) / scale);
    }
    return Value::number(std::round(x / scale) * scale);
}

constexpr std::array<Param, 2> k_no_params{Param::Any, Param::Any};

// The registry. Keep docs/expression-language.md in step with it.
constexpr FunctionDef k_functions[] = {
    {"exists", 1, 1, Check::Exists, k_no_params, Type::Bool, "exists(path) -> bool",
        "true when the fact is known (present, not null, not an object); never unknown", "exists(dataset.size_gb)", fn_exists},
    {"len", 1, 1, Check::Params, {Param::StringOrList, Param::Any}, Type::Number, "len(string | list) -> number",
        "characters (Unicode code points) in a string, or elements in a list", "len([1, 2, 3]) == 3", fn_len},
    {"min", 1, k_variadic, Check::MinMax, k_no_params, Type::Number, "min(number, ...) | min(list) -> number",
        "the smallest argument, or the smallest element of a single list; unknown if any is unknown or the list is empty", "min(4, 2, 8) == 2",
        fn_extreme<true>},
    {"max", 1, k_variadic, Check::MinMax, k_no_params, Type::Number, "max(number, ...) | max(list) -> number",
        "the largest argument, or the largest element of a single list; unknown if any is unknown or the list is empty", "max([4, 2, 8]) == 8",
        fn_extreme<false>},
    {"any", 1, 1, Check::AnyAll, k_no_params, Type::Bool, "any(list) -> bool", "true when some element is true (Kleene 'or' of the elements; any([]) is false)",
        "any([false, true])", fn_any_all<true>},
    {"all", 1, 1, Check::AnyAll, k_no_params, Type::Bool, "all(list) -> bool",
        "true when every element is true (Kleene 'and' of the elements; all([]) is true)", "all([true, 1 < 2])", fn_any_all<false>},
    {"startswith", 2, 2, Check::Params, {Param::String, Param::String}, Type::Bool, "startswith(string, prefix: string) -> bool",
        "true when the string begins with the prefix", "startswith(\"a100-80gb\", \"a100\")", fn_affix<true>},
    {"endswith", 2, 2, Check::Params, {Param::String, Param::String}, Type::Bool, "endswith(string, suffix: string) -> bool",
        "true when the string ends with the suffix", "endswith(\"data.parquet\", \".parquet\")", fn_affix<false>},
    {"contains", 2, 2, Check::Contains, k_no_params, Type::Bool, "contains(string | list, value) -> bool",
        "substring test on a string, membership on a list (the same as 'value in ...')", "contains([\"nvme\", \"ssd\"], \"ssd\")", fn_contains},
    {"lower", 1, 1, Check::Params, {Param::String, Param::Any}, Type::String, "lower(string) -> string", "the string with ASCII letters lower-cased",
        "lower(\"GPU\") == \"gpu\"", fn_lower},
    {"coalesce", 2, 2, Check::Coalesce, k_no_params, Type::Any, "coalesce(a, b) -> type of a and b", "a when it is known, otherwise b (both of one type)",
        "coalesce(param.missing, 80) == 80", fn_coalesce},
    {"abs", 1, 1, Check::Params, {Param::Number, Param::Any}, Type::Number, "abs(number) -> number", "the absolute value", "abs(-3) == 3", fn_abs},
    {"round", 1, 2, Check::Params, {Param::Number, Param::Number}, Type::Number, "round(number, digits: number = 0) -> number",
        "rounds half away from zero to `digits` decimals (a whole number from -15 to 15)", "round(3.14159, 2) == 3.14", fn_round},
};

} // namespace

std::span<const FunctionDef> function_table() noexcept
{
    return k_functions;
}

int find_function(std::string_view name) noexcept
{
    for (std::size_t i = 0; i < std::size(k_functions); ++i) {
        if (k_functions[i].name == name)
            return static_cast<int>(i);
    }
    return -1;
}

} // namespace detail

std::vector<FunctionInfo> functions()
{
    std::vector<FunctionInfo> out;
    for (const auto& f : detail::function_table()) {
        FunctionInfo info;
        info.name = std::string(f.name);
        info.signature = std::string(f.signature);
        info.doc = std::string(f.doc);
        info.example = std::string(f.example);
        info.min_args = f.min_args;
        if (f.max_args != detail::k_variadic)
            info.max_args = f.max_args;
        info.result = f.result;
        out.push_back(std::move(info));
    }
    return out;
}

Value evaluate(const Expression& e, const nlohmann::json& facts)
{
    const detail::Program& p = detail::Access::program(e);
    const detail::Evaluator ev{p, facts};
    return ev.eval(p.root);
}

Value evaluate(const Expression& e, const nlohmann::json& facts, const nlohmann::json& params)
{
    const detail::Program& p = detail::Access::program(e);
    const detail::Evaluator ev{p, facts, &params};
    return ev.eval(p.root);
}

} // namespace mlscale::expr
