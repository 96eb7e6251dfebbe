// The invariant table, and the checks on the run as a whole: the exit code, the numbers, the
// output contract, determinism.
#include <array>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>

#include "invariant_support.hpp"
#include "mlscale/catalogue.hpp"
#include "mlscale/estimate.hpp"
#include "mlscale/json_document.hpp"
#include "mlscale/schema.hpp"

namespace mlscale::property {

using nlohmann::json;

const std::vector<InvariantInfo>& invariants()
{
    static const std::vector<InvariantInfo> table{
        {"loader-accepts-generated-job", "every generated job passes the loader (else the generator, the schema or the loader is wrong)"},
        {"exit-code-in-0-1-2", "advise ends with 0, 1 or 2 and throws nothing"},
        {"numbers-finite", "every number of the report, the JSON and the plan's estimate is finite"},
        {"physical-quantities-non-negative", "every quantity with a unit in its key (hours, USD, GB, MB/s, %, counts) is >= 0"},
        {"output-matches-schema", "the JSON validates against docs/output.schema.json"},
        {"output-deterministic", "advising the same job twice gives the same bytes"},
        {"cost-is-hours-x-instances-x-price",
            "each cost is hours x instances x SageMaker price (+ a preparation cluster at EC2 price); a run bought on spot (only with training.spot) at the "
            "price less the type's Spot saving"},
        {"spot-from-the-instance-figures",
            "managed spot is priced only with the plan instance's own Spot Advisor figures, never above 20 % interruption, at (hours + overhead) x instances x "
            "price x (1 - saving), and only where that costs less than the on-demand run; a plan bought on spot carries the spot run as its hours and cost"},
        {"meets-target-iff-time-and-budget-fit",
            "meets_target is true exactly when the time fits target_hours and all runs fit budget_usd, and no note of a plan that meets calls it a best "
            "effort"},
        {"plan-respects-constraints", "the plan's instance family, instance count and GPUs are within constraints"},
        {"plan-fits-memory",
            "the plan's configuration holds the training state (with activation checkpointing only where the plan says it turns it on), or the plan says it "
            "does not fit"},
        {"overlap-never-slows",
            "the plan's configuration with Megatron-Core's overlaps on (tp_comm_overlap, overlap_param_gather, moe_a2a_overlap) and its interleaved "
            "schedule (virtual_pipeline 8) is never slower than with them off"},
        {"plan-not-slower-and-dearer-than-today", "the plan is never both slower and dearer than today's setup, unless today cannot run (and it says why)"},
        {"ladder-chosen-is-plan", "exactly the plan's configuration is marked chosen on the ladder and the frontier"},
        {"plan-passes-own-rules", "no finding at or above medium reads a plan.* fact (a value the recommender chose)"},
        {"plan-states-stopping-condition",
            "on a SageMaker training job a plan longer than the job's MaxRuntime (24 h when absent) and within 28 days says what MaxRuntimeInSeconds to set, "
            "and one within the limit with 20 % to spare does not"},
        {"one-training-job-in-a-tie",
            "on a SageMaker training job a plan beyond 28 days is never chosen over a same-type multi-node configuration that meets within 28 days "
            "for at most the cheapest such configuration's cost / 0.9 (from a multi-node plan) or the plan's cost (from one node)"},
        {"scale-up-before-more-nodes",
            "a plan on several nodes is never chosen where a configuration on fewer nodes (of the same purchase option) meets the target for at least 10 % "
            "less"},
        {"over-budget-best-effort-is-cheapest",
            "with budget_usd and no target_hours, a plan over the budget (nothing fits it) is the cheapest configuration (of those no slower than today's "
            "setup, where there is one), not a faster one"},
        {"plan-can-run-job", "the plan's instance trains (not inference-only) and its GPU has the job's fp8/bf16 precision"},
        {"no-move-to-todays-setup", "the text and the review never tell a job to move to the configuration it already runs on"},
        {"chips-are-not-gpus",
            "a ladder step on Trainium speaks of chips, never \"gpu-bound\", \"the GPUs\" or \"GPU utilisation\", nor a plan note \"GB per GPU\""},
        {"bigger-gpu-compares-with-shown-gpu",
            "with no GPU today, the bigger-gpu step's \"instead of G\" names the GPU of the single-gpu step the ladder shows"},
        {"fix-step-reads-the-telemetry",
            "with a bottleneck classified from telemetry, the fix-data-pipeline step names it as today's (\"today io-bound (observed)\"), and where the "
            "GPUs wait on CPU or I/O it never says there is nothing to fix"},
        {"names-follow-the-platform",
            "on EC2, EKS and AWS Batch the plan, the ladder and today's setup name instance types without SageMaker's ml. prefix (with it on "
            "SageMaker and HyperPod), name no SageMaker distribution setting, and no finding cites a SageMaker training job's MaxRuntime; off "
            "a SageMaker training job the plan's text names no SageMaker input mode, data distribution, distribution setting or managed spot "
            "and plans no Pipe mode"},
        {"check-reads-plan", "check reads the proposals made from the plan without errors, with the plan's instance and count"},
        {"check-passes-plan", "check finds nothing at or above medium on a value the plan chose (instance, count, storage, input mode)"},
    };
    return table;
}

bool is_invariant(const std::string& name)
{
    for (const auto& info : invariants()) {
        if (name == info.name) {
            return true;
        }
    }
    return false;
}

std::optional<double> training_price(const std::string& instance_type, Platform platform)
{
    const Catalogue& catalogue = builtin_catalogue();
    const InstanceSpec* instance = catalogue.find_instance(instance_type);
    return instance != nullptr ? instance->hourly_price(platform, catalogue.sagemaker_markup) : std::nullopt;
}

void check_outcome(Checker& c)
{
    const PipelineRun& run = c.run();
    c.applies("loader-accepts-generated-job");
    if (!run.loaded && run.internal_error.empty()) {
        c.fail("loader-accepts-generated-job", "the loader refused the job:\n" + run.load_errors);
    }
    c.applies("exit-code-in-0-1-2");
    if (!run.internal_error.empty()) {
        c.fail("exit-code-in-0-1-2", "internal error: " + run.internal_error);
    } else if (run.exit_code > 2 || run.exit_code_fail_on_high > 2) {
        c.fail("exit-code-in-0-1-2", fmt::format("exit code {} ({} with --fail-on high)", run.exit_code, run.exit_code_fail_on_high));
    }
}

namespace {

// The project's convention: every quantity carries its unit in its key (docs/job.md).
bool physical_key(const std::string& path)
{
    const std::string key = path.substr(path.rfind('.') == std::string::npos ? 0 : path.rfind('.') + 1);
    static const char* const k_suffixes[] = {
        "_hours", "_usd", "_gb", "_gib", "_mb_s", "_pct", "_minutes", "_ms", "_mb", "_count", "_per_sec", "_gbps", "_tflops", "_seconds"};
    for (const char* suffix : k_suffixes) {
        const std::string s(suffix);
        if (key.size() >= s.size() && key.compare(key.size() - s.size(), s.size(), s) == 0) {
            return true;
        }
    }
    return key == "gpus" || key == "num_samples" || key == "hours" || key == "cost_usd" || key == "vcpus";
}

void walk_json(const json& value, const std::string& pointer, const std::string& key, Checker& c)
{
    if (value.is_object()) {
        for (const auto& [k, member] : value.items()) {
            walk_json(member, pointer + "/" + k, k, c);
        }
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            walk_json(value[i], pointer + "/" + std::to_string(i), key, c);
        }
    } else if (value.is_number()) {
        const double number = value.get<double>();
        if (!std::isfinite(number)) {
            c.fail("numbers-finite", fmt::format("{} is {}", pointer, number));
        } else if (number < 0 && physical_key(key)) {
            c.fail("physical-quantities-non-negative", fmt::format("{} is {}", pointer, number));
        }
    }
}

void finite(Checker& c, const std::string& where, const std::optional<double>& value)
{
    if (value && !std::isfinite(*value)) {
        c.fail("numbers-finite", fmt::format("{} is {}", where, *value));
    }
}

// The report's own doubles: the renderer turns a NaN or an infinity into 0, which hides it.
void check_report_numbers(Checker& c, const Report& r)
{
    finite(c, "profile.gpu_util_pct", r.profile.gpu_util_pct);
    finite(c, "profile.model_state_gb", r.profile.model_state_gb);
    finite(c, "profile.required_input_mb_s", r.profile.required_input_mb_s);
    finite(c, "profile.mean_file_mb", r.profile.mean_file_mb);
    finite(c, "profile.model.forward_gflops", r.profile.model.forward_gflops);
    walk_json(r.profile.derived, "profile.derived", "", c);
    const auto& s = r.plan.storage;
    const auto& p = r.plan.compute;
    for (const auto& [name, value] : {std::pair{"plan.storage.fsx_capacity_gib", s.fsx_capacity_gib}, {"plan.storage.volume_gb", s.volume_gb},
             {"plan.storage.throughput_mb_s", s.throughput_mb_s}, {"plan.compute.estimated_hours", p.estimated_hours},
             {"plan.compute.estimated_cost_usd", p.estimated_cost_usd}, {"plan.compute.gpu_util_pct", p.gpu_util_pct},
             {"plan.compute.total_cost_usd", p.total_cost_usd}, {"plan.storage.cost_usd", s.cost_usd},
             {"plan.compute.spot_overhead_hours", p.spot_overhead_hours}, {"plan.compute.spot_cost_usd", p.spot_cost_usd},
             {"current.estimated_hours", r.current_hours}, {"current.estimated_cost_usd", r.current_cost_usd}}) {
        finite(c, name, value);
    }
    for (std::size_t i = 0; i < r.ladder.size(); ++i) {
        finite(c, fmt::format("ladder[{}].estimated_hours", i), r.ladder[i].estimated_hours);
        finite(c, fmt::format("ladder[{}].estimated_cost_usd", i), r.ladder[i].estimated_cost_usd);
        finite(c, fmt::format("ladder[{}].gpu_util_pct", i), r.ladder[i].gpu_util_pct);
    }
    for (std::size_t i = 0; i < r.candidates.size(); ++i) {
        finite(c, fmt::format("candidates[{}].estimated_hours", i), r.candidates[i].estimated_hours);
        finite(c, fmt::format("candidates[{}].estimated_cost_usd", i), r.candidates[i].estimated_cost_usd);
    }
    for (const auto& finding : r.findings) {
        walk_json(finding.evidence, "findings[" + finding.rule + "].evidence", "", c);
    }
}

void check_estimate_numbers(Checker& c, const Estimate& e)
{
    const std::pair<const char*, double> values[] = {{"samples_per_sec", e.samples_per_sec}, {"tokens_per_sec", e.tokens_per_sec},
        {"tflops_per_gpu", e.tflops_per_gpu}, {"mfu", e.mfu}, {"step_time_ms", e.step_time_ms}, {"gpu_util_pct", e.gpu_util_pct},
        {"memory_per_gpu_gb", e.memory_per_gpu_gb}, {"startup_minutes", e.startup_minutes}, {"hours", e.hours}, {"cost_usd", e.cost_usd},
        {"spot.cost_usd", e.spot ? e.spot->cost_usd : 0.0}, {"spot.overhead_hours", e.spot ? e.spot->overhead_hours : 0.0}, {"gpu_hours", e.gpu_hours},
        {"storage_mb_s", e.storage_mb_s}, {"required_input_mb_s", e.required_input_mb_s}, {"download_minutes", e.download_minutes}, {"state_gb", e.state_gb},
        {"activation_gb", e.activation_gb}};
    for (const auto& [name, value] : values) {
        if (!std::isfinite(value)) {
            c.fail("numbers-finite", fmt::format("estimate of the plan: {} is {}", name, value));
        } else if (value < 0) {
            c.fail("physical-quantities-non-negative", fmt::format("estimate of the plan: {} is {}", name, value));
        }
    }
}

} // namespace

void check_numbers(Checker& c)
{
    const PipelineRun& run = c.run();
    if (!run.report) {
        return;
    }
    c.applies("numbers-finite");
    c.applies("physical-quantities-non-negative");
    check_report_numbers(c, *run.report);
    walk_json(json::parse(run.json), "", "", c);
    if (run.estimate.ran) {
        check_estimate_numbers(c, run.estimate.estimate);
        walk_json(json::parse(run.estimate.json), "estimate", "", c);
    }
}

namespace {

// docs/output.schema.json with `const` (which mlscale's validator does not implement) written as
// the one-value `enum` it means in JSON Schema.
json without_const(const json& schema)
{
    if (schema.is_object()) {
        json out = json::object();
        for (const auto& [key, value] : schema.items()) {
            if (key == "const") {
                out["enum"] = json::array({value});
            } else {
                out[key] = without_const(value);
            }
        }
        return out;
    }
    if (schema.is_array()) {
        json out = json::array();
        for (const auto& item : schema) {
            out.push_back(without_const(item));
        }
        return out;
    }
    return schema;
}

const JsonSchema& output_schema()
{
    static const JsonSchema schema = [] {
        std::ifstream in(MLSCALE_PROPERTY_SOURCE_DIR "/docs/output.schema.json");
        if (!in) {
            throw std::runtime_error("cannot read " MLSCALE_PROPERTY_SOURCE_DIR "/docs/output.schema.json");
        }
        return JsonSchema(without_const(json::parse(std::string(std::istreambuf_iterator<char>(in), {}))));
    }();
    return schema;
}

} // namespace

void check_output_schema(Checker& c)
{
    const PipelineRun& run = c.run();
    if (!run.report) {
        return;
    }
    c.applies("output-matches-schema");
    Diagnostics diagnostics;
    JsonLimits limits;
    limits.max_depth = 1024;
    const auto document = parse_json(SourceFile{"advice.json", run.json}, diagnostics, limits);
    if (document) {
        output_schema().validate(*document, diagnostics);
    }
    for (const auto& d : diagnostics.items()) {
        c.fail("output-matches-schema", fmt::format("{}: {}", d.pointer, d.message));
    }
}

// "Move to ml.p4d.24xlarge" for a job already on it (issue 15): the renderers' wording of the plan.
void check_wording(Checker& c)
{
    const PipelineRun& run = c.run();
    if (!run.report || run.report->current_instance_type.empty() || run.markdown.empty()) {
        return;
    }
    c.applies("no-move-to-todays-setup");
    const Report& r = *run.report;
    // The renderers' wording, and MLS-COST-003's recommendation (a plan that keeps today's instances
    // and saves by its data pipeline is not a move).
    for (const std::string& today : {fmt::format("Move to {} \u00d7 {} ", r.current_instance_count, r.current_instance_type),
             fmt::format("Move to the recommended {} x {},", r.current_instance_count, r.current_instance_type)}) {
        for (const auto* text : {&run.markdown, &run.text, &run.review}) {
            if (text->find(today) != std::string::npos) {
                c.fail(
                    "no-move-to-todays-setup", fmt::format("\"{}\" while today's setup is {} x {}", today, r.current_instance_count, r.current_instance_type));
                return;
            }
        }
    }
}

// The ladder's bigger-gpu step reads against the single-gpu step above it: "one L4 GPU (ml.g6.xlarge)"
// then "H100 (ml.p5.4xlarge) instead of L4", never "instead of" a GPU the reader was not shown.
std::string gpu_between(const std::string& text, const std::string& before, const std::string& after)
{
    const auto start = text.find(before);
    if (start == std::string::npos) {
        return "";
    }
    const auto from = start + before.size();
    const auto end = text.find(after, from);
    return end == std::string::npos ? "" : text.substr(from, end - from);
}

void check_ladder_wording(Checker& c)
{
    const PipelineRun& run = c.run();
    if (!run.report || !run.report->current_instance_type.empty()) {
        return;
    }
    std::string shown;
    std::string compared;
    for (const LadderStep& step : run.report->ladder) {
        if (step.rung == "single-gpu" && !step.instance_type.empty()) {
            shown = gpu_between(step.change, "one ", step.change.find(" chip (") != std::string::npos ? " chip (" : " GPU (");
        } else if (step.rung == "bigger-gpu") {
            compared = gpu_between(step.change + ";", " instead of ", ";"); // the change may go on: "; FSx for Lustre ..."
        }
    }
    if (shown.empty() || compared.empty()) {
        return;
    }
    c.applies("bigger-gpu-compares-with-shown-gpu");
    if (shown != compared) {
        c.fail("bigger-gpu-compares-with-shown-gpu", fmt::format("the single-gpu step shows {}, the bigger-gpu step says \"instead of {}\"", shown, compared));
    }
}

// Trainium's chips are not GPUs: a ladder step on trn speaks of chips ("chip-bound", "the chips
// could take"), whatever the JSON's bottleneck enum says.
void check_chip_wording(Checker& c)
{
    const PipelineRun& run = c.run();
    if (!run.report) {
        return;
    }
    for (const LadderStep& step : run.report->ladder) {
        if (step.instance_type.find("trn") == std::string::npos || step.rung == "fix-data-pipeline") {
            continue;
        }
        c.applies("chips-are-not-gpus");
        for (const char* word : {"gpu-bound", "the GPUs", "GPU utilisation"}) {
            if (step.why.find(word) != std::string::npos) {
                c.fail("chips-are-not-gpus", fmt::format("the {} step on {} says \"{}\": {}", step.rung, step.instance_type, word, step.why));
                break;
            }
        }
    }
    // The plan's notes on a Trainium plan, and the one on today's Trainium setup, count chips too,
    // and so does the text's plan line.
    const auto& compute = run.report->plan.compute;
    const bool plan_trn = compute.instance_type.find("trn") != std::string::npos;
    if (plan_trn) {
        c.applies("chips-are-not-gpus");
        if (run.text.find(", gpu-bound\n") != std::string::npos) {
            c.fail("chips-are-not-gpus", "the text's plan line on a Trainium plan says \"gpu-bound\"");
        }
    }
    const bool today_trn = run.report->current_instance_type.find("trn") != std::string::npos;
    for (const std::string& note : compute.notes) {
        const bool about_today = note.rfind("today's setup does not fit", 0) == 0;
        if (!(about_today ? today_trn : plan_trn)) {
            continue;
        }
        c.applies("chips-are-not-gpus");
        for (const char* word : {"GB per GPU", "GB GPUs"}) {
            if (note.find(word) != std::string::npos) {
                c.fail("chips-are-not-gpus", fmt::format("a note on {} says \"{}\": {}", about_today ? "today's Trainium" : "the Trainium plan", word, note));
                break;
            }
        }
    }
}

// Telemetry wins: the ladder's first step reads the same bottleneck as the profile, and a wait the
// telemetry shows is something to fix even where the model does not see its cause.
void check_fix_step(Checker& c)
{
    const PipelineRun& run = c.run();
    if (!run.report || run.report->profile.bottleneck_basis != "observed" || run.report->profile.bottleneck == "none") {
        return;
    }
    for (const LadderStep& step : run.report->ladder) {
        if (step.rung != "fix-data-pipeline" || step.why.rfind("today ", 0) != 0) {
            continue;
        }
        c.applies("fix-step-reads-the-telemetry");
        const std::string bottleneck = run.report->profile.bottleneck;
        // Trainium's chips are named as such in text ("chip-bound"); the profile keeps "gpu".
        const bool chip = bottleneck == "gpu" && step.why.rfind("today chip-bound (observed)", 0) == 0;
        if (!chip && step.why.rfind("today " + bottleneck + "-bound (observed)", 0) != 0) {
            c.fail("fix-step-reads-the-telemetry", fmt::format("the profile's bottleneck is {} (observed), the step says \"{}\"", bottleneck, step.why));
        } else if ((bottleneck == "cpu" || bottleneck == "io") && step.change.find("nothing in the data pipeline to fix") != std::string::npos) {
            c.fail("fix-step-reads-the-telemetry", fmt::format("the GPUs wait ({}-bound, observed), the step says \"{}\"", bottleneck, step.change));
        }
    }
}

// Off a SageMaker training job, the plan's own text (not the rules', which name both) speaks of
// downloads, streams and the job's launcher, not of SageMaker's channel and distribution settings.
void check_no_sagemaker_terms(const Report& report, std::vector<std::string>& wrong)
{
    static const std::array<std::string_view, 9> terms{
        "File mode", "FastFile", "Pipe mode", "ShardedByS3Key", "sharded-by-s3-key", "fully-replicated", "torch_distributed", "smdistributed", "managed spot"};
    const Plan& plan = report.plan;
    std::vector<std::string> texts{plan.storage.input_label, plan.storage.distribution_label};
    texts.insert(texts.end(), plan.storage.notes.begin(), plan.storage.notes.end());
    texts.insert(texts.end(), plan.compute.notes.begin(), plan.compute.notes.end());
    texts.insert(texts.end(), plan.etl.steps.begin(), plan.etl.steps.end());
    for (const LadderStep& step : report.ladder) {
        texts.push_back(step.change);
        texts.push_back(step.why);
    }
    for (const std::string& text : texts) {
        for (std::string_view term : terms) {
            if (text.find(term) != std::string::npos) {
                wrong.push_back(fmt::format("\"{}\" in \"{}\"", term, text));
            }
        }
    }
    if (plan.storage.input_mode == "pipe") {
        wrong.push_back("plan in Pipe mode");
    }
}

// A job trained on EC2, EKS or AWS Batch reads EC2's names and is not held to a SageMaker
// training job's settings.
void check_platform_names(Checker& c)
{
    const PipelineRun& run = c.run();
    if (!run.report || !run.job || run.report->plan.compute.instance_type.empty()) {
        return;
    }
    c.applies("names-follow-the-platform");
    const bool ec2 = price_platform(*run.job) == Platform::Ec2;
    const auto named_right = [&](const std::string& type) { return type.empty() || (type.rfind("ml.", 0) == 0) != ec2; };
    std::vector<std::string> wrong;
    if (!named_right(run.report->plan.compute.instance_type)) {
        wrong.push_back("plan " + run.report->plan.compute.instance_type);
    }
    if (!named_right(run.report->current_instance_type)) {
        wrong.push_back("today " + run.report->current_instance_type);
    }
    for (const LadderStep& step : run.report->ladder) {
        if (!named_right(step.instance_type)) {
            wrong.push_back(step.rung + " " + step.instance_type);
        }
    }
    if (ec2 && !run.report->plan.compute.distribution.empty()) {
        wrong.push_back("SageMaker distribution " + run.report->plan.compute.distribution);
    }
    for (const auto& finding : run.report->findings) {
        if (ec2 && finding.rule == "MLS-COMP-013") {
            wrong.push_back("finding MLS-COMP-013 (MaxRuntime)");
        }
    }
    if (run.job->training.platform.value_or("sagemaker") != "sagemaker") {
        check_no_sagemaker_terms(*run.report, wrong);
    }
    if (!wrong.empty()) {
        c.fail("names-follow-the-platform", fmt::format("training.platform {}: {}", run.job->training.platform.value_or("sagemaker"), fmt::join(wrong, "; ")));
    }
}

void check_determinism(Checker& c)
{
    const PipelineRun& run = c.run();
    if (!run.report) {
        return;
    }
    if (!run.json_again.empty()) {
        c.applies("output-deterministic");
        if (run.json_again != run.json) {
            c.fail("output-deterministic", "a second advise of the same job gave other bytes");
        }
    }
}

std::vector<Violation> check_invariants(const PipelineRun& run, std::vector<std::string>* applicable)
{
    std::vector<Violation> out;
    Checker c(run, out, applicable);
    for (void (*check)(Checker&) : {check_outcome, check_numbers, check_output_schema, check_determinism, check_costs, check_spot, check_meets_target,
             check_constraints, check_memory, check_overlap, check_not_dominated, check_ladder, check_own_rules, check_plan_can_run, check_stopping_condition,
             check_one_job_in_a_tie, check_fewer_nodes, check_budget_best_effort, check_wording, check_ladder_wording, check_chip_wording, check_fix_step,
             check_platform_names, check_proposals}) {
        check(c);
    }
    return out;
}

} // namespace mlscale::property
