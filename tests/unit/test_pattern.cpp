// SimplePattern (src/core/pattern.hpp) against std::regex_search: same answers on the schemas'
// patterns and on many more, nothing accepted outside its subset.
#include <catch2/catch.hpp>

#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/pattern.hpp"
#include "mlscale/resources.hpp"
#include "mlscale/schema.hpp"

using mlscale::SimplePattern;

namespace {

// Every string of up to `length` bytes over `alphabet`.
std::vector<std::string> strings_over(const std::string& alphabet, std::size_t length)
{
    std::vector<std::string> all{""};
    std::vector<std::string> last{""};
    for (std::size_t n = 1; n <= length; ++n) {
        std::vector<std::string> longer;
        for (const auto& s : last) {
            for (const char c : alphabet) {
                longer.push_back(s + c);
            }
        }
        all.insert(all.end(), longer.begin(), longer.end());
        last = std::move(longer);
    }
    return all;
}

void collect_patterns(const nlohmann::json& node, std::vector<std::string>& out)
{
    if (node.is_object()) {
        for (const auto& [key, value] : node.items()) {
            if (key == "pattern" && value.is_string()) {
                out.push_back(value.get<std::string>());
            } else if (key == "patternProperties" && value.is_object()) {
                for (const auto& [pattern, schema] : value.items()) {
                    out.push_back(pattern);
                    collect_patterns(schema, out);
                }
            } else {
                collect_patterns(value, out);
            }
        }
    } else if (node.is_array()) {
        for (const auto& item : node) {
            collect_patterns(item, out);
        }
    }
}

void agrees_with_std_regex(const std::string& pattern, const std::vector<std::string>& texts)
{
    const auto simple = SimplePattern::compile(pattern);
    INFO("pattern " << pattern);
    REQUIRE(simple);
    const std::regex regex(pattern);
    for (const auto& text : texts) {
        INFO("text \"" << text << "\"");
        CHECK(simple->search(text) == std::regex_search(text, regex));
    }
}

} // namespace

TEST_CASE("the schemas' patterns match as std::regex_search does", "[pattern]")
{
    std::vector<std::string> patterns;
    for (const char* path : {"docs/job.schema.json", "docs/config.schema.json"}) {
        const auto text = mlscale::embedded_file(path);
        REQUIRE(text);
        collect_patterns(nlohmann::json::parse(*text), patterns);
    }
    REQUIRE(patterns.size() >= 5);
    std::vector<std::string> texts = {"ml.p4d.24xlarge", "p4d.24xlarge", "ml.p4d", "P4d.24xlarge", "ml..x", "ml.p4d.24xlarge ", "us-east-1", "us-gov-west-1",
        "eu-central-12", "2026-12-03", "2026-1-03", "MLS-STOR-004", "MLS-STOR-04", "mls-stor-004", "x-team", "team", "x-", "", "ml.", "g5", "ml.g5.xlarge\n"};
    const auto small = strings_over("ml.-4x", 4);
    texts.insert(texts.end(), small.begin(), small.end());
    for (const auto& pattern : patterns) {
        agrees_with_std_regex(pattern, texts); // every one is in the subset: no std::regex at run time
    }
}

TEST_CASE("the subset matches as std::regex_search does", "[pattern]")
{
    const auto texts = strings_over("ab-.\n", 5);
    for (const std::string pattern : {"a", "ab", "^a", "a$", "^a$", "^$", "", "a|b", "a|b|-", "(a|b)+", "(?:ab)*$", "^(a|b)?-", "a*", "^a*$", "a+b?", "^a{2}$",
             "a{2,}", "^a{1,3}b$", "^(ab){2}", "[ab]", "[^ab]", "^[a-b-]+$", "[-a]", "[a\\-]", "\\.", "^\\.+$", ".", "^.$", "a.b", "\\d", "\\w+", "\\s",
             "[\\d.]", "(a*)*b", "(a|)+$", "^(a?){3}a{3}$", "a+?", "a{0}b", "-{1,2}$", "((a|b)(a|-))+"}) {
        agrees_with_std_regex(pattern, texts);
    }
}

TEST_CASE("what is outside the subset is refused", "[pattern]")
{
    for (const std::string pattern :
        {"\\bword", "(?=a)b", "a**", "[[:alpha:]]", "^a|b", "a|b$", "(a)\\1", "\\u0041", "a{3,1}", "(a", "a)", "[a", "a{1000}", "^a$b", "a^"}) {
        INFO("pattern " << pattern);
        CHECK_FALSE(SimplePattern::compile(pattern));
    }
}

TEST_CASE("a schema with a pattern outside the subset is refused when compiled", "[pattern]")
{
    const auto schema = nlohmann::json::parse(R"({"properties": {"name": {"type": "string", "pattern": "(?=a)b"}}})");
    CHECK_THROWS_WITH(mlscale::JsonSchema(schema),
        "schema at #/properties/name/pattern: pattern /(?=a)b/ uses regular expression syntax outside the supported subset "
        "(src/core/pattern.hpp)");
    const auto keys = nlohmann::json::parse(R"({"patternProperties": {"\\bx": {"type": "string"}}})");
    CHECK_THROWS_WITH(mlscale::JsonSchema(keys),
        "schema at #/patternProperties: pattern /\\bx/ uses regular expression syntax outside the supported subset "
        "(src/core/pattern.hpp)");
}

TEST_CASE("a schema's patterns still match after compiling", "[pattern]")
{
    const auto schema = mlscale::JsonSchema(nlohmann::json::parse(
        R"({"type": "object", "properties": {"region": {"type": "string", "pattern": "^[a-z]{2}-[a-z]+-[0-9]$"}, "tag": {"type": "string", "pattern": "^x-"}}})"));
    mlscale::Diagnostics diagnostics;
    const auto good = mlscale::parse_json(mlscale::SourceFile{"a.json", R"({"region": "us-east-1", "tag": "x-team"})"}, diagnostics);
    REQUIRE(good);
    schema.validate(*good, diagnostics);
    CHECK(diagnostics.empty());
    const auto bad = mlscale::parse_json(mlscale::SourceFile{"b.json", R"({"region": "US-east-1", "tag": "team"})"}, diagnostics);
    REQUIRE(bad);
    schema.validate(*bad, diagnostics);
    CHECK(diagnostics.error_count() == 2);
}

TEST_CASE("a long text is matched without backtracking", "[pattern]")
{
    const auto pattern = SimplePattern::compile("^(ml\\.)?[a-z][a-z0-9-]*\\.[a-z0-9-]+$");
    REQUIRE(pattern);
    std::string text = "ml" + std::string(200000, 'a');
    CHECK_FALSE(pattern->search(text)); // no second dot
    text += ".24xlarge";
    CHECK(pattern->search(text));
    text += "!";
    CHECK_FALSE(pattern->search(text));
}
