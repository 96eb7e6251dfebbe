// Loading rule files: the located JSON reader, a table of the fields of docs/rule-format.md,
// every expression compiled against the fact schema, errors placed under the bad token of the
// rule file itself.
#include <algorithm>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <fmt/format.h>
#include <set>
#include <stdexcept>

#include "mlscale/json_document.hpp"
#include "mlscale/parallel.hpp"
#include "mlscale/resources.hpp"
#include "mlscale/rules.hpp"
#include "mlscale/schema.hpp"
#include "mlscale/suggest.hpp"

namespace mlscale {

namespace {

using nlohmann::json;

// ------------------------------------------------------------------ the rule file's shape

enum class Kind : std::uint8_t { String, Object, Array, Value };

struct FieldSpec {
    std::string_view name;
    Kind kind;
    bool required;
    std::vector<std::string_view> allowed; ///< for enumerations; empty: any
};

const std::vector<std::string_view> k_categories{"data", "storage", "etl", "compute", "distributed", "cost", "deployment",
    "security", "ops"};
const std::vector<std::string_view> k_rule_severities{"info", "low", "medium", "high", "critical"};
const std::vector<std::string_view> k_statuses{"stable", "preview", "deprecated"};
const std::vector<std::string_view> k_seeds{"000", "001", "002", "003", "004"};
const std::vector<std::string_view> k_outcomes{"FAIL", "PASS", "SKIP"};

const std::vector<FieldSpec> k_rule_fields{
    {"$schema", Kind::String, false, {}},
    {"code", Kind::String, true, {}},
    {"slug", Kind::String, true, {}},
    {"concept", Kind::String, true, {}},
    {"category", Kind::String, true, k_categories},
    {"severity", Kind::String, true, k_rule_severities},
    {"status", Kind::String, true, k_statuses},
    {"title", Kind::String, true, {}},
    {"applies_when", Kind::String, false, {}},
    {"condition", Kind::String, true, {}},
    {"message", Kind::String, true, {}},
    {"recommendation", Kind::String, true, {}},
    {"location", Kind::String, true, {}},
    {"evidence", Kind::Array, false, {}},
    {"params", Kind::Object, false, {}},
    {"doc", Kind::Object, true, {}},
    {"source", Kind::Object, true, {}},
    {"cases", Kind::Array, true, {}},
};

const std::vector<FieldSpec> k_param_fields{
    {"default", Kind::Value, true, {}},
    {"unit", Kind::String, false, {}},
    {"doc", Kind::String, true, {}},
    {"source", Kind::String, true, {}},
};

const std::vector<FieldSpec> k_doc_fields{
    {"what", Kind::String, true, {}},
    {"why", Kind::String, true, {}},
    {"example", Kind::String, true, {}},
    {"instead", Kind::String, true, {}},
};

const std::vector<FieldSpec> k_source_fields{
    {"seed", Kind::String, true, k_seeds},
    {"section", Kind::String, true, {}},
    {"quote", Kind::String, false, {}},
    {"newer", Kind::Array, false, {}},
};

const std::vector<FieldSpec> k_newer_fields{
    {"fact", Kind::String, true, {}},
    {"url", Kind::String, false, {}},
};

const std::vector<FieldSpec> k_case_fields{
    {"name", Kind::String, true, {}},
    {"expect", Kind::String, true, k_outcomes},
    {"facts", Kind::Object, true, {}},
    {"params", Kind::Object, false, {}},
};

const char* kind_phrase(Kind kind)
{
    switch (kind) {
    case Kind::String:
        return "a string";
    case Kind::Object:
        return "an object";
    case Kind::Array:
        return "an array";
    case Kind::Value:
        return "a number, string, boolean or array";
    }
    return "a value";
}

bool has_kind(const json& value, Kind kind)
{
    switch (kind) {
    case Kind::String:
        return value.is_string();
    case Kind::Object:
        return value.is_object();
    case Kind::Array:
        return value.is_array();
    case Kind::Value:
        return value.is_number() || value.is_string() || value.is_boolean() || value.is_array();
    }
    return false;
}

std::string quoted_list(const std::vector<std::string_view>& names)
{
    std::vector<std::string> quoted;
    for (const auto name : names) {
        quoted.push_back(fmt::format("\"{}\"", name));
    }
    return fmt::format("{}", fmt::join(quoted, ", "));
}

bool is_code(std::string_view code)
{
    // ^MLS-[A-Z]+-[0-9]{3}$
    if (code.size() < 10 || code.substr(0, 4) != "MLS-") {
        return false;
    }
    const std::size_t dash = code.find('-', 4);
    if (dash == std::string_view::npos || dash == 4 || code.size() - dash - 1 != 3) {
        return false;
    }
    for (std::size_t i = 4; i < dash; ++i) {
        if (code[i] < 'A' || code[i] > 'Z') {
            return false;
        }
    }
    for (std::size_t i = dash + 1; i < code.size(); ++i) {
        if (code[i] < '0' || code[i] > '9') {
            return false;
        }
    }
    return true;
}

bool is_kebab(std::string_view text)
{
    if (text.empty() || text.front() == '-' || text.back() == '-') {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && text[i - 1] != '-');
        if (!ok) {
            return false;
        }
    }
    return true;
}

bool is_identifier(std::string_view text)
{
    if (text.empty() || (text[0] >= '0' && text[0] <= '9')) {
        return false;
    }
    return std::all_of(text.begin(), text.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}


// The byte offset in the file of byte `decoded` of the JSON string whose opening quote is at
// `quote`: escape sequences (\n, \", \u00e9, surrogate pairs) take more bytes in the file than in
// the decoded string, so carets under expression errors must walk them.
std::size_t raw_offset(std::string_view text, std::size_t quote, std::size_t decoded)
{
    std::size_t pos = quote + 1;
    std::size_t produced = 0;
    const auto hex4 = [&](std::size_t at) -> std::uint32_t {
        std::uint32_t code = 0;
        for (std::size_t i = at; i < at + 4 && i < text.size(); ++i) {
            const char c = text[i];
            code = code * 16 + static_cast<std::uint32_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
        }
        return code;
    };
    while (pos < text.size() && text[pos] != '"') {
        if (produced >= decoded) {
            return pos;
        }
        std::size_t raw_length = 1;
        std::size_t bytes = 1;
        if (text[pos] == '\\' && pos + 1 < text.size()) {
            raw_length = 2;
            if (text[pos + 1] == 'u') {
                std::uint32_t code = hex4(pos + 2);
                raw_length = 6;
                if (code >= 0xD800 && code <= 0xDBFF && text.substr(pos + 6, 2) == "\\u") {
                    code = 0x10000;
                    raw_length = 12;
                }
                bytes = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
            }
        }
        if (produced + bytes > decoded) {
            return pos;
        }
        produced += bytes;
        pos += raw_length;
    }
    return pos;
}

// The fact schema plus this rule's own parameters as param.<name>.
class RuleSchema final : public expr::Schema {
public:
    RuleSchema(const expr::MapSchema& base, const std::vector<RuleParam>& params) : m_base(base)
    {
        for (const auto& param : params) {
            m_params.emplace("param." + param.name, param.type);
        }
    }

    std::optional<expr::Type> path_type(std::string_view path) const override
    {
        if (path.substr(0, 6) == "param.") {
            if (const auto it = m_params.find(path); it != m_params.end()) {
                return it->second;
            }
            return std::nullopt;
        }
        return m_base.path_type(path);
    }

    std::vector<std::string> known_paths() const override
    {
        std::vector<std::string> paths = m_base.known_paths();
        for (const auto& [path, type] : m_params) {
            paths.push_back(path);
        }
        return paths;
    }

private:
    const expr::MapSchema& m_base;
    std::map<std::string, expr::Type, std::less<>> m_params;
};

std::vector<std::string> concept_keys()
{
    std::vector<std::string> keys;
    for (const auto& item : concepts()) {
        keys.push_back(item.key);
    }
    return keys;
}

bool is_concept(std::string_view key)
{
    const auto& list = concepts();
    return std::any_of(list.begin(), list.end(), [&](const Concept& c) { return c.key == key; });
}

// Job fields and the groups above them, as JSON pointers: where a finding may point.
const std::set<std::string, std::less<>>& job_pointers()
{
    static const std::set<std::string, std::less<>> pointers = [] {
        std::set<std::string, std::less<>> result;
        for (const auto& path : fact_schema().known_paths()) {
            if (path.rfind("profile.", 0) == 0 || path.rfind("plan.", 0) == 0) {
                continue;
            }
            std::string pointer = "/" + path;
            std::replace(pointer.begin(), pointer.end(), '.', '/');
            for (std::size_t slash = pointer.find('/', 1); slash != std::string::npos; slash = pointer.find('/', slash + 1)) {
                result.insert(pointer.substr(0, slash));
            }
            result.insert(pointer);
        }
        return result;
    }();
    return pointers;
}

// ------------------------------------------------------------------ the reader

class RuleReader {
public:
    // `trusted`: an embedded file read for evaluation. Its fields, identity, location and use of
    // its parameters were checked when it was loaded in full (by its ctest, by `mlscale rules
    // test`, by the unit test that loads every embedded rule in full), and the build embeds the
    // same bytes: those checks are left out; the expressions are still compiled and type-checked.
    RuleReader(const JsonDocument& document, Diagnostics& diagnostics, RuleDetail detail, bool trusted)
        : m_document(document), m_diagnostics(diagnostics), m_detail(detail), m_trusted(trusted)
    {
    }

    std::optional<Rule> read(bool builtin)
    {
        const json& root = m_document.value;
        if (!root.is_object()) {
            error("", fmt::format("expected a rule object, got {}", describe_json(root)), "a rule file is one JSON object (docs/rule-format.md)");
            return std::nullopt;
        }
        check_fields(root, "", k_rule_fields);
        Rule rule;
        rule.file = m_document.file;
        rule.builtin = builtin;
        rule.code = text(root, "code");
        rule.slug = text(root, "slug");
        rule.concept_key = text(root, "concept");
        rule.category = text(root, "category");
        rule.severity = text(root, "severity");
        rule.status = text(root, "status");
        rule.title = text(root, "title");
        rule.location = text(root, "location");
        check_identity(rule);
        read_params(root, rule);
        rule.param_object = rule.default_params();
        if (m_detail == RuleDetail::Full) {
            read_doc(root, rule);
        }
        read_source(root, rule);

        const auto shared_schema = std::make_shared<const RuleSchema>(fact_schema(), rule.params);
        const RuleSchema& schema = *shared_schema;
        if (root.contains("applies_when") && root["applies_when"].is_string()) {
            rule.applies_when = compile_expression("/applies_when", schema);
        }
        if (root.contains("condition") && root["condition"].is_string()) {
            rule.condition = compile_expression("/condition", schema);
        }
        if (root.contains("message") && root["message"].is_string()) {
            rule.message = compile_template("/message", shared_schema);
        }
        if (root.contains("recommendation") && root["recommendation"].is_string()) {
            rule.recommendation = compile_template("/recommendation", shared_schema);
        }
        read_evidence(root, rule, schema);
        check_location(rule);
        check_params_used(rule);
        if (m_detail == RuleDetail::Full) {
            read_cases(root, rule, schema);
        }
        if (!m_ok) {
            return std::nullopt;
        }
        return rule;
    }

private:
    const JsonDocument& m_document;
    Diagnostics& m_diagnostics;
    RuleDetail m_detail;
    bool m_trusted;
    bool m_ok = true;

    void error(const std::string& pointer, std::string message, std::string help = {}, bool at_key = false)
    {
        m_diagnostics.add(m_document.diagnostic_at(pointer, std::move(message), std::move(help), at_key));
        m_ok = false;
    }

    static std::string member(const std::string& pointer, const std::string& key)
    {
        return pointer + "/" + escape_pointer_token(key);
    }

    static std::string text(const json& object, const char* key)
    {
        const auto it = object.find(key);
        return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
    }

    // Checks an object's members against a field table: unknown fields (with did-you-mean),
    // missing required fields, the kind of each value, enumerations and empty strings.
    void check_fields(const json& object, const std::string& pointer, const std::vector<FieldSpec>& fields)
    {
        if (m_trusted) {
            return;
        }
        // Problems are collected first and reported in document order; positions are looked up
        // only when there is something to report (the common, valid file pays nothing for them).
        struct Problem {
            std::string key;
            std::string message;
            std::string help;
            bool at_key;
        };
        std::vector<Problem> problems;
        for (const auto& [key, value] : object.items()) {
            const std::string& name = key; // clang 14 cannot capture a structured binding in a lambda
            const auto spec = std::find_if(fields.begin(), fields.end(), [&](const FieldSpec& f) { return f.name == name; });
            if (spec == fields.end()) {
                std::vector<std::string> names;
                for (const auto& f : fields) {
                    names.emplace_back(f.name);
                }
                const auto match = closest_match(key, names);
                problems.push_back({key, fmt::format("unknown field \"{}\"", key),
                    match ? fmt::format("did you mean \"{}\"?", *match) : fmt::format("known fields here: {}", fmt::join(names, ", ")), true});
                continue;
            }
            if (!has_kind(value, spec->kind)) {
                problems.push_back({key, fmt::format("expected {}, got {}", kind_phrase(spec->kind), describe_json(value)), "", false});
                continue;
            }
            if (value.is_string() && value.get_ref<const std::string&>().empty() && spec->required) {
                problems.push_back({key, "must not be empty", "", false});
                continue;
            }
            if (!spec->allowed.empty()) {
                const auto& given = value.get_ref<const std::string&>();
                if (std::find(spec->allowed.begin(), spec->allowed.end(), given) == spec->allowed.end()) {
                    std::vector<std::string> names(spec->allowed.begin(), spec->allowed.end());
                    const auto match = closest_match(given, names);
                    problems.push_back({key, fmt::format("expected one of {}, got \"{}\"", quoted_list(spec->allowed), given),
                        match ? fmt::format("did you mean \"{}\"?", *match) : "", false});
                }
            }
        }
        if (!problems.empty()) {
            std::vector<std::pair<std::uint32_t, std::size_t>> order;
            for (std::size_t i = 0; i < problems.size(); ++i) {
                const auto span = m_document.locate_key(member(pointer, problems[i].key));
                order.emplace_back(span ? span->begin.offset : 0, i);
            }
            std::sort(order.begin(), order.end());
            for (const auto& [offset, i] : order) {
                auto& p = problems[i];
                error(member(pointer, p.key), std::move(p.message), std::move(p.help), p.at_key);
            }
        }
        for (const auto& spec : fields) {
            if (spec.required && !object.contains(std::string(spec.name))) {
                error(pointer, fmt::format("missing required field \"{}\"", spec.name));
            }
        }
    }

    void check_identity(const Rule& rule)
    {
        if (m_trusted) {
            return;
        }
        if (!rule.code.empty() && !is_code(rule.code)) {
            error("/code", fmt::format("\"{}\" is not a rule code", rule.code), "codes look like MLS-STOR-004: MLS-, upper-case letters, -, three digits");
        }
        if (!rule.slug.empty() && !is_kebab(rule.slug)) {
            error("/slug", fmt::format("\"{}\" is not a kebab-case slug", rule.slug), "use lower-case words joined by single dashes, e.g. file-mode-slow-startup");
        }
        if (!rule.concept_key.empty() && !is_concept(rule.concept_key)) {
            const auto match = closest_match(rule.concept_key, concept_keys());
            error("/concept", fmt::format("unknown concept \"{}\"", rule.concept_key),
                match ? fmt::format("did you mean \"{}\"?", *match) : "concepts are the keys of ../shared/spec/practices.md (rules/concepts.json)");
        }
    }

    void read_params(const json& root, Rule& rule)
    {
        const auto it = root.find("params");
        if (it == root.end() || !it->is_object()) {
            return;
        }
        for (const auto& [name, spec] : it->items()) {
            const std::string at = member("/params", name);
            if (!is_identifier(name)) {
                error(at, fmt::format("parameter name \"{}\" is not an identifier", name), "use lower-case letters, digits and _", true);
                continue;
            }
            if (!spec.is_object()) {
                error(at, fmt::format("expected an object, got {}", describe_json(spec)), "a parameter is {\"default\": …, \"unit\": …, \"doc\": …, \"source\": …}");
                continue;
            }
            check_fields(spec, at, k_param_fields);
            RuleParam param;
            param.name = name;
            if (spec.contains("default")) {
                param.default_value = spec["default"];
                param.type = type_of_json(param.default_value);
            }
            param.unit = text(spec, "unit");
            param.doc = text(spec, "doc");
            param.source = text(spec, "source");
            rule.params.push_back(std::move(param));
        }
    }

    void read_doc(const json& root, Rule& rule)
    {
        const auto it = root.find("doc");
        if (it == root.end() || !it->is_object()) {
            return;
        }
        check_fields(*it, "/doc", k_doc_fields);
        rule.doc = RuleDoc{text(*it, "what"), text(*it, "why"), text(*it, "example"), text(*it, "instead")};
    }

    void read_source(const json& root, Rule& rule)
    {
        const auto it = root.find("source");
        if (it == root.end() || !it->is_object()) {
            return;
        }
        check_fields(*it, "/source", k_source_fields);
        rule.source.seed = text(*it, "seed");
        rule.source.section = text(*it, "section");
        rule.source.quote = text(*it, "quote");
        const auto newer = it->find("newer");
        if (newer == it->end() || !newer->is_array()) {
            return;
        }
        for (std::size_t i = 0; i < newer->size(); ++i) {
            const std::string at = "/source/newer/" + std::to_string(i);
            const json& item = (*newer)[i];
            if (!item.is_object()) {
                error(at, fmt::format("expected an object, got {}", describe_json(item)), "write {\"fact\": \"…\", \"url\": \"https://…\"}");
                continue;
            }
            check_fields(item, at, k_newer_fields);
            RuleReference reference{text(item, "fact"), text(item, "url")};
            if (!reference.url.empty() && reference.url.rfind("https://", 0) != 0 && reference.url.rfind("http://", 0) != 0) {
                error(at + "/url", fmt::format("\"{}\" is not a URL", reference.url), "write the full address, starting with https://");
            }
            rule.source.newer.push_back(std::move(reference));
        }
    }

    void expression_error(const std::string& pointer, const expr::Error& e)
    {
        m_document.ensure_positions();
        const auto span = m_document.value_spans.find(pointer);
        if (span == m_document.value_spans.end()) {
            error(pointer, e.message, e.help);
            return;
        }
        const std::size_t quote = span->second.begin.offset;
        const std::size_t begin = raw_offset(m_document.text, quote, e.span.begin);
        const std::size_t end = std::max(begin, raw_offset(m_document.text, quote, e.span.end));
        Diagnostic d;
        d.file = m_document.file;
        d.pointer = pointer;
        d.location = location_of_offset(m_document.text, begin);
        d.source_line = line_of(m_document.text, d.location->line);
        d.span_columns = std::max<std::uint32_t>(1, count_characters(std::string_view(m_document.text).substr(begin, end - begin)));
        d.message = e.message;
        d.help = e.help;
        m_diagnostics.add(std::move(d));
        m_ok = false;
    }

    std::optional<expr::Expression> compile_expression(const std::string& pointer, const expr::Schema& schema)
    {
        const auto& source = m_document.value.at(pointer.substr(1)).get_ref<const std::string&>();
        auto result = expr::compile_condition(source, schema);
        for (const auto& e : result.errors) {
            expression_error(pointer, e);
        }
        return std::move(result.expression);
    }

    // A trusted rule's templates compile when its finding is first rendered: most rules do not
    // fire on a given job, and their templates were checked by the full load.
    std::optional<expr::Template> compile_template(const std::string& pointer, const std::shared_ptr<const RuleSchema>& schema)
    {
        const auto& source = m_document.value.at(pointer.substr(1)).get_ref<const std::string&>();
        if (m_trusted) {
            return expr::defer_template(source, schema);
        }
        auto result = expr::compile_template(source, *schema);
        for (const auto& e : result.errors) {
            expression_error(pointer, e);
        }
        return std::move(result.tmpl);
    }

    void unknown_path(const std::string& pointer, const std::string& path, const expr::Schema& schema, bool at_key = false)
    {
        const auto match = closest_match(path, schema.known_paths());
        error(pointer, fmt::format("unknown path '{}'", path), match ? fmt::format("did you mean `{}`?", *match) : "", at_key);
    }

    void read_evidence(const json& root, Rule& rule, const expr::Schema& schema)
    {
        const auto it = root.find("evidence");
        if (it == root.end() || !it->is_array()) {
            if (rule.condition) {
                rule.evidence = expr::referenced_paths(*rule.condition);
            }
            return;
        }
        for (std::size_t i = 0; i < it->size(); ++i) {
            const std::string at = "/evidence/" + std::to_string(i);
            const json& item = (*it)[i];
            if (!item.is_string()) {
                error(at, fmt::format("expected a path such as \"dataset.size_gb\", got {}", describe_json(item)));
            } else if (!schema.path_type(item.get<std::string>())) {
                unknown_path(at, item.get<std::string>(), schema);
            } else {
                rule.evidence.push_back(item.get<std::string>());
            }
        }
    }

    void check_location(const Rule& rule)
    {
        if (m_trusted || rule.location.empty() || job_pointers().count(rule.location) != 0) {
            return;
        }
        if (rule.location.front() != '/') {
            error("/location", fmt::format("\"{}\" is not a JSON pointer", rule.location), "write the job field as a pointer, e.g. \"/dataset/input_mode\"");
            return;
        }
        const std::vector<std::string> candidates(job_pointers().begin(), job_pointers().end());
        const auto match = closest_match(rule.location, candidates);
        error("/location", fmt::format("\"{}\" is not a field of the job (docs/job.schema.json)", rule.location),
            match ? fmt::format("did you mean \"{}\"?", *match) : "point at the job field the finding is about");
    }

    void check_params_used(const Rule& rule)
    {
        if (m_trusted || rule.params.empty()) {
            return;
        }
        std::set<std::string> used;
        const auto collect = [&](const std::vector<std::string>& paths) {
            used.insert(paths.begin(), paths.end());
        };
        if (rule.applies_when) {
            collect(expr::referenced_paths(*rule.applies_when));
        }
        if (rule.condition) {
            collect(expr::referenced_paths(*rule.condition));
        }
        if (rule.message) {
            collect(expr::referenced_paths(*rule.message));
        }
        if (rule.recommendation) {
            collect(expr::referenced_paths(*rule.recommendation));
        }
        if (!m_ok) {
            return; // an expression that did not compile may be the one that uses it
        }
        for (const auto& param : rule.params) {
            if (used.count("param." + param.name) == 0) {
                error(member("/params", param.name), fmt::format("parameter \"{}\" is not used", param.name),
                    fmt::format("read it as param.{} in the condition (a parameter nothing reads would make --set do nothing)", param.name),
                    true);
            }
        }
    }

    // A case's facts: every leaf must be a known fact path with a value of its type, so a typo in
    // a case cannot make it pass for the wrong reason.
    void check_case_facts(const json& facts, const std::string& pointer, const std::string& prefix, const expr::Schema& schema)
    {
        for (const auto& [key, value] : facts.items()) {
            const std::string at = member(pointer, key);
            const std::string path = prefix.empty() ? key : prefix + "." + key;
            if (prefix.empty() && key == "param") {
                error(at, "parameters do not belong in a case's facts", "set them in the case's \"params\"", true);
                continue;
            }
            if (value.is_object()) {
                check_case_facts(value, at, path, schema);
                continue;
            }
            const auto type = schema.path_type(path);
            if (!type) {
                unknown_path(at, path, schema, true);
                continue;
            }
            if (!value.is_null() && *type != expr::Type::Any && type_of_json(value) != *type) {
                error(at, fmt::format("fact {} is a {}, got {}", path, expr::type_name(*type), describe_json(value)));
            }
        }
    }

    void read_cases(const json& root, Rule& rule, const expr::Schema& schema)
    {
        const auto it = root.find("cases");
        if (it == root.end() || !it->is_array()) {
            return;
        }
        std::set<std::string> names;
        for (std::size_t i = 0; i < it->size(); ++i) {
            const std::string at = "/cases/" + std::to_string(i);
            const json& item = (*it)[i];
            if (!item.is_object()) {
                error(at, fmt::format("expected a case object, got {}", describe_json(item)), "write {\"name\": …, \"expect\": \"FAIL\", \"facts\": {…}}");
                continue;
            }
            check_fields(item, at, k_case_fields);
            RuleCase test;
            test.name = text(item, "name");
            const std::string expect = text(item, "expect");
            test.expect = expect == "FAIL" ? Outcome::Fail : expect == "SKIP" ? Outcome::Skip : Outcome::Pass;
            if (!test.name.empty() && !names.insert(test.name).second) {
                error(at + "/name", fmt::format("another case is also named \"{}\"", test.name), "give each case its own name");
            }
            if (const auto facts = item.find("facts"); facts != item.end() && facts->is_object()) {
                check_case_facts(*facts, at + "/facts", "", schema);
                test.facts = *facts;
            }
            if (const auto params = item.find("params"); params != item.end() && params->is_object()) {
                for (const auto& [name, value] : params->items()) {
                    const RuleParam* param = rule.find_param(name);
                    if (param == nullptr) {
                        std::vector<std::string> known;
                        for (const auto& p : rule.params) {
                            known.push_back(p.name);
                        }
                        const auto match = closest_match(name, known);
                        error(member(at + "/params", name), fmt::format("unknown parameter \"{}\"", name),
                            match ? fmt::format("did you mean \"{}\"?", *match) : "parameters are declared in the rule's \"params\"", true);
                    } else if (type_of_json(value) != param->type) {
                        error(member(at + "/params", name), fmt::format("parameter {} is a {}, got {}", name, expr::type_name(param->type), describe_json(value)));
                    }
                }
                test.params = *params;
            }
            rule.cases.push_back(std::move(test));
        }
        const auto count = [&](Outcome outcome) {
            return std::count_if(rule.cases.begin(), rule.cases.end(), [&](const RuleCase& c) { return c.expect == outcome; });
        };
        std::vector<std::string> missing;
        if (count(Outcome::Fail) == 0) {
            missing.emplace_back("a FAIL case (facts on which the rule fires)");
        }
        if (count(Outcome::Pass) == 0) {
            missing.emplace_back("a PASS case (facts on which it does not fire)");
        }
        if (rule.applies_when && count(Outcome::Skip) == 0) {
            missing.emplace_back("a SKIP case (facts on which applies_when is false)");
        }
        if (!missing.empty() && !it->empty() && m_ok) {
            error("/cases", fmt::format("the cases lack {}", fmt::join(missing, ", and ")),
                "every rule has a FAIL and a PASS case, and a SKIP case when it has applies_when");
        } else if (it->empty()) {
            error("/cases", "a rule needs test cases", "add a FAIL and a PASS case (and a SKIP case when it has applies_when)");
        }
    }
};

void error_at(const SourceFile& file, const std::string& pointer, std::string message, std::string help, Diagnostics& diagnostics)
{
    Diagnostics scratch;
    if (const auto document = parse_json(file, scratch)) {
        diagnostics.add(document->diagnostic_at(pointer, std::move(message), std::move(help)));
    } else {
        Diagnostic d;
        d.file = file.name;
        d.message = std::move(message);
        d.help = std::move(help);
        diagnostics.add(std::move(d));
    }
}

std::vector<SourceFile> builtin_rule_files()
{
    std::vector<SourceFile> files;
    for (const auto& file : embedded_files()) {
        const std::string_view path = file.path;
        // rules/<category>/<CODE>.json; rules/facts.json and rules/concepts.json are not rules.
        if (path.rfind("rules/", 0) == 0 && path.find('/', 6) != std::string_view::npos && path.size() > 5 &&
            path.substr(path.size() - 5) == ".json") {
            files.push_back(SourceFile{std::string(path), std::string(file.content)});
        }
    }
    return files;
}

bool is_rule_file_name(const std::filesystem::path& path)
{
    const std::string name = path.filename().string();
    return path.extension() == ".json" && name != "facts.json" && name != "concepts.json" && name.front() != '.';
}

std::vector<SourceFile> directory_rule_files(const std::string& path, Diagnostics& diagnostics)
{
    namespace fs = std::filesystem;
    std::vector<SourceFile> files;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        Diagnostic d;
        d.file = path;
        if (ec) { // it is there but cannot be looked at: a symlink loop, a directory without permission
            d.message = fmt::format("cannot read: {}", ec.message());
        } else {
            d.message = "no such rules file or directory";
            d.help = "--rules takes a directory of rule files (docs/rule-format.md) or one rule file";
        }
        diagnostics.add(std::move(d));
        return files;
    }
    std::vector<std::string> paths;
    if (fs::is_directory(path, ec)) {
        for (fs::recursive_directory_iterator it(path, ec), end; it != end && !ec; it.increment(ec)) {
            // A rule file behind a link that leads nowhere (a loop, a dangling link) is read anyway,
            // so reading it says why, rather than the rule going missing without a word.
            if (is_rule_file_name(it->path()) && (it->is_regular_file(ec) || it->is_symlink(ec))) {
                paths.push_back(it->path().string());
            }
        }
        std::sort(paths.begin(), paths.end());
    } else {
        paths.push_back(path);
    }
    for (const auto& file : paths) {
        if (auto source = mlscale::read_source(file, diagnostics)) {
            files.push_back(std::move(*source));
        }
    }
    return files;
}

} // namespace

expr::Type type_of_json(const nlohmann::json& value)
{
    if (value.is_number()) {
        return expr::Type::Number;
    }
    if (value.is_string()) {
        return expr::Type::String;
    }
    if (value.is_boolean()) {
        return expr::Type::Bool;
    }
    if (value.is_array()) {
        return expr::Type::List;
    }
    return expr::Type::Any;
}

std::optional<Rule> load_rule(const SourceFile& file, Diagnostics& diagnostics, bool builtin, RuleDetail detail)
{
    const auto read = [&](Diagnostics& into, bool positions) -> std::optional<Rule> {
        JsonLimits limits;
        limits.max_depth = 64;
        limits.record_positions = positions;
        if (!positions) {
            // A problem found in this pass is reported by the second one, which parses again
            // with positions: no copy of the text is needed for them.
            limits.keep_text = false;
            if (detail == RuleDetail::Evaluation) {
                // The cases and the doc are scanned past, not built: evaluation needs neither.
                limits.skip_members = {"cases", "doc"};
            }
        }
        std::optional<JsonDocument> document = parse_json(file, into, limits);
        if (!document) {
            return std::nullopt;
        }
        return RuleReader(*document, into, detail, builtin && detail == RuleDetail::Evaluation).read(builtin);
    };
    // Positions are only needed to report problems, and most files have none: read without them
    // first, and again with them when there is something to report.
    Diagnostics first_pass;
    if (auto rule = read(first_pass, false); rule && first_pass.empty()) {
        return rule;
    }
    return read(diagnostics, true);
}

std::optional<RuleSet> load_rules(const std::vector<std::string>& paths, Diagnostics& diagnostics, bool include_builtin,
    RuleDetail builtin_detail)
{
    RuleSet set;
    bool ok = true;
    const auto load_layer = [&](const std::vector<SourceFile>& files, bool builtin) {
        // The files are read on two cores (each into its own slot), then taken in order, so
        // the rules and the diagnostics are the same as if read one after the other.
        std::vector<std::optional<Rule>> read(files.size());
        std::vector<Diagnostics> problems(files.size());
        for_each_index(files.size(), [&](std::size_t i) {
            read[i] = load_rule(files[i], problems[i], builtin, builtin ? builtin_detail : RuleDetail::Full);
        });
        std::map<std::string, const SourceFile*> layer;
        std::vector<Rule> loaded;
        loaded.reserve(files.size());
        for (std::size_t i = 0; i < files.size(); ++i) {
            const SourceFile& file = files[i];
            for (const auto& d : problems[i].items()) {
                diagnostics.add(d);
            }
            auto& rule = read[i];
            if (!rule) {
                ok = false;
                continue;
            }
            if (const auto it = layer.find(rule->code); it != layer.end()) {
                error_at(file, "/code", fmt::format("duplicate rule code {}: {} defines it too", rule->code, it->second->name),
                    "a code belongs to one rule and is never reused; pick the next free number", diagnostics);
                ok = false;
                continue;
            }
            layer.emplace(rule->code, &file);
            loaded.push_back(std::move(*rule));
        }
        set.add_or_replace(std::move(loaded));
    };
    if (include_builtin) {
        load_layer(builtin_rule_files(), true);
    }
    for (const auto& path : paths) {
        load_layer(directory_rule_files(path, diagnostics), false);
        ok = ok && !diagnostics.has_errors();
    }
    // Slugs name problems; two rules with one slug would make --select by slug and the docs ambiguous.
    std::map<std::string, const Rule*> slugs;
    for (const auto& rule : set.rules()) {
        if (const auto [it, inserted] = slugs.emplace(rule.slug, &rule); !inserted) {
            Diagnostic d;
            d.file = rule.file;
            d.message = fmt::format("duplicate slug \"{}\": {} ({}) uses it too", rule.slug, it->second->code, it->second->file);
            d.help = "give each rule its own slug";
            diagnostics.add(std::move(d));
            ok = false;
        }
    }
    if (!ok) {
        return std::nullopt;
    }
    return set;
}

const RuleSet& builtin_rules()
{
    static const RuleSet rules = [] {
        Diagnostics diagnostics;
        auto loaded = load_rules({}, diagnostics, true, RuleDetail::Evaluation);
        if (!loaded) {
            std::string text = "the embedded rule catalogue is broken:\n";
            for (const auto& d : diagnostics.items()) {
                text += format_diagnostic(d);
            }
            throw std::runtime_error(text);
        }
        return std::move(*loaded);
    }();
    return rules;
}

// ------------------------------------------------------------------ Rule and RuleSet

std::string Rule::source_label() const
{
    return fmt::format("{}: {}", source.seed, source.section);
}

nlohmann::json Rule::default_params() const
{
    json values = json::object();
    for (const auto& param : params) {
        values[param.name] = param.default_value;
    }
    return values;
}

const RuleParam* Rule::find_param(std::string_view name) const
{
    for (const auto& param : params) {
        if (param.name == name) {
            return &param;
        }
    }
    return nullptr;
}

const Rule* RuleSet::find(std::string_view code) const
{
    const auto it = std::lower_bound(m_rules.begin(), m_rules.end(), code, [](const Rule& r, std::string_view c) { return r.code < c; });
    return it != m_rules.end() && it->code == code ? &*it : nullptr;
}

std::vector<std::string> RuleSet::codes() const
{
    std::vector<std::string> result;
    for (const auto& rule : m_rules) {
        result.push_back(rule.code);
    }
    return result;
}

void RuleSet::add_or_replace(std::vector<Rule> rules)
{
    // Later rules replace earlier ones with the same code, within `rules` and against the set.
    std::stable_sort(rules.begin(), rules.end(), [](const Rule& a, const Rule& b) { return a.code < b.code; });
    std::vector<Rule> merged;
    merged.reserve(m_rules.size() + rules.size());
    auto old_rule = m_rules.begin();
    for (auto it = rules.begin(); it != rules.end(); ++it) {
        if (std::next(it) != rules.end() && std::next(it)->code == it->code) {
            continue; // a later one with this code wins
        }
        while (old_rule != m_rules.end() && old_rule->code < it->code) {
            merged.push_back(std::move(*old_rule++));
        }
        if (old_rule != m_rules.end() && old_rule->code == it->code) {
            ++old_rule;
        }
        merged.push_back(std::move(*it));
    }
    while (old_rule != m_rules.end()) {
        merged.push_back(std::move(*old_rule++));
    }
    m_rules = std::move(merged);
}

void RuleSet::add_or_replace(Rule rule)
{
    const auto it = std::lower_bound(m_rules.begin(), m_rules.end(), rule.code, [](const Rule& r, const std::string& c) { return r.code < c; });
    if (it != m_rules.end() && it->code == rule.code) {
        *it = std::move(rule);
    } else {
        m_rules.insert(it, std::move(rule));
    }
}

} // namespace mlscale
