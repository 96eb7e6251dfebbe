// Build step: bundles the rule files (rules/<category>/*.json) into the C++ table the binary
// embeds (src/rules/bundle.hpp). Each rule goes in twice: its fields as C++ literals, from which
// every command builds the rule without parsing JSON (parsing the bundled JSON was two thirds of
// `advise`: 25 of 37.5 million instructions, docs/performance.md), and its cases alone as JSON,
// which only `mlscale rules test` reads.
//
//   mlscale_bundle_rules RULES_DIR OUTPUT.cpp
//
// This tool only reshapes the files (its one dependency is nlohmann::json, so that mlscale_core
// can contain what it writes). Checking them is the next step of the build: the freshly linked
// mlscale runs `rules test RULES_DIR`, which loads every file with all the checks of a user's rule
// file and runs every case (see CMakeLists.txt); a broken rule fails the build there, with
// file:line:column diagnostics.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json; // the members stay in the file's order

// A C++ string literal for `text` (UTF-8 bytes kept as they are, control characters escaped).
std::string literal(std::string_view text)
{
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '?') {
            out += "\\?"; // never a trigraph
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char octal[8];
            std::snprintf(octal, sizeof octal, "\\%03o", static_cast<unsigned>(static_cast<unsigned char>(c)));
            out += octal;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

// Every rule file under the category directories of `root`, sorted. Files directly in `root`
// (facts.json, concepts.json) are not rules.
std::vector<fs::path> rule_files(const fs::path& root)
{
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        const fs::path relative = fs::relative(entry.path(), root);
        if (entry.is_regular_file() && entry.path().extension() == ".json" && relative.has_parent_path() && relative.filename().string().front() != '.') {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string string_field(const Json& object, const char* key)
{
    const auto it = object.find(key);
    return literal(it != object.end() && it->is_string() ? it->get<std::string>() : std::string());
}

// `rule`'s fields as the initializer of a BundledFields (src/rules/bundle.hpp), with the arrays it
// points into written before `entries` as k_<n>_evidence, k_<n>_params, k_<n>_newer.
std::string fields_initializer(const Json& rule, std::size_t n, std::string& arrays)
{
    const auto compact = [](const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::strict); };
    const std::string prefix = "k_" + std::to_string(n);
    std::string evidence = "{}";
    const bool has_evidence = rule.contains("evidence") && rule["evidence"].is_array();
    if (has_evidence && !rule["evidence"].empty()) {
        arrays += "const std::string_view " + prefix + "_evidence[] = {";
        for (const auto& path : rule["evidence"]) {
            arrays += literal(path.is_string() ? path.get<std::string>() : std::string()) + ", ";
        }
        arrays += "};\n";
        evidence = prefix + "_evidence";
    }
    std::string params = "{}";
    if (rule.contains("params") && rule["params"].is_object() && !rule["params"].empty()) {
        std::map<std::string, Json> sorted; // a rule file's params are read in name order
        for (const auto& [name, spec] : rule["params"].items()) {
            sorted.emplace(name, spec);
        }
        arrays += "const BundledParam " + prefix + "_params[] = {\n";
        for (const auto& [name, spec] : sorted) {
            const std::string value = spec.is_object() && spec.contains("default") ? compact(spec["default"]) : std::string();
            arrays += "    {" + literal(name) + ", " + literal(value) + ", " + string_field(spec, "unit") + ", " + string_field(spec, "doc") + ", " +
                string_field(spec, "source") + "},\n";
        }
        arrays += "};\n";
        params = prefix + "_params";
    }
    const Json none = Json::object();
    const Json& doc = rule.contains("doc") && rule["doc"].is_object() ? rule["doc"] : none;
    const Json& source = rule.contains("source") && rule["source"].is_object() ? rule["source"] : none;
    std::string newer = "{}";
    if (source.contains("newer") && source["newer"].is_array() && !source["newer"].empty()) {
        arrays += "const BundledReference " + prefix + "_newer[] = {\n";
        for (const auto& item : source["newer"]) {
            arrays += "    {" + string_field(item, "fact") + ", " + string_field(item, "url") + "},\n";
        }
        arrays += "};\n";
        newer = prefix + "_newer";
    }
    return "{.code = " + string_field(rule, "code") + ", .slug = " + string_field(rule, "slug") + ", .concept_key = " + string_field(rule, "concept") +
        ", .category = " + string_field(rule, "category") + ", .severity = " + string_field(rule, "severity") + ", .status = " + string_field(rule, "status") +
        ", .title = " + string_field(rule, "title") + ", .location = " + string_field(rule, "location") +
        ", .applies_when = " + string_field(rule, "applies_when") + ", .condition = " + string_field(rule, "condition") +
        ", .message = " + string_field(rule, "message") + ", .recommendation = " + string_field(rule, "recommendation") +
        ", .has_evidence = " + (has_evidence ? "true" : "false") + ", .evidence = " + evidence + ", .params = " + params +
        ", .what = " + string_field(doc, "what") + ", .why = " + string_field(doc, "why") + ", .example = " + string_field(doc, "example") +
        ", .instead = " + string_field(doc, "instead") + ", .seed = " + string_field(source, "seed") + ", .section = " + string_field(source, "section") +
        ", .quote = " + string_field(source, "quote") + ", .newer = " + newer + "}";
}

// One line of the table: {file, {"cases": [...]}, the rule's other fields}; the
// arrays the fields point into go to `arrays`.
std::string bundle_entry(const fs::path& path, const std::string& name, std::size_t n, std::string& arrays)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    Json rule;
    try {
        rule = Json::parse(text.str());
    } catch (const std::exception& e) {
        // The check after linking reports it with line and column; say which file it is.
        throw std::runtime_error(name + ": not valid JSON (" + e.what() + ")");
    }
    Json cases = Json::object();
    if (rule.is_object() && rule.contains("cases")) {
        cases["cases"] = std::move(rule["cases"]);
        rule.erase("cases");
    }
    const auto compact = [](const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::strict); };
    const std::string fields = rule.is_object() ? fields_initializer(rule, n, arrays) : std::string("{}");
    return "    {" + literal(name) + ", " + literal(compact(cases)) + ",\n     " + fields + "},\n";
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 3) {
        std::cerr << "usage: mlscale_bundle_rules RULES_DIR OUTPUT.cpp\n";
        return 2;
    }
    try {
        const fs::path root = argv[1];
        std::string arrays;
        std::string entries;
        std::size_t n = 0;
        for (const auto& path : rule_files(root)) {
            entries += bundle_entry(path, (fs::path("rules") / fs::relative(path, root)).generic_string(), n++, arrays);
        }
        std::string out = "// Generated by mlscale_bundle_rules (src/tools/bundle_rules.cpp) from rules/: do not edit.\n"
                          "#include \"bundle.hpp\"\n\nnamespace mlscale {\n\nnamespace {\n\n" +
            arrays + "\nconst BundledRule k_rules[] = {\n" + entries;
        out += "};\n\n} // namespace\n\nstd::span<const BundledRule> rule_bundle()\n{\n    return k_rules;\n}\n\n} // namespace mlscale\n";
        const std::string temporary = std::string(argv[2]) + ".new";
        std::ofstream(temporary, std::ios::binary) << out;
        fs::rename(temporary, argv[2]);
    } catch (const std::exception& e) {
        std::cerr << "mlscale_bundle_rules: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
