// The rules in force for a command: the project config (found beside the input), the embedded
// rules plus the config's and the command line's rule directories, and the options over them.
#include <filesystem>

#include "mlscale/rules.hpp"
#include "mlscale/source.hpp"

namespace mlscale {

namespace {

constexpr const char* k_config_name = ".mlscale.json";

// The config given, else .mlscale.json in the current directory, else beside the input.
std::string find_config(const std::string& explicit_path, const std::string& input)
{
    namespace fs = std::filesystem;
    if (!explicit_path.empty()) {
        return explicit_path;
    }
    std::error_code ec;
    if (fs::is_regular_file(k_config_name, ec)) {
        return k_config_name;
    }
    if (!input.empty() && input != "-") {
        const fs::path directory = fs::is_directory(input, ec) ? fs::path(input) : fs::path(input).parent_path();
        const fs::path beside = directory / k_config_name;
        if (!directory.empty() && fs::is_regular_file(beside, ec)) {
            return beside.string();
        }
    }
    return {};
}

} // namespace

std::optional<RulesInForce> load_rules_in_force(const RuleSources& sources, const std::string& input, Diagnostics& diagnostics)
{
    namespace fs = std::filesystem;
    RulesInForce out;
    std::vector<std::string> directories;
    if (const std::string path = find_config(sources.config, input); !path.empty()) {
        const auto source = read_source(path, diagnostics);
        if (!source) {
            return std::nullopt;
        }
        out.config = load_config(*source, diagnostics);
        if (!out.config) {
            return std::nullopt;
        }
        for (const auto& directory : out.config->rules) {
            directories.push_back((fs::path(path).parent_path() / directory).lexically_normal().string());
        }
    }
    directories.insert(directories.end(), sources.directories.begin(), sources.directories.end());
    auto rules = load_rules(directories, diagnostics, true, RuleDetail::Evaluation);
    if (!rules) {
        return std::nullopt;
    }
    out.rules = std::move(*rules);
    const std::size_t before = diagnostics.error_count();
    out.options = resolve_rule_options(out.rules, out.config ? &*out.config : nullptr, sources.overrides, diagnostics);
    if (diagnostics.error_count() > before) {
        return std::nullopt;
    }
    out.options.today = today_iso();
    return out;
}

std::string RulesInForce::fail_on(const std::optional<std::string>& typed, const std::string& command_default) const
{
    if (typed) {
        return *typed;
    }
    if (config && config->fail_on) {
        return *config->fail_on;
    }
    return command_default;
}

} // namespace mlscale
