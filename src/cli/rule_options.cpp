// The rule options commands share: where the rules and the project config come from, and today's
// date for suppression expiry (the CLI's clock; the library takes the date as data).
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli.hpp"

namespace mlscale::cli {

namespace {

constexpr const char* k_config_name = ".mlscale.json";

// --config FILE, else .mlscale.json in the current directory, else beside the job.
std::string find_config(const std::string& explicit_path, const std::string& job)
{
    namespace fs = std::filesystem;
    if (!explicit_path.empty()) {
        return explicit_path;
    }
    std::error_code ec;
    if (fs::is_regular_file(k_config_name, ec)) {
        return k_config_name;
    }
    if (!job.empty() && job != "-") {
        const fs::path beside = fs::path(job).parent_path() / k_config_name;
        if (!fs::path(job).parent_path().empty() && fs::is_regular_file(beside, ec)) {
            return beside.string();
        }
    }
    return {};
}

} // namespace

void add_rule_options(CLI::App* command, RuleCommandOptions& options, bool control)
{
    command->add_option("--rules", options.directories, "Also load the rule files under DIR (a rule with an existing code overrides it)")
        ->type_name("DIR");
    if (!control) {
        return;
    }
    command->add_option("--select", options.overrides.select, "Run only these rules (codes or prefixes such as MLS-STOR)")
        ->type_name("CODE")
        ->delimiter(',');
    command->add_option("--ignore", options.overrides.ignore, "Do not run these rules (codes or prefixes); locked rules cannot be ignored")
        ->type_name("CODE")
        ->delimiter(',');
    command->add_option("--set", options.overrides.set, "Set a rule parameter, e.g. --set MLS-STOR-001.max_startup_minutes=30")
        ->type_name("CODE.PARAM=VALUE");
    command->add_option("--config", options.config, "Project config (default: .mlscale.json here or beside the job; docs/configuration.md)")
        ->type_name("FILE");
}

std::optional<RulesInForce> load_rules_in_force(const RuleCommandOptions& options, const std::string& job, Diagnostics& diagnostics,
    RuleDetail detail)
{
    namespace fs = std::filesystem;
    RulesInForce out;
    std::vector<std::string> directories;
    if (const std::string path = find_config(options.config, job); !path.empty()) {
        spdlog::debug("reading the project config {}", path);
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
    directories.insert(directories.end(), options.directories.begin(), options.directories.end());
    auto rules = load_rules(directories, diagnostics, true, detail);
    if (!rules) {
        return std::nullopt;
    }
    out.rules = std::move(*rules);
    const std::size_t before = diagnostics.error_count();
    out.options = resolve_rule_options(out.rules, out.config ? &*out.config : nullptr, options.overrides, diagnostics);
    if (diagnostics.error_count() > before) {
        return std::nullopt;
    }
    out.options.today = today();
    return out;
}

std::string today()
{
    if (const char* fixed = std::getenv("MLSCALE_TODAY"); fixed != nullptr && fixed[0] != '\0') {
        return fixed;
    }
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    return fmt::format("{:04}-{:02}-{:02}", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday);
}

} // namespace mlscale::cli
