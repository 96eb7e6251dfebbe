// Loading rule files: the located JSON reader, a table of the fields of docs/rule-format.md,
// every expression compiled against the fact schema, errors placed under the bad token of the
// rule file itself.
#include <algorithm>
#include <filesystem>
#include <initializer_list>
#include <fmt/format.h>
#include <set>
#include <stdexcept>

#include "bundle.hpp"
#include "mlscale/json_document.hpp"
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

const std::vector<std::string_view> k_categories{"data", "storage", "etl", "compute", "distributed", "cost", "deployment", "security", "ops"};
const std::vector<std::string_view> k_rule_severities{"info", "low", "medium", "high", "critical"};
const std::vector<std::string_view> k_statuses{"stable", "preview", "deprecated"};
const std::vector<std::string_view> k_seeds{"000", "001", "002", "003", "004"};
const std::vector<std::string_view> k_outcomes{"FAIL", "PASS", "SKIP"};

const std::vector<FieldSpec> k_rule_fields{
    {"$schema", Kind::String, false, {}}, {"code", Kind::String, true, {}}, {"slug", Kind::String, true, {}}, {"concept", Kind::String, true, {}},
    {"category", Kind::String, true, k_categories}, {"severity", Kind::String, true, k_rule_severities}, {"status", Kind::String, true, k_statuses},
    {"title", Kind::String, true, {}}, {"applies_when", Kind::String, false, {}}, {"condition", Kind::String, true, {}}, {"message", Kind::String, true, {}},
    {"recommendation", Kind::String, true, {}}, {"location", Kind::String, true, {}}, {"evidence", Kind::Array, false, {}}, {"params", Kind::Object, false, {}},
    {"doc", Kind::Object, true, {}}, {"source", Kind::Object, true, {}},
    {"cases", Kind::Array, false, {}}, // required in a rule file: read_cases says when it is missing
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
    RuleReader(const JsonDocument& document, Diagnostics& diagnostics) : m_document(document), m_diagnostics(diagnostics) { }

    /// The rule: every field but its cases, with every check. Nothing when the document is not
    /// an object; otherwise a rule that is usable only if ok().
    std::optional<Rule> read_rule()
    {
        const json& root = m_document.value;
        if (!root.is_object()) {
            error("", fmt::format("expected a rule object, got {}", describe_json(root)), "a rule file is one JSON object (docs/rule-format.md)");
            return std::nullopt;
        }
        check_fields(root, "", k_rule_fields);
        Rule rule;
        rule.file = m_document.file;
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
        read_doc(root, rule);
        read_source(root, rule);
        const RuleSchema schema(fact_schema(), rule.params);
        compile_all(root, rule, schema);
        read_evidence(root, rule, schema);
        check_location(rule);
        check_params_used(rule);
        return rule;
    }

    /// An embedded rule from the fields the build took from its file (checked there in full): the
    /// fields as they are, the expressions and evidence compiled and checked from `m_document`,
    /// which holds only those (read_bundled_rule).
    std::optional<Rule> read_fields(const BundledFields& f)
    {
        Rule rule;
        rule.file = m_document.file;
        rule.code = f.code;
        rule.slug = f.slug;
        rule.concept_key = f.concept_key;
        rule.category = f.category;
        rule.severity = f.severity;
        rule.status = f.status;
        rule.title = f.title;
        rule.location = f.location;
        for (const auto& p : f.params) {
            RuleParam param;
            param.name = p.name;
            if (!p.default_json.empty()) {
                param.default_value = json::parse(p.default_json);
                param.type = type_of_json(param.default_value);
            }
            param.unit = p.unit;
            param.doc = p.doc;
            param.source = p.source;
            rule.params.push_back(std::move(param));
        }
        rule.param_object = rule.default_params();
        rule.doc = RuleDoc{std::string(f.what), std::string(f.why), std::string(f.example), std::string(f.instead)};
        rule.source.seed = f.seed;
        rule.source.section = f.section;
        rule.source.quote = f.quote;
        for (const auto& reference : f.newer) {
            rule.source.newer.push_back(RuleReference{std::string(reference.fact), std::string(reference.url)});
        }
        const RuleSchema schema(fact_schema(), rule.params);
        compile_all(m_document.value, rule, schema);
        read_evidence(m_document.value, rule, schema);
        if (!m_ok) {
            return std::nullopt;
        }
        return rule;
    }

    /// The cases of `rule` in `root` (a rule file's object, or an embedded rule's {"cases": [...]}),
    /// with every check: names, expectations, known facts of their types, the cases a rule needs.
    std::vector<RuleCase> read_cases(const json& root, const Rule& rule)
    {
        const auto it = root.find("cases");
        if (it == root.end()) {
            error("", "missing required field \"cases\"");
            return {};
        }
        if (!it->is_array()) {
            return {}; // check_fields said what it is instead
        }
        const RuleSchema schema(fact_schema(), rule.params);
        std::vector<RuleCase> cases;
        std::set<std::string> names;
        for (std::size_t i = 0; i < it->size(); ++i) {
            if (auto test = read_case((*it)[i], i, rule, schema, names)) {
                cases.push_back(std::move(*test));
            }
        }
        check_case_coverage(cases, rule, !it->empty());
        return cases;
    }

    [[nodiscard]] bool ok() const
    {
        return m_ok;
    }

private:
    const JsonDocument& m_document;
    Diagnostics& m_diagnostics;
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
        if (!rule.code.empty() && !is_code(rule.code)) {
            error("/code", fmt::format("\"{}\" is not a rule code", rule.code), "codes look like MLS-STOR-004: MLS-, upper-case letters, -, three digits");
        }
        if (!rule.slug.empty() && !is_kebab(rule.slug)) {
            error("/slug", fmt::format("\"{}\" is not a kebab-case slug", rule.slug),
                "use lower-case words joined by single dashes, e.g. file-mode-slow-startup");
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
                error(at, fmt::format("expected an object, got {}", describe_json(spec)),
                    "a parameter is {\"default\": …, \"unit\": …, \"doc\": …, \"source\": …}");
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

    std::optional<expr::Template> compile_template(const std::string& pointer, const expr::Schema& schema)
    {
        const auto& source = m_document.value.at(pointer.substr(1)).get_ref<const std::string&>();
        auto result = expr::compile_template(source, schema);
        for (const auto& e : result.errors) {
            expression_error(pointer, e);
        }
        return std::move(result.tmpl);
    }

    // The expressions and templates, each compiled and type-checked against the rule's schema.
    void compile_all(const json& root, Rule& rule, const expr::Schema& schema)
    {
        const auto is_text = [&](const char* key) { return root.contains(key) && root[key].is_string(); };
        if (is_text("applies_when")) {
            rule.applies_when = compile_expression("/applies_when", schema);
        }
        if (is_text("condition")) {
            rule.condition = compile_expression("/condition", schema);
        }
        if (is_text("message")) {
            rule.message = compile_template("/message", schema);
        }
        if (is_text("recommendation")) {
            rule.recommendation = compile_template("/recommendation", schema);
        }
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
        if (rule.location.empty() || job_pointers().count(rule.location) != 0) {
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
        if (rule.params.empty()) {
            return;
        }
        std::set<std::string> used;
        const auto collect = [&](const std::vector<std::string>& paths) { used.insert(paths.begin(), paths.end()); };
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
                    fmt::format("read it as param.{} in the condition (a parameter nothing reads would make --set do nothing)", param.name), true);
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

    void check_case_params(const json& params, const std::string& pointer, const Rule& rule)
    {
        for (const auto& [name, value] : params.items()) {
            const RuleParam* param = rule.find_param(name);
            if (param == nullptr) {
                std::vector<std::string> known;
                for (const auto& p : rule.params) {
                    known.push_back(p.name);
                }
                const auto match = closest_match(name, known);
                error(member(pointer, name), fmt::format("unknown parameter \"{}\"", name),
                    match ? fmt::format("did you mean \"{}\"?", *match) : "parameters are declared in the rule's \"params\"", true);
            } else if (type_of_json(value) != param->type) {
                error(member(pointer, name), fmt::format("parameter {} is a {}, got {}", name, expr::type_name(param->type), describe_json(value)));
            }
        }
    }

    // Case `index` of the list; nothing when it is not an object.
    std::optional<RuleCase> read_case(const json& item, std::size_t index, const Rule& rule, const expr::Schema& schema, std::set<std::string>& names)
    {
        const std::string at = "/cases/" + std::to_string(index);
        if (!item.is_object()) {
            error(at, fmt::format("expected a case object, got {}", describe_json(item)), "write {\"name\": …, \"expect\": \"FAIL\", \"facts\": {…}}");
            return std::nullopt;
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
            check_case_params(*params, at + "/params", rule);
            test.params = *params;
        }
        return test;
    }

    // Every rule has a FAIL and a PASS case, and a SKIP case when it has applies_when.
    void check_case_coverage(const std::vector<RuleCase>& cases, const Rule& rule, bool listed_any)
    {
        if (!listed_any) {
            error("/cases", "a rule needs test cases", "add a FAIL and a PASS case (and a SKIP case when it has applies_when)");
            return;
        }
        const auto count = [&](Outcome outcome) { return std::count_if(cases.begin(), cases.end(), [&](const RuleCase& c) { return c.expect == outcome; }); };
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
        if (!missing.empty() && m_ok) {
            error("/cases", fmt::format("the cases lack {}", fmt::join(missing, ", and ")),
                "every rule has a FAIL and a PASS case, and a SKIP case when it has applies_when");
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

// One rule file, or the text of an embedded rule (`builtin`), whose cases the bundle keeps apart.
std::optional<Rule> read_rule_file(const SourceFile& file, Diagnostics& diagnostics, bool builtin)
{
    JsonLimits limits;
    limits.max_depth = 64;
    limits.record_positions = false; // most files have no problem: positions are found when one is reported
    const std::optional<JsonDocument> document = parse_json(file, diagnostics, limits);
    if (!document) {
        return std::nullopt;
    }
    RuleReader reader(*document, diagnostics);
    std::optional<Rule> rule = reader.read_rule();
    if (!rule) {
        return std::nullopt;
    }
    rule->builtin = builtin;
    if (!builtin) {
        rule->cases = reader.read_cases(document->value, *rule);
    }
    if (!reader.ok()) {
        return std::nullopt;
    }
    return rule;
}

} // namespace

std::optional<Rule> read_bundled_rule(const BundledRule& entry, Diagnostics& diagnostics)
{
    const BundledFields& f = entry.fields;
    JsonDocument document; // only what is compiled, each under the key a rule file has it
    document.file = entry.file;
    document.value = json::object();
    for (const auto& [key, text] : {std::pair{"applies_when", f.applies_when}, std::pair{"condition", f.condition}, std::pair{"message", f.message},
             std::pair{"recommendation", f.recommendation}}) {
        if (!text.empty()) {
            document.value[key] = std::string(text);
        }
    }
    if (f.has_evidence) {
        document.value["evidence"] = json::array();
        for (const auto& path : f.evidence) {
            document.value["evidence"].push_back(std::string(path));
        }
    }
    RuleReader reader(document, diagnostics);
    auto rule = reader.read_fields(f);
    if (rule) {
        rule->builtin = true;
    }
    return rule;
}

namespace {

// Reads every file into its own slot. One thread: the embedded rules no longer come through here
// (read_bundled_rule), and a user's rule directory holds a few files; the helper thread that
// shared them paid only while the embedded rules were parsed as JSON (docs/performance.md,
// 2026-12-07).
void read_files(const std::vector<SourceFile>& files, bool builtin, std::vector<std::optional<Rule>>& rules, std::vector<Diagnostics>& problems)
{
    for (std::size_t i = 0; i < files.size(); ++i) {
        rules[i] = read_rule_file(files[i], problems[i], builtin);
    }
}

// Reads `files` as one layer: every rule, with two files defining one code an error. Rules and
// diagnostics come in file order, as if read one after the other. `ok` becomes false on any problem.
std::vector<Rule> read_layer(const std::vector<SourceFile>& files, bool builtin, Diagnostics& diagnostics, bool& ok)
{
    std::vector<std::optional<Rule>> read(files.size());
    std::vector<Diagnostics> problems(files.size());
    read_files(files, builtin, read, problems);
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
    return loaded;
}

// The embedded rules, built from the fields the build took from their files (read_bundled_rule).
std::vector<Rule> read_bundle(Diagnostics& diagnostics, bool& ok)
{
    std::vector<Rule> rules;
    rules.reserve(rule_bundle().size());
    for (const auto& entry : rule_bundle()) {
        if (auto rule = read_bundled_rule(entry, diagnostics)) {
            rules.push_back(std::move(*rule));
        } else {
            ok = false;
        }
    }
    return rules;
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

std::optional<Rule> load_rule(const SourceFile& file, Diagnostics& diagnostics)
{
    return read_rule_file(file, diagnostics, false);
}

std::optional<RuleSet> load_rules(const std::vector<std::string>& paths, Diagnostics& diagnostics, bool include_builtin)
{
    RuleSet set;
    bool ok = true;
    if (include_builtin) {
        set.add_or_replace(read_bundle(diagnostics, ok));
    }
    for (const auto& path : paths) {
        set.add_or_replace(read_layer(directory_rule_files(path, diagnostics), false, diagnostics, ok));
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

namespace {

[[noreturn]] void embedded_catalogue_broken(const Diagnostics& diagnostics)
{
    std::string text = "the embedded rule catalogue is broken:\n";
    for (const auto& d : diagnostics.items()) {
        text += format_diagnostic(d);
    }
    throw std::runtime_error(text);
}

} // namespace

const RuleSet& builtin_rules()
{
    static const RuleSet rules = [] {
        Diagnostics diagnostics;
        auto loaded = load_rules({}, diagnostics, true);
        if (!loaded) {
            embedded_catalogue_broken(diagnostics);
        }
        return std::move(*loaded);
    }();
    return rules;
}

std::vector<RuleCase> builtin_cases(const Rule& rule)
{
    const auto bundle = rule_bundle();
    const auto entry = std::find_if(bundle.begin(), bundle.end(), [&](const BundledRule& e) { return e.file == rule.file; });
    if (entry == bundle.end()) {
        return {};
    }
    Diagnostics diagnostics;
    std::vector<RuleCase> cases;
    JsonLimits limits;
    limits.max_depth = 64;
    if (const auto document = parse_json(SourceFile{rule.file, std::string(entry->cases)}, diagnostics, limits)) {
        RuleReader reader(*document, diagnostics);
        cases = reader.read_cases(document->value, rule);
    }
    if (diagnostics.has_errors()) {
        embedded_catalogue_broken(diagnostics);
    }
    return cases;
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
