// Tests for the rule expression language (include/mlscale/expr.hpp), as data tables.
#include "mlscale/expr.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

using namespace mlscale::expr;
using nlohmann::json;

namespace Catch {
template <> struct StringMaker<Value> {
    static std::string convert(const Value& v)
    {
        return std::string(type_name(v.type())) + " " + (v.is_string() ? "\"" + v.as_string() + "\"" : v.to_display());
    }
};
} // namespace Catch

namespace {

Value N(double v)
{
    return Value::number(v);
}
Value S(std::string v)
{
    return Value::string(std::move(v));
}
Value B(bool v)
{
    return Value::boolean(v);
}
const Value U;
Value L(Value::List v)
{
    return Value::list(std::move(v));
}

const MapSchema& schema()
{
    static const MapSchema s = MapSchema{}
                                   .add("dataset.size_gb", Type::Number)
                                   .add("dataset.format", Type::String)
                                   .add("dataset.files", Type::Number)
                                   .add("dataset.shards", Type::List)
                                   .add("dataset.compressed", Type::Bool)
                                   .add("current.observed.gpu_util_pct", Type::Number)
                                   .add("current.instance_type", Type::String)
                                   .add("profile.required_input_mb_s", Type::Number)
                                   .add("plan.compute.instance_count", Type::Number)
                                   .add("plan.storage.tiers", Type::List)
                                   .add("meta.anything", Type::Any)
                                   .add_prefix("param");
    return s;
}

const json& facts()
{
    static const json f = json::parse(R"({
        "dataset": {"size_gb": 150, "format": "parquet", "files": 0, "shards": [1, 2, 3], "compressed": true},
        "current": {"observed": {"gpu_util_pct": 41.5}, "instance_type": "p4d.24xlarge"},
        "profile": {"required_input_mb_s": null},
        "plan": {"compute": {"instance_count": 4}, "storage": {"tiers": ["nvme", "s3", null]}},
        "meta": {"anything": {"nested": 1}},
        "param": {"threshold": 80, "name": "x", "flags": [true, null], "t": true, "f": false}
    })");
    return f;
}

Value eval(const std::string& text, const Limits& limits = {})
{
    const CompileResult r = compile(text, schema(), limits);
    INFO("compiling: " << text);
    INFO("first error: " << (r.errors.empty() ? std::string("none") : r.errors.front().message));
    REQUIRE(r.errors.empty());
    REQUIRE(r.expression.has_value());
    return evaluate(*r.expression, facts());
}

std::string sexpr(const std::string& text)
{
    const CompileResult r = compile(text, schema());
    INFO("compiling: " << text);
    REQUIRE(r.expression.has_value());
    return to_sexpr(*r.expression);
}

struct ErrorCase {
    std::string text;
    std::string message;
    std::uint32_t begin; // caret column (0-based byte)
    std::uint32_t end;
    std::string help = {};
};

void check_error(const std::vector<Error>& errors, const ErrorCase& c)
{
    INFO("text: " << c.text);
    REQUIRE_FALSE(errors.empty());
    const Error& e = errors.front();
    CHECK(e.message == c.message);
    CHECK(e.span.begin == c.begin);
    CHECK(e.span.end == c.end);
    CHECK(e.help == c.help);
}

std::string repeat(std::string_view s, std::size_t n)
{
    std::string out;
    out.reserve(s.size() * n);
    for (std::size_t i = 0; i < n; ++i)
        out += s;
    return out;
}

} // namespace

// ---------------------------------------------------------------- parsing

TEST_CASE("precedence table: grouping follows the documented precedence", "[expr][parse]")
{
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"1 + 2 * 3", "(+ 1 (* 2 3))"},
        {"1 * 2 + 3", "(+ (* 1 2) 3)"},
        {"1 - 2 - 3", "(- (- 1 2) 3)"},
        {"8 / 4 / 2", "(/ (/ 8 4) 2)"},
        {"1 + 2 - 3 * 4 / 5 % 6", "(- (+ 1 2) (% (/ (* 3 4) 5) 6))"},
        {"-2 * 3", "(* (- 2) 3)"},
        {"- 2 * - 3", "(* (- 2) (- 3))"},
        {"--1", "(- (- 1))"},
        {"param.a or param.b and param.c", "(or param.a (and param.b param.c))"},
        {"param.a and param.b or param.c", "(or (and param.a param.b) param.c)"},
        {"param.a or param.b or param.c", "(or (or param.a param.b) param.c)"},
        {"not param.a and param.b", "(and (not param.a) param.b)"},
        {"not param.a == param.b", "(not (== param.a param.b))"},
        {"not param.a in [1]", "(not (in param.a [1]))"},
        {"not not param.a", "(not (not param.a))"},
        {"param.a and not param.b", "(and param.a (not param.b))"},
        {"param.a + 1 < param.b * 2", "(< (+ param.a 1) (* param.b 2))"},
        {"param.a % 2 == 0", "(== (% param.a 2) 0)"},
        {"param.x in [1, 2] or param.y not in [\"a\"]", "(or (in param.x [1 2]) (not in param.y [\"a\"]))"},
        {"(param.a or param.b) and param.c", "(and (or param.a param.b) param.c)"},
        {"param.a == param.b and param.c != param.d or param.e", "(or (and (== param.a param.b) (!= param.c param.d)) param.e)"},
        {"len(param.s) + 1 >= 2", "(>= (+ (len param.s) 1) 2)"},
        {"-param.a.b", "(- param.a.b)"},
        {"[]", "[]"},
        {"[[1], [2, 3]]", "[[1] [2 3]]"},
        {"'it\\'s' + \"a\\\"b\"", "(+ \"it's\" \"a\\\"b\")"},
        {"min(1, 2, 3)", "(min 1 2 3)"},
    };
    for (const auto& [text, expected] : cases) {
        INFO(text);
        CHECK(sexpr(text) == expected);
    }
}

// ---------------------------------------------------------------- evaluation

TEST_CASE("expressions evaluate to the expected values", "[expr][eval]")
{
    const std::vector<std::pair<std::string, Value>> cases = {
        // literals
        {"12", N(12)},
        {"0.5", N(0.5)},
        {"1e3", N(1000)},
        {"2.5E-3", N(0.0025)},
        {"\"a\\\"b\"", S("a\"b")},
        {"'it\\'s'", S("it's")},
        {"\"back\\\\slash\"", S("back\\slash")},
        {"\"line\\nbreak\"", S("line\nbreak")},
        {"'say \"hi\"'", S("say \"hi\"")},
        {"true", B(true)},
        {"false", B(false)},
        {"[1, 2, 3]", L({N(1), N(2), N(3)})},
        {"[]", L({})},
        {"[\"a\", \"b\"]", L({S("a"), S("b")})},
        {"[[1], [2, 3]]", L({L({N(1)}), L({N(2), N(3)})})},
        // arithmetic
        {"1 + 2 * 3", N(7)},
        {"(1 + 2) * 3", N(9)},
        {"10 / 4", N(2.5)},
        {"7 % 3", N(1)},
        {"-7 % 3", N(-1)},
        {"7.5 % 2", N(1.5)},
        {"-dataset.size_gb", N(-150)},
        {"\"ab\" + \"cd\"", S("abcd")},
        {"dataset.format + \"!\"", S("parquet!")},
        // division by zero and overflow: unknown, never inf or NaN
        {"1 / 0", U},
        {"0 / 0", U},
        {"-1 / 0", U},
        {"5 % 0", U},
        {"dataset.size_gb / dataset.files", U},
        {"1e308 * 10", U},
        {"-1e308 - 1e308", U},
        {"(1 / 0) * 0", U},
        {"0 * -1", N(0)},
        // comparisons
        {"1 < 2", B(true)},
        {"2 <= 2", B(true)},
        {"3 > 4", B(false)},
        {"4 >= 4", B(true)},
        {"1 == 1", B(true)},
        {"1 != 1", B(false)},
        {"\"a\" < \"b\"", B(true)},
        {"\"abc\" >= \"abd\"", B(false)},
        {"\"x\" == \"x\"", B(true)},
        {"true == true", B(true)},
        {"true != false", B(true)},
        {"[1, 2] == [1, 2]", B(true)},
        {"[1, 2] == [1]", B(false)},
        {"[1, 2] != [1, 3]", B(true)},
        // paths
        {"dataset.size_gb", N(150)},
        {"dataset.format", S("parquet")},
        {"dataset.shards", L({N(1), N(2), N(3)})},
        {"dataset.compressed", B(true)},
        {"current.observed.gpu_util_pct", N(41.5)},
        {"plan.compute.instance_count", N(4)},
        {"plan.storage.tiers", L({S("nvme"), S("s3"), U})},
        {"param.threshold", N(80)},
        {"dataset.size_gb > 100 and current.observed.gpu_util_pct < 50", B(true)},
        // missing, null and object facts are unknown, and unknown propagates
        {"profile.required_input_mb_s", U},
        {"meta.anything", U},
        {"param.missing", U},
        {"param.threshold.deeper", U},
        {"profile.required_input_mb_s + 1", U},
        {"profile.required_input_mb_s > 1", U},
        {"profile.required_input_mb_s == profile.required_input_mb_s", U},
        {"param.missing != 1", U},
        {"-param.missing", U},
        {"[param.missing] == [1]", U},
        {"[param.missing, 2] == [1, 3]", B(false)},
        // run-time type mismatches are unknown
        {"param.name + 1", U},
        {"param.name > 1", U},
        {"param.name == 1", U},
        {"param.threshold and true", U},
        {"param.threshold or false", U},
        {"not param.threshold", U},
        {"meta.anything == 1", U},
        {"-param.name", U},
        // membership
        {"2 in [1, 2, 3]", B(true)},
        {"5 in [1, 2, 3]", B(false)},
        {"5 not in [1, 2, 3]", B(true)},
        {"\"b\" in [\"a\", \"b\"]", B(true)},
        {"\"s3\" in plan.storage.tiers", B(true)},
        {"\"gcs\" in plan.storage.tiers", U},
        {"\"nvme\" not in plan.storage.tiers", B(false)},
        {"\"gcs\" not in plan.storage.tiers", U},
        {"2 in [1, param.missing, 2]", B(true)},
        {"3 in [1, param.missing, 2]", U},
        {"2 in dataset.shards", B(true)},
        {"7 in dataset.shards", B(false)},
        {"\"par\" in dataset.format", B(true)},
        {"\"x\" in dataset.format", B(false)},
        {"\"x\" not in \"abc\"", B(true)},
        {"param.missing in [1, 2]", U},
        {"param.missing in []", B(false)},
        {"1 in param.missing", U},
        {"1 in param.threshold", U},
        {"[1] in [[1], [2]]", B(true)},
        {"1 in [param.name]", U},
        // exists: never unknown
        {"exists(dataset.size_gb)", B(true)},
        {"exists(dataset.shards)", B(true)},
        {"exists(dataset.compressed)", B(true)},
        {"exists(profile.required_input_mb_s)", B(false)},
        {"exists(param.missing)", B(false)},
        {"exists(meta.anything)", B(false)},
        {"not exists(param.missing)", B(true)},
        // len
        {"len(\"abc\")", N(3)},
        {"len(\"h\xc3\xa9llo\")", N(5)},
        {"len([1, 2])", N(2)},
        {"len([])", N(0)},
        {"len(dataset.shards)", N(3)},
        {"len(dataset.format)", N(7)},
        {"len(plan.storage.tiers)", N(3)},
        {"len(param.threshold)", U},
        {"len(param.missing)", U},
        // min / max
        {"min(4, 2, 8)", N(2)},
        {"max(4, 2, 8)", N(8)},
        {"max(-1, -5)", N(-1)},
        {"min(5)", N(5)},
        {"min([3, 1, 2])", N(1)},
        {"max(dataset.shards)", N(3)},
        {"min(dataset.size_gb, 100)", N(100)},
        {"min([])", U},
        {"max(1, param.missing)", U},
        {"min(param.flags)", U},
        {"max(param.missing)", U},
        {"max(param.threshold)", N(80)},
        // any / all (Kleene)
        {"any([false, true])", B(true)},
        {"any([false, false])", B(false)},
        {"any([])", B(false)},
        {"all([])", B(true)},
        {"all([true, 1 < 2])", B(true)},
        {"all([true, false])", B(false)},
        {"any([false, param.missing])", U},
        {"any([param.missing, true])", B(true)},
        {"all([param.missing, false])", B(false)},
        {"all([true, param.missing])", U},
        {"any(param.flags)", B(true)},
        {"all(param.flags)", U},
        {"any(param.threshold)", U},
        {"all(param.missing)", U},
        // startswith / endswith
        {"startswith(\"a100-80gb\", \"a100\")", B(true)},
        {"startswith(\"a100\", \"a100-80gb\")", B(false)},
        {"endswith(current.instance_type, \".24xlarge\")", B(true)},
        {"endswith(\"data.parquet\", \".csv\")", B(false)},
        {"startswith(param.missing, \"a\")", U},
        {"endswith(\"a\", param.threshold)", U},
        // contains
        {"contains(\"parquet\", \"que\")", B(true)},
        {"contains(\"parquet\", \"csv\")", B(false)},
        {"contains([\"nvme\", \"ssd\"], \"ssd\")", B(true)},
        {"contains([\"nvme\"], \"hdd\")", B(false)},
        {"contains(plan.storage.tiers, \"gcs\")", U},
        {"contains(plan.storage.tiers, \"s3\")", B(true)},
        {"contains(dataset.shards, 2)", B(true)},
        {"contains(param.missing, 2)", U},
        // lower
        {"lower(\"GPU\")", S("gpu")},
        {"lower(\"A100-80GB\")", S("a100-80gb")},
        {"lower(\"\xc3\x89t\xc3\xa9\")", S("\xc3\x89t\xc3\xa9")},
        {"lower(param.threshold)", U},
        // coalesce
        {"coalesce(param.missing, 80)", N(80)},
        {"coalesce(param.threshold, 1)", N(80)},
        {"coalesce(profile.required_input_mb_s, 0) + 1", N(1)},
        {"coalesce(param.missing, param.other)", U},
        {"coalesce(1 / 0, 2)", N(2)},
        // abs / round
        {"abs(-3)", N(3)},
        {"abs(2.5)", N(2.5)},
        {"abs(param.missing)", U},
        {"round(3.14159, 2)", N(3.14)},
        {"round(2.5)", N(3)},
        {"round(-2.5)", N(-3)},
        {"round(1234, -2)", N(1200)},
        {"round(param.threshold / 3, 1)", N(26.7)},
        {"round(1, param.name)", U},
        {"round(1.25, param.threshold)", U},
        {"round(1e300, 15)", N(1e300)},
    };
    for (const auto& [text, expected] : cases) {
        INFO(text);
        CHECK(eval(text) == expected);
    }
}

TEST_CASE("three-valued logic: Kleene truth tables", "[expr][eval][kleene]")
{
    // param.t is true, param.f is false, param.u is missing (unknown); all have type any.
    struct Row {
        const char* a;
        const char* b;
        Value and_;
        Value or_;
    };
    const std::vector<Row> table = {
        {"true", "true", B(true), B(true)},
        {"true", "false", B(false), B(true)},
        {"true", "param.u", U, B(true)},
        {"false", "true", B(false), B(true)},
        {"false", "false", B(false), B(false)},
        {"false", "param.u", B(false), U},
        {"param.u", "true", U, B(true)},
        {"param.u", "false", B(false), U},
        {"param.u", "param.u", U, U},
    };
    for (const auto& row : table) {
        INFO(row.a << " / " << row.b);
        CHECK(eval(std::string(row.a) + " and " + row.b) == row.and_);
        CHECK(eval(std::string(row.a) + " or " + row.b) == row.or_);
        // The same through facts rather than literals.
        auto fact = [](const char* s) { return std::string(s) == "true" ? std::string("param.t") : std::string(s) == "false" ? "param.f" : s; };
        CHECK(eval(fact(row.a) + " and " + fact(row.b)) == row.and_);
        CHECK(eval(fact(row.a) + " or " + fact(row.b)) == row.or_);
    }
    CHECK(eval("not true") == B(false));
    CHECK(eval("not false") == B(true));
    CHECK(eval("not param.u") == U);
    CHECK(eval("not not param.u") == U);
    // exists() is the only way to test presence and is never unknown.
    CHECK(eval("exists(param.u) or not exists(param.u)") == B(true));
    CHECK(eval("param.u or not param.u") == U);
}

// ---------------------------------------------------------------- errors

TEST_CASE("type errors are reported at compile time", "[expr][check]")
{
    const std::vector<ErrorCase> cases = {
        {"\"a\" * 2", "'*' expects a number, got string", 0, 3},
        {"2 * \"a\"", "'*' expects a number, got string", 4, 7},
        {"dataset.size_gb and true", "'and' expects a bool, got number", 0, 15, "compare it, e.g. `dataset.size_gb > 0`"},
        {"true or dataset.format", "'or' expects a bool, got string", 8, 22, "compare it, e.g. `dataset.format == \"...\"`"},
        {"dataset.shards and true", "'and' expects a bool, got list", 0, 14, "use any(...), all(...) or len(...)"},
        {"not 1", "'not' expects a bool, got number", 4, 5, "compare it, e.g. `1 > 0`"},
        {"-\"a\"", "'-' expects a number, got string", 1, 4},
        {"dataset.format == 3", "cannot compare string with number", 15, 17},
        {"dataset.format < 3", "cannot compare string with number", 15, 16},
        {"dataset.size_gb != \"big\"", "cannot compare number with string", 16, 18},
        {"[1] == [\"a\"]", "cannot compare list of number with list of string", 4, 6},
        {"true < false", "'<' expects a number or string, got bool", 0, 4},
        {"1 + \"a\"", "'+' needs two numbers or two strings, got number and string", 2, 3},
        {"true + 1", "'+' expects numbers or strings, got bool", 0, 4},
        {"1 in 2", "'in' expects a list or string on the right, got number", 5, 6},
        {"1 not in dataset.size_gb", "'not in' expects a list or string on the right, got number", 9, 24},
        {"1 in \"abc\"", "'in' with a string on the right expects a string on the left, got number", 0, 1},
        {"\"a\" in [1, 2]", "cannot compare string with the list's number elements", 4, 6},
        {"[1, \"a\"]", "list elements must all have the same type: expected number, got string", 4, 7},
        {"len(1, 2)", "function 'len' takes 1 argument, got 2", 7, 8},
        {"min()", "function 'min' takes at least 1 argument, got 0", 4, 5},
        {"round(1, 2, 3)", "function 'round' takes 1 or 2 arguments, got 3", 12, 13},
        {"startswith(\"a\")", "function 'startswith' takes 2 arguments, got 1", 14, 15},
        {"len(1)", "'len' expects a string or list, got number", 4, 5},
        {"startswith(1, \"a\")", "'startswith' expects a string as its first argument, got number", 11, 12},
        {"endswith(\"a\", 1)", "'endswith' expects a string as its second argument, got number", 14, 15},
        {"abs(\"x\")", "'abs' expects a number, got string", 4, 7},
        {"lower(1)", "'lower' expects a string, got number", 6, 7},
        {"exists(1)", "'exists' expects a path", 7, 8, "e.g. exists(dataset.size_gb)"},
        {"exists(dataset.size_gb + 1)", "'exists' expects a path", 7, 26, "e.g. exists(dataset.size_gb)"},
        {"any([1, 2])", "'any' expects a list of bools, got a list of number", 4, 10},
        {"all(true)", "'all' expects a list of bools, got bool", 4, 8},
        {"min(\"a\", 1)", "'min' expects numbers, got string", 4, 7},
        {"max([\"a\"])", "'max' expects numbers, got a list of string", 4, 9},
        {"min(\"a\")", "'min' expects numbers or a list of numbers, got string", 4, 7},
        {"contains(1, 2)", "'contains' expects a string or list as its first argument, got number", 9, 10},
        {"contains(\"abc\", 1)", "'contains' on a string expects a string as its second argument, got number", 16, 17},
        {"contains([1], \"a\")", "cannot compare string with the list's number elements", 14, 17},
        {"coalesce(1, \"a\")", "'coalesce' arguments must have the same type, got number and string", 12, 15},
        {"round(1, 0.5)", "'round' expects a whole number of digits from -15 to 15", 9, 12},
        {"round(1, -16)", "'round' expects a whole number of digits from -15 to 15", 9, 12},
        {"coalesce(dataset.files, 1) + \"a\"", "'+' needs two numbers or two strings, got number and string", 27, 28},
    };
    for (const auto& c : cases)
        check_error(compile(c.text, schema()).errors, c);
}

TEST_CASE("unknown paths and functions get suggestions", "[expr][check]")
{
    const std::vector<ErrorCase> cases = {
        {"dataset.size_gbb > 100", "unknown path 'dataset.size_gbb'", 0, 16, "did you mean `dataset.size_gb`?"},
        {"1 < current.observed.gpu_utl_pct", "unknown path 'current.observed.gpu_utl_pct'", 4, 32, "did you mean `current.observed.gpu_util_pct`?"},
        {"parm.threshold > 1", "unknown path 'parm.threshold'", 0, 14, "did you mean `param.threshold`?"},
        {"dataset > 1", "unknown path 'dataset'", 0, 7, "`dataset` is a group of facts, not a value; use a field such as `dataset.compressed`"},
        {"len > 1", "unknown path 'len'", 0, 3, "`len` is a function; call it as `len(...)`"},
        {"True", "unknown path 'True'", 0, 4, "did you mean `true`? keywords are lower-case"},
        {"zzz", "unknown path 'zzz'", 0, 3},
        {"param", "unknown path 'param'", 0, 5, "`param` is a group of facts, not a value; use a field such as `param.<name>`"},
        {"lenn(dataset.format)", "unknown function 'lenn'", 0, 4, "did you mean `len`?"},
        {"startwith(dataset.format, \"p\")", "unknown function 'startwith'", 0, 9, "did you mean `startswith`?"},
        {"frobnicate(1)", "unknown function 'frobnicate'", 0, 10, "see the function list in docs/expression-language.md"},
        {"dataset.len(1)", "unknown function 'dataset.len'", 0, 11, "see the function list in docs/expression-language.md"},
    };
    for (const auto& c : cases)
        check_error(compile(c.text, schema()).errors, c);
}

TEST_CASE("syntax errors point at the offending token", "[expr][parse]")
{
    const std::vector<ErrorCase> cases = {
        {"", "empty expression", 0, 0},
        {"   ", "empty expression", 0, 3},
        {"dataset.compressed and", "expected an expression after 'and'", 22, 22},
        {"dataset.compressed and )", "expected an expression after 'and', found ')'", 23, 24},
        {"1 +", "expected an expression after '+'", 3, 3},
        {")", "expected an expression, found ')'", 0, 1},
        {"1 < 2 < 3", "'<' cannot be chained; use 'a < b and b < c'", 6, 7},
        {"1 == 2 != 3", "'!=' cannot be chained; use 'a == b and b != c'", 7, 9},
        {"1 in [1] in [true]", "'in' cannot be chained; use 'a in b and b in c'", 9, 11},
        {"1 < 2 not in [true]", "'not in' cannot be chained; use 'a < b and b not in c'", 6, 9},
        {"\"abc", "unterminated string", 0, 4, "close it with \""},
        {"'abc\\'", "unterminated string", 0, 6, "close it with '"},
        {"1 $ 2", "unexpected character '$'", 2, 3},
        {"1 \xe2\x82\xac 2", "unexpected character '\xe2\x82\xac'", 2, 5},
        {"param.a = 1", "unexpected character '='", 8, 9, "use '==' to compare"},
        {"param.x && param.y", "unexpected character '&'", 8, 10, "use 'and'"},
        {"param.x || param.y", "unexpected character '|'", 8, 10, "use 'or'"},
        {"! param.x", "unexpected character '!'", 0, 1, "use 'not' to negate"},
        {".5", "unexpected character '.'", 0, 1, "write a leading zero, e.g. 0.5"},
        {"(1 + 2", "expected ')' to close '('", 6, 6},
        {"(1 + 2 3", "expected ')' to close '(', found '3'", 7, 8},
        {"[1, 2", "expected ']' to close '['", 5, 5},
        {"[1 2]", "expected ',' or ']' after list element, found '2'", 3, 4},
        {"len(\"a\" \"b\")", "expected ',' or ')' after argument, found \"b\"", 8, 11},
        {"'a' 'b'", "expected an operator or end of expression, found 'b'", 4, 7},
        {"1 < 2 < 3 < 4", "'<' cannot be chained; use 'a < b and b < c'", 6, 7},
        {"in", "expected an expression, found 'in'", 0, 2},
        {"not", "expected an expression after 'not'", 3, 3},
        {"[1, 2,]", "expected an expression after ',', found ']'", 6, 7},
        {"((1)", "expected ')' to close '('", 4, 4},
        {"[1, 2))", "expected ',' or ']' after list element, found ')'", 5, 6},
        {"param.x not", "expected 'in' after 'not', found end of expression", 11, 11},
        {"param.a == not param.b", "'not' cannot be used here without parentheses", 11, 14, "write '(not ...)'"},
        {"len(1,)", "expected an expression after ',', found ')'", 6, 7},
        {"1 2", "expected an operator or end of expression, found '2'", 2, 3},
        {"1)", "unmatched ')'", 1, 2},
        {"1 AND 2", "expected an operator or end of expression, found 'AND'", 2, 5, "did you mean 'and'? keywords are lower-case"},
        {"12abc", "invalid number '12abc'", 0, 5},
        {"1.", "invalid number '1.'", 0, 2},
        {"1e999", "number '1e999' is out of range", 0, 5},
        {"\"a\\qb\"", "unknown escape '\\q' in string", 2, 4, "the escapes are \\\" \\' \\\\ and \\n"},
        {"param.x.", "expected a name after '.'", 7, 8},
        {"param.in", "'in' is a keyword and cannot be used in a path", 6, 8},
        {"param.a not param.b", "expected 'in' after 'not', found 'param.b'", 12, 19},
        {"1 + not true", "'not' cannot be used here without parentheses", 4, 7, "write '(not ...)'"},
        {"true.x", "'true' is a keyword and cannot start a path", 0, 4},
    };
    for (const auto& c : cases)
        check_error(compile(c.text, schema()).errors, c);
}

TEST_CASE("several errors are collected, in source order, up to the limit", "[expr][parse]")
{
    {
        const auto errors = compile("[lenn(1), dataset.size_gbb, 1 +]", schema()).errors;
        REQUIRE(errors.size() == 3);
        CHECK(errors[0].message == "unknown function 'lenn'");
        CHECK(errors[0].span == Span{1, 5});
        CHECK(errors[1].message == "unknown path 'dataset.size_gbb'");
        CHECK(errors[1].span == Span{10, 26});
        CHECK(errors[2].message == "expected an expression after '+', found ']'");
        CHECK(errors[2].span == Span{31, 32});
    }
    {
        // A syntax error does not hide a later, independent one in another list element.
        const auto errors = compile("f(1 2, zzz +)", schema()).errors;
        REQUIRE(errors.size() == 4);
        CHECK(errors[0].message == "unknown function 'f'");
        CHECK(errors[1].message == "expected ',' or ')' after argument, found '2'");
        CHECK(errors[2].message == "unknown path 'zzz'");
        CHECK(errors[3].message == "expected an expression after '+', found ')'");
    }
    {
        // A chained comparison is one error, and the rest of the chain is still checked.
        const auto errors = compile("1 < 2 < zzz", schema()).errors;
        REQUIRE(errors.size() == 2);
        CHECK(errors[0].message == "'<' cannot be chained; use 'a < b and b < c'");
        CHECK(errors[1].message == "unknown path 'zzz'");
    }
    {
        // One bad character does not cascade.
        const auto errors = compile("1 $ 2 # 3", schema()).errors;
        REQUIRE(errors.size() == 2);
        CHECK(errors[0].message == "unexpected character '$'");
        CHECK(errors[1].message == "unexpected character '#'");
    }
    {
        std::string text = "[";
        for (int i = 0; i < 30; ++i)
            text += (i ? ", x" : "x") + std::to_string(i);
        text += "]";
        const auto errors = compile(text, schema()).errors;
        CHECK(errors.size() == 20);
        CHECK(errors.front().message == "unknown path 'x0'");
        Limits small;
        small.max_errors = 3;
        CHECK(compile(text, schema(), small).errors.size() == 3);
    }
    {
        // Type errors in both operands are both reported.
        const auto errors = compile("true < false", schema()).errors;
        REQUIRE(errors.size() == 2);
        CHECK(errors[1].span == Span{7, 12});
    }
}

TEST_CASE("conditions must be bool", "[expr][check]")
{
    check_error(compile_condition("dataset.size_gb", schema()).errors,
        {"dataset.size_gb", "a condition must be a bool expression, got number", 0, 15, "compare it, e.g. `dataset.size_gb > 0`"});
    check_error(compile_condition("(dataset.format)", schema()).errors, {"(dataset.format)", "a condition must be a bool expression, got string", 1, 15});
    CHECK(compile_condition("dataset.size_gb > 1", schema()).expression.has_value());
    CHECK(compile_condition("param.flag", schema()).expression.has_value()); // any: checked at run time
    CHECK(compile_condition("coalesce(param.flag, false)", schema()).expression.has_value());
    const auto r = compile("dataset.size_gb > 1", schema());
    REQUIRE(r.expression);
    CHECK(r.expression->type() == Type::Bool);
    CHECK(r.expression->source() == "dataset.size_gb > 1");
    CHECK(compile("coalesce(dataset.files, 1)", schema()).expression->type() == Type::Number);
    CHECK(compile("coalesce(param.x, 1)", schema()).expression->type() == Type::Any);
}

// ---------------------------------------------------------------- limits

TEST_CASE("limits give errors, never crashes", "[expr][limits]")
{
    SECTION("a 100,000-character expression")
    {
        const std::string text = "1" + repeat("+1", 49'999) + "+";
        REQUIRE(text.size() == 100'000);
        const auto errors = compile(text, schema()).errors;
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].message == "expression is too long (100000 bytes; the limit is 4096)");
        CHECK(errors[0].span == Span{0, 100'000});
    }
    SECTION("10,000 nested parentheses")
    {
        const std::string text = repeat("(", 10'000) + "1" + repeat(")", 10'000);
        // Within the default length limit this is too long ...
        CHECK(compile(text, schema()).errors.at(0).message == "expression is too long (20001 bytes; the limit is 4096)");
        // ... and with the length limit lifted, too deep.
        Limits big;
        big.max_expression_bytes = 1'000'000;
        const auto errors = compile(text, schema(), big).errors;
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].message == "expression is nested too deeply (the limit is 64 levels)");
        CHECK(errors[0].span == Span{65, 66});
    }
    SECTION("nesting depth boundaries")
    {
        CHECK(eval(repeat("(", 64) + "1" + repeat(")", 64)) == N(1));
        check_error(compile(repeat("(", 65) + "1" + repeat(")", 65), schema()).errors,
            {"65 parens", "expression is nested too deeply (the limit is 64 levels)", 65, 66});
        CHECK(eval(repeat("-", 64) + "1") == N(1));
        CHECK_FALSE(compile(repeat("-", 65) + "1", schema()).errors.empty());
        CHECK(eval(repeat("not ", 64) + "true") == B(true));
        CHECK_FALSE(compile(repeat("not ", 65) + "true", schema()).errors.empty());
        CHECK(eval(repeat("[", 64) + repeat("]", 64)).is_list());
        CHECK_FALSE(compile(repeat("[", 65) + "1" + repeat("]", 65), schema()).errors.empty());
        CHECK(eval(repeat("abs(", 64) + "1" + repeat(")", 64)) == N(1));
        CHECK_FALSE(compile(repeat("abs(", 65) + "1" + repeat(")", 65), schema()).errors.empty());
        // A left-leaning chain nests too: 64 operators are fine, 65 are not.
        CHECK(eval("1" + repeat("+1", 64)) == N(65));
        check_error(compile("1" + repeat("+1", 65), schema()).errors, {"65 pluses", "expression is nested too deeply (the limit is 64 levels)", 129, 130});
    }
    SECTION("deep nesting of every kind with the length limit lifted")
    {
        Limits big;
        big.max_expression_bytes = 10'000'000;
        for (const std::string& text : {repeat("-", 100'000) + "1", repeat("not ", 100'000) + "true", repeat("[", 100'000) + repeat("]", 100'000),
                 repeat("len(", 100'000) + repeat(")", 100'000), "1" + repeat(" or 1", 100'000), repeat("(", 100'000), repeat("[1,", 100'000)}) {
            const auto errors = compile(text, schema(), big).errors;
            REQUIRE_FALSE(errors.empty());
            CHECK(errors[0].message == "expression is nested too deeply (the limit is 64 levels)");
        }
    }
    SECTION("list literal length")
    {
        const std::string ok = "[" + repeat("0,", 999) + "0]";
        CHECK(eval(ok).as_list().size() == 1000);
        Limits big;
        big.max_expression_bytes = 1'000'000;
        const std::string text = "[" + repeat("0,", 10'000) + "0]";
        const auto errors = compile(text, schema(), big).errors;
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].message == "list has too many elements (the limit is 1000)");
        CHECK(errors[0].span == Span{2001, 2002});
    }
    SECTION("garbage input")
    {
        const std::string junk = repeat("$", 4000);
        const auto errors = compile(junk, schema()).errors;
        CHECK(errors.size() == 20);
        CHECK(compile(std::string("\0\x01\xff", 3), schema()).errors.at(0).message == "unexpected character '\\x00'");
    }
    SECTION("deeply nested facts")
    {
        json deep = json::array();
        for (int i = 0; i < 1000; ++i) {
            json next = json::array();
            next.push_back(std::move(deep));
            deep = std::move(next);
        }
        const auto r = compile("len(param.deep) == 1 and param.deep == param.deep", schema());
        REQUIRE(r.expression);
        CHECK(evaluate(*r.expression, json{{"param", {{"deep", deep}}}}) == U);
    }
}

// ---------------------------------------------------------------- templates

TEST_CASE("templates render placeholders and literal braces", "[expr][template]")
{
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"Dataset is {dataset.size_gb} GB", "Dataset is 150 GB"},
        {"{{literal}} and {dataset.format}", "{literal} and parquet"},
        {"}}{{", "}{"},
        {"{{{dataset.size_gb}}}", "{150}"},
        {"util {current.observed.gpu_util_pct}%", "util 41.5%"},
        {"{profile.required_input_mb_s} MB/s", "unknown MB/s"},
        {"{dataset.shards}", "[1, 2, 3]"},
        {"{plan.storage.tiers}", "[nvme, s3, unknown]"},
        {"{dataset.compressed} / {not dataset.compressed}", "true / false"},
        {"{dataset.size_gb / 7}", "21.43"},
        {"{ dataset.size_gb * 2 }", "300"},
        {"{lower(\"}\")}", "}"},
        {"{'{' + \"}\"}", "{}"},
        {"{dataset.size_gb}{dataset.format}", "150parquet"},
        {"no placeholders", "no placeholders"},
        {"", ""},
        {"{1 / 0} and {param.missing}", "unknown and unknown"},
        {"{0.0042} {1000000} {-0.5}", "0.0042 1000000 -0.5"},
        {"h\xc3\xa9 {dataset.format}", "h\xc3\xa9 parquet"},
    };
    for (const auto& [text, expected] : cases) {
        INFO(text);
        const TemplateResult r = compile_template(text, schema());
        INFO("first error: " << (r.errors.empty() ? std::string("none") : r.errors.front().message));
        REQUIRE(r.tmpl.has_value());
        CHECK(render(*r.tmpl, facts()) == expected);
        CHECK(r.tmpl->source() == text);
    }
}

TEST_CASE("template errors carry spans into the whole template", "[expr][template]")
{
    const std::vector<ErrorCase> cases = {
        {"Size {dataset.size_gbb} GB", "unknown path 'dataset.size_gbb'", 6, 22, "did you mean `dataset.size_gb`?"},
        {"ok {1 +}", "expected an expression after '+'", 7, 7},
        {"a {", "unterminated placeholder; expected '}'", 2, 3, "write '{{' for a literal '{'"},
        {"a {\"}", "unterminated placeholder; expected '}'", 2, 3, "write '{{' for a literal '{'"},
        {"a } b", "unmatched '}' in template", 2, 3, "write '}}' for a literal '}'"},
        {"x {} y", "empty placeholder", 2, 4, "write '{{}}' for literal braces"},
        {"x {  } y", "empty placeholder", 2, 6, "write '{{}}' for literal braces"},
        {"{dataset.size_gb|pct}", "unexpected character '|'", 16, 17, "templates have no format specs; values are formatted automatically"},
        {"{dataset.size_gb:.1f}", "unexpected character ':'", 16, 17, "templates have no format specs; values are formatted automatically"},
        {"{\"a\" * 2}", "'*' expects a number, got string", 1, 4},
    };
    for (const auto& c : cases)
        check_error(compile_template(c.text, schema()).errors, c);

    {
        const auto errors = compile_template("{zz1} and {1 +} and }", schema()).errors;
        REQUIRE(errors.size() == 3);
        CHECK(errors[0].span == Span{1, 4});
        CHECK(errors[1].span == Span{14, 14});
        CHECK(errors[2].span == Span{20, 21});
    }
    {
        const std::string text = repeat("{1}", 65);
        const auto errors = compile_template(text, schema()).errors;
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].message == "template has too many placeholders (the limit is 64)");
        CHECK(errors[0].span == Span{192, 195});
        CHECK(compile_template(repeat("{1}", 64), schema()).tmpl.has_value());
    }
    {
        const auto errors = compile_template(repeat("x", 20'000), schema()).errors;
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].message == "template is too long (20000 bytes; the limit is 16384)");
    }
    {
        const std::string text = "{" + repeat("1+", 2100) + "1}";
        const auto errors = compile_template(text, schema()).errors;
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].message == "expression is too long (4201 bytes; the limit is 4096)");
        CHECK(errors[0].span == Span{1, 4202});
    }
}

TEST_CASE("referenced paths are the evidence a rule used", "[expr]")
{
    const auto r = compile("exists(param.a) and param.a > dataset.size_gb or param.a < 1", schema());
    REQUIRE(r.expression);
    CHECK(referenced_paths(*r.expression) == std::vector<std::string>{"param.a", "dataset.size_gb"});
    CHECK(referenced_paths(*compile("len([1]) == 1", schema()).expression).empty());
    const auto t = compile_template("{dataset.format} {dataset.size_gb} {dataset.format}", schema());
    REQUIRE(t.tmpl);
    CHECK(referenced_paths(*t.tmpl) == std::vector<std::string>{"dataset.format", "dataset.size_gb"});
}

// ---------------------------------------------------------------- values and formatting

TEST_CASE("numbers are formatted deterministically", "[expr][format]")
{
    const std::vector<std::pair<double, std::string>> cases = {
        {150, "150"},
        {0, "0"},
        {-0.0, "0"},
        {4.2, "4.2"},
        {0.41, "0.41"},
        {0.0042, "0.0042"},
        {0.00051, "0.00051"},
        {0.005, "0.005"},
        {0.00999, "0.01"},
        {-0.004, "-0.004"},
        {1.0 / 3, "0.33"},
        {2.0 / 3, "0.67"},
        {0.999, "1"},
        {99.999, "100"},
        {-3.5, "-3.5"},
        {1234567.891, "1234567.89"},
        {1e6, "1000000"},
        {123456789012.0, "123456789012"},
        {-42, "-42"},
        {1e20, "100000000000000000000"},
        {1e21, "1e+21"},
        {1e-7, "1.0e-07"},
        {1.23e-8, "1.2e-08"},
        {std::numeric_limits<double>::quiet_NaN(), "unknown"},
        {std::numeric_limits<double>::infinity(), "unknown"},
    };
    for (const auto& [v, expected] : cases) {
        INFO(v);
        CHECK(format_number(v) == expected);
    }
}

TEST_CASE("values", "[expr][value]")
{
    CHECK(Value().is_unknown());
    CHECK(Value::number(std::numeric_limits<double>::quiet_NaN()).is_unknown());
    CHECK(Value::number(std::numeric_limits<double>::infinity()).is_unknown());
    CHECK(Value::number(1).type() == Type::Number);
    CHECK(Value::boolean(true).is_true());
    CHECK_FALSE(Value().is_true());
    CHECK_FALSE(Value().is_false());
    CHECK(Value::boolean(false).is_false());
    CHECK(L({N(1), S("a"), U, L({B(true)})}).to_display() == "[1, a, unknown, [true]]");
    CHECK(value_from_json(json::parse(R"([1, 2.5, "s", true, null, {"a": 1}, [3]])")) == L({N(1), N(2.5), S("s"), B(true), U, U, L({N(3)})}));
    CHECK(value_from_json(json(18446744073709551615ULL)) == N(18446744073709551615.0));
}

TEST_CASE("every registered function is documented and its example holds", "[expr][functions]")
{
    std::vector<std::string> names;
    for (const auto& f : functions()) {
        names.push_back(f.name);
        INFO(f.name);
        CHECK_FALSE(f.doc.empty());
        CHECK(f.signature.rfind(f.name + "(", 0) == 0);
        CHECK(eval(f.example).is_true());
    }
    CHECK(names ==
        std::vector<std::string>{"exists", "len", "min", "max", "any", "all", "startswith", "endswith", "contains", "lower", "coalesce", "abs", "round"});
}

TEST_CASE("schemas", "[expr][schema]")
{
    const MapSchema s({{"a.b", Type::Number}}, {{"p", Type::Any}});
    CHECK(s.path_type("a.b") == Type::Number);
    CHECK(s.path_type("p.x") == Type::Any);
    CHECK(s.path_type("p.x.y") == Type::Any);
    CHECK_FALSE(s.path_type("p").has_value());
    CHECK_FALSE(s.path_type("p.").has_value());
    CHECK_FALSE(s.path_type("a").has_value());
    CHECK(s.known_paths() == std::vector<std::string>{"a.b", "p."});
}

TEST_CASE("diagnostics show the line and a caret", "[expr][diagnostic]")
{
    const std::string text = "dataset.size_gbb > 100";
    const auto errors = compile(text, schema()).errors;
    REQUIRE(errors.size() == 1);
    CHECK(format_diagnostic(text, errors[0]) ==
        "error: unknown path 'dataset.size_gbb'\n"
        "  dataset.size_gbb > 100\n"
        "  ^~~~~~~~~~~~~~~~\n"
        "  help: did you mean `dataset.size_gb`?\n");
    const std::string multi = "line one\nSize {dataset.size_gbb}";
    const auto terrors = compile_template(multi, schema()).errors;
    REQUIRE(terrors.size() == 1);
    CHECK(format_diagnostic(multi, terrors[0]) ==
        "error: unknown path 'dataset.size_gbb'\n"
        "  Size {dataset.size_gbb}\n"
        "        ^~~~~~~~~~~~~~~~\n"
        "  help: did you mean `dataset.size_gb`?\n");
    CHECK(format_diagnostic("1 +", compile("1 +", schema()).errors.at(0)) == "error: expected an expression after '+'\n  1 +\n     ^\n");
}

// ---------------------------------------------------------------- concurrency

TEST_CASE("compiled expressions are shared and thread-safe to evaluate", "[expr][threads]")
{
    const auto r = compile("dataset.size_gb > 100 and \"s3\" in plan.storage.tiers and len(dataset.format) == 7", schema());
    REQUIRE(r.expression);
    const Expression copy = *r.expression; // cheap: shares the compiled program
    std::vector<std::thread> threads;
    std::vector<int> ok(4, 0);
    for (std::size_t t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 2000; ++i)
                ok[t] += evaluate(copy, facts()).is_true() ? 1 : 0;
        });
    }
    for (auto& th : threads)
        th.join();
    for (int n : ok)
        CHECK(n == 2000);
}
