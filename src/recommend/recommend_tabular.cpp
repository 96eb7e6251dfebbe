// Gradient boosting, linear models and k-means when the model cannot time them (docs/recommender.md
// §3.2): gradient-boosted trees hold the data in memory, so the plan is the cheapest general-purpose
// instance (or several, data sharded) whose memory holds it; linear learner and k-means stream
// mini-batches and start small. A GPU setup that runs XGBoost today stays on GPUs (GPU hist).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "walk.hpp"

namespace mlscale::walk {

namespace {

constexpr double k_gib = 1024.0 * 1024.0 * 1024.0;
// Most instances a sharded in-memory plan may take without max_instances (as the GPU walk's 64).
constexpr double k_max_count_tabular = 64;

struct Pick {
    const InstanceSpec* instance = nullptr;
    int count = 1;
    std::string why;
};

std::string algorithm_name(const Walk& walk)
{
    return walk.job.model.builtin_algorithm.value_or(walk.base.family + " model");
}

bool general_purpose(const InstanceSpec& instance)
{
    return instance.family.rfind('m', 0) == 0;
}

// The CPU instances the plan may use: general-purpose ones, or, when instance_families lists none,
// whichever CPU instances it lists (compute- or memory-optimised).
std::vector<const InstanceSpec*> cpu_candidates(const Walk& walk)
{
    const auto allowed = allowed_instances(walk, false, false);
    std::vector<const InstanceSpec*> general;
    std::copy_if(allowed.begin(), allowed.end(), std::back_inserter(general), [](const InstanceSpec* i) { return general_purpose(*i); });
    return general.empty() ? allowed : general;
}

// Today's instance, when it can hold what it must.
std::optional<Pick> keep_today(const Walk& walk, bool memory_bound, double need_gib)
{
    if (walk.current == nullptr || !why_today_cannot_stay(walk).empty()) {
        return std::nullopt;
    }
    const InstanceSpec& today = *walk.current;
    if (today.gpu_count > 0 && walk.base.family == "gbdt") {
        return Pick{&today, walk.current_count,
            fmt::format("keep {}: XGBoost's GPU hist trains on its GPUs (SageMaker XGBoost 1.2 and later); a GPU run that works is not "
                        "moved to CPUs",
                type_name(walk, today))};
    }
    if (today.gpu_count > 0 || (memory_bound && today.memory_gib * walk.current_count < need_gib)) {
        return std::nullopt;
    }
    return Pick{&today, walk.current_count,
        memory_bound ? fmt::format("keep {}: its {} GiB hold the {} GB of training data; gradient-boosted trees are memory-bound", type_name(walk, today),
                           grouped(today.memory_gib * walk.current_count), grouped(walk.base.dataset_gb))
                     : fmt::format("keep {}: the {} streams mini-batches, so the data need not fit in memory", type_name(walk, today), algorithm_name(walk))};
}

// The cheapest general-purpose instance whose memory holds the data, else several of the largest.
std::optional<Pick> by_memory(const Walk& walk, double need_gib)
{
    Pick pick;
    const InstanceSpec* largest = nullptr;
    for (const InstanceSpec* instance : cpu_candidates(walk)) {
        if (instance->memory_gib >= need_gib && (pick.instance == nullptr || *hourly_price(walk, *instance) < *hourly_price(walk, *pick.instance))) {
            pick.instance = instance;
        }
        if (largest == nullptr || instance->memory_gib > largest->memory_gib) {
            largest = instance;
        }
    }
    if (pick.instance == nullptr && largest != nullptr) {
        const double count = std::ceil(need_gib / largest->memory_gib);
        if (!(count <= walk.job.constraints.max_instances.value_or(k_max_count_tabular))) {
            return std::nullopt;
        }
        pick.instance = largest;
        pick.count = static_cast<int>(count);
    }
    if (pick.instance == nullptr) {
        return std::nullopt;
    }
    pick.why = fmt::format("the smallest general-purpose instance{} whose memory ({} GiB) holds the {} GB of training data{}", pick.count > 1 ? "s" : "",
        grouped(pick.instance->memory_gib * pick.count), grouped(walk.base.dataset_gb),
        pick.count <= 1          ? ""
            : walk.sagemaker_job ? ", the data sharded across them (distributed training over ShardedByS3Key)"
                                 : ", the data sharded across them (each instance reads its share)");
    return pick;
}

// Streaming algorithms: the cheapest general-purpose instance; start small and measure.
std::optional<Pick> smallest(const Walk& walk)
{
    Pick pick;
    for (const InstanceSpec* instance : cpu_candidates(walk)) {
        if ((pick.instance == nullptr || *hourly_price(walk, *instance) < *hourly_price(walk, *pick.instance))) {
            pick.instance = instance;
        }
    }
    if (pick.instance == nullptr) {
        return std::nullopt;
    }
    pick.why = fmt::format("the smallest general-purpose instance: the {} streams mini-batches; start small and measure (rightsizing)", algorithm_name(walk));
    return pick;
}

std::string storage_mode(const Walk& walk)
{
    if (walk.location != "s3") {
        return walk.location == "efs" || walk.location == "fsx-lustre" ? "mount" : "file";
    }
    if (walk.etl.recordio) {
        return "pipe";
    }
    return walk.base.dataset_gb <= walk.catalogue.storage_facts.file_mode_max_dataset_gb ? "file" : "fastfile";
}

void fill_tabular_storage(const Walk& walk, int count, Plan& plan)
{
    StoragePlan& s = plan.storage;
    s.service = walk.location;
    s.input_mode = storage_mode(walk);
    if (s.service == "s3") {
        s.distribution = count > 1 ? "sharded-by-s3-key" : "fully-replicated";
    }
    s.moves_data = false;
    const bool sharded = s.distribution == "sharded-by-s3-key";
    s.dataset_gb = walk.base.dataset_gb;
    s.volume_gb = std::ceil((s.input_mode == "file" ? walk.base.dataset_gb / (sharded ? count : 1) : 1.0) * 1.1);
    s.input_label = input_mode_label(walk, s.input_mode);
    s.distribution_label = distribution_label(walk, s.distribution, count);
    if (!walk.sagemaker_job) { // the same physics by other names (recommend_storage.cpp, in_place_why)
        s.notes.push_back(s.input_mode == "file"
                ? fmt::format("downloaded before training: {} GB copied to the instance's volume ({} GB)", grouped(walk.base.dataset_gb), grouped(*s.volume_gb))
                : fmt::format("streams the {} GB from S3 without a download ({})", grouped(walk.base.dataset_gb), k_s3_stream_off_sagemaker));
        return;
    }
    s.notes.push_back(s.input_mode == "file"
            ? fmt::format("File mode: {} GB is within the 50-100 GB File mode suits; EBS volume {} GB", grouped(walk.base.dataset_gb), grouped(*s.volume_gb))
            : fmt::format("{} streams the {} GB from S3 without a download", s.input_mode, grouped(walk.base.dataset_gb)));
}

void fill_tabular_compute(Walk& walk, const Pick& pick, Plan& plan)
{
    ComputePlan& c = plan.compute;
    c.instance_type = type_name(walk, *pick.instance);
    c.instance_count = pick.count;
    c.gpus = pick.instance->gpu_count * pick.count;
    c.rung = pick.count > 1 && pick.instance->gpu_count > 0 ? "multi-node"
        : pick.instance->gpu_count > 0                      ? (c.gpus > 1 ? "multi-gpu-node" : "single-gpu")
                                                            : "cpu";
    c.efa = pick.count > 1 && pick.instance->efa;
    c.placement_group = pick.count > 1;
    c.parallelism = pick.count > 1 || c.gpus > 1 ? "data" : "none";
    c.distribution = walk.sagemaker_job ? "none" : ""; // a SageMaker training job's setting only
    c.notes.push_back(pick.why);
    c.notes.push_back("time not estimated: the performance model has no throughput model for this algorithm; measure one run "
                      "(current.observed.hours) to get time and cost");
    if (walk.current != nullptr) {
        c.changes_gpu = walk.current->gpu_spec != pick.instance->gpu_spec;
    }
    const bool measured = pick.instance == walk.current && pick.count == walk.current_count;
    if (const auto hours = measured ? walk.job.current.observed.hours : std::nullopt; hours && *hours > 0) {
        const double price = hourly_price(walk, *pick.instance).value_or(0);
        c.estimated_hours = hours;
        c.estimated_cost_usd = *hours * pick.count * price;
        c.total_cost_usd = *c.estimated_cost_usd * walk.runs;
        if (walk.target || walk.budget) {
            c.meets_target = (!walk.target || *hours <= *walk.target) && (!walk.budget || *c.total_cost_usd <= *walk.budget);
        }
        walk.out.current_hours = hours;
        walk.out.current_cost_usd = c.estimated_cost_usd;
    }
}

} // namespace

void walk_tabular(Walk& walk)
{
    if (!walk.fixes.empty()) {
        LadderStep step;
        step.rung = rung_name(Rung::FixPipeline);
        step.change = fmt::format("{}", fmt::join(walk.fixes, "; "));
        step.why = "the input format the built-in algorithm reads best";
        step.concepts = walk.fix_concepts;
        walk.out.ladder.push_back(step);
    }
    const double need_gib = walk.base.dataset_gb * 1e9 / k_gib;
    const bool memory_bound = walk.base.family == "gbdt";
    std::optional<Pick> pick = keep_today(walk, memory_bound, need_gib);
    if (!pick) {
        pick = memory_bound ? by_memory(walk, need_gib) : smallest(walk);
    }
    if (!pick) {
        walk.out.binding = memory_bound ? "the allowed CPU instances (instance_families, max_instances) cannot hold the training data in memory"
                                        : "instance_families allows no CPU instance to train on";
        walk.out.plan.compute.notes.push_back("no plan: " + walk.out.binding);
        return;
    }
    Plan& plan = walk.out.plan;
    fill_tabular_compute(walk, *pick, plan);
    fill_tabular_storage(walk, pick->count, plan);
    if (const std::string basis = price_basis(walk, *pick->instance); !basis.empty()) {
        walk.out.assumptions.push_back(basis);
    }
    LadderStep step;
    step.rung = plan.compute.rung;
    step.change = pick->instance == walk.current ? fmt::format("keep {} x {}", type_name(walk, *pick->instance), pick->count)
                                                 : fmt::format("{} x {}", pick->count, type_name(walk, *pick->instance));
    step.instance_type = plan.compute.instance_type;
    step.instance_count = pick->count;
    step.estimated_hours = plan.compute.estimated_hours;
    step.estimated_cost_usd = plan.compute.estimated_cost_usd;
    step.total_cost_usd = plan.compute.total_cost_usd;
    step.meets_target = plan.compute.meets_target;
    step.why = pick->why;
    step.chosen = true;
    step.concepts = {"rightsizing"};
    walk.out.ladder.push_back(step);
    plan.etl = choose_etl(walk.job, walk.profile, walk.etl);
    plan.deployment = choose_deployment(walk.job, walk.profile, walk.catalogue);
}

} // namespace mlscale::walk
