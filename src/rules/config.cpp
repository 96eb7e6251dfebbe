// The user's control over the rules: .mlscale.json (checked by docs/config.schema.json, which is
// embedded) and the command line's --select/--ignore/--set, merged and checked against the rules.
#include <algorithm>
#include <fmt/format.h>

#include "mlscale/resources.hpp"
#include "mlscale/rules.hpp"
#include "mlscale/schema.hpp"
#include "mlscale/suggest.hpp"

namespace mlscale {

namespace {

using nlohmann::json;

const JsonSchema& config_schema()
{
    static const JsonSchema schema(json::parse(embedded_file("docs/config.schema.json").value()));
    return schema;
}

std::vector<std::string> strings(const json& value)
{
    std::vector<std::string> out;
    if (value.is_array()) {
        for (const auto& item : value) {
            out.push_back(item.get<std::string>());
        }
    }
    return out;
}

bool selector_matches(const std::string& selector, const std::string& code)
{
    const std::string prefix = selector.back() == '-' ? selector : selector + "-";
    return selector == code || code.rfind(prefix, 0) == 0;
}

// Checks names against the rules; reports where the name was written: a pointer in the config
// file, or the command-line option.
class Checker {
public:
    Checker(const RuleSet& rules, const ProjectConfig* config, Diagnostics& diagnostics) : m_rules(rules), m_config(config), m_diagnostics(diagnostics) { }

    // `where` is a config pointer when `option` is empty, else the option's name.
    void error(const std::string& where, const std::string& option, std::string message, std::string help = {}, bool at_key = false)
    {
        if (option.empty() && m_config != nullptr) {
            m_diagnostics.add(m_config->document.diagnostic_at(where, std::move(message), std::move(help), at_key));
            return;
        }
        Diagnostic d;
        d.file = "mlscale";
        d.message = fmt::format("{}: {}", option, message);
        d.help = std::move(help);
        m_diagnostics.add(std::move(d));
    }

    std::string did_you_mean(const std::string& code) const
    {
        const auto match = closest_match(code, m_rules.codes());
        return match ? fmt::format("did you mean {}?", *match) : "mlscale rules list shows the codes";
    }

    bool check_selector(const std::string& selector, const std::string& where, const std::string& option)
    {
        if (selector.empty()) {
            error(where, option, "empty rule code");
            return false;
        }
        const auto& rules = m_rules.rules();
        if (std::any_of(rules.begin(), rules.end(), [&](const Rule& r) { return selector_matches(selector, r.code); })) {
            return true;
        }
        error(where, option, fmt::format("no rule matches {}", selector), did_you_mean(selector));
        return false;
    }

    const Rule* check_code(const std::string& code, const std::string& where, const std::string& option, bool at_key = false)
    {
        if (const Rule* rule = m_rules.find(code)) {
            return rule;
        }
        error(where, option, fmt::format("unknown rule {}", code), did_you_mean(code), at_key);
        return nullptr;
    }

    bool check_param(const Rule& rule, const std::string& name, const json& value, const std::string& where, const std::string& option)
    {
        const RuleParam* param = rule.find_param(name);
        if (param == nullptr) {
            std::vector<std::string> names;
            for (const auto& p : rule.params) {
                names.push_back(p.name);
            }
            const auto match = closest_match(name, names);
            error(where, option, fmt::format("{} has no parameter \"{}\"", rule.code, name),
                match               ? fmt::format("did you mean \"{}\"?", *match)
                    : names.empty() ? std::string("this rule has no parameters")
                                    : fmt::format("its parameters: {}", fmt::join(names, ", ")),
                true);
            return false;
        }
        if (type_of_json(value) != param->type) {
            error(where, option, fmt::format("parameter {}.{} is a {}, got {}", rule.code, name, expr::type_name(param->type), describe_json(value)));
            return false;
        }
        return true;
    }

private:
    const RuleSet& m_rules;
    const ProjectConfig* m_config;
    Diagnostics& m_diagnostics;
};

// The value of --set: JSON when it parses (numbers, true/false, arrays, quoted strings), else
// the text as a string, so `--set MLS-X.mode=fastfile` needs no quotes.
json parse_value(const std::string& text)
{
    const json value = json::parse(text, nullptr, false);
    return value.is_discarded() ? json(text) : value;
}

} // namespace

std::optional<ProjectConfig> load_config(const SourceFile& source, Diagnostics& diagnostics)
{
    JsonLimits limits;
    limits.max_depth = 32;
    auto document = parse_json(source, diagnostics, limits);
    if (!document) {
        return std::nullopt;
    }
    const std::size_t before = diagnostics.error_count();
    config_schema().validate(*document, diagnostics);
    if (diagnostics.error_count() > before) {
        return std::nullopt;
    }
    const json& root = document->value;
    ProjectConfig config;
    config.file = source.name;
    if (root.contains("fail_on")) {
        config.fail_on = root["fail_on"].get<std::string>();
    }
    config.select = strings(root.value("select", json::array()));
    config.ignore = strings(root.value("ignore", json::array()));
    config.locked = strings(root.value("locked", json::array()));
    config.rules = strings(root.value("rules", json::array()));
    const json severities = root.value("severity", json::object());
    for (const auto& [code, severity] : severities.items()) {
        config.severity[code] = severity.get<std::string>();
    }
    const json all_params = root.value("params", json::object());
    for (const auto& [code, params] : all_params.items()) {
        for (const auto& [name, value] : params.items()) {
            config.params[code][name] = value;
        }
    }
    config.document = std::move(*document);
    return config;
}

RuleOptions resolve_rule_options(const RuleSet& rules, const ProjectConfig* config, const RuleOverrides& overrides, Diagnostics& diagnostics)
{
    Checker check(rules, config, diagnostics);
    RuleOptions options;
    if (config != nullptr) {
        for (std::size_t i = 0; i < config->select.size(); ++i) {
            if (check.check_selector(config->select[i], "/select/" + std::to_string(i), "")) {
                options.select.push_back(config->select[i]);
            }
        }
        for (std::size_t i = 0; i < config->locked.size(); ++i) {
            if (check.check_code(config->locked[i], "/locked/" + std::to_string(i), "")) {
                options.locked.push_back(config->locked[i]);
            }
        }
        options.lock_source = config->file;
        for (std::size_t i = 0; i < config->ignore.size(); ++i) {
            const std::string& selector = config->ignore[i];
            if (!check.check_selector(selector, "/ignore/" + std::to_string(i), "")) {
                continue;
            }
            for (const auto& locked : options.locked) {
                if (selector_matches(selector, locked)) {
                    check.error("/ignore/" + std::to_string(i), "", fmt::format("{} is locked in this file and cannot be ignored", locked),
                        "remove it from \"ignore\" or from \"locked\"");
                }
            }
            options.ignore.push_back(selector);
        }
        for (const auto& [code, severity] : config->severity) {
            if (check.check_code(code, "/severity/" + escape_pointer_token(code), "", true)) {
                options.severity[code] = severity;
            }
        }
        for (const auto& [code, params] : config->params) {
            const std::string at = "/params/" + escape_pointer_token(code);
            const Rule* rule = check.check_code(code, at, "", true);
            if (rule == nullptr) {
                continue;
            }
            for (const auto& [name, value] : params) {
                if (check.check_param(*rule, name, value, at + "/" + escape_pointer_token(name), "")) {
                    options.params[code][name] = value;
                }
            }
        }
    }
    if (!overrides.select.empty()) {
        options.select.clear(); // the command line replaces the project's selection
        for (const auto& selector : overrides.select) {
            if (check.check_selector(selector, "", "--select " + selector)) {
                options.select.push_back(selector);
            }
        }
    }
    for (const auto& selector : overrides.ignore) {
        if (!check.check_selector(selector, "", "--ignore " + selector)) {
            continue;
        }
        for (const auto& locked : options.locked) {
            if (selector_matches(selector, locked)) {
                check.error("", "--ignore " + selector, fmt::format("{} is locked by {} and cannot be ignored", locked, options.lock_source),
                    "fix what the rule reports, or ask the owners of that file to unlock the rule");
            }
        }
        options.ignore.push_back(selector);
    }
    for (const auto& assignment : overrides.set) {
        const std::string option = "--set " + assignment;
        const std::size_t equals = assignment.find('=');
        const std::size_t dot = assignment.find('.');
        if (equals == std::string::npos || dot == std::string::npos || dot > equals) {
            check.error("", option, "expected CODE.param=value", "e.g. --set MLS-STOR-001.max_startup_minutes=30");
            continue;
        }
        const std::string code = assignment.substr(0, dot);
        const std::string name = assignment.substr(dot + 1, equals - dot - 1);
        const json value = parse_value(assignment.substr(equals + 1));
        const Rule* rule = check.check_code(code, "", option);
        if (rule != nullptr && check.check_param(*rule, name, value, "", option)) {
            options.params[code][name] = value;
        }
    }
    return options;
}

} // namespace mlscale
