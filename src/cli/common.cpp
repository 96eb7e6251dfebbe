// What the commands share: the common options (format, output, fail-on, rules), printing
// diagnostics, writing outputs, the exit policy and logging.
#include <iostream>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli.hpp"
#include "mlscale/findings.hpp"
#include "mlscale/source.hpp"

namespace mlscale::cli {

Option format_option(std::string& target, const std::vector<std::string>& names, const std::string& help)
{
    return Option{.names = "-f,--format", .help = help, .target = &target, .choices = names};
}

Option output_option(std::string& target, const std::string& help)
{
    return Option{.names = "-o,--output", .help = help, .target = &target, .type_name = "FILE"};
}

Option fail_on_option(FailOn& target, const std::string& command_default)
{
    std::vector<std::string> severities{"none"};
    severities.insert(severities.end(), std::begin(k_severities), std::end(k_severities));
    return Option{.names = "--fail-on",
        .help = "Exit 1 when an unsuppressed finding is at or above this severity (none|info|low|medium|high|critical; default: the "
                "config's fail_on, else " +
            command_default + ")",
        .target = &target.value,
        .choices = severities,
        .type_name = "SEVERITY",
        .given = &target.given};
}

std::vector<Option> rule_options(RuleSources& sources, bool control)
{
    std::vector<Option> out{{.names = "--rules",
        .help = "Also load the rule files under DIR (a rule with an existing code overrides it)",
        .target = &sources.directories,
        .type_name = "DIR"}};
    if (!control) {
        return out;
    }
    out.push_back({.names = "--select",
        .help = "Run only these rules (codes or prefixes such as MLS-STOR)",
        .target = &sources.overrides.select,
        .type_name = "CODE",
        .delimiter = ','});
    out.push_back({.names = "--ignore",
        .help = "Do not run these rules (codes or prefixes); locked rules cannot be ignored",
        .target = &sources.overrides.ignore,
        .type_name = "CODE",
        .delimiter = ','});
    out.push_back({.names = "--set",
        .help = "Set a rule parameter, e.g. --set MLS-STOR-001.max_startup_minutes=30",
        .target = &sources.overrides.set,
        .type_name = "CODE.PARAM=VALUE"});
    out.push_back({.names = "--config",
        .help = "Project config (default: .mlscale.json here or beside the input; docs/configuration.md)",
        .target = &sources.config,
        .type_name = "FILE"});
    return out;
}

void print_diagnostics(const Diagnostics& diagnostics, const Context& context)
{
    const bool color = context.color_stderr();
    for (const auto& diagnostic : diagnostics.items()) {
        if (context.quiet && diagnostic.level != Level::Error) {
            continue;
        }
        std::cerr << format_diagnostic(diagnostic, color);
    }
    std::cerr.flush();
}

bool write_output(const std::string& path, const std::string& content)
{
    if (path.empty() || path == "-") {
        std::cout << content;
        std::cout.flush();
        return static_cast<bool>(std::cout);
    }
    if (const std::string error = write_file_atomic(path, content); !error.empty()) {
        std::cerr << "mlscale: cannot write " << error << "\n";
        return false;
    }
    return true;
}

ExitCode exit_for(const std::vector<Finding>& findings, const std::string& fail_on)
{
    return fails_at(findings, fail_on) ? ExitCode::Findings : ExitCode::Clean;
}

void configure_logging(const Context& context)
{
    const auto level = context.verbose ? spdlog::level::debug : (context.quiet ? spdlog::level::err : spdlog::level::warn);
    if (auto existing = spdlog::get("mlscale")) {
        existing->set_level(level);
        return;
    }
    auto logger = spdlog::stderr_color_mt("mlscale", context.color_stderr() ? spdlog::color_mode::automatic : spdlog::color_mode::never);
    logger->set_pattern("mlscale: %^%l%$: %v");
    logger->set_level(level);
    spdlog::set_default_logger(logger);
}

} // namespace mlscale::cli
