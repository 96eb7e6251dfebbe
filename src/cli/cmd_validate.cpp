// `mlscale validate FILE...`: check job files; print nothing but errors.
#include "cli.hpp"
#include "mlscale/catalogue.hpp"
#include "mlscale/job.hpp"
#include "mlscale/profile.hpp"

namespace mlscale::cli {

void setup_validate(CLI::App& app, Context& context)
{
    auto files = std::make_shared<std::vector<std::string>>();
    auto* command = app.add_subcommand("validate", "Check job files against the schema; print nothing but errors");
    command->add_option("files", *files, "Job files; - reads stdin")->required();
    add_example(command, "mlscale validate examples/*.json");
    command->callback([files, &context] {
        configure_logging(context);
        Diagnostics diagnostics;
        for (const auto& file : *files) {
            if (auto job = load_job_file(file, diagnostics)) {
                // The profiler resolves instance types and model names against the catalogue.
                profile_job(*job, builtin_catalogue(), diagnostics);
            }
        }
        print_diagnostics(diagnostics, context);
        context.exit_code = diagnostics.has_errors() ? ExitCode::BadInput : ExitCode::Clean;
    });
}

} // namespace mlscale::cli
