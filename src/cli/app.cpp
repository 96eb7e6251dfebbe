// The CLI's frame: the command table bound to CLI11 (the only file that includes it), global
// options, logging, and the one place exceptions stop.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string_view>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli.hpp"
#include "mlscale/catalogue.hpp"
#include "mlscale/suggest.hpp"
#include "mlscale/version.hpp"

namespace mlscale::cli {

namespace {

// CLI11's help with one change: a hidden subcommand (an older name, a maintainer's tool) leaves
// no empty line behind in the list of subcommands.
class HelpFormatter : public CLI::Formatter {
public:
    std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override
    {
        std::string out = CLI::Formatter::make_help(app, std::move(name), mode);
        for (std::size_t at = out.find("\n\n\n"); at != std::string::npos; at = out.find("\n\n\n")) {
            out.erase(at, 1);
        }
        return out;
    }
};

bool color_allowed(const std::string& mode, int fd)
{
    if (mode == "never") {
        return false;
    }
    if (const char* no_color = std::getenv("NO_COLOR"); no_color != nullptr && no_color[0] != '\0') {
        return false;
    }
    return mode == "always" || ::isatty(fd) == 1;
}

// Thrown when --catalogue names a broken catalogue; its diagnostics are already printed.
struct BadCatalogue : std::exception {
    [[nodiscard]] const char* what() const noexcept override
    {
        return "bad catalogue";
    }
};

// One of `allowed`, else an error with "did you mean".
CLI::Validator choice_validator(const std::vector<std::string>& allowed)
{
    return CLI::Validator(
        [allowed](std::string& value) -> std::string {
            if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) {
                return {};
            }
            std::string message = fmt::format("unknown value \"{}\"; expected one of: {}", value, fmt::join(allowed, ", "));
            if (auto match = closest_match(value, allowed)) {
                message += fmt::format(" (did you mean \"{}\"?)", *match);
            }
            return message;
        },
        fmt::format("{}", fmt::join(allowed, "|")), "choice");
}

CLI::Option* bind_target(CLI::App& app, const Option& option)
{
    return std::visit(
        [&](auto* target) -> CLI::Option* {
            using T = std::remove_pointer_t<decltype(target)>;
            if constexpr (std::is_same_v<T, bool>) {
                return app.add_flag(option.names, *target, option.help);
            } else {
                return app.add_option(option.names, *target, option.help);
            }
        },
        option.target);
}

void bind_option(CLI::App& app, const Option& option)
{
    CLI::Option* bound = bind_target(app, option);
    if (option.required) {
        bound->required();
    }
    if (!option.choices.empty()) {
        bound->check(choice_validator(option.choices));
    }
    if (option.range) {
        bound->check(CLI::Range(option.range->first, option.range->second));
    }
    if (!option.type_name.empty()) {
        bound->type_name(option.type_name);
    }
    if (option.delimiter != '\0') {
        bound->delimiter(option.delimiter);
    }
    if (option.hidden) {
        bound->group("");
    }
    if (option.given != nullptr) {
        bool* given = option.given;
        bound->each([given](const std::string&) { *given = true; });
    }
}

// Binds a command (and its subcommands); when it runs, its exit code goes to `exit_code`.
void bind_command(CLI::App& parent, const Command& command, ExitCode& exit_code)
{
    CLI::App* app = parent.add_subcommand(command.name, command.summary);
    for (const auto& option : command.options) {
        bind_option(*app, option);
    }
    if (!command.example.empty()) {
        app->footer(fmt::format("\nExample:\n  {}", command.example));
    }
    if (command.hidden) {
        app->group("");
    }
    for (const auto& sub : command.subcommands) {
        bind_command(*app, sub, exit_code);
    }
    if (command.run) {
        app->callback([run = command.run, &exit_code] { exit_code = run(); });
    } else {
        app->require_subcommand(1);
    }
}

std::vector<Command> command_table(const Context& context)
{
    std::vector<Command> table;
    table.push_back(advise_command(context));
    table.push_back(check_command(context));
    table.push_back(report_command(context));
    table.push_back(estimate_command(context));
    table.push_back(catalogue_command(context));
    table.push_back(profile_command(context));
    table.push_back(validate_command(context));
    table.push_back(rules_command(context));
    table.push_back(version_command(context));
    return table;
}

std::string quoted_command_line(int argc, const char* const* argv)
{
    std::string line = "mlscale";
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool plain = !arg.empty() && arg.find_first_of(" \t'\"$\\") == std::string::npos;
        line += " " + (plain ? arg : "'" + arg + "'");
    }
    return line;
}

void bind_globals(CLI::App& app, Context& context)
{
    app.set_version_flag("--version", std::string(k_version));
    app.require_subcommand(1);
    app.fallthrough();
    app.add_flag("-q,--quiet", context.quiet, "Print only errors on stderr");
    app.add_flag("-v,--verbose", context.verbose, "Log what each stage does, on stderr");
    // A catalogue of the user's own (extra instances, negotiated prices): loaded as soon as the
    // option is parsed, before any command runs, so every command uses it.
    auto load = [&context](const std::string& directory) {
        Diagnostics diagnostics;
        if (!use_catalogue_directory(directory, diagnostics)) {
            print_diagnostics(diagnostics, context);
            throw BadCatalogue();
        }
    };
    app.add_option_function<std::string>("--catalogue", load,
           "Use the catalogue in DIR (instances.json, gpus.json, models.json, storage.json, laid out like profiles/) instead of the built-in one, file by file")
        ->trigger_on_parse()
        ->type_name("DIR");
    // The option's older name, still accepted, not shown.
    app.add_option_function<std::string>("--profiles", load, "")->trigger_on_parse()->group("");
    app.add_option("--color", context.color, "Colour: auto (only on a terminal, never with NO_COLOR), always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}));
    // Logging follows --quiet/--verbose, which come before the command's own callback runs.
    app.parse_complete_callback([&context] { configure_logging(context); });
}

// An unknown first word: a "did you mean" instead of CLI11's generic message.
bool unknown_command(int argc, const char* const* argv, const std::vector<Command>& table)
{
    if (argc < 2 || argv[1][0] == '-') {
        return false;
    }
    std::vector<std::string> names;
    for (const auto& command : table) {
        names.push_back(command.name);
        if (std::find(command.aliases.begin(), command.aliases.end(), argv[1]) != command.aliases.end()) {
            return false;
        }
    }
    if (std::find(names.begin(), names.end(), argv[1]) != names.end()) {
        return false;
    }
    std::cerr << fmt::format("mlscale: unknown command \"{}\"", argv[1]);
    if (auto match = closest_match(argv[1], names)) {
        std::cerr << fmt::format(" (did you mean \"{}\"?)", *match);
    }
    std::cerr << "\nRun 'mlscale --help' for the list of commands.\n";
    return true;
}

} // namespace

bool Context::color_stdout() const
{
    return color_allowed(color, STDOUT_FILENO);
}

bool Context::color_stderr() const
{
    return color_allowed(color, STDERR_FILENO);
}

int run(int argc, const char* const* argv)
{
    Context context;
    context.command_line = quoted_command_line(argc, argv);
    const std::vector<Command> table = command_table(context);
    if (unknown_command(argc, argv, table)) {
        return static_cast<int>(ExitCode::BadInput);
    }
    CLI::App app{"mlscale: a scaling advisor for ML training infrastructure on AWS.\n"
                 "Describe a training job in a JSON file; mlscale finds the bottleneck, walks the\n"
                 "scale-up-before-scale-out ladder and checks the plan against best practices.",
        "mlscale"};
    app.formatter(std::make_shared<HelpFormatter>());
    bind_globals(app, context);
    ExitCode exit_code = ExitCode::Clean;
    std::string examples = "\nExamples:\n";
    // `mlscale COMMAND ...` binds only that command (binding all of them costs about 0.1 ms each);
    // --help or a global option first binds them all, so the help lists every command.
    const bool named = argc > 1 && argv[1][0] != '-';
    for (const auto& command : table) {
        if (!named || command.name == argv[1]) {
            bind_command(app, command, exit_code);
        }
        for (const auto& alias : command.aliases) { // an older name: the same command, not shown
            if (!named || alias == argv[1]) {
                Command old = command;
                old.name = alias;
                old.hidden = true;
                bind_command(app, old, exit_code);
            }
        }
        examples += fmt::format("  {}\n", command.example);
    }
    app.footer(examples +
        "  mlscale advise job.json --format json -o advice.json\n\n"
        "Run 'mlscale COMMAND --help' for a command's options.\n"
        "Exit codes: 0 clean, 1 findings at or above --fail-on, 2 bad input or usage, 3 internal error.");
    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) { // --help, --version
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "mlscale: " << e.what() << "\nRun 'mlscale --help' for usage.\n";
        return static_cast<int>(ExitCode::BadInput);
    } catch (const BadCatalogue&) {
        return static_cast<int>(ExitCode::BadInput);
    } catch (const std::exception& e) {
        std::cerr << "mlscale: internal error: " << e.what() << "\nPlease report this with the input that caused it.\n";
        return static_cast<int>(ExitCode::InternalError);
    }
    return static_cast<int>(exit_code);
}

} // namespace mlscale::cli
