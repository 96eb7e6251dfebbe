// The checks on the plan: its cost, its verdict, its constraints and memory, against today, the
// ladder, its own rules, whether it can run the job, and check on the proposals made from it.
#include <algorithm>

#include "invariant_support.hpp"
#include "mlscale/catalogue.hpp"
#include "mlscale/estimate.hpp"
#include "mlscale/plausibility.hpp"
#include "mlscale/recommend.hpp"
#include "to_proposal.hpp"

namespace mlscale::property {

namespace {

// The data-preparation cluster's instance, chosen as the recommender does (docs/recommender.md §2).
const InstanceSpec* prep_instance()
{
    const InstanceSpec* best = nullptr;
    for (const auto& instance : builtin_catalogue().instances) {
        if (instance.gpu_count == 0 && instance.family.rfind('c', 0) == 0 && instance.price_usd_per_hour && (best == nullptr || instance.vcpus > best->vcpus)) {
            best = &instance;
        }
    }
    return best;
}

// `cost` is `compute`, or that plus a whole number of preparation instances at EC2 price for `hours`.
bool compute_or_with_prep(double cost, double compute, double hours)
{
    if (close(cost, compute)) {
        return true;
    }
    const InstanceSpec* prep = prep_instance();
    if (prep == nullptr || hours <= 0 || cost <= compute) {
        return false;
    }
    const double instances = (cost - compute) / (hours * *prep->price_usd_per_hour);
    return std::round(instances) >= 1 && close(cost, compute + std::round(instances) * hours * *prep->price_usd_per_hour);
}

// hours x instances x price, or that plus a whole number of preparation instances at EC2 price. A run
// bought on spot pays the price less the instance type's Spot saving (its hours include the
// interruptions); only where the job accepts spot.
void check_cost(Checker& c, const std::string& what, const std::string& type, int count, const std::optional<double>& hours, const std::optional<double>& cost,
    const std::string& purchase)
{
    const Platform platform = c.run().job ? price_platform(*c.run().job) : Platform::SageMaker;
    auto price = training_price(type, platform);
    if (!hours || !cost || !price || type.empty()) {
        return;
    }
    c.applies("cost-is-hours-x-instances-x-price");
    if (purchase == "spot") {
        const InstanceSpec* instance = builtin_catalogue().find_instance(type);
        if (!c.run().job || !c.run().job->training.spot.value_or(false) || instance == nullptr || !instance->spot_savings_pct) {
            c.fail("cost-is-hours-x-instances-x-price", fmt::format("{}: bought on spot on {} without training.spot or the type's Spot saving", what, type));
            return;
        }
        *price *= 1.0 - *instance->spot_savings_pct / 100.0;
    } else if (purchase != "on-demand") {
        c.fail("cost-is-hours-x-instances-x-price", fmt::format("{}: purchase \"{}\" is neither on-demand nor spot", what, purchase));
        return;
    }
    const double compute = *hours * count * *price;
    if (compute_or_with_prep(*cost, compute, *hours)) {
        return;
    }
    c.fail("cost-is-hours-x-instances-x-price",
        fmt::format("{}: {} x {} at ${:.4g}/h for {} h is ${:.2f}, the output says ${:.2f}", what, count, type, *price, *hours, compute, *cost));
}

bool mentions(const std::vector<std::string>& texts, const std::string& phrase)
{
    return std::any_of(texts.begin(), texts.end(), [&](const std::string& t) { return t.find(phrase) != std::string::npos; });
}

// Every sentence of the report where the recommender may say why (notes, ladder, assumptions).
std::vector<std::string> plan_texts(const Report& r)
{
    std::vector<std::string> out = r.plan.compute.notes;
    out.insert(out.end(), r.plan.storage.notes.begin(), r.plan.storage.notes.end());
    out.insert(out.end(), r.profile.assumptions.begin(), r.profile.assumptions.end());
    for (const auto& step : r.ladder) {
        out.push_back(step.why);
        out.push_back(step.change);
    }
    return out;
}

// Whether `count` x `type` holds the job's training state in the split the recommender would choose,
// recomputing activations where nothing fits with them all kept, as the recommender does (and says:
// `recomputed` is set then).
std::optional<bool> fits_memory(const PipelineRun& run, const std::string& type, int count, bool* recomputed = nullptr)
{
    const Catalogue& catalogue = builtin_catalogue();
    const InstanceSpec* instance = catalogue.find_instance(type);
    if (instance == nullptr || instance->gpu_count == 0 || count < 1 || !run.report->profile.model.deep) {
        return std::nullopt;
    }
    std::vector<std::string> assumptions;
    Workload workload = make_workload(*run.job, run.report->profile.model, catalogue, assumptions);
    const std::string framework = run.job->model.framework.value_or("pytorch");
    ParallelismChoice choice = choose_parallelism(workload, *instance, count, framework, catalogue, {});
    if (!choice.fits && !workload.recompute) {
        Workload recompute = workload;
        recompute.recompute = true;
        if (ParallelismChoice with = choose_parallelism(recompute, *instance, count, framework, catalogue, {}); with.fits) {
            workload = recompute;
            choice = with;
            if (recomputed != nullptr) {
                *recomputed = true;
            }
        }
    }
    if (!choice.fits) {
        // No split keeps the data-parallel ranks within the global batch: a limit of the batch, not of
        // memory (the plan may keep today's model-parallel degrees, which this independent choice does not try).
        return choice.why.rfind("the global batch of", 0) == 0 ? std::nullopt : std::optional<bool>(false);
    }
    Config config;
    config.instance = instance;
    config.count = count;
    config.parallelism = choice.parallelism;
    const Estimate e = estimate(workload, config, catalogue);
    return e.memory_known ? std::optional<bool>(e.fits) : std::nullopt;
}

// `total`: every run, storage included (what the budget is compared with); without it, cost x runs.
void check_verdict(Checker& c, const std::string& what, const std::optional<bool>& meets, const std::optional<double>& hours, const std::optional<double>& cost,
    const std::optional<double>& total, bool said_no_fit)
{
    const Job& job = *c.run().job;
    const auto target = job.training.target_hours;
    const auto budget = job.training.budget_usd;
    const double runs = static_cast<double>(std::max<std::int64_t>(1, job.training.runs.value_or(1)));
    if (!target && !budget) {
        if (meets) {
            c.applies("meets-target-iff-time-and-budget-fit");
            c.fail("meets-target-iff-time-and-budget-fit", fmt::format("{}: meets_target is {} without target_hours or budget_usd", what, *meets));
        }
        return;
    }
    const bool time_known = !target || hours;
    const bool cost_known = !budget || cost;
    if (!time_known || !cost_known) {
        if (meets == std::optional<bool>(true)) {
            c.applies("meets-target-iff-time-and-budget-fit");
            c.fail("meets-target-iff-time-and-budget-fit", fmt::format("{}: meets_target is true without an estimate to meet it with", what));
        }
        return;
    }
    c.applies("meets-target-iff-time-and-budget-fit");
    const bool time_fits = !target || *hours <= *target * (1 + 1e-9);
    if (total && cost && *total < *cost * runs * (1 - 1e-9) - 0.01) {
        c.fail("meets-target-iff-time-and-budget-fit", fmt::format("{}: total_cost_usd {} is below ${:.2f} x {} runs", what, *total, *cost, runs));
    }
    const bool budget_fits = !budget || total.value_or(*cost * runs) <= *budget * (1 + 1e-9);
    const bool expected = time_fits && budget_fits;
    const std::string numbers = fmt::format(
        "{} h against target_hours {}, ${:.2f} x {} runs against budget_usd {}", text_of(hours), text_of(target), cost.value_or(0), runs, text_of(budget));
    if (!meets) {
        c.fail("meets-target-iff-time-and-budget-fit", fmt::format("{}: meets_target is null with {}", what, numbers));
    } else if (*meets && !expected) {
        c.fail("meets-target-iff-time-and-budget-fit", fmt::format("{}: meets_target is true with {}", what, numbers));
    } else if (!*meets && expected && !said_no_fit) {
        c.fail("meets-target-iff-time-and-budget-fit", fmt::format("{}: meets_target is false with {}", what, numbers));
    }
}

} // namespace

void check_costs(Checker& c)
{
    const PipelineRun& run = c.run();
    if (!run.report) {
        return;
    }
    const Report& r = *run.report;
    check_cost(c, "plan", r.plan.compute.instance_type, r.plan.compute.instance_count, r.plan.compute.estimated_hours, r.plan.compute.estimated_cost_usd,
        r.plan.compute.purchase);
    for (std::size_t i = 0; i < r.ladder.size(); ++i) {
        const auto& step = r.ladder[i];
        check_cost(c, fmt::format("ladder[{}] {}", i, step.rung), step.instance_type, step.instance_count, step.estimated_hours, step.estimated_cost_usd,
            step.purchase);
    }
    for (std::size_t i = 0; i < r.candidates.size(); ++i) {
        const auto& candidate = r.candidates[i];
        check_cost(c, fmt::format("candidates[{}]", i), candidate.instance_type, candidate.instance_count, candidate.estimated_hours,
            candidate.estimated_cost_usd, candidate.purchase);
    }
    check_cost(c, "today", r.current_instance_type, r.current_instance_count, r.current_hours, r.current_cost_usd, r.current_purchase);
}

// Managed spot comes from the plan instance's own Advisor figures: never where more than 20 % of its
// capacity is reclaimed a month or where the catalogue has no figure, and priced as
// (hours + overhead) x instances x price x (1 - saving), plus a whole preparation cluster on demand.
void check_spot(Checker& c)
{
    const PipelineRun& run = c.run();
    if (!run.report || run.report->plan.compute.instance_type.empty()) {
        return;
    }
    const auto& compute = run.report->plan.compute;
    const InstanceSpec* instance = builtin_catalogue().find_instance(compute.instance_type);
    if (instance == nullptr) {
        return;
    }
    c.applies("spot-from-the-instance-figures");
    const auto bracket = instance->spot_interruption_bounds();
    const bool advisable = instance->spot_savings_pct && bracket && bracket->high;
    if (!compute.spot_cost_usd) {
        return;
    }
    if (!advisable) {
        c.fail("spot-from-the-instance-figures",
            fmt::format("the plan prices managed spot on {} (spot_interruption \"{}\", saving {})", compute.instance_type, instance->spot_interruption,
                text_of(instance->spot_savings_pct)));
        return;
    }
    const auto price = training_price(compute.instance_type, price_platform(*run.job));
    if (!price || !compute.estimated_hours || !compute.spot_overhead_hours || compute.spot_savings_pct != instance->spot_savings_pct) {
        c.fail("spot-from-the-instance-figures",
            fmt::format("the plan's spot figures on {} are incomplete or not the instance's (saving {} vs {})", compute.instance_type,
                text_of(compute.spot_savings_pct), text_of(instance->spot_savings_pct)));
        return;
    }
    // Bought on spot: the plan's hours and cost are the spot run's, the On-Demand run beside them.
    const bool bought = compute.purchase == "spot";
    if (bought &&
        (!compute.on_demand_hours || !compute.on_demand_cost_usd || !compute.estimated_cost_usd ||
            !close(*compute.estimated_cost_usd, *compute.spot_cost_usd) ||
            !close(*compute.estimated_hours, *compute.on_demand_hours + *compute.spot_overhead_hours))) {
        c.fail("spot-from-the-instance-figures",
            fmt::format("the plan is bought on spot on {} but its hours {} and cost {} are not the spot run's (on-demand {} h, overhead {} h, spot {})",
                compute.instance_type, *compute.estimated_hours, text_of(compute.estimated_cost_usd), text_of(compute.on_demand_hours),
                *compute.spot_overhead_hours, *compute.spot_cost_usd));
        return;
    }
    const double hours = (bought ? *compute.on_demand_hours : *compute.estimated_hours) + *compute.spot_overhead_hours;
    const double expected = hours * compute.instance_count * *price * (1.0 - *instance->spot_savings_pct / 100.0);
    const auto on_demand_cost = bought ? compute.on_demand_cost_usd : compute.estimated_cost_usd;
    if (on_demand_cost && *compute.spot_cost_usd >= *on_demand_cost) {
        c.fail("spot-from-the-instance-figures",
            fmt::format("managed spot is advised on {} at {:.2f}, not below the on-demand run's {:.2f}", compute.instance_type, *compute.spot_cost_usd,
                *on_demand_cost));
        return;
    }
    if (compute_or_with_prep(*compute.spot_cost_usd, expected, hours)) {
        return;
    }
    c.fail("spot-from-the-instance-figures",
        fmt::format("spot_cost_usd {} on {} x {}: (hours {} + overhead {}) x price {} x (1 - {} %) is {:.2f}", *compute.spot_cost_usd, compute.instance_count,
            compute.instance_type, hours - *compute.spot_overhead_hours, *compute.spot_overhead_hours, *price, *instance->spot_savings_pct, expected));
}

void check_meets_target(Checker& c)
{
    const PipelineRun& run = c.run();
    if (!run.report) {
        return;
    }
    const Report& r = *run.report;
    const auto& compute = r.plan.compute;
    // A run past SageMaker's 28-day MaxRuntime is not a plan as it stands (it misses, and says so).
    const bool plan_no_fit = mentions(compute.notes, "does not fit") || mentions(compute.notes, "memory binds") || mentions(compute.notes, "28-day limit");
    if (!compute.instance_type.empty()) {
        check_verdict(c, "plan", compute.meets_target, compute.estimated_hours, compute.estimated_cost_usd, compute.total_cost_usd, plan_no_fit);
        // The verdict and the notes agree: a plan that meets is not called a best effort.
        if (compute.meets_target == std::optional<bool>(true) && mentions(compute.notes, "nothing meets the target")) {
            c.fail("meets-target-iff-time-and-budget-fit", "the plan meets the target, yet a note says nothing meets it");
        }
    }
    for (std::size_t i = 0; i < r.ladder.size(); ++i) {
        const auto& step = r.ladder[i];
        const bool no_fit = step.why.find("does not fit") != std::string::npos || step.why.find("28-day limit") != std::string::npos;
        check_verdict(
            c, fmt::format("ladder[{}] {}", i, step.rung), step.meets_target, step.estimated_hours, step.estimated_cost_usd, step.total_cost_usd, no_fit);
    }
    for (std::size_t i = 0; i < r.candidates.size(); ++i) {
        const auto& candidate = r.candidates[i];
        const bool no_fit = fits_memory(run, candidate.instance_type, candidate.instance_count) == std::optional<bool>(false);
        check_verdict(c, fmt::format("candidates[{}]", i), candidate.meets_target, candidate.estimated_hours, candidate.estimated_cost_usd,
            candidate.total_cost_usd, no_fit);
    }
}

void check_constraints(Checker& c)
{
    const PipelineRun& run = c.run();
    if (!run.report || run.report->plan.compute.instance_type.empty()) {
        return;
    }
    c.applies("plan-respects-constraints");
    const auto& compute = run.report->plan.compute;
    const auto& constraints = run.job->constraints;
    const InstanceSpec* instance = builtin_catalogue().find_instance(compute.instance_type);
    if (instance == nullptr) {
        c.fail("plan-respects-constraints", fmt::format("the plan's instance {} is not in the catalogue", compute.instance_type));
        return;
    }
    const auto& families = constraints.instance_families;
    if (!families.empty() && std::find(families.begin(), families.end(), instance->family) == families.end()) {
        c.fail("plan-respects-constraints", fmt::format("{} is not in instance_families [{}]", compute.instance_type, fmt::join(families, ", ")));
    }
    if (constraints.max_instances && compute.instance_count > *constraints.max_instances) {
        c.fail("plan-respects-constraints", fmt::format("{} instances, max_instances {}", compute.instance_count, *constraints.max_instances));
    }
    if (constraints.max_gpus && compute.gpus > *constraints.max_gpus) {
        c.fail("plan-respects-constraints", fmt::format("{} GPUs, max_gpus {}", compute.gpus, *constraints.max_gpus));
    }
    if (compute.gpus != compute.instance_count * instance->gpu_count) {
        c.fail("plan-respects-constraints",
            fmt::format(
                "plan.compute.gpus is {} for {} x {} ({} GPUs each)", compute.gpus, compute.instance_count, compute.instance_type, instance->gpu_count));
    }
}

void check_memory(Checker& c)
{
    const PipelineRun& run = c.run();
    if (!run.report || run.report->plan.compute.instance_type.empty()) {
        return;
    }
    bool recomputed = false;
    const auto fits = fits_memory(run, run.report->plan.compute.instance_type, run.report->plan.compute.instance_count, &recomputed);
    if (!fits) {
        return;
    }
    c.applies("plan-fits-memory");
    if (!*fits && !mentions(plan_texts(*run.report), "does not fit")) {
        c.fail("plan-fits-memory",
            fmt::format("{} x {} does not hold the training state and the plan does not say so", run.report->plan.compute.instance_count,
                run.report->plan.compute.instance_type));
    }
    if (*fits && recomputed && !mentions(plan_texts(*run.report), "activation checkpointing on")) {
        c.fail("plan-fits-memory",
            fmt::format("{} x {} holds the training state only with activation checkpointing, and the plan does not say it turns it on",
                run.report->plan.compute.instance_count, run.report->plan.compute.instance_type));
    }
}

bool overlap_slows(const Estimate& off, const Estimate& on)
{
    return on.network_samples_per_sec < off.network_samples_per_sec * (1 - 1e-9) || on.compute_samples_per_sec < off.compute_samples_per_sec * (1 - 1e-9);
}

// Communication overlap only hides time: the plan's configuration estimated with Megatron-Core's
// three overlaps (training.tp_comm_overlap, overlap_param_gather, moe_a2a_overlap) and the
// interleaved schedule (training.virtual_pipeline 8) on is never slower than with them off.
void check_overlap(Checker& c)
{
    const PipelineRun& run = c.run();
    if (!run.report || run.report->plan.compute.instance_type.empty() || !run.report->profile.model.deep) {
        return;
    }
    const Catalogue& catalogue = builtin_catalogue();
    const InstanceSpec* instance = catalogue.find_instance(run.report->plan.compute.instance_type);
    const int count = run.report->plan.compute.instance_count;
    if (instance == nullptr || instance->gpu_count == 0 || count < 1) {
        return;
    }
    std::vector<std::string> assumptions;
    Workload workload = make_workload(*run.job, run.report->profile.model, catalogue, assumptions);
    Config config;
    config.instance = instance;
    config.count = count;
    config.parallelism = choose_parallelism(workload, *instance, count, run.job->model.framework.value_or("pytorch"), catalogue, {}).parallelism;
    workload.tp_comm_overlap = workload.overlap_param_gather = workload.expert_exchange_overlap = false;
    workload.virtual_pipeline = 1;
    const Estimate off = estimate(workload, config, catalogue);
    workload.tp_comm_overlap = workload.overlap_param_gather = workload.expert_exchange_overlap = true;
    workload.virtual_pipeline = 8;
    const Estimate on = estimate(workload, config, catalogue);
    if (!std::isfinite(off.network_samples_per_sec) || off.network_samples_per_sec <= 0) {
        return;
    }
    c.applies("overlap-never-slows");
    if (overlap_slows(off, on)) {
        c.fail("overlap-never-slows",
            fmt::format("{} x {} ({}): {:.6g} samples/s with the overlaps, {:.6g} without", count, instance->name, config.parallelism.mode,
                on.network_samples_per_sec, off.network_samples_per_sec));
    }
}

void check_not_dominated(Checker& c)
{
    const PipelineRun& run = c.run();
    if (!run.report) {
        return;
    }
    const Report& r = *run.report;
    const auto& compute = r.plan.compute;
    if (!r.current_hours || !r.current_cost_usd || !compute.estimated_hours || !compute.estimated_cost_usd) {
        return;
    }
    c.applies("plan-not-slower-and-dearer-than-today");
    const bool slower = *compute.estimated_hours > *r.current_hours * 1.001;
    const bool dearer = *compute.estimated_cost_usd > *r.current_cost_usd * 1.001 + 0.01;
    if (!slower || !dearer) {
        return;
    }
    const auto& derived = r.profile.derived;
    const bool today_cannot_run = derived.contains("estimate") && derived["estimate"].value("fits", true) == false;
    if (today_cannot_run && mentions(plan_texts(r), "does not fit")) {
        return;
    }
    if (mentions(r.profile.assumptions, "the plan does not keep it")) {
        return; // today breaks the constraints or runs multi-node without EFA: the plan may not keep it, and says so
    }
    if (mentions(plan_texts(r), "today's measured run on CPUs is faster and cheaper than this plan")) {
        return; // a deep network measured on CPUs faster than the model gives any GPU: the plan follows the practice and says so
    }
    c.fail("plan-not-slower-and-dearer-than-today",
        fmt::format("plan {} x {}: {:.4g} h, ${:.2f}; today {} x {}: {:.4g} h, ${:.2f}{}", compute.instance_count, compute.instance_type,
            *compute.estimated_hours, *compute.estimated_cost_usd, r.current_instance_count, r.current_instance_type, *r.current_hours, *r.current_cost_usd,
            today_cannot_run ? " (today does not fit, and the plan does not say so)" : ""));
}

void check_ladder(Checker& c)
{
    const PipelineRun& run = c.run();
    if (!run.report) {
        return;
    }
    const Report& r = *run.report;
    const auto& compute = r.plan.compute;
    c.applies("ladder-chosen-is-plan");
    std::vector<const LadderStep*> chosen;
    for (const auto& step : r.ladder) {
        if (step.chosen) {
            chosen.push_back(&step);
        }
    }
    if (compute.instance_type.empty()) {
        if (!chosen.empty()) {
            c.fail("ladder-chosen-is-plan", "a ladder step is chosen but the plan has no instance");
        }
        return;
    }
    if (chosen.size() != 1) {
        c.fail("ladder-chosen-is-plan", fmt::format("{} ladder steps are chosen (of {})", chosen.size(), r.ladder.size()));
    } else if (chosen[0]->instance_type != compute.instance_type || chosen[0]->instance_count != compute.instance_count ||
        text_of(chosen[0]->estimated_hours) != text_of(compute.estimated_hours) ||
        text_of(chosen[0]->estimated_cost_usd) != text_of(compute.estimated_cost_usd)) {
        c.fail("ladder-chosen-is-plan",
            fmt::format("the chosen rung {} is {} x {} ({} h, ${}), the plan {} x {} ({} h, ${})", chosen[0]->rung, chosen[0]->instance_count,
                chosen[0]->instance_type, text_of(chosen[0]->estimated_hours), text_of(chosen[0]->estimated_cost_usd), compute.instance_count,
                compute.instance_type, text_of(compute.estimated_hours), text_of(compute.estimated_cost_usd)));
    }
    for (const auto& candidate : r.candidates) {
        if (candidate.chosen && (candidate.instance_type != compute.instance_type || candidate.instance_count != compute.instance_count)) {
            c.fail("ladder-chosen-is-plan",
                fmt::format("the frontier's chosen candidate is {} x {}, the plan {} x {}", candidate.instance_count, candidate.instance_type,
                    compute.instance_count, compute.instance_type));
        }
    }
}

// Rules that read the plan to recommend it, not to fault it: MLS-COST-003 fires when the plan meets
// the target for less than today's setup costs ("move to the plan"), which agrees with the plan.
bool endorses_plan(const std::string& rule)
{
    return rule == "MLS-COST-003";
}

void check_own_rules(Checker& c)
{
    const PipelineRun& run = c.run();
    if (!run.report || run.report->plan.compute.instance_type.empty()) {
        return;
    }
    c.applies("plan-passes-own-rules");
    for (const auto& finding : run.report->findings) {
        if (finding.suppressed || severity_rank(finding.severity) < severity_rank("medium") || endorses_plan(finding.rule)) {
            continue;
        }
        std::vector<std::string> read;
        for (const auto& [path, value] : finding.evidence.items()) {
            if (path.rfind("plan.", 0) == 0) {
                read.push_back(fmt::format("{} = {}", path, value.dump()));
            }
        }
        if (!read.empty()) {
            c.fail("plan-passes-own-rules", fmt::format("{} ({}) on {}: {}", finding.rule, finding.severity, fmt::join(read, ", "), finding.message));
        }
    }
}

void check_plan_can_run(Checker& c)
{
    const PipelineRun& run = c.run();
    if (!run.report || run.report->plan.compute.instance_type.empty()) {
        return;
    }
    const InstanceSpec* instance = builtin_catalogue().find_instance(run.report->plan.compute.instance_type);
    if (instance == nullptr) {
        return;
    }
    c.applies("plan-can-run-job");
    if (is_inference_only(*instance)) {
        c.fail("plan-can-run-job", fmt::format("the plan trains on {}, an inference-only instance", run.report->plan.compute.instance_type));
    }
    const std::string& precision = run.report->profile.model.precision;
    if (instance->gpu_spec != nullptr && (precision == "fp8" || precision == "bf16") && instance->gpu_spec->peak_tflops.count(precision) == 0) {
        c.fail("plan-can-run-job",
            fmt::format("the job trains in {}, which the plan's {} GPU ({}) does not have", precision, run.report->plan.compute.instance_type,
                instance->gpu_spec->name));
    }
}

// SageMaker stops a training job at MaxRuntimeInSeconds, one day when the request omits it, at most
// 28 days: a plan that runs longer than the job's limit says what to set.
void check_stopping_condition(Checker& c)
{
    const PipelineRun& run = c.run();
    if (!run.report || !run.job || !run.report->plan.compute.estimated_hours) {
        return;
    }
    const auto& platform = run.job->training.platform;
    if (platform && *platform != "sagemaker") {
        return;
    }
    const auto& compute = run.report->plan.compute;
    const double hours = *compute.estimated_hours;
    const double limit = run.job->training.max_runtime_hours.value_or(24.0);
    if (hours > 28.0 * 24.0) {
        return; // no stopping condition holds it: the plan says to checkpoint and resume, or scale out
    }
    c.applies("plan-states-stopping-condition");
    const bool stated =
        std::any_of(compute.notes.begin(), compute.notes.end(), [](const std::string& n) { return n.find("MaxRuntimeInSeconds") != std::string::npos; });
    if (hours > limit && !stated) {
        c.fail("plan-states-stopping-condition",
            fmt::format("the plan runs {:.1f} h, longer than the job's {:.0f} h limit, and no note says what to set", hours, limit));
    }
    if (stated && hours * 1.2 * 3600.0 + 60.0 <= limit * 3600.0) { // the note rounds up to whole minutes
        c.fail("plan-states-stopping-condition",
            fmt::format("the plan runs {:.1f} h, well within the job's {:.0f} h limit, yet a note asks for more", hours, limit));
    }
}

// Near ties in cost within the multi-node rung go to a configuration that runs as one SageMaker
// training job (within 28 days) before one that must checkpoint and resume over several.
void check_one_job_in_a_tie(Checker& c)
{
    const PipelineRun& run = c.run();
    if (!run.report || !run.job) {
        return;
    }
    const auto& platform = run.job->training.platform;
    const auto& compute = run.report->plan.compute;
    if ((platform && *platform != "sagemaker") || !compute.estimated_hours || compute.instance_count < 1 || compute.meets_target != true) {
        return;
    }
    const auto plan = std::find_if(run.report->candidates.begin(), run.report->candidates.end(), [](const Candidate& k) { return k.chosen; });
    if (plan == run.report->candidates.end() || !plan->total_cost_usd) {
        return;
    }
    c.applies("one-training-job-in-a-tie");
    constexpr double k_limit_hours = 28.0 * 24.0;
    if (*compute.estimated_hours <= k_limit_hours) {
        return;
    }
    const auto rival = [&](const Candidate& k) {
        return k.instance_type == plan->instance_type && k.instance_count > 1 && k.meets_target == true && k.total_cost_usd;
    };
    double cheapest = *plan->total_cost_usd;
    for (const auto& k : run.report->candidates) {
        if (rival(k)) {
            cheapest = std::min(cheapest, *k.total_cost_usd);
        }
    }
    // Within the multi-node rung, a near tie of its cheapest; from one node (a lower rung) to several,
    // no dearer than the plan.
    const double ceiling = compute.instance_count > 1 ? cheapest / 0.9 * (1 - 1e-9) : *plan->total_cost_usd * (1 + 1e-9);
    for (const auto& k : run.report->candidates) {
        if (rival(k) && k.estimated_hours && *k.estimated_hours <= k_limit_hours && *k.total_cost_usd <= ceiling) {
            c.fail("one-training-job-in-a-tie",
                fmt::format("the plan's {} x {} runs {:.0f} h (beyond 28 days) while {} x {} meets in {:.0f} h for ${:.0f} against ${:.0f}",
                    plan->instance_count, plan->instance_type, *compute.estimated_hours, k.instance_count, k.instance_type, *k.estimated_hours,
                    *k.total_cost_usd, *plan->total_cost_usd));
        }
    }
}

// Scale up before out: a plan on several nodes is never chosen where a configuration on fewer nodes
// meets the target for at least 10 % less (the margin an estimate's noise is given everywhere).
void check_fewer_nodes(Checker& c)
{
    const PipelineRun& run = c.run();
    if (!run.report) {
        return;
    }
    const auto& compute = run.report->plan.compute;
    const auto plan = std::find_if(run.report->candidates.begin(), run.report->candidates.end(), [](const Candidate& k) { return k.chosen; });
    if (compute.instance_count < 2 || compute.meets_target != true || plan == run.report->candidates.end() || !plan->total_cost_usd) {
        return;
    }
    c.applies("scale-up-before-more-nodes");
    // Without target_hours, meets_target reads the budget alone; the time to keep is today's.
    const bool keep_today = run.job && !run.job->training.target_hours && run.report->current_hours.has_value();
    const double limit = keep_today ? run.report->current_hours.value_or(0.0) : 0.0;
    for (const auto& k : run.report->candidates) {
        const bool in_time = !keep_today || (k.estimated_hours && *k.estimated_hours <= limit * (1 + 1e-9));
        if (k.instance_count < plan->instance_count && k.meets_target == true && in_time && k.purchase == plan->purchase && k.total_cost_usd &&
            *k.total_cost_usd < *plan->total_cost_usd * 0.9) {
            c.fail("scale-up-before-more-nodes",
                fmt::format("the plan's {} x {} costs ${:.2f} while {} x {} meets for ${:.2f}", plan->instance_count, plan->instance_type,
                    *plan->total_cost_usd, k.instance_count, k.instance_type, *k.total_cost_usd));
        }
    }
}

// A budget with no target that nothing fits: the best effort is the configuration nearest the
// budget (the cheapest; no slower than today where the job describes today's setup), not the
// fastest at many times it.
void check_budget_best_effort(Checker& c)
{
    const PipelineRun& run = c.run();
    if (!run.report || !run.job || run.job->training.target_hours || !run.job->training.budget_usd) {
        return;
    }
    const auto plan = std::find_if(run.report->candidates.begin(), run.report->candidates.end(), [](const Candidate& k) { return k.chosen; });
    if (plan == run.report->candidates.end() || !plan->total_cost_usd || *plan->total_cost_usd <= *run.job->training.budget_usd) {
        return;
    }
    c.applies("over-budget-best-effort-is-cheapest");
    // With today's setup described, its time is the target to keep (docs/recommender.md).
    const auto limit = run.report->current_hours;
    for (const auto& k : run.report->candidates) {
        const bool in_time = !limit || (k.estimated_hours && *k.estimated_hours <= *limit * (1 + 1e-9));
        if (in_time && k.total_cost_usd && *k.total_cost_usd < *plan->total_cost_usd * (1 - 1e-9)) {
            c.fail("over-budget-best-effort-is-cheapest",
                fmt::format("the plan's {} x {} costs ${:.2f} over the ${:.2f} budget while {} x {} costs ${:.2f}", plan->instance_count, plan->instance_type,
                    *plan->total_cost_usd, *run.job->training.budget_usd, k.instance_count, k.instance_type, *k.total_cost_usd));
            return;
        }
    }
}

void check_proposals(Checker& c)
{
    const PipelineRun& run = c.run();
    if (!run.check.ran) {
        return;
    }
    const auto& compute = run.report->plan.compute;
    c.applies("check-reads-plan");
    c.applies("check-passes-plan");
    const auto& chosen = plan_chosen_pointers();
    for (const auto& file : run.check.files) {
        for (const auto& d : file.diagnostics.items()) {
            if (d.level == Level::Error) {
                c.fail("check-reads-plan", fmt::format("{}: {}: {}", file.file, d.pointer, d.message));
            }
        }
        // The proposal asks for at least one instance (a plan of 0 is output-matches-schema's to report).
        const int count = std::max(1, compute.instance_count);
        // The proposals are SageMaker's: a plan for EC2, EKS or AWS Batch names the same type without "ml.".
        const std::string type = compute.instance_type.rfind("ml.", 0) == 0 ? compute.instance_type : "ml." + compute.instance_type;
        const bool found = std::any_of(file.units.begin(), file.units.end(), [&](const ProposalUnit& unit) {
            const auto& current = unit.job.value("current", nlohmann::json::object());
            return current.value("instance_type", std::string()) == type && current.value("instance_count", std::int64_t{0}) == count;
        });
        if (!found) {
            c.fail("check-reads-plan", fmt::format("{}: no unit with {} x {}", file.file, count, compute.instance_type));
        }
        for (const auto& finding : file.findings) {
            if (!finding.suppressed && severity_rank(finding.severity) >= severity_rank("medium") &&
                std::find(chosen.begin(), chosen.end(), finding.location.pointer) != chosen.end()) {
                c.fail("check-passes-plan",
                    fmt::format("{}: {} ({}) at {}: {}", file.file, finding.rule, finding.severity, finding.location.pointer, finding.message));
            }
        }
    }
}

} // namespace mlscale::property
