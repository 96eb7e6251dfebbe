// The command line's frame: each command is data (its options and a run function), built by its
// cmd_<name>.cpp; app.cpp, the one file that includes CLI11, binds the table and runs the command.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mlscale/cli.hpp"
#include "mlscale/diagnostics.hpp"
#include "mlscale/exit_codes.hpp"
#include "mlscale/rules.hpp"

namespace mlscale::cli {

/// Options every command shares (set before the command runs).
struct Context {
    bool quiet = false;
    bool verbose = false;
    std::string color = "auto"; ///< auto|always|never
    std::string command_line;   ///< "mlscale ARGS…" as typed, for reports that record how they were made

    /// Colour on stdout/stderr: never with NO_COLOR set; with "auto" only on a terminal.
    [[nodiscard]] bool color_stdout() const;
    [[nodiscard]] bool color_stderr() const;
};

/// One option or positional argument. `names` as CLI11 takes them ("-f,--format", or "job" for a
/// positional); `choices` restricts the value (with "did you mean"); `given` is set when typed.
struct Option {
    using Target = std::variant<std::string*, std::vector<std::string>*, int*, unsigned*, std::size_t*, bool*>;
    std::string names;
    std::string help;
    Target target;
    std::vector<std::string> choices = {};
    bool required = false;
    std::optional<std::pair<long long, long long>> range = {}; ///< inclusive bounds for a number
    std::string type_name = {};
    char delimiter = '\0';
    bool hidden = false;
    bool* given = nullptr;
};

/// One command of the table: `--help`, the listing and "did you mean" are generated from it.
struct Command {
    std::string name;
    std::string summary;
    std::string example;
    std::vector<Option> options = {};
    std::vector<Command> subcommands = {};
    std::function<ExitCode()> run = {}; ///< empty for a command that only groups subcommands
    bool hidden = false;
    std::vector<std::string> aliases = {}; ///< older names that still work (not shown in --help)
};

// The commands (one file each); `context` outlives the returned command.
Command advise_command(const Context& context);
Command check_command(const Context& context);
Command report_command(const Context& context);
Command estimate_command(const Context& context);
Command catalogue_command(const Context& context);
Command profile_command(const Context& context);
Command validate_command(const Context& context);
Command rules_command(const Context& context);
Command version_command(const Context& context);

// ---- Options several commands share ----

/// `-f,--format` restricted to `names`.
Option format_option(std::string& target, const std::vector<std::string>& names, const std::string& help);
/// `-o,--output FILE`: written atomically instead of stdout.
Option output_option(std::string& target, const std::string& help = "Write to FILE atomically instead of stdout");
/// `--fail-on SEVERITY`; `typed` gets the value only when the option was given (the config's
/// fail_on applies otherwise, RulesInForce::fail_on).
struct FailOn {
    std::string value;
    bool given = false;
    [[nodiscard]] std::optional<std::string> typed() const
    {
        return given ? std::optional<std::string>(value) : std::nullopt;
    }
};
Option fail_on_option(FailOn& target, const std::string& command_default);
/// --rules DIR (always), and with `control` --select, --ignore, --set and --config.
std::vector<Option> rule_options(RuleSources& sources, bool control);

// ---- Output ----

/// Prints diagnostics to stderr (with colour when allowed; only errors with --quiet).
void print_diagnostics(const Diagnostics& diagnostics, const Context& context);

/// Writes `content` to stdout, or atomically to `path` when it is not empty. False (after saying
/// why on stderr) when the file could not be written.
bool write_output(const std::string& path, const std::string& content);

/// The exit code of a command that reports `findings`: 1 when one is at or above `fail_on`.
ExitCode exit_for(const std::vector<Finding>& findings, const std::string& fail_on);

/// Sends spdlog output to stderr at the level --quiet/--verbose ask for.
void configure_logging(const Context& context);

} // namespace mlscale::cli
