// The located JSON reader: positions, strictness and its error messages.
#include <catch2/catch.hpp>

#include "mlscale/json_document.hpp"

using namespace mlscale;

namespace {

std::optional<JsonDocument> parse(const std::string& text, Diagnostics& diagnostics, JsonLimits limits = {})
{
    return parse_json(SourceFile{"t.json", text}, diagnostics, limits);
}

std::string first_error(const std::string& text)
{
    Diagnostics diagnostics;
    auto document = parse(text, diagnostics);
    REQUIRE_FALSE(document);
    REQUIRE_FALSE(diagnostics.empty());
    const auto& d = diagnostics.items().front();
    return d.location ? std::to_string(d.location->line) + ":" + std::to_string(d.location->column) + ": " + d.message : d.message;
}

} // namespace

TEST_CASE("values carry their line and column by JSON pointer", "[json]")
{
    Diagnostics diagnostics;
    auto document = parse("{\n  \"a\": {\"b\": [10, \"x\"]},\n  \"é\": true\n}", diagnostics);
    REQUIRE(document);
    CHECK(document->value["a"]["b"][1] == "x");
    const auto span = document->locate("/a/b/1");
    REQUIRE(span);
    CHECK(span->begin.line == 2);
    CHECK(span->begin.column == 19);
    CHECK(span->columns == 3);
    // Columns count characters, not bytes: "é" is one column.
    const auto key = document->locate_key("/é");
    REQUIRE(key);
    CHECK(key->begin.line == 3);
    CHECK(key->begin.column == 3);
    // A missing pointer falls back to its nearest located ancestor.
    CHECK(document->locate("/a/b/7")->begin.column == 14);
}

TEST_CASE("numbers keep integers exact and parse floats without the locale", "[json]")
{
    Diagnostics diagnostics;
    auto document = parse(R"({"i": 9007199254740993, "f": 1.5e3, "n": -0.25})", diagnostics);
    REQUIRE(document);
    CHECK(document->value["i"].get<std::int64_t>() == 9007199254740993LL);
    CHECK(document->value["f"].get<double>() == 1500.0);
    CHECK(document->value["n"].get<double>() == -0.25);
}

TEST_CASE("syntax errors name the line, the column and what was expected", "[json]")
{
    const std::vector<std::pair<std::string, std::string>> table{
        {"", "1:1: file is empty, expected a JSON value"},
        {"{\"a\": 1,}", "1:9: unexpected character '}', expected a member name in double quotes"},
        {"[1, 2,]", "1:7: unexpected ']', expected a value"},
        {"{\"a\" 1}", "1:6: unexpected character '1', expected ':' after the member name"},
        {"{\"a\": 1} {}", "1:10: unexpected character '{' after the end of the JSON document"},
        {"{\"a\": \"x}", "1:7: unterminated string"},
        {"{\"a\": 01}", "1:7: numbers cannot have leading zeros"},
        {"{\"a\": NaN}", "1:7: NaN and Infinity are not valid JSON numbers"},
        {"{\"a\": -Infinity}", "1:7: NaN and Infinity are not valid JSON numbers"},
        {"{\"a\": 1e999}", "1:7: number is out of range"},
        {"{\"a\": 'x'}", "1:7: strings must use double quotes in JSON"},
        {"{\"a\": \"\\q\"}", "1:8: invalid escape '\\q' in string"},
        {"{\"a\": \"\\ud800\"}", "1:8: unpaired UTF-16 surrogate in \\u escape"},
        {"{\"a\": \"line\nbreak\"}", "1:12: control character U+000A in string"},
        {"{\"a\": \"\xC3\x28\"}", "1:8: invalid UTF-8 byte 0xC3 in string"},
        {"\xEF\xBB\xBF{}", "1:1: file starts with a UTF-8 byte-order mark"},
        {"{// note\n}", "1:2: comments are not allowed in JSON"},
        {"{\"a\": tru}", "1:7: unexpected character 't', expected a value (object, array, string, number, true, false or null)"},
        {"\x01", "1:1: unexpected byte 0x01, expected a value (object, array, string, number, true, false or null)"},
    };
    for (const auto& [text, expected] : table) {
        INFO(text);
        CHECK(first_error(text) == expected);
    }
}

TEST_CASE("every duplicate key is reported, with where the first one was", "[json]")
{
    Diagnostics diagnostics;
    auto document = parse("{\"a\": 1,\n \"a\": 2,\n \"b\": {\"c\": 1, \"c\": 2}}", diagnostics);
    CHECK_FALSE(document);
    REQUIRE(diagnostics.items().size() == 2);
    CHECK(diagnostics.items()[0].message == "duplicate key \"a\" (first at line 1, column 2)");
    CHECK(diagnostics.items()[0].pointer == "/a");
    CHECK(diagnostics.items()[0].location->line == 2);
    CHECK(diagnostics.items()[1].pointer == "/b/c");
}

TEST_CASE("nesting is limited without recursing past the limit", "[json]")
{
    Diagnostics diagnostics;
    const std::string deep(100000, '[');
    auto document = parse(deep, diagnostics, [] {
        JsonLimits limits;
        limits.max_depth = 64;
        return limits;
    }());
    CHECK_FALSE(document);
    REQUIRE(diagnostics.items().size() == 1);
    CHECK(diagnostics.items()[0].message == "nesting deeper than 64 levels");
    CHECK(diagnostics.items()[0].location->column == 65);
}

TEST_CASE("a diagnostic renders the source line and a caret under the value", "[diagnostics]")
{
    Diagnostics diagnostics;
    auto document = parse("{\n  \"size_gb\": \"big\"\n}", diagnostics);
    REQUIRE(document);
    const auto d = document->diagnostic_at("/size_gb", "expected a number, got string \"big\"", "write the number without quotes");
    CHECK(format_diagnostic(d) ==
        "t.json:2:14: /size_gb: expected a number, got string \"big\"\n"
        " 2 |   \"size_gb\": \"big\"\n"
        "   |              ^~~~~\n"
        "  = help: write the number without quotes\n");
}

TEST_CASE("CRLF line endings do not shift columns or leak into the shown line", "[diagnostics]")
{
    Diagnostics diagnostics;
    auto document = parse("{\r\n  \"a\": \"x\"\r\n}\r\n", diagnostics);
    REQUIRE(document);
    const auto d = document->diagnostic_at("/a", "m");
    CHECK(d.location->line == 2);
    CHECK(d.location->column == 8);
    CHECK(d.source_line == "  \"a\": \"x\"");
}

TEST_CASE("without recorded positions, a document finds them on first use", "[json]")
{
    Diagnostics diagnostics;
    JsonLimits limits;
    limits.record_positions = false;
    auto document = parse("{\n  \"a\": {\"b\": [10, \"x\"]},\n  \"c\": true\n}", diagnostics, limits);
    REQUIRE(document);
    CHECK(diagnostics.empty());
    CHECK(document->value["a"]["b"][1] == "x");
    CHECK(document->value_spans.empty()); // nothing recorded while parsing
    const auto span = document->locate("/a/b/1");
    REQUIRE(span);
    CHECK(span->begin.line == 2);
    CHECK(span->begin.column == 19);
    const auto key = document->locate_key("/c");
    REQUIRE(key);
    CHECK(key->begin.line == 3);
    CHECK(key->begin.column == 3);
}

TEST_CASE("without recorded positions, errors still get the full message and place", "[json]")
{
    Diagnostics diagnostics;
    JsonLimits limits;
    limits.record_positions = false;
    auto document = parse("{\"a\": 1,\n \"a\": 2}", diagnostics, limits);
    CHECK_FALSE(document);
    REQUIRE(diagnostics.items().size() == 1);
    const auto& d = diagnostics.items().front();
    CHECK(d.message == "duplicate key \"a\" (first at line 1, column 2)");
    REQUIRE(d.location);
    CHECK(d.location->line == 2);
    CHECK(d.location->column == 2);
}
