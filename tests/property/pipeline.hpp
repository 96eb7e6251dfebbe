// The whole pipeline on one job text, in process, as the commands run it: advise (load, profile,
// recommend, rules, the text, JSON and Markdown renderers), report (the Markdown review and the
// multi-job index), estimate on the plan's configuration, and check on the proposals made from the
// plan. Every call into the pipeline's driver is in pipeline.cpp, so when the driver moves
// (issue 16) only that file changes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mlscale/check.hpp"
#include "mlscale/estimate.hpp"
#include "mlscale/job.hpp"
#include "mlscale/report.hpp"
#include "mlscale/rules.hpp"

namespace mlscale::property {

struct PipelineOptions {
    bool renderers = true;   ///< text and Markdown, the review and the index (JSON always)
    bool determinism = true; ///< advise a second time and compare the bytes
    bool estimate = true;    ///< estimate the plan's configuration
    bool check = true;       ///< check the proposals made from the plan
};

struct EstimateRun {
    bool ran = false;
    Estimate estimate;
    Workload workload;
    std::string json;
    std::string text;
};

struct CheckRun {
    bool ran = false;
    std::string api_text;            ///< the CreateTrainingJob request
    std::string cloudformation_text; ///< the template
    std::vector<CheckedFile> files;
    std::vector<std::string> rendered; ///< every check output format, for the crash and determinism checks
};

struct PipelineRun {
    std::string job_text;
    bool loaded = false;
    std::string load_errors;        ///< the loader's diagnostics, formatted, when it refused the job
    int exit_code = 0;              ///< what `mlscale advise` exits with (0, 2; 3 for an internal error)
    int exit_code_fail_on_high = 0; ///< the same with --fail-on high (0, 1, 2; 3)
    std::string internal_error;     ///< an exception the pipeline threw
    std::optional<Job> job;
    std::optional<Report> report;
    Diagnostics diagnostics;
    std::string json;
    std::string json_again; ///< a second advise of the same job
    std::string text;
    std::string markdown;
    std::string review;       ///< `mlscale report JOB`
    std::string review_index; ///< `mlscale report A B` (the job twice)
    EstimateRun estimate;
    CheckRun check;
};

/// Runs everything `options` asks for on `job_text`; exceptions become `internal_error`.
PipelineRun run_pipeline(const std::string& job_text, const PipelineOptions& options = {});

/// advise() on a loaded job: the one place the harness calls the pipeline's driver.
std::optional<Report> advise_job(const Job& job, Diagnostics& diagnostics);

/// The rule options every harness run uses: the embedded rules' defaults, suppressions expiring
/// against a fixed date so results do not change with the calendar.
const RuleOptions& harness_rule_options();

} // namespace mlscale::property
