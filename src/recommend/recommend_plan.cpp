// The plan from the chosen option (docs/recommender.md §4-§8): compute with its parallelism and
// SageMaker distribution, storage with its size and cost, spot and capacity advice, the frontier.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "walk.hpp"

namespace mlscale::walk {

namespace {

// A CNN's global batch split so thin that each GPU normalises over 2 samples or fewer: BatchNorm's
// statistics degrade (Wu and He 2018, "Group Normalization", arXiv:1803.08494: at 2 images per
// GPU, ResNet-50's ImageNet error with BatchNorm is 10.6 points above GroupNorm's), and kernels of
// that size keep the GPUs below the efficiency the model times them at.
void small_batch_note(const Walk& walk, const Option& option, ComputePlan& c)
{
    const int ranks = option.e.data_parallel;
    if (walk.fixed.family != "cnn" || ranks < 2 || walk.fixed.global_batch <= 0 || walk.fixed.global_batch / ranks > 2.0) {
        return;
    }
    c.notes.push_back(fmt::format("the global batch of {:.0f} gives each of the {} data-parallel GPUs {:.3g} samples a step: BatchNorm over so few "
                                  "degrades accuracy (Wu and He 2018, Group Normalization: 10.6 points more ImageNet error for ResNet-50 at 2 per GPU "
                                  "than GroupNorm) unless it is synchronised (SyncBatchNorm), and such small kernels run below the modelled "
                                  "efficiency, so the time is a lower bound; raise model.batch_size (with the learning rate) or use fewer GPUs",
        walk.fixed.global_batch, ranks, walk.fixed.global_batch / ranks));
}

// Volume headroom over dataset + artifacts (thresholds.md STOR-007 "x (1 + margin)"; storage.json
// instance-nvme overprovision_fraction_recommended 0.1).
constexpr double k_volume_margin = 0.1;
// Runs this large are worth reserving capacity for: 32 GPUs (four 8-GPU nodes) for a day or more
// (reservations are booked by the day), or 2,000 GPU-hours in one run (stated defaults;
// docs/recommender.md "Capacity"). A 32-GPU run of minutes is not.
constexpr int k_capacity_min_gpus = 32;
constexpr double k_capacity_min_gpu_hours = 2000;
constexpr double k_capacity_min_hours = 24;
// Candidates shown on the frontier.
constexpr std::size_t k_frontier_max = 8;

void capacity_notes(const Walk& walk, const Option& option, ComputePlan& c)
{
    const int gpus = option.instance->gpu_count * option.count;
    const bool large = (gpus >= k_capacity_min_gpus && option.hours >= k_capacity_min_hours) || gpus * option.hours >= k_capacity_min_gpu_hours;
    if (!option.usable() || !large) {
        return;
    }
    const InstanceSpec& i = *option.instance;
    std::string blocks;
    if (i.capacity_block_price_usd_per_hour) {
        blocks = fmt::format(" (their list rate for {} was ${}/h per instance in {}, a 2024 rate older than the On-Demand basis: {} for this "
                             "run against {} at EC2 On-Demand{})",
            i.name, *i.capacity_block_price_usd_per_hour, i.capacity_block_region.empty() ? "an unstated region" : i.capacity_block_region,
            usd(*i.capacity_block_price_usd_per_hour * option.count * option.hours),
            i.price_usd_per_hour ? usd(*i.price_usd_per_hour * option.count * option.hours) : std::string("no price"),
            i.price_usd_per_hour ? fmt::format(" ${}/h", *i.price_usd_per_hour) : "");
    }
    const char* hyperpod = "a SageMaker HyperPod cluster (automatic node replacement and resume for runs of days to weeks; billed by the "
                           "instance-hour of its capacity, at rates not in mlscale's sources)";
    if (walk.options.platform == Platform::Ec2) { // flexible training plans serve SageMaker training jobs and HyperPod only
        c.notes.push_back(fmt::format("capacity: {} {} for {} is worth reserving: EC2 Capacity Blocks for ML{}, or {}", gpus, device(i, true),
            hours_text(option.hours), blocks, hyperpod));
        return;
    }
    c.notes.push_back(fmt::format("capacity: {} {} for {} is worth reserving: SageMaker flexible training plans (capacity for training jobs "
                                  "and HyperPod, booked for a start date and duration; no list rate: each offering is quoted with its "
                                  "upfront fee by SearchTrainingPlanOfferings and paid when bought), EC2 Capacity Blocks for ML for "
                                  "EC2/EKS{}, or {}",
        gpus, device(i, true), hours_text(option.hours), blocks, hyperpod));
}

} // namespace

// SageMaker stops a training job at StoppingCondition.MaxRuntimeInSeconds, one day when the request
// omits it, at most 28 days (SageMaker API StoppingCondition; MLS-COMP-013 says it of today's setup):
// a plan that runs longer than the job's limit with MLS-COMP-013's 20 % margin says what to set.
void runtime_note(const Walk& walk, bool spot, ComputePlan& c)
{
    if (!walk.sagemaker_job || !c.estimated_hours || *c.estimated_hours <= 0 || *c.estimated_hours > k_sagemaker_max_runtime_hours) {
        return; // beyond 28 days the plan says to checkpoint and resume, or scale out
    }
    const double hours = *c.estimated_hours;
    const auto& given = walk.job.training.max_runtime_hours;
    const double limit_s = given.value_or(k_sagemaker_default_runtime_hours) * 3600.0;
    // In whole minutes, at most the 28 days a training job may run.
    const double margin_s = std::ceil(hours * k_runtime_margin * 60.0) * 60.0;
    const double wanted_s = std::min(margin_s, k_sagemaker_max_runtime_hours * 3600.0);
    if (wanted_s <= limit_s) {
        return;
    }
    const std::string why = given ? fmt::format("training.max_runtime_hours is {} h", grouped(*given))
                                  : fmt::format("SageMaker stops a job at {} h when the request sets none", grouped(limit_s / 3600.0));
    c.notes.push_back(fmt::format("stopping condition: set MaxRuntimeInSeconds to {} ({}, {} the {} run): {}{} (spot-stopping-condition)", grouped(wanted_s),
        hours_text(wanted_s / 3600.0), wanted_s < margin_s ? "SageMaker's 28-day limit, above" : "1.2 x", hours_text(hours), why,
        spot ? "; with managed spot, MaxWaitTimeInSeconds at least as long" : ""));
}

// Several runs of one configuration as SageMaker training jobs: managed warm pools keep the
// provisioned instances for the next matching job (instance type and count), so each run after the
// first skips provisioning (SageMaker Developer Guide, "Train Using SageMaker Managed Warm Pools":
// ResourceConfig.KeepAlivePeriodInSeconds, at most 3,600 s; the kept instances are billed). Not said
// on spot, whose compatibility the stored sources do not state.
void warm_pool_note(const Walk& walk, bool spot, ComputePlan& c)
{
    if (!walk.sagemaker_job || walk.runs < 2 || spot || !c.estimated_hours || c.instance_type.empty()) {
        return;
    }
    c.notes.push_back(fmt::format("{} runs of {} x {}: where they follow each other, set ResourceConfig.KeepAlivePeriodInSeconds (SageMaker managed warm "
                                  "pools, at most 3,600 s) so each job after the first reuses the provisioned instances instead of starting cold; "
                                  "the kept instances are billed while they wait",
        grouped(walk.runs), c.instance_count, c.instance_type));
}

// A run of under an hour: the job's own start-up, which the model does not time (no sourced
// figure), may be much of it, and on SageMaker it is billed: "You are billed for the time interval
// between [TrainingStartTime] and the value of TrainingEndTime ... The difference is due to the time
// it takes to download the training data and to the size of the training container" (SageMaker API
// reference, DescribeTrainingJob).
void short_run_note(const Walk& walk, ComputePlan& c)
{
    if (!c.estimated_hours || *c.estimated_hours <= 0 || *c.estimated_hours >= k_short_run_hours || c.instance_type.empty()) {
        return;
    }
    c.notes.push_back(fmt::format("each run takes {}, start-up aside: provisioning the instances and pulling the container image are not timed "
                                  "(no sourced figure) and can be much of a run this short{}; time one run of each configuration you compare",
        *c.estimated_hours * 60.0 < 1.0 ? fmt::format("{:.0f} s", *c.estimated_hours * 3600.0) : fmt::format("{:.0f} min", *c.estimated_hours * 60.0),
        walk.sagemaker_job ? ", and a SageMaker job is billed from when it starts on the instances, image download included (DescribeTrainingJob "
                             "TrainingStartTime)"
                           : ""));
}

namespace {

// A plan that meets its target by less than the model's median error may miss it in practice: say
// so, and name the cheapest configuration that meets it with that margin.
void narrow_margin_note(const Walk& walk, std::vector<std::string>& notes)
{
    if (!walk.target || walk.target_implicit || walk.chosen == nullptr || !walk.chosen->in_time || *walk.target <= 0) {
        return;
    }
    const double safe = *walk.target * (1.0 - k_model_median_error);
    if (walk.chosen->hours <= safe) {
        return;
    }
    const Option* faster = nullptr;
    for (const auto& option : walk.options_pool) {
        if (option.usable() && option.total_cost && option.hours <= safe && (faster == nullptr || *option.total_cost < *faster->total_cost)) {
            faster = &option;
        }
    }
    notes.push_back(fmt::format("meets the {} target with {:.1f} % to spare, less than the model's median error on runs it was not fitted to "
                                "({:.1f} %, leave-one-source-out, docs/accuracy.md): {}",
        hours_text(*walk.target), (1.0 - walk.chosen->hours / *walk.target) * 100.0, k_model_median_error * 100.0,
        faster != nullptr ? fmt::format("{} x {} meets it with that margin ({}, {}{}); or time an epoch on the plan before committing", faster->count,
                                type_name(walk, *faster->instance), hours_text(faster->hours), usd(*faster->total_cost), on_spot(*faster))
                          : std::string("nothing does with that margin; time an epoch on the plan before committing")));
}

// Today's model-parallel degrees (tensor, pipeline, expert, context) where the plan splits the
// model otherwise: said, so a team running Megatron-style degrees knows the plan does not keep them.
std::string todays_split_dropped(const Walk& walk, const Option& option)
{
    if (!walk.today) {
        return {};
    }
    const Parallelism& t = walk.today->config.parallelism;
    const Parallelism& p = option.config.parallelism;
    std::vector<std::string> degrees;
    const auto add = [&](const char* name, const std::optional<std::int64_t>& given, int today, int plan) {
        if (given && today > 1 && today != plan) { // a degree the job gives, not one assumed for it
            degrees.push_back(fmt::format("{} {}", name, today));
        }
    };
    const Training& job = walk.job.training;
    add("tensor", job.tensor_parallel, t.tensor, p.tensor);
    add("pipeline", job.pipeline_parallel, t.pipeline, p.pipeline);
    add("expert", job.expert_parallel, t.expert, p.expert);
    add("context", job.context_parallel, t.context, p.context);
    if (degrees.empty()) {
        return {};
    }
    return fmt::format("today's split ({}) is not the plan's: on {} x {} the split above is the fastest that fits (the ladder's first row keeps "
                       "today's)",
        fmt::join(degrees, ", "), option.count, type_name(walk, *option.instance));
}

void fill_compute(Walk& walk, const Option& option, Plan& plan)
{
    ComputePlan& c = plan.compute;
    const InstanceSpec& i = *option.instance;
    c.instance_type = type_name(walk, i);
    c.instance_count = option.count;
    c.gpus = i.gpu_count * option.count;
    c.device = device(i, false);
    c.rung = rung_name(option.rung == Rung::FixPipeline && walk.today ? walk.today->rung : option.rung);
    c.parallelism = option.parallelism.mode.empty() ? "none" : option.parallelism.mode;
    if (option.config.parallelism.context > 1) {
        c.context_parallel = option.config.parallelism.context;
    }
    if (option.config.parallelism.expert > 1) {
        c.expert_parallel = option.config.parallelism.expert;
    }
    c.distribution = distribution_setting(walk, option);
    if (option.usable()) {
        c.estimated_hours = option.hours;
        c.estimated_cost_usd = option.run_cost;
        c.total_cost_usd = option.total_cost;
        if (option.e.bottleneck != Bottleneck::None) { // else the rate is a measurement the model cannot explain
            c.gpu_util_pct = option.e.gpu_util_pct;
            c.bottleneck = bottleneck_name(option.e.bottleneck);
        }
    }
    c.meets_target = explicit_meets(walk, option);
    c.efa = option.count > 1 && i.efa;
    c.placement_group = option.count > 1;
    if (walk.current != nullptr) {
        c.changes_gpu = walk.current->gpu_spec != i.gpu_spec;
    }
    if (!option.parallelism.why.empty()) {
        c.notes.push_back(
            option.parallelism.why + (!c.distribution.empty() && c.distribution != "none" ? fmt::format(" (SageMaker distribution: {})", c.distribution) : ""));
    }
    if (const std::string dropped = todays_split_dropped(walk, option); !dropped.empty()) {
        c.notes.push_back(dropped);
    }
    if (option.recompute_added) {
        c.notes.push_back(fmt::format("activation checkpointing on: with every activation kept, no split of {} x {} fits ({} GB of activations a {} "
                                      "at micro-batch {} with it); set it in the training code (gradient_checkpointing, "
                                      "torch.utils.checkpoint; model.activation_checkpointing), which recomputes them in the backward pass at "
                                      "4/3 the compute, as timed here",
            option.count, type_name(walk, i), fmt::format("{:.1f}", option.e.activation_gb), device(i, false), option.e.micro_batch));
    }
    small_batch_note(walk, option, c);
    if (option.count > 1) {
        c.notes.push_back(fmt::format("multi-node: {}, one cluster placement group, {}16-bit gradients (multi-node-network)",
            i.efa ? fmt::format("EFA on every node ({} Gbit/s)", grouped(i.network_gbps)) : "no EFA on this instance type",
            c.distribution.empty() || c.distribution == "none" ? "" : c.distribution + " to cut communication, "));
    }
    if (option.prep.count > 0) {
        c.notes.push_back(fmt::format("data-preparation cluster: {} x {} on EC2/AWS Batch prepare batches for the GPUs (priced at EC2 on-demand)",
            option.prep.count, option.prep.instance->name));
    }
    if (!option.runnable) {
        c.notes.push_back("longer than SageMaker's 28-day limit on one training job: checkpoint and resume in several jobs, or scale out");
    }
    spot_notes(walk, option, c);
    runtime_note(walk, option.spot.has_value(), c);
    warm_pool_note(walk, option.spot.has_value(), c);
    short_run_note(walk, c);
    capacity_notes(walk, option, c);
}

// Shards for the plan's loaders: WebDataset splits shards, not samples, over the ranks and then
// each rank's workers (urls[rank::world_size], urls[worker::num_workers]; webdataset.github.io/
// webdataset/multinode), so fewer shards than the plan's loader workers leave workers without data.
// The packing makes at least one shard per worker (within the samples), smaller than the size target.
EtlInputs etl_for_plan(const Walk& walk)
{
    EtlInputs etl = walk.etl;
    const Option* chosen = walk.chosen;
    if (!etl.shard || etl.shards <= 0 || chosen == nullptr || chosen->instance == nullptr || chosen->instance->gpu_count == 0) {
        return etl;
    }
    const double workers = static_cast<double>(chosen->count) * loader_workers_per_instance(walk.fixed, *chosen->instance, chosen->instance->gpu_count);
    const double samples = walk.fixed.samples_per_epoch > 0 ? walk.fixed.samples_per_epoch : walk.base.num_files;
    const double shards = std::min(workers, samples);
    if (shards > etl.shards) {
        etl.shard_mb *= etl.shards / shards;
        etl.shards = shards;
        etl.plan_workers = workers;
    }
    return etl;
}

void fill_storage(const Walk& walk, const Option& option, Plan& plan)
{
    StoragePlan& s = plan.storage;
    s.service = option.storage.service;
    s.input_mode = option.storage.input_mode;
    const bool parallel_over_data = option.count > 1 && (option.parallelism.mode == "data" || option.parallelism.mode == "sharded");
    if (s.service == "s3") {
        s.distribution = parallel_over_data ? "sharded-by-s3-key" : "fully-replicated";
    }
    s.input_label = input_mode_label(walk, s.input_mode);
    s.distribution_label = distribution_label(walk, s.distribution, option.count);
    if (const auto& fsx = option.storage.fsx) {
        s.fsx_capacity_gib = fsx->capacity_gib;
        s.fsx_deployment_type = fsx->deployment_type;
        if (fsx->deployment_type.rfind("PERSISTENT", 0) == 0) {
            s.fsx_deployment_type += fmt::format(" ({:.0f} MB/s/TiB)", fsx->per_unit_mb_s_per_tib);
        }
    }
    if (option.e.storage_mb_s > 0) {
        s.throughput_mb_s = option.e.storage_mb_s;
    }
    s.cost_usd = option.storage.cost_usd;
    // File mode copies the dataset (its share with ShardedByS3Key) to the volume; every mode keeps
    // checkpoints and the model there (file-mode-volume).
    // One copy of the training state per instance: data parallel replicas hold the same one,
    // sharded and model parallel GPUs each hold a part of it.
    const bool replicated = option.parallelism.mode == "data" || option.parallelism.mode == "none";
    const double artifacts =
        !option.e.memory_known ? walk.profile.model_state_gb.value_or(0) : option.e.state_gb * (replicated ? 1 : option.instance->gpu_count);
    const double share = s.input_mode == "file" ? walk.fixed.dataset_gb / (s.distribution == "sharded-by-s3-key" ? option.count : 1) : 0.0;
    s.volume_gb = std::max(1.0, std::ceil((share + artifacts) * (1.0 + k_volume_margin)));
    s.dataset_gb = walk.fixed.dataset_gb;
    s.moves_data = option.storage.moves_data;
    if (!option.storage.why.empty()) {
        s.notes.push_back(option.storage.why);
    }
    if (s.service == "efs" && walk.location == "efs") {
        // Encryption at rest is CreateFileSystem's Encrypted; UpdateFileSystem cannot set it.
        const std::optional<bool>& encrypted = walk.job.storage.efs.encrypted;
        if (option.storage.new_file_system) {
            s.notes.push_back("create the new file system with Encrypted set to true (encryption at rest is fixed at creation)");
        } else if (encrypted) {
            s.notes.push_back(*encrypted ? "today's EFS is encrypted at rest"
                                         : "today's EFS is not encrypted at rest and cannot be changed in place: encrypting it means a new "
                                           "file system with Encrypted set and a copy of the data (MLS-SEC-013)");
        }
    }
    if (s.input_mode == "file" && option.instance->local_nvme_gb > 0 && walk.sagemaker_job) {
        // ResourceConfig.VolumeSizeInGB: on NVMe instances SageMaker provisions no EBS volume.
        s.notes.push_back(fmt::format("no EBS volume: on ml.{} SageMaker keeps the data, checkpoints and the model on its {} GB of NVMe instance "
                                      "storage (VolumeSizeInGB is not used there); they need {} GB, the dataset{} plus checkpoints and the model, +10 %",
            option.instance->name, grouped(option.instance->local_nvme_gb), grouped(*s.volume_gb), s.distribution == "sharded-by-s3-key" ? " share" : ""));
    } else if (s.input_mode == "file") {
        s.notes.push_back(fmt::format("EBS volume {} GB per instance: the dataset{} plus checkpoints and the model, +10 %", grouped(*s.volume_gb),
            s.distribution == "sharded-by-s3-key" ? " share" : ""));
    }
    if (!s.cost_usd) {
        s.notes.push_back(s.service == "s3"
                ? "S3 requests not priced (profiles/storage.json has no sourced per-request rate); the dataset's own S3 storage is the same in every plan"
                : fmt::format("{} not priced: profiles/storage.json has no sourced price for it", s.service));
    }
}

std::vector<Candidate> frontier(const Walk& walk)
{
    std::vector<const Option*> sorted;
    for (const auto& option : walk.options_pool) {
        if (option.usable() && option.total_cost) {
            sorted.push_back(&option);
        }
    }
    std::sort(sorted.begin(), sorted.end(),
        [](const Option* a, const Option* b) { return a->hours != b->hours ? a->hours < b->hours : a->cost_or_max() < b->cost_or_max(); });
    std::vector<const Option*> front;
    for (const Option* option : sorted) {
        if (front.empty() || *option->total_cost < *front.back()->total_cost - 1e-9) {
            front.push_back(option);
        }
    }
    if (front.size() > k_frontier_max) {
        std::vector<const Option*> thinned;
        for (std::size_t k = 0; k < k_frontier_max; ++k) {
            thinned.push_back(front[k * (front.size() - 1) / (k_frontier_max - 1)]);
        }
        front = thinned;
    }
    const Option* chosen = walk.chosen;
    auto same = [](const Option* a, const Option* b) {
        return a != nullptr && b != nullptr && a->instance == b->instance && a->count == b->count && a->storage.service == b->storage.service &&
            a->prep.count == b->prep.count;
    };
    if (chosen != nullptr && chosen->usable() && chosen->total_cost &&
        std::none_of(front.begin(), front.end(), [&](const Option* o) { return same(o, chosen); })) {
        front.push_back(chosen);
        std::sort(front.begin(), front.end(), [](const Option* a, const Option* b) { return a->hours < b->hours; });
    }
    std::vector<Candidate> out;
    for (const Option* option : front) {
        Candidate c;
        c.instance_type = type_name(walk, *option->instance);
        c.instance_count = option->count;
        c.gpus = option->instance->gpu_count * option->count;
        c.storage = option->storage.service;
        c.parallelism = option->parallelism.mode;
        c.estimated_hours = option->hours;
        c.estimated_cost_usd = option->run_cost;
        c.total_cost_usd = option->total_cost;
        c.meets_target = explicit_meets(walk, *option);
        c.purchase = purchase_of(*option);
        c.chosen = same(option, chosen);
        out.push_back(c);
    }
    return out;
}

// Why no configuration could be planned, and what would change that.
std::string no_plan_reason(const Walk& walk)
{
    const auto& pool = walk.options_pool;
    if (pool.empty()) {
        return "no allowed instance type can train this job (constraints.instance_families, max_instances, max_gpus; the assumptions say why for each family "
               "listed)";
    }
    const bool any_fits = std::any_of(pool.begin(), pool.end(), [](const Option& o) { return o.fits; });
    if (!any_fits) {
        const Option* largest = nullptr; // on the allowed GPUs with the most memory
        for (const auto& option : pool) {
            if (option.e.memory_known && (largest == nullptr || option.instance->gpu_memory_gb > largest->instance->gpu_memory_gb)) {
                largest = &option;
            }
        }
        if (largest == nullptr) {
            return "no allowed configuration holds the model in GPU memory";
        }
        const Estimate& e = largest->e;
        // Every configuration was also tried with activation checkpointing (evaluate_option).
        const bool recompute_tried = !walk.base.recompute && e.activation_gb > 0;
        return fmt::format("no allowed configuration holds the model in GPU memory: on {}'s {} GB GPUs, the largest allowed, the training state takes "
                           "{} GB before sharding and the activations {} GB a GPU at micro-batch {}{}; allow larger GPUs or more of them "
                           "(constraints.instance_families, max_instances, max_gpus)",
            type_name(walk, *largest->instance), grouped(largest->instance->gpu_memory_gb), grouped(e.state_gb), grouped(e.activation_gb),
            std::max(1, e.micro_batch), recompute_tried ? " (no split fits with activation checkpointing either)" : "");
    }
    return "no configuration that fits could be timed (see the assumptions: the model's FLOPs, the data's size or its number of samples are missing)";
}

} // namespace

void fill_plan(Walk& walk)
{
    Recommendation& out = walk.out;
    if (walk.chosen != nullptr) {
        fill_compute(walk, *walk.chosen, out.plan);
        fill_storage(walk, *walk.chosen, out.plan);
        if (const std::string basis = price_basis(walk, *walk.chosen->instance); !basis.empty()) {
            const bool spot = walk.chosen->spot || (walk.today && walk.today->spot);
            out.assumptions.push_back(basis +
                (spot ? "; a run marked \"on spot\" pays these prices less the instance type's EC2 Spot saving, for its hours "
                        "with the expected interruptions (training.spot; docs/recommender.md §8)"
                      : ""));
        }
        auto& notes = out.plan.compute.notes;
        if (walk.target_implicit) {
            notes.insert(notes.begin(),
                fmt::format("no target_hours given: today's {} is the time to keep; the plan is the cheapest configuration "
                            "that is no slower",
                    hours_text(*walk.target)));
        } else if (!walk.target && !walk.budget) {
            notes.insert(notes.begin(), "no target_hours given: the configuration that costs least (the fastest within 10 % of that cost)");
        }
        // A chosen configuration that meets is no best effort, whatever the others missed by (today's
        // measured run can meet where every estimate misses).
        if (!walk.binding.empty() && !walk.chosen->meets) {
            notes.insert(notes.begin(), best_effort_lead(walk) + walk.binding);
        }
        const Option* today = walk.today ? &*walk.today : (walk.today_on_cpus ? &*walk.today_on_cpus : nullptr);
        if (today != nullptr && today->known) {
            const bool unfit = today->e.memory_known && !today->e.fits && !walk.today_on_cpus;
            notes.push_back(fmt::format("today{}: {} and {}{} per run on {} x {}{}; plan: {} and {}{}{}", unfit ? " (if it fit)" : "", hours_text(today->hours),
                today->run_cost ? usd(*today->run_cost) : "an unknown cost", on_spot(*today), type_name(walk, *walk.current), walk.current_count,
                walk.today ? "" : " (CPUs only, as measured)", hours_text(walk.chosen->hours),
                walk.chosen->run_cost ? usd(*walk.chosen->run_cost) : "an unknown cost", on_spot(*walk.chosen), walk.rightsized ? " (rightsizing)" : ""));
        }
        // Every rung is estimated without a wait the telemetry shows and the model cannot place; the
        // first rung says so, and a plan on another rung must too (4 p4d at 20 % GPU: one p4d "at
        // 12,500 samples/s" holds only once the wait is found).
        if (!walk.removed_wait.empty() && walk.chosen->rung != Rung::FixPipeline) {
            notes.push_back(fmt::format("estimated without the wait today's telemetry shows, as every rung is: where it stays (the ladder's "
                                        "first rung says where to look), {} x {} runs slower than this too; re-measure GPU utilisation on it",
                walk.chosen->count, type_name(walk, *walk.chosen->instance)));
        }
        narrow_margin_note(walk, notes);
        if (walk.today_on_cpus && walk.today_on_cpus->total_cost && walk.chosen->total_cost && walk.chosen->hours > walk.today_on_cpus->hours * 1.001 &&
            *walk.chosen->total_cost > *walk.today_on_cpus->total_cost * 1.001) {
            notes.push_back(fmt::format("today's measured run on CPUs is faster and cheaper than this plan by the model's estimate: deep networks "
                                        "train on GPUs (no-cpu-deep-learning), so the measurement or the job's description is the likelier error "
                                        "(check dataset.num_samples, the model's size and FLOPs, and current.observed); time an epoch on {} "
                                        "before moving",
                type_name(walk, *walk.chosen->instance)));
        }
        if (walk.today && walk.today->known && !walk.profile.measured_beyond_memory) {
            if (walk.today->e.memory_known && !walk.today->e.fits) {
                const Estimate& e = walk.today->e;
                notes.push_back(fmt::format("today's setup does not fit by the memory model ({} GB per {}: {} GB of training state and {} GB of "
                                            "activations, on {}'s {} GB {}), yet the job describes it as running: check the model size, "
                                            "precision, sequence length and parallelism in the job (training.distribution, training.context_parallel{}); "
                                            "the plan is sized so that it fits",
                    grouped(e.memory_per_gpu_gb), device(*walk.current, false), grouped(e.state_gb), grouped(e.activation_gb), type_name(walk, *walk.current),
                    grouped(walk.current->gpu_memory_gb), device(*walk.current, true),
                    !walk.base.recompute && e.activation_gb > e.state_gb
                        ? "), and whether the training code recomputes activations (model.activation_checkpointing: most of this is activations"
                        : ""));
            }
        }
    }
    if (walk.chosen == nullptr && walk.binding.empty()) {
        walk.binding = no_plan_reason(walk);
        out.plan.compute.notes.push_back("no plan: " + walk.binding);
    }
    out.binding = walk.binding;
    out.candidates = frontier(walk);
    const EtlInputs etl = etl_for_plan(walk);
    if (!walk.pack_fix.empty() && etl.shards != walk.etl.shards) {
        // The ladder's fix states the packing the ETL plan makes: one shard count, not two.
        const std::string packed = walk.pack_fix.substr(0, walk.pack_fix.find(" into ")) +
            fmt::format(" into {} uniform shards of ~{:.3g} MB (one for each of the plan's {} loader workers)", grouped(etl.shards), etl.shard_mb,
                grouped(etl.plan_workers));
        for (auto& step : out.ladder) {
            if (const auto at = step.change.find(walk.pack_fix); at != std::string::npos) {
                step.change.replace(at, walk.pack_fix.size(), packed);
            }
        }
    }
    out.plan.etl = choose_etl(walk.job, walk.profile, etl);
    out.plan.deployment = choose_deployment(walk.job, walk.profile, walk.catalogue);
}

} // namespace mlscale::walk
