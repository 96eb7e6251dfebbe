// `mlscale validate FILE...`: check job files; print nothing but errors.
#include "cli.hpp"
#include "mlscale/catalogue.hpp"
#include "mlscale/job.hpp"
#include "mlscale/profile.hpp"

namespace mlscale::cli {

Command validate_command(const Context& context)
{
    auto files = std::make_shared<std::vector<std::string>>();
    Command command{
        .name = "validate", .summary = "Check job files against the schema; print nothing but errors", .example = "mlscale validate examples/*.json"};
    command.options = {{.names = "files", .help = "Job files; - reads stdin", .target = files.get(), .required = true}};
    command.run = [files, &context] {
        Diagnostics diagnostics;
        for (const auto& file : *files) {
            if (auto job = load_job_file(file, diagnostics)) {
                // The profiler resolves instance types and model names against the catalogue.
                profile_job(*job, builtin_catalogue(), diagnostics);
            }
        }
        print_diagnostics(diagnostics, context);
        return diagnostics.has_errors() ? ExitCode::BadInput : ExitCode::Clean;
    };
    return command;
}

} // namespace mlscale::cli
