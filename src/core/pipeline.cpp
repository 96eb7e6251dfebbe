// The orchestrator: each stage in order, each call with a line saying why it is there.
#include "mlscale/pipeline.hpp"

#include "mlscale/version.hpp"

namespace mlscale {

std::optional<Report> advise(const Job& job, const AdviseOptions& options, Diagnostics& diagnostics)
{
    const Catalogue& catalogue = options.catalogue != nullptr ? *options.catalogue : builtin_catalogue();
    const std::size_t errors_before = diagnostics.error_count();

    Report report;
    report.tool_version = k_version;
    report.job_name = job.name;
    report.file = job.document.file;
    report.job_inputs = job.document.value;
    for (const auto& [kind, file] : catalogue.files) {
        report.catalogue_versions[kind] = file.value("as_of", "");
    }
    if (job.current.instance_type) {
        report.current_instance_type = "ml." + *job.current.instance_type;
        report.current_instance_count = static_cast<int>(job.current.instance_count.value_or(1));
    }

    // Profile first: every later decision starts from what the job needs and what limits it now.
    report.profile = profile_job(job, catalogue, diagnostics);

    if (diagnostics.error_count() > errors_before) {
        return std::nullopt;
    }
    return report;
}

} // namespace mlscale
