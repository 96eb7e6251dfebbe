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
// XGBoost's max_bin default (its parameter documentation: 256).
constexpr double k_xgboost_max_bin = 256;

struct Pick {
    const InstanceSpec* instance = nullptr;
    int count = 1;
    std::string why;
    std::optional<Estimate> e; ///< gradient boosting timed by the model (docs/model.md §10)
    double hours = 0;          ///< one run, start-up included
    std::optional<double> run_cost;
    std::optional<double> total_cost;
    bool today_time = false;          ///< untimed, but runs today's measured time (the busy vCPUs of today's run fit it)
    bool runnable = true;             ///< within SageMaker's 28-day limit (always off SageMaker)
    bool meets = false;               ///< within the target (the job's, or today's time) and the budget: what the choice reads
    std::optional<bool> meets_target; ///< within the job's own target_hours and budget_usd; null with neither (the output's)
    /// The timed pick as the deep-learning walk's Option, for the spot rules both walks share
    /// (buy_spot, spot_notes): where it is bought on spot, hours and costs above are the spot run's.
    std::optional<Option> run;
};

const char* purchase_of(const Pick& pick)
{
    return pick.run ? purchase_of(*pick.run) : "on-demand";
}

std::string on_spot(const Pick& pick)
{
    return pick.run ? on_spot(*pick.run) : std::string();
}

Pick untimed(const InstanceSpec* instance, int count, std::string why)
{
    Pick pick;
    pick.instance = instance;
    pick.count = count;
    pick.why = std::move(why);
    return pick;
}

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

// AWS Compute Optimizer's default headroom over the utilisation it sizes for, CPU and memory alike
// (PutRecommendationPreferences, utilizationPreferences: "PERCENT_20 for headroom"; it reads CPU at
// the 99.5th percentile, the job gives an average).
constexpr double k_cpu_headroom = 0.20;

// XGBoost's GPU hist is CUDA: an NVIDIA GPU instance (not Trainium or Inferentia).
bool runs_gpu_hist(const InstanceSpec* instance)
{
    return instance->gpu_spec != nullptr && instance->gpu_spec->vendor == "nvidia";
}

// Models that fit on data held in memory: gradient-boosted trees, and scikit-learn's estimators
// (fit(X, y) takes arrays in memory; only those with partial_fit stream) unless a SageMaker
// built-in (linear learner, k-means) trains them.
bool holds_data_in_memory(const Walk& walk)
{
    return walk.base.family == "gbdt" || (walk.job.model.framework == std::optional<std::string>("sklearn") && !walk.job.model.builtin_algorithm);
}

std::string in_memory_reason(const Walk& walk)
{
    return walk.base.family == "gbdt" ? "gradient-boosted trees are memory-bound" : "scikit-learn fits on arrays held in memory";
}

// scikit-learn trains in one process on one machine (its parallelism is joblib's, within the
// machine: doc/computing/parallelism.rst): the data cannot be sharded across instances.
bool one_machine(const Walk& walk)
{
    return walk.job.model.framework == std::optional<std::string>("sklearn") && !walk.job.model.builtin_algorithm;
}

// Today's instance, when it can hold what it must.
std::optional<Pick> keep_today(const Walk& walk, bool memory_bound, double need_gib)
{
    if (walk.current == nullptr || !why_today_cannot_stay(walk).empty()) {
        return std::nullopt;
    }
    const InstanceSpec& today = *walk.current;
    if (one_machine(walk) && walk.current_count > 1) {
        return std::nullopt; // one of today's instances trains; one that holds the data is planned
    }
    if (runs_gpu_hist(&today) && walk.base.family == "gbdt" && walk.base.gbdt_library == "xgboost") {
        return untimed(&today, walk.current_count,
            fmt::format("keep {}: XGBoost's GPU hist trains on its GPUs (SageMaker XGBoost 1.2 and later); a GPU run that works is not "
                        "moved to CPUs",
                type_name(walk, today)));
    }
    if (today.gpu_count > 0 || (memory_bound && today.memory_gib * walk.current_count < need_gib)) {
        return std::nullopt;
    }
    return untimed(&today, walk.current_count,
        memory_bound ? fmt::format("keep {}: its {} GiB hold the {} GB of training data; {}", type_name(walk, today),
                           grouped(today.memory_gib * walk.current_count), grouped(walk.base.dataset_gb), in_memory_reason(walk))
                     : fmt::format("keep {}: the {} streams mini-batches, so the data need not fit in memory", type_name(walk, today), algorithm_name(walk)));
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
    if (pick.instance == nullptr && largest != nullptr && !one_machine(walk)) {
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

// The vCPUs today's run keeps busy on one of its instances (current.observed.cpu_util_pct; 0 without it).
double busy_vcpus(const Walk& walk)
{
    const auto& util = walk.job.current.observed.cpu_util_pct;
    return util && walk.current != nullptr ? walk.current->vcpus * std::clamp(*util, 0.0, 100.0) / 100.0 : 0.0;
}

// Today's single CPU instance with its CPUs mostly idle (current.observed.cpu_util_pct): the
// cheapest allowed CPU instance whose vCPUs hold the busy ones, and whose memory the data where it
// must, with Compute Optimizer's headroom on both, for at least k_rightsize_min_saving less an hour.
// It runs in today's measured time (an estimate: the busy vCPUs fit it).
std::optional<Pick> rightsize_cpus(const Walk& walk, bool memory_bound, double need_gib)
{
    const auto& util = walk.job.current.observed.cpu_util_pct;
    const InstanceSpec* today = walk.current;
    if (!util || today == nullptr || today->gpu_count > 0 || walk.current_count != 1 || today->vcpus <= 0) {
        return std::nullopt;
    }
    const auto today_price = hourly_price(walk, *today);
    if (!today_price) {
        return std::nullopt;
    }
    const double busy = busy_vcpus(walk);
    Pick pick;
    for (const InstanceSpec* instance : cpu_candidates(walk)) {
        const auto price = hourly_price(walk, *instance);
        if (!price || *price > *today_price * (1.0 - k_rightsize_min_saving) || instance->vcpus * (1.0 - k_cpu_headroom) < busy ||
            (memory_bound && instance->memory_gib * (1.0 - k_cpu_headroom) < need_gib)) {
            continue;
        }
        if (pick.instance == nullptr || *price < *hourly_price(walk, *pick.instance)) {
            pick.instance = instance;
        }
    }
    if (pick.instance == nullptr) {
        return std::nullopt;
    }
    const auto& hours = walk.job.current.observed.hours;
    pick.today_time = hours && *hours > 0;
    pick.why = fmt::format("{}: today's CPUs are {:.3g} % busy, about {:.3g} of {}'s {} vCPUs; its {} vCPUs hold them with AWS Compute Optimizer's "
                           "default {:.0f} % headroom{}; {} an hour less{} (rightsizing)",
        type_name(walk, *pick.instance), *util, busy, type_name(walk, *today), today->vcpus, pick.instance->vcpus, k_cpu_headroom * 100,
        memory_bound ? fmt::format(", and its {} GiB the {} GB of data with the same ({})", grouped(pick.instance->memory_gib), grouped(walk.base.dataset_gb),
                           in_memory_reason(walk))
                     : std::string(),
        usd(*today_price - *hourly_price(walk, *pick.instance)),
        pick.today_time ? fmt::format("; timed at today's measured {} (an estimate: an average utilisation hides peaks, which Compute Optimizer reads at "
                                      "the 99.5th percentile; measure one run)",
                              hours_text(*hours))
                        : std::string("; measure one run"));
    return pick;
}

} // namespace

// SageMaker's DeepAR documentation ("EC2 Instance Recommendations"): "We recommend starting with a
// single CPU instance ... and switching to GPU instances and multiple machines only when necessary",
// as they help "only for larger models (many cells per layer, many layers) and/or a large mini-batch
// size (e.g. greater than 512)". A mini-batch above that walks the GPU ladder as any deep model.
bool starts_on_cpus(const Walk& walk)
{
    return walk.job.model.builtin_algorithm == std::optional<std::string>("deepar") && walk.job.model.batch_size.value_or(0) <= k_deepar_gpu_batch;
}

namespace {

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
    pick.why = starts_on_cpus(walk)
        ? fmt::format("the smallest general-purpose instance: AWS recommends starting DeepAR on a single CPU instance and moving to GPUs and several "
                      "instances only when necessary, for many cells per layer or mini-batches above {} (SageMaker DeepAR documentation); start "
                      "small and measure (rightsizing)",
              grouped(k_deepar_gpu_batch))
        : fmt::format("the smallest general-purpose instance: the {} streams mini-batches; start small and measure (rightsizing)", algorithm_name(walk));
    return pick;
}

// A built-in whose only training input mode is File (builtin_input), in a SageMaker training job.
bool file_mode_only(const Walk& walk)
{
    return walk.sagemaker_job && builtin_input(walk.job.model.builtin_algorithm.value_or("")).file_only;
}

std::string storage_mode(const Walk& walk)
{
    if (walk.location != "s3") {
        return walk.location == "efs" || walk.location == "fsx-lustre" ? "mount" : "file";
    }
    if (file_mode_only(walk)) {
        return "file";
    }
    // Converted to RecordIO-protobuf, or already streamed in a SageMaker job's Pipe mode (pipe-mode-recordio): a
    // download in File mode would only add the copy before the first step.
    if (walk.etl.recordio || (walk.sagemaker_job && walk.job.dataset.input_mode == std::optional<std::string>("pipe"))) {
        return "pipe";
    }
    // Streamed today: the trees read their data once either way, and the stream needs no download first.
    if (walk.job.dataset.input_mode == std::optional<std::string>("fastfile")) {
        return "fastfile";
    }
    return walk.base.dataset_gb <= walk.catalogue.storage_facts.file_mode_max_dataset_gb ? "file" : "fastfile";
}

// Gradient boosting the model can time: rows, features, trees and depth are known.
bool gbdt_timed(const Walk& walk)
{
    const Workload& w = walk.base;
    return w.family == "gbdt" && w.gbdt_library != "sklearn" && w.samples_per_epoch > 0 && w.gbdt_features > 0 && w.gbdt_trees > 0 && w.gbdt_depth > 0;
}

// A timed configuration's verdicts, against the walk's target (which may be today's time) for the
// choice and against the job's own target and budget for the output (as explicit_meets does).
void judge(const Walk& walk, Pick& pick)
{
    pick.runnable = !walk.sagemaker_job || pick.hours <= k_sagemaker_max_runtime_hours;
    const bool within_budget = !walk.budget || (pick.total_cost && *pick.total_cost <= *walk.budget * (1.0 + 1e-9));
    const auto in_time = [&](std::optional<double> target) { return !target || pick.hours <= *target * (1.0 + 1e-9); };
    pick.meets = pick.hours > 0 && pick.runnable && in_time(walk.target) && within_budget;
    const auto target = walk.job.training.target_hours;
    pick.meets_target = target || walk.budget ? std::optional<bool>(pick.hours > 0 && pick.runnable && in_time(target) && within_budget) : std::nullopt;
}

// One configuration timed: hours from the model, cost = hours x instances x the platform's price.
// As today runs (`as_today`), it reads its data as the job says (input mode, distribution), so its
// time is the profile's; as a plan, as the plan would.
Pick timed(const Walk& walk, const InstanceSpec& instance, int count, bool as_today = false)
{
    Pick pick;
    pick.instance = &instance;
    pick.count = count;
    Config config = current_config(walk.job, &instance);
    Workload w = walk.base;
    if (!as_today) {
        config.count = count;
        config.storage = walk.location;
        config.input_mode = storage_mode(walk);
        w.sharded_by_key = count > 1 && walk.location == "s3"; // data parallel over S3: each instance reads its share
    }
    EstimateOptions options = walk.options;
    if (walk.current == nullptr || (walk.current->gpu_count > 0) != (instance.gpu_count > 0)) {
        options.efficiency_scale = 1.0; // a measured run calibrates its own kind of hardware only (calibrate_gbdt)
    }
    pick.e = estimate(w, config, walk.catalogue, options);
    pick.hours = pick.e->throughput_known ? pick.e->hours : 0;
    if (const auto price = hourly_price(walk, instance); price && pick.hours > 0) {
        pick.run_cost = pick.hours * count * *price;
        pick.total_cost = *pick.run_cost * walk.runs;
        Option run; // where the job accepts spot, the run on spot (docs/recommender.md §8)
        run.instance = &instance;
        run.count = count;
        run.rung = instance.gpu_count == 0 ? Rung::Cpu : (count > 1 ? Rung::MultiNode : (instance.gpu_count > 1 ? Rung::MultiGpuNode : Rung::SingleGpu));
        run.config = config;
        run.e = *pick.e;
        run.hours = pick.hours;
        run.run_cost = pick.run_cost;
        run.total_cost = pick.total_cost;
        walk::judge(walk, run);
        buy_spot(walk, nullptr, run);
        pick.hours = run.hours;
        pick.run_cost = run.run_cost;
        pick.total_cost = run.total_cost;
        pick.run = run;
    }
    judge(walk, pick);
    return pick;
}

// XGBoost GPU hist holds its quantised matrix on the GPUs in ELLPACK form: every (row, feature) as
// a symbol of ceil(log2(bins + 1)) bits, bins = features x max_bin (256 by default)
// (dmlc/xgboost ellpack_page.cu: CalculateBufferSize(row_stride * n_rows, num_symbols)), plus a
// gradient pair (8 bytes) and a row index (4 bytes) per row (derived). Dense rows assumed.
double gbdt_gpu_bytes_per_row(double features)
{
    const double bits = std::ceil(std::log2(features * k_xgboost_max_bin + 1.0));
    return features * bits / 8.0 + 12.0;
}

bool gbdt_fits_gpus(const Walk& walk, const InstanceSpec& instance, int count)
{
    const double gpus = static_cast<double>(instance.gpu_count) * count;
    const double rows_per_gpu = walk.base.samples_per_epoch / gpus;
    return rows_per_gpu * gbdt_gpu_bytes_per_row(walk.base.gbdt_features) <= k_usable_gpu_memory * instance.gpu_memory_gb * 1e9;
}

// Every configuration whose memory holds the data: CPU instances (general-purpose unless the
// families say otherwise) and, for XGBoost, GPU instances (GPU hist; LightGBM's GPU build is
// slower than its CPU one, docs/model.md §10); from the fewest instances that hold the data,
// doubling up to max_instances (or 64) and max_gpus.
std::vector<Pick> gbdt_options(const Walk& walk, double need_gib)
{
    std::vector<const InstanceSpec*> instances = cpu_candidates(walk);
    if (walk.base.gbdt_library != "lightgbm") {
        const auto accelerated = allowed_instances(walk, true, false); // a generated job was planned on trn1n
        std::copy_if(accelerated.begin(), accelerated.end(), std::back_inserter(instances), runs_gpu_hist);
    }
    const double max_count = static_cast<double>(walk.job.constraints.max_instances.value_or(static_cast<std::int64_t>(k_max_count_tabular)));
    std::vector<Pick> out;
    out.reserve(instances.size() * 8); // a Pick is large: growing the vector doubled the memory touched (counts 1 to 64: at most 7 each)
    for (const InstanceSpec* instance : instances) {
        if (instance->memory_gib <= 0) {
            continue;
        }
        for (double count = std::max(1.0, std::ceil(need_gib / instance->memory_gib)); count <= max_count; count *= 2) {
            if (walk.job.constraints.max_gpus && instance->gpu_count * count > static_cast<double>(*walk.job.constraints.max_gpus)) {
                break;
            }
            if (instance->gpu_count > 0 && !gbdt_fits_gpus(walk, *instance, static_cast<int>(count))) {
                continue;
            }
            Pick pick = timed(walk, *instance, static_cast<int>(count));
            if (pick.hours > 0 && pick.run_cost) {
                out.push_back(std::move(pick));
            }
        }
    }
    return out;
}

// The cheapest configuration that meets; within 10 % of its cost (an estimate's noise), the fewest
// instances, then the fastest. Nothing meets: the cheapest that meets the time (the budget binds),
// else the fastest (the target binds).
const Pick* best_timed(const Walk& walk, const std::vector<const Pick*>& options, std::string& binding)
{
    const Pick* best = nullptr;
    for (const Pick* candidate : options) {
        const Pick& pick = *candidate;
        if (pick.meets && (best == nullptr || *pick.total_cost < *best->total_cost)) {
            best = &pick;
        }
    }
    if (best != nullptr) {
        const double ceiling = *best->total_cost * 1.1;
        for (const Pick* candidate : options) {
            const Pick& pick = *candidate;
            if (pick.meets && *pick.total_cost <= ceiling && (pick.count < best->count || (pick.count == best->count && pick.hours < best->hours))) {
                best = &pick;
            }
        }
        return best;
    }
    for (const Pick* candidate : options) {
        const Pick& pick = *candidate;
        const bool in_time = !walk.target || pick.hours <= *walk.target * (1.0 + 1e-9);
        if (in_time && (best == nullptr || *pick.total_cost < *best->total_cost)) {
            best = &pick;
        }
    }
    if (best != nullptr) {
        binding = fmt::format("budget_usd binds: the cheapest configuration that {}, {} x {}, costs {} (budget {})", meets_words(walk), best->count,
            type_name(walk, *best->instance), usd(*best->total_cost), usd(walk.budget.value_or(0)));
        return best;
    }
    for (const Pick* candidate : options) {
        const Pick& pick = *candidate;
        if (best == nullptr || pick.hours < best->hours) {
            best = &pick;
        }
    }
    if (best == nullptr) {
        return nullptr;
    }
    binding = fmt::format("{} binds: the fastest allowed configuration, {} x {}, takes {}", time_constraint_name(walk), best->count,
        type_name(walk, *best->instance), hours_text(best->hours));
    return best;
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
    const std::string share = sharded
        ? fmt::format("each instance's {} GB share of the {} GB", grouped(walk.base.dataset_gb / count), grouped(walk.base.dataset_gb))
        : fmt::format("{} GB", grouped(walk.base.dataset_gb));
    if (!walk.sagemaker_job) { // the same physics by other names (recommend_storage.cpp, in_place_why)
        s.notes.push_back(s.input_mode == "file"
                ? fmt::format("downloaded before training: {} copied to the instance's volume ({} GB)", share, grouped(*s.volume_gb))
                : fmt::format("streams the {} GB from S3 without a download ({})", grouped(walk.base.dataset_gb), k_s3_stream_off_sagemaker));
        return;
    }
    s.notes.push_back(s.input_mode == "file"
            ? (file_mode_only(walk) && walk.base.dataset_gb > walk.catalogue.storage_facts.file_mode_max_dataset_gb
                      ? fmt::format("File mode, the only input mode {} supports (SageMaker's built-in algorithms table): the {} GB download to an "
                                    "EBS volume of {} GB before training",
                            algorithm_name(walk), grouped(walk.base.dataset_gb), grouped(*s.volume_gb))
                      : fmt::format("File mode: {} GB, within the \"less than 50-100 GB\" File mode suits; {} an EBS volume of {} GB",
                            grouped(walk.base.dataset_gb), sharded ? share + " on" : std::string("downloaded to"), grouped(*s.volume_gb)))
            : fmt::format("{} streams the {} GB from S3 without a download", s.input_mode, grouped(walk.base.dataset_gb)));
}

// The rung a pick stands on: its GPUs where XGBoost's GPU hist runs on them, else "cpu" (Trainium's
// chips idle, the trees built on the host).
std::string rung_for(const Pick& pick)
{
    const int gpus = runs_gpu_hist(pick.instance) ? pick.instance->gpu_count * pick.count : 0; // Trainium: the trees run on the CPUs
    return gpus == 0 ? "cpu" : pick.count > 1 ? "multi-node" : (gpus > 1 ? "multi-gpu-node" : "single-gpu");
}

void fill_tabular_compute(Walk& walk, const Pick& pick, Plan& plan)
{
    ComputePlan& c = plan.compute;
    c.instance_type = type_name(walk, *pick.instance);
    c.instance_count = pick.count;
    // Only gradient boosting reaches here on accelerators (the other algorithms' picks are CPU
    // instances): on GPUs where XGBoost's GPU hist runs, else on the CPUs (rung_for).
    c.gpus = pick.instance->gpu_count * pick.count; // held (and paid for), used or not
    c.device = device(*pick.instance, false);
    c.rung = rung_for(pick);
    const bool on_gpus = c.rung != "cpu";
    c.efa = pick.count > 1 && pick.instance->efa;
    c.placement_group = pick.count > 1;
    c.parallelism = pick.count > 1 || c.gpus > 1 ? "data" : "none";
    c.distribution = walk.sagemaker_job ? "none" : ""; // a SageMaker training job's setting only
    c.notes.push_back(pick.why);
    if (pick.e) {
        if (!pick.runnable) {
            c.notes.push_back("longer than SageMaker's 28-day limit on one training job: checkpoint and resume in several jobs, or scale out");
        }
        c.estimated_hours = pick.hours;
        c.estimated_cost_usd = pick.run_cost;
        c.total_cost_usd = pick.total_cost;
        c.bottleneck = on_gpus ? "gpu" : "cpu";
        c.meets_target = pick.meets_target;
        if (pick.run) {
            spot_notes(walk, *pick.run, c);
        }
    }
    if (walk.current != nullptr) {
        c.changes_gpu = walk.current->gpu_spec != pick.instance->gpu_spec;
    }
    // Untimed: today's measured run gives the time, on today's setup or one its busy vCPUs fit.
    const auto& observed = walk.job.current.observed.hours;
    const bool today = pick.instance == walk.current && pick.count == walk.current_count;
    if (const auto hours = today || pick.today_time ? observed : std::nullopt; hours && *hours > 0 && !pick.e) {
        const double price = hourly_price(walk, *pick.instance).value_or(0);
        c.estimated_hours = hours;
        c.estimated_cost_usd = *hours * pick.count * price;
        c.total_cost_usd = *c.estimated_cost_usd * walk.runs;
        if (walk.target || walk.budget) {
            c.meets_target = (!walk.target || *hours <= *walk.target) && (!walk.budget || *c.total_cost_usd <= *walk.budget);
        }
    } else if (!pick.e) {
        c.notes.push_back(walk.base.family == "gbdt" && walk.base.gbdt_library == "sklearn"
                ? "time not estimated: mlscale times XGBoost and LightGBM (docs/model.md §10), not scikit-learn's gradient boosting; measure one "
                  "run (current.observed.hours) to get time and cost"
                : walk.base.family == "gbdt"
                ? "time not estimated: give model.num_features, model.num_trees and model.max_depth (with dataset.num_samples) for the "
                  "gradient-boosting model (docs/model.md §10), or measure one run (current.observed.hours)"
                : "time not estimated: the performance model has no throughput model for this algorithm; measure one run "
                  "(current.observed.hours) to get time and cost");
    }
    if (observed && *observed > 0 && !pick.e && walk.current != nullptr) {
        walk.out.current_hours = observed;
        walk.out.current_cost_usd = *observed * walk.current_count * hourly_price(walk, *walk.current).value_or(0);
    }
    runtime_note(walk, pick.run && pick.run->spot, c);
    warm_pool_note(walk, pick.run && pick.run->spot, c);
    short_run_note(walk, c);
}

LadderStep timed_step(const Walk& walk, const Pick& pick, bool chosen)
{
    LadderStep step;
    step.rung = rung_for(pick);
    const bool today = pick.instance == walk.current && pick.count == walk.current_count;
    step.change = today ? fmt::format("keep {} x {}", type_name(walk, *pick.instance), pick.count)
                        : fmt::format("{} x {}{}", pick.count, type_name(walk, *pick.instance),
                              runs_gpu_hist(pick.instance)
                                  ? fmt::format(" ({} {} GPUs, XGBoost GPU hist)", pick.instance->gpu_count * pick.count, pick.instance->gpu_spec->name)
                                  : fmt::format(" ({} vCPUs, {} GiB)", pick.instance->vcpus * pick.count, grouped(pick.instance->memory_gib * pick.count)));
    step.instance_type = type_name(walk, *pick.instance);
    step.instance_count = pick.count;
    step.estimated_hours = pick.hours;
    step.estimated_cost_usd = pick.run_cost;
    step.total_cost_usd = pick.total_cost;
    step.meets_target = pick.meets_target;
    step.purchase = purchase_of(pick);
    const std::string goal =
        walk.target ? (walk.target_implicit ? fmt::format("today's {}", hours_text(*walk.target)) : "the " + hours_text(*walk.target)) : std::string();
    step.why = fmt::format("{} trees over {} rows x {} features, depth {}: {}, {}{}{}", grouped(walk.base.gbdt_trees), grouped(walk.base.samples_per_epoch),
        grouped(walk.base.gbdt_features), grouped(walk.base.gbdt_depth), hours_text(pick.hours), usd(*pick.total_cost) + on_spot(pick),
        walk.runs > 1 ? fmt::format(" for {:.0f} runs", walk.runs) : std::string(),
        !pick.runnable                   ? std::string(" (longer than SageMaker's 28-day limit on one training job)")
            : walk.target || walk.budget ? fmt::format(" ({} {})", pick.meets ? "meets" : "misses", goal.empty() ? "the budget" : goal)
                                         : std::string());
    step.chosen = chosen;
    step.concepts = {"rightsizing"};
    return step;
}

// A run measured on today's instance (current.observed) calibrates the gradient-boosting rate, as
// the profiler does (docs/model.md §10): every configuration of today's kind (CPUs, or XGBoost's
// GPU hist) is timed at that share of the model's rate; the other kind keeps the model's.
void calibrate_gbdt(Walk& walk)
{
    if (walk.current == nullptr) {
        return;
    }
    Workload w = walk.base;
    std::vector<std::string> stated_by_the_profiler;
    const Config config = current_config(walk.job, walk.current);
    walk.options.efficiency_scale =
        telemetry_options(w, config, walk.catalogue, walk.job.current.observed, walk.options, stated_by_the_profiler).efficiency_scale;
    if (walk.options.efficiency_scale != 1.0 && !calibration_agrees(walk.options.efficiency_scale)) {
        const bool gpus = walk.current->gpu_count > 0;
        walk.out.assumptions.push_back(fmt::format("the calibration to today's run applies to configurations on {}; those on {} keep the model's rate",
            gpus ? "GPUs (XGBoost GPU hist)" : "CPUs", gpus ? "CPUs" : "GPUs (XGBoost GPU hist)"));
    }
}

// Gradient boosting the model times (docs/recommender.md §3.2): every configuration that holds the
// data in memory, the cheapest that meets; the ladder shows the best on CPUs and the best on GPUs.
void walk_gbdt_timed(Walk& walk, double need_gib)
{
    calibrate_gbdt(walk);
    const bool today_kept = walk.current != nullptr && why_today_cannot_stay(walk).empty() && walk.current->memory_gib * walk.current_count >= need_gib &&
        (!runs_gpu_hist(walk.current) || (walk.base.gbdt_library != "lightgbm" && gbdt_fits_gpus(walk, *walk.current, walk.current_count)));
    std::optional<Pick> today;
    std::optional<Pick> today_planned; // today's instances reading the data as the plan would
    if (today_kept) {
        today = timed(walk, *walk.current, walk.current_count, true);
        today_planned = timed(walk, *walk.current, walk.current_count);
        if (today->hours > 0) {
            walk.out.current_hours = today->hours;
            walk.out.current_cost_usd = today->run_cost;
            walk.out.current_purchase = purchase_of(*today);
            if (!walk.target) { // "am I over-provisioned?": today's time is the one to keep
                walk.target = today->hours;
                walk.target_implicit = true;
                walk.out.assumptions.push_back(fmt::format("no target_hours given: today's {} is the time to keep; the plan is the cheapest "
                                                           "configuration that is no slower",
                    hours_text(today->hours)));
                judge(walk, *today_planned);
            }
        }
    }
    const std::vector<Pick> timed_options = gbdt_options(walk, need_gib);
    // Pointers, not copies: a Pick is large, and copying them was most of the page faults of a run.
    std::vector<const Pick*> options;
    options.reserve(timed_options.size() + 1);
    for (const Pick& option : timed_options) {
        options.push_back(&option);
    }
    if (today_planned && today_planned->hours > 0 && today_planned->run_cost) { // today's own count, which the doubling from the fewest may not reach
        options.push_back(&*today_planned);
    }
    const Pick* pick = best_timed(walk, options, walk.out.binding);
    if (!pick) {
        // Nothing to time at all: no CPU instance and no NVIDIA GPU in the allowed families (the
        // accelerators that are left, Trainium or Inferentia, do not run gradient boosting).
        const auto accelerated = allowed_instances(walk, true, false);
        const bool none = cpu_candidates(walk).empty() && std::none_of(accelerated.begin(), accelerated.end(), runs_gpu_hist);
        walk.out.binding = none ? fmt::format("the allowed instance families have neither CPU instances nor NVIDIA GPUs, which {} needs (its GPU training is "
                                              "CUDA; Trainium and Inferentia do not run it)",
                                      walk.base.gbdt_library == "lightgbm" ? "LightGBM" : "XGBoost")
                                : "the allowed instances (instance_families, max_instances, max_gpus) cannot hold the training data in memory";
        walk.out.plan.compute.notes.push_back("no plan: " + walk.out.binding);
        return;
    }
    Pick chosen = *pick;
    chosen.why = fmt::format("{} x {}: {} for {} trees ({}, docs/model.md §10){}", chosen.count, type_name(walk, *chosen.instance), hours_text(chosen.hours),
        grouped(walk.base.gbdt_trees),
        runs_gpu_hist(chosen.instance) ? std::string("XGBoost GPU hist")
            : chosen.instance->gpu_count > 0
            ? fmt::format("{} hist on the {} vCPUs: no gradient-boosting library runs on the {} chips", walk.base.gbdt_library,
                  chosen.instance->vcpus * chosen.count, chosen.instance->gpu_spec != nullptr ? chosen.instance->gpu_spec->name : "accelerator")
            : fmt::format("{} hist on the CPUs", walk.base.gbdt_library),
        chosen.count > 1 ? fmt::format("; the data sharded across {} instances, whose memory holds it", chosen.count)
                         : fmt::format("; its {} GiB hold the {} GB of training data", grouped(chosen.instance->memory_gib), grouped(walk.base.dataset_gb)));
    Plan& plan = walk.out.plan;
    fill_tabular_compute(walk, chosen, plan);
    fill_tabular_storage(walk, chosen.count, plan);
    if (!walk.out.binding.empty()) {
        plan.compute.notes.insert(plan.compute.notes.begin(), best_effort_lead(walk) + walk.out.binding);
    }
    if (const std::string basis = price_basis(walk, *chosen.instance); !basis.empty()) {
        walk.out.assumptions.push_back(basis);
    }
    // The ladder: the best on CPUs and the best on GPUs, the chosen one marked.
    const bool on_gpu = chosen.instance->gpu_count > 0;
    std::vector<const Pick*> other_side;
    std::copy_if(options.begin(), options.end(), std::back_inserter(other_side), [&](const Pick* p) { return (p->instance->gpu_count > 0) != on_gpu; });
    std::string other_binding; // the other side's best, chosen by the same rule; its binding is not the plan's
    const Pick* other = best_timed(walk, other_side, other_binding);
    if (other && !on_gpu) {
        walk.out.ladder.push_back(timed_step(walk, chosen, true));
        walk.out.ladder.push_back(timed_step(walk, *other, false));
    } else if (other) {
        walk.out.ladder.push_back(timed_step(walk, *other, false));
        walk.out.ladder.push_back(timed_step(walk, chosen, true));
    } else {
        walk.out.ladder.push_back(timed_step(walk, chosen, true));
    }
    plan.etl = choose_etl(walk.job, walk.profile, walk.etl);
    plan.deployment = choose_deployment(walk.job, walk.profile, walk.catalogue);
}

// What to try where an untimed CPU algorithm misses: where today's run keeps about one core busy on
// a larger instance, the training code is the limit, not the instance (scikit-learn's estimators
// run on one core unless n_jobs says otherwise: doc/computing/parallelism.rst and the glossary,
// n_jobs None is 1, -1 every core); else a run on a larger instance.
std::string more_cores_hint(const Walk& walk)
{
    if (walk.current != nullptr && walk.job.current.observed.cpu_util_pct && walk.current->vcpus >= 4) {
        const double busy = busy_vcpus(walk) * walk.current_count;
        if (busy <= 1.5) {
            return fmt::format("today's run keeps about {:.2g} of its {} vCPUs busy, one core's work: where the training code can use more "
                               "(scikit-learn's n_jobs, one core unless set, -1 for every core), set it and time a run "
                               "on today's instance before a larger one",
                busy, walk.current->vcpus * walk.current_count);
        }
    }
    return "time a run on a larger instance (more vCPUs help only where the training code uses them)";
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
    const bool memory_bound = holds_data_in_memory(walk);
    if (gbdt_timed(walk)) {
        walk_gbdt_timed(walk, need_gib);
        return;
    }
    std::optional<Pick> pick = keep_today(walk, memory_bound, need_gib);
    if (pick && pick->instance == walk.current) {
        if (auto smaller = rightsize_cpus(walk, memory_bound, need_gib)) {
            pick = smaller;
        }
    }
    if (!pick) {
        pick = memory_bound ? by_memory(walk, need_gib) : smallest(walk);
    }
    if (!pick) {
        walk.out.binding = !memory_bound ? "instance_families allows no CPU instance to train on"
            : one_machine(walk)          ? "no allowed CPU instance holds the training data in memory, and scikit-learn trains on one machine (its data "
                                           "cannot be sharded across instances): a larger instance family, a sample of the data, or a library that "
                                           "trains across instances (XGBoost, LightGBM)"
                                         : "the allowed CPU instances (instance_families, max_instances) cannot hold the training data in memory";
        walk.out.plan.compute.notes.push_back("no plan: " + walk.out.binding);
        return;
    }
    Plan& plan = walk.out.plan;
    fill_tabular_compute(walk, *pick, plan);
    fill_tabular_storage(walk, pick->count, plan);
    if (one_machine(walk) && walk.current != nullptr && walk.current_count > 1) {
        plan.compute.notes.push_back(fmt::format("scikit-learn trains in one process on one machine (joblib's parallelism stays within it): {} of "
                                                 "today's {} x {} have nothing to train",
            walk.current_count - 1, walk.current_count, type_name(walk, *walk.current)));
    }
    if (plan.compute.meets_target == std::optional<bool>(false) && walk.out.binding.empty() && plan.compute.estimated_hours) {
        // Measured today and missing the target: the model times no other instance for this algorithm.
        walk.out.binding = fmt::format("{} binds: the {} is not timed on other instances (docs/model.md), so today's measured {}{} stands for {} x {}; {}",
            walk.target && *plan.compute.estimated_hours > *walk.target * (1.0 + 1e-9) ? "target_hours" : "budget_usd", algorithm_name(walk),
            hours_text(*plan.compute.estimated_hours),
            walk.current != nullptr && pick->instance != walk.current ? fmt::format(" (on {} x {})", walk.current_count, type_name(walk, *walk.current)) : "",
            pick->count, type_name(walk, *pick->instance), more_cores_hint(walk));
        plan.compute.notes.insert(plan.compute.notes.begin(), best_effort_lead(walk) + walk.out.binding);
    }
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
