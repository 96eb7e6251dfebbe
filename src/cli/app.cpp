// The CLI's frame: the command table, global options, logging, and the one place exceptions stop.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string_view>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli.hpp"
#include "mlscale/catalogue.hpp"
#include "mlscale/source.hpp"
#include "mlscale/suggest.hpp"
#include "mlscale/version.hpp"

namespace mlscale::cli {

namespace {

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

// Thrown when --profiles names a broken catalogue; its diagnostics are already printed.
struct BadCatalogue : std::exception {
    [[nodiscard]] const char* what() const noexcept override { return "bad catalogue"; }
};

} // namespace

bool Context::color_stdout() const
{
    return color_allowed(color, STDOUT_FILENO);
}

bool Context::color_stderr() const
{
    return color_allowed(color, STDERR_FILENO);
}

const std::vector<CommandInfo>& commands()
{
    static const std::vector<CommandInfo> table{
        {"advise", "Advise on a training job: bottleneck, plan, ladder, findings", "mlscale advise examples/imagenet-resnet50.json",
            setup_advise},
        {"check", "Check infrastructure proposals (SageMaker API, CloudFormation, Terraform) in CI",
            "mlscale check infra/ --format sarif -o mlscale.sarif", setup_check},
        {"report", "Write a Markdown review of one or more jobs for an architecture review",
            "mlscale report examples/imagenet-resnet50.json -o review.md", setup_report},
        {"estimate", "Estimate throughput, bottleneck, memory, time and cost on one configuration",
            "mlscale estimate examples/imagenet-resnet50.json --instance ml.p4d.24xlarge --count 2", setup_estimate},
        {"profiles", "List the catalogue or show one entry with its sources", "mlscale profiles show ml.p4d.24xlarge", setup_profiles},
        {"profile", "Describe a dataset from where it lives: a directory, an S3 listing or inventory",
            "mlscale profile listing.txt --merge job.json", setup_profile},
        {"validate", "Check job files against the schema; print nothing but errors", "mlscale validate job.json other.json",
            setup_validate},
        {"rules", "List, explain and test the best-practice rules", "mlscale rules explain MLS-STOR-001", setup_rules},
        {"version", "Print the version of mlscale and of its data", "mlscale version --format json", setup_version},
    };
    return table;
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

void retain_until_exit(std::shared_ptr<void> object)
{
    static auto* const retained = new std::vector<std::shared_ptr<void>>(); // never destroyed, on purpose
    static std::mutex mutex;
    const std::lock_guard lock(mutex);
    retained->push_back(std::move(object));
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

CLI::Validator format_validator(const std::vector<std::string>& allowed)
{
    return CLI::Validator(
        [allowed](std::string& value) -> std::string {
            for (const auto& name : allowed) {
                if (value == name) {
                    return {};
                }
            }
            std::string message = fmt::format("unknown format \"{}\"; expected one of: {}", value, fmt::join(allowed, ", "));
            if (auto match = closest_match(value, allowed)) {
                message += fmt::format(" (did you mean \"{}\"?)", *match);
            }
            return message;
        },
        fmt::format("{}", fmt::join(allowed, "|")), "format");
}

CLI::Validator severity_validator()
{
    return format_validator({"none", "info", "low", "medium", "high", "critical"});
}

void add_example(CLI::App* command, const char* example)
{
    command->footer(fmt::format("\nExample:\n  {}", example));
}

int run(int argc, const char* const* argv)
{
    Context context;
    context.command_line = "mlscale";
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool plain = !arg.empty() && arg.find_first_of(" \t'\"$\\") == std::string::npos;
        context.command_line += " " + (plain ? arg : "'" + arg + "'");
    }
    CLI::App app{"mlscale: a scaling advisor for ML training infrastructure on AWS.\n"
                 "Describe a training job in a JSON file; mlscale finds the bottleneck, walks the\n"
                 "scale-up-before-scale-out ladder and checks the plan against best practices.",
        "mlscale"};
    app.set_version_flag("--version", std::string(k_version));
    app.require_subcommand(1);
    app.fallthrough();
    app.add_flag("-q,--quiet", context.quiet, "Print only errors on stderr");
    app.add_flag("-v,--verbose", context.verbose, "Log what each stage does, on stderr");
    // A catalogue of the user's own (extra instances, negotiated prices): loaded as soon as the
    // option is parsed, before any command runs, so every command uses it.
    std::string profiles_directory;
    app.add_option("--profiles", profiles_directory, "Use the profiles in DIR (instances.json, gpus.json, models.json, storage.json) instead of the built-in ones, file by file")
        ->trigger_on_parse()
        ->each([&context](const std::string& directory) {
            Diagnostics diagnostics;
            if (!use_catalogue_directory(directory, diagnostics)) {
                print_diagnostics(diagnostics, context);
                throw BadCatalogue();
            }
        });
    app.add_option("--color", context.color, "Colour: auto (only on a terminal, never with NO_COLOR), always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}));
    // `mlscale COMMAND ...` builds only that command's options (each command's set costs about
    // a tenth of a millisecond to build); anything else (--help, a global option first, an
    // unknown word) builds them all, so the help lists every command and errors stay the same.
    const CommandInfo* invoked = nullptr;
    if (argc > 1) {
        for (const auto& command : commands()) {
            if (std::string_view(argv[1]) == command.name) {
                invoked = &command;
            }
        }
    }
    std::string examples = "\nExamples:\n";
    for (const auto& command : commands()) {
        if (invoked == nullptr || invoked == &command) {
            command.setup(app, context);
        }
        examples += fmt::format("  {}\n", command.example);
    }
    app.footer(examples + "  mlscale advise job.json --format json -o advice.json\n\n"
                          "Run 'mlscale COMMAND --help' for a command's options.\n"
                               "Exit codes: 0 clean, 1 findings at or above --fail-on, 2 bad input or usage, 3 internal error.");

    if (argc > 1 && argv[1][0] != '-') {
        std::vector<std::string> names;
        for (const auto& command : commands()) {
            names.emplace_back(command.name);
        }
        if (std::find(names.begin(), names.end(), argv[1]) == names.end()) {
            std::cerr << fmt::format("mlscale: unknown command \"{}\"", argv[1]);
            if (auto match = closest_match(argv[1], names)) {
                std::cerr << fmt::format(" (did you mean \"{}\"?)", *match);
            }
            std::cerr << "\nRun 'mlscale --help' for the list of commands.\n";
            return static_cast<int>(ExitCode::BadInput);
        }
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
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
    return static_cast<int>(context.exit_code);
}

void configure_logging(const Context& context)
{
    if (auto existing = spdlog::get("mlscale")) {
        existing->set_level(context.verbose ? spdlog::level::debug : (context.quiet ? spdlog::level::err : spdlog::level::warn));
        return;
    }
    auto logger = spdlog::stderr_color_mt("mlscale", context.color_stderr() ? spdlog::color_mode::automatic : spdlog::color_mode::never);
    logger->set_pattern("mlscale: %^%l%$: %v");
    logger->set_level(context.verbose ? spdlog::level::debug : (context.quiet ? spdlog::level::err : spdlog::level::warn));
    spdlog::set_default_logger(logger);
}

} // namespace mlscale::cli
