// Evaluating rules: outcomes (a rule applies only when applies_when is known true), findings with
// evidence and location, the user's selection and parameters, and the job's suppressions.
#include <algorithm>
#include <fmt/format.h>

#include "bundle.hpp"
#include "mlscale/rules.hpp"
#include "mlscale/suggest.hpp"

namespace mlscale {

namespace {

using nlohmann::json;

// The fact at a dotted path, or nullptr when it is missing (null counts as missing). With
// `params`, a path under "param." is looked up there instead.
const json* lookup(const json& facts, std::string_view path, const json* params = nullptr)
{
    const json* node = &facts;
    if (params != nullptr && path.rfind("param.", 0) == 0) {
        node = params;
        path.remove_prefix(6);
    }
    while (true) {
        if (!node->is_object()) {
            return nullptr;
        }
        const std::size_t dot = path.find('.');
        const auto& object = node->get_ref<const json::object_t&>();
        const auto it = object.find(path.substr(0, dot));
        if (it == object.end()) {
            return nullptr;
        }
        node = &it->second;
        if (dot == std::string_view::npos) {
            return node->is_null() ? nullptr : node;
        }
        path.remove_prefix(dot + 1);
    }
}

std::string shown(const json* value)
{
    return value == nullptr ? "unknown" : expr::value_from_json(*value).to_display();
}

// "dataset.size_gb = 5, profile.estimate.download_minutes = unknown": what an expression saw.
std::string values_seen(const expr::Expression& e, const json& facts)
{
    std::vector<std::string> parts;
    for (const auto& path : expr::referenced_paths(e)) {
        parts.push_back(fmt::format("{} = {}", path, shown(lookup(facts, path))));
    }
    return fmt::format("{}", fmt::join(parts, ", "));
}

std::string unknown_because(const expr::Expression& e, const json& facts, const json* params)
{
    std::string missing;
    for (const auto& path : expr::referenced_paths(e)) {
        if (lookup(facts, path, params) == nullptr) {
            missing += missing.empty() ? "missing: " : ", ";
            missing += path;
        }
    }
    return missing.empty() ? std::string("a value had the wrong type at run time") : missing;
}

// A selector names a code ("MLS-STOR-004") or every code under a prefix ("MLS-STOR").
bool matches(const std::string& selector, const std::string& code)
{
    if (selector == code) {
        return true;
    }
    const std::string prefix = selector.back() == '-' ? selector : selector + "-";
    return code.rfind(prefix, 0) == 0;
}

bool matches_any(const std::vector<std::string>& selectors, const std::string& code)
{
    return std::any_of(selectors.begin(), selectors.end(), [&](const std::string& s) { return matches(s, code); });
}

bool contains(const std::vector<std::string>& list, const std::string& item)
{
    return std::find(list.begin(), list.end(), item) != list.end();
}

bool is_date(const std::string& text)
{
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
        return false;
    }
    const int month = std::stoi(text.substr(5, 2));
    const int day = std::stoi(text.substr(8, 2));
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// The rule's parameters as the `param` fact: its defaults, built once at load, unless the user
// set some (then a merged copy in `scratch`).
const json& params_in_force(const Rule& rule, const RuleOptions& options, json& scratch)
{
    const auto it = options.params.find(rule.code);
    if (it == options.params.end() && rule.param_object.is_object()) {
        return rule.param_object;
    }
    scratch = rule.default_params();
    if (it != options.params.end()) {
        for (const auto& [name, value] : it->second) {
            scratch[name] = value;
        }
    }
    return scratch;
}

// One rule over `facts` with `params` as its param fact; `explain` fills `why` for a SKIP.
RuleResult evaluate_with(const Rule& rule, const json& facts, const json* params, bool explain)
{
    const auto value_of = [&](const expr::Expression& e) { return params != nullptr ? expr::evaluate(e, facts, *params) : expr::evaluate(e, facts); };
    RuleResult result;
    result.rule = &rule;
    if (rule.applies_when) {
        const expr::Value applies = value_of(*rule.applies_when);
        if (!applies.is_true()) {
            result.outcome = Outcome::Skip;
            if (explain) {
                result.why = applies.is_false() ? std::string("applies_when is false")
                                                : "applies_when is unknown (" + unknown_because(*rule.applies_when, facts, params) + ")";
            }
            return result;
        }
    }
    if (!rule.condition) {
        result.why = "the rule has no condition";
        return result;
    }
    const expr::Value holds = value_of(*rule.condition);
    if (holds.is_true()) {
        result.outcome = Outcome::Fail;
    } else if (holds.is_false()) {
        result.outcome = Outcome::Pass;
    } else {
        result.outcome = Outcome::Skip;
        if (explain) {
            result.why = "the condition is unknown (" + unknown_because(*rule.condition, facts, params) + ")";
        }
    }
    return result;
}

Finding make_finding(const Rule& rule, const json& facts, const Job& job, const RuleOptions& options)
{
    Finding f;
    f.rule = rule.code;
    f.slug = rule.slug;
    f.concept_key = rule.concept_key;
    f.category = rule.category;
    const auto severity = options.severity.find(rule.code);
    f.severity = severity != options.severity.end() ? severity->second : rule.severity;
    f.title = rule.title;
    f.message = rule.message ? expr::render(*rule.message, facts) : rule.title;
    f.recommendation = rule.recommendation ? expr::render(*rule.recommendation, facts) : "";
    f.source = rule.source_label();
    for (const auto& reference : rule.source.newer) {
        if (!reference.url.empty()) {
            f.references.push_back(reference.url);
        }
    }
    // Evidence: what the rule read (observed values) and the thresholds it compared them with.
    for (const auto& path : rule.evidence) {
        const json* value = lookup(facts, path);
        f.evidence[path] = value != nullptr ? *value : json(nullptr);
    }
    for (const auto& param : rule.params) {
        f.evidence["param." + param.name] = facts.at("param").at(param.name);
    }
    f.location.file = job.document.file;
    f.location.pointer = rule.location;
    // The field may be absent (the rule fired on what it left unsaid); point at its nearest ancestor.
    std::string pointer = rule.location;
    job.document.ensure_positions();
    while (true) {
        if (const auto it = job.document.value_spans.find(pointer); it != job.document.value_spans.end()) {
            f.location.line = it->second.begin.line;
            f.location.column = it->second.begin.column;
            f.location.field_absent = pointer != rule.location;
            f.location.located_at = pointer;
            break;
        }
        if (pointer.empty()) {
            break;
        }
        pointer = pointer.substr(0, pointer.find_last_of('/'));
    }
    f.fingerprint = fingerprint(rule.code, f.location.resource, f.location.pointer);
    return f;
}

// The job's suppressions: each must name a rule that exists and is not locked; an expired one
// no longer applies, and says so, so a finding never disappears silently.
void apply_suppressions(const RuleSet& rules, const Job& job, const RuleOptions& options, std::vector<Finding>& findings, Diagnostics& diagnostics)
{
    for (const auto& suppression : job.suppress) {
        if (rules.find(suppression.rule) == nullptr) {
            const auto match = closest_match(suppression.rule, rules.codes());
            diagnostics.add(job.document.diagnostic_at(suppression.pointer + "/rule", fmt::format("unknown rule {}", suppression.rule),
                match ? fmt::format("did you mean {}?", *match) : "mlscale rules list shows the codes"));
            continue;
        }
        if (contains(options.locked, suppression.rule)) {
            diagnostics.add(job.document.diagnostic_at(suppression.pointer + "/rule",
                fmt::format("{} is locked by {} and cannot be suppressed", suppression.rule,
                    options.lock_source.empty() ? std::string("the project configuration") : options.lock_source),
                "fix what the rule reports, or ask the owners of that file to unlock the rule"));
            continue;
        }
        if (suppression.expires) {
            if (!is_date(*suppression.expires)) {
                diagnostics.add(job.document.diagnostic_at(
                    suppression.pointer + "/expires", fmt::format("\"{}\" is not a date", *suppression.expires), "write YYYY-MM-DD"));
                continue;
            }
            if (!options.today.empty() && *suppression.expires < options.today) {
                Diagnostic d = job.document.diagnostic_at(suppression.pointer + "/expires",
                    fmt::format("the suppression of {} expired on {}; its findings are reported again", suppression.rule, *suppression.expires),
                    "fix what the rule reports, or renew the suppression with a new date and reason");
                d.level = Level::Warning;
                diagnostics.add(std::move(d));
                continue;
            }
        }
        for (auto& finding : findings) {
            if (finding.rule == suppression.rule && !finding.suppressed) {
                finding.suppressed = true;
                finding.suppression_reason = suppression.reason;
            }
        }
    }
}

} // namespace

std::string_view outcome_name(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Pass:
        return "PASS";
    case Outcome::Fail:
        return "FAIL";
    case Outcome::Skip:
        return "SKIP";
    }
    return "SKIP";
}

std::string fingerprint(std::string_view code, std::string_view resource, std::string_view pointer)
{
    std::uint64_t hash = 14695981039346656037ULL;
    const auto mix = [&](std::string_view text) {
        for (const char c : text) {
            hash ^= static_cast<unsigned char>(c);
            hash *= 1099511628211ULL;
        }
        hash ^= 0xFF; // separator: ("ab","c") and ("a","bc") differ
        hash *= 1099511628211ULL;
    };
    mix(code);
    mix(resource);
    mix(pointer);
    return fmt::format("{:016x}", hash);
}

RuleResult evaluate_rule(const Rule& rule, const json& facts)
{
    return evaluate_with(rule, facts, nullptr, true);
}

RuleEvaluation evaluate_rules(const RuleSet& rules, json facts, const Job& job, const RuleOptions& options, Diagnostics& diagnostics, EvaluationOutputs outputs)
{
    RuleEvaluation out;
    if (outputs.results) {
        out.results.reserve(rules.rules().size());
    }
    // Each rule reads its parameters as param.*: evaluated with them beside the facts, and put
    // into the tree only to build a finding (which renders templates over it).
    if (facts.is_object()) {
        facts.erase("param");
    }
    json scratch;
    for (const auto& rule : rules.rules()) {
        const bool locked = contains(options.locked, rule.code);
        const bool selected = options.select.empty() || matches_any(options.select, rule.code);
        if (!locked && (!selected || matches_any(options.ignore, rule.code))) {
            continue;
        }
        const json& params = params_in_force(rule, options, scratch);
        RuleResult result = evaluate_with(rule, facts, &params, outputs.results);
        // The parameters that shaped this run: those of the rules that fired and those the user set
        // (not the whole registry's defaults, which `mlscale rules explain` shows).
        const bool set_by_user = options.params.find(rule.code) != options.params.end();
        if (outputs.parameters && !rule.params.empty() && (result.outcome == Outcome::Fail || set_by_user)) {
            out.parameters[rule.code] = params;
        }
        if (result.outcome == Outcome::Fail) {
            facts["param"] = params;
            out.findings.push_back(make_finding(rule, facts, job, options));
            facts.erase("param");
        }
        if (outputs.results) {
            out.results.push_back(std::move(result));
        }
    }
    apply_suppressions(rules, job, options, out.findings, diagnostics);
    std::stable_sort(out.findings.begin(), out.findings.end(), [](const Finding& a, const Finding& b) {
        const int ra = severity_rank(a.severity);
        const int rb = severity_rank(b.severity);
        if (ra != rb) {
            return ra > rb;
        }
        if (a.rule != b.rule) {
            return a.rule < b.rule;
        }
        return a.location.pointer < b.location.pointer;
    });
    return out;
}

std::vector<CaseResult> run_cases(const Rule& rule)
{
    std::vector<CaseResult> results;
    const std::vector<RuleCase> bundled = rule.builtin ? builtin_cases(rule) : std::vector<RuleCase>{};
    for (const auto& test : rule.builtin ? bundled : rule.cases) {
        json facts = test.facts;
        json params = rule.default_params();
        for (const auto& [name, value] : test.params.items()) {
            params[name] = value;
        }
        facts["param"] = params;
        const RuleResult result = evaluate_rule(rule, facts);
        CaseResult out;
        out.name = test.name;
        out.expected = test.expect;
        out.actual = result.outcome;
        if (result.outcome == Outcome::Fail && rule.message) {
            out.message = expr::render(*rule.message, facts);
        }
        if (!out.passed()) {
            std::vector<std::string> parts;
            if (rule.applies_when) {
                parts.push_back(fmt::format("applies_when: {} [{}]", rule.applies_when->source(), values_seen(*rule.applies_when, facts)));
            }
            if (rule.condition) {
                parts.push_back(fmt::format("condition: {} [{}]", rule.condition->source(), values_seen(*rule.condition, facts)));
            }
            if (!result.why.empty()) {
                parts.push_back(result.why);
            }
            out.detail = fmt::format("{}", fmt::join(parts, "; "));
        }
        results.push_back(std::move(out));
    }
    return results;
}

} // namespace mlscale
