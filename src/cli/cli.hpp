// Shared pieces of the command-line interface: global options, the command table, output.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "mlscale/diagnostics.hpp"
#include "mlscale/exit_codes.hpp"
#include "mlscale/rules.hpp"

namespace mlscale::cli {

/// Options every subcommand shares, and the exit code a command leaves behind.
struct Context {
    bool quiet = false;
    bool verbose = false;
    std::string color = "auto"; ///< auto|always|never
    ExitCode exit_code = ExitCode::Clean;
    std::string command_line; ///< "mlscale ARGS…" as typed, for reports that record how they were made

    /// Colour on stdout/stderr: never with NO_COLOR set; with "auto" only on a terminal.
    [[nodiscard]] bool color_stdout() const;
    [[nodiscard]] bool color_stderr() const;
};

/// Keeps `object` alive until the process ends: for what a command built and no longer needs (the
/// rules in force, the job, the report), whose destruction would only hand back memory that the
/// exit returns anyway (for advise, ~1.3 million instructions after the output is written). It is
/// reachable to the end, so the sanitizers' leak check does not count it.
void retain_until_exit(std::shared_ptr<void> object);

/// One row of the command table: `--help`, the listing and "did you mean" come from it.
struct CommandInfo {
    const char* name;
    const char* summary;
    const char* example;
    std::function<void(CLI::App& app, Context& context)> setup;
};

const std::vector<CommandInfo>& commands();

/// Prints diagnostics to stderr (with colour when allowed).
void print_diagnostics(const Diagnostics& diagnostics, const Context& context);

/// Writes `content` to stdout, or atomically to `path` when it is not empty.
/// Returns false (after printing why) when the file could not be written.
bool write_output(const std::string& path, const std::string& content);

/// The `--format` check: one of `allowed`, with a did-you-mean.
CLI::Validator format_validator(const std::vector<std::string>& allowed);

/// Severity names for --fail-on, plus "none".
CLI::Validator severity_validator();

/// Adds "Example:" text to a subcommand's help footer.
void add_example(CLI::App* command, const char* example);

/// Sends spdlog output to stderr at the level --quiet/--verbose ask for. Every command calls it first.
void configure_logging(const Context& context);

/// The rule options advise and `rules explain` share: --rules, --select, --ignore, --set, --config.
struct RuleCommandOptions {
    std::vector<std::string> directories;
    RuleOverrides overrides;
    std::string config;
};

/// Binds --rules DIR (always), and with `control` also --select, --ignore, --set and --config.
void add_rule_options(CLI::App* command, RuleCommandOptions& options, bool control);

/// The rules in force and the options over them, and the project config when one was read.
struct RulesInForce {
    RuleSet rules;
    RuleOptions options;
    std::optional<ProjectConfig> config;
};

/// Reads the config (--config, else .mlscale.json in the current directory, else beside `job`),
/// loads the embedded rules plus the config's and --rules directories, and resolves the options.
/// Returns nothing (after adding diagnostics) on any error.
/// `detail` is how much of the embedded rules to read (Evaluation for commands that only run them).
std::optional<RulesInForce> load_rules_in_force(const RuleCommandOptions& options, const std::string& job, Diagnostics& diagnostics,
    RuleDetail detail = RuleDetail::Full);

/// Today as YYYY-MM-DD (UTC) for suppression expiry; MLSCALE_TODAY overrides it (for tests).
std::string today();

void setup_advise(CLI::App& app, Context& context);
void setup_estimate(CLI::App& app, Context& context);
void setup_profiles(CLI::App& app, Context& context);
void setup_profile(CLI::App& app, Context& context);
void setup_rules(CLI::App& app, Context& context);
void setup_validate(CLI::App& app, Context& context);
void setup_check(CLI::App& app, Context& context);
void setup_version(CLI::App& app, Context& context);
void setup_report(CLI::App& app, Context& context);

/// The whole CLI: parses `argv`, runs the command, returns the process exit code.
int run(int argc, const char* const* argv);

} // namespace mlscale::cli
