// The recommender's working state and its passes (private to src/recommend). recommend() in
// recommend.cpp runs the passes in order; each reads and extends the Walk. docs/recommender.md.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mlscale/recommend.hpp"

namespace mlscale::walk {

/// The rungs of the whitepaper's ladder, in the order they are climbed.
enum class Rung { FixPipeline, Cpu, SingleGpu, BiggerGpu, MultiGpuNode, MultiNode };

const char* rung_name(Rung rung);

/// Where one configuration reads its data, and what that costs (docs/recommender.md §4).
struct StorageChoice {
    std::string service = "s3";      ///< s3|efs|fsx-lustre|ebs|instance-store
    std::string input_mode = "file"; ///< file|fastfile|pipe|mount
    std::optional<FsxSize> fsx;      ///< the FSx for Lustre file system, as sized (or today's, resized)
    std::optional<double> efs_provisioned_mb_s;
    bool moves_data = false;             ///< the data is copied out of where it lives today
    bool resizes_today = false;          ///< today's file system grown or raised to a higher tier
    bool efs_to_elastic = false;         ///< today's Bursting/Provisioned EFS switched to Elastic throughput
    bool new_file_system = false;        ///< today's file system cannot become the planned one in place: a new one, the data copied
    std::optional<double> ebs_gp3_mib_s; ///< today's EBS volume modified in place to gp3 at this throughput (with ebs_gp3_iops)
    double ebs_gp3_iops = 0;
    std::optional<double> cost_usd; ///< the storage for all runs (unknown when a price is missing)
    std::string why;
    std::vector<std::string> concepts;
};

/// Storage prices the plan is charged with (profiles/storage.json), each unknown when not sourced.
struct StorageRates {
    std::optional<double> s3_get_per_1000;         ///< S3 Standard GET requests, USD per 1,000
    std::optional<double> efs_elastic_read_per_gb; ///< EFS Elastic throughput reads, USD per GB
    std::map<std::string, double> fsx_gb_month;    ///< "SCRATCH_2", "PERSISTENT_2:125" ... -> USD per GB-month
    std::optional<double> gp3_iops_month;          ///< gp3 IOPS above the 3,000 included, USD per IOPS-month
    std::optional<double> gp3_mib_s_month;         ///< gp3 throughput above the 125 MiB/s included, USD per MiB/s-month
    [[nodiscard]] std::optional<double> fsx_rate(const std::string& deployment_type, double per_unit_mb_s_per_tib) const;
};

StorageRates storage_rates(const Catalogue& catalogue);

/// A data-preparation cluster beside the training instances (data-prep-cluster).
struct PrepCluster {
    const InstanceSpec* instance = nullptr;
    int count = 0;
};

/// One configuration, estimated: instances, parallelism, storage, preparation, time and cost.
struct Option {
    const InstanceSpec* instance = nullptr;
    int count = 1;
    Rung rung = Rung::SingleGpu;
    ParallelismChoice parallelism;
    StorageChoice storage;
    PrepCluster prep;
    Config config;
    Estimate e;
    double hours = 0;                 ///< one run, start-up included
    std::optional<double> run_cost;   ///< one run: the instances (and the preparation cluster)
    std::optional<double> total_cost; ///< every run, storage included: what the budget is compared with
    bool known = false;               ///< time estimated
    bool fits = true;                 ///< fits memory in its parallelism
    /// Activation checkpointing turned on by the plan: no split of this configuration fits without it.
    bool recompute_added = false;
    /// Within one SageMaker training job's 28-day MaxRuntimeInSeconds. Longer runs still run, as
    /// several jobs that checkpoint and resume: the plan says so; the option stays usable.
    bool runnable = true;
    bool in_time = false; ///< hours <= the target (explicit, or today's time when there is none)
    bool within_budget = true;
    bool meets = false; ///< in_time and within_budget (and known and fits)
    /// Bought on spot (buy_spot): hours, run_cost and total_cost are the spot run's; the On-Demand
    /// run's hours and cost are kept here.
    std::optional<SpotEstimate> spot;
    double on_demand_hours = 0;
    std::optional<double> on_demand_run_cost;

    [[nodiscard]] double cost_or_max() const
    {
        return total_cost.value_or(1e300);
    }
    [[nodiscard]] bool usable() const
    {
        return known && fits;
    }
};

/// What the walk knows about the job and what it has found so far.
struct Walk {
    Walk(const Job& j, const Profile& p, const Catalogue& c) : job(j), profile(p), catalogue(c) { }
    const Job& job;
    const Profile& profile;
    const Catalogue& catalogue;

    // ---- baseline ----
    Workload base;                ///< the job as it runs today
    Workload fixed;               ///< after the data-pipeline fixes
    EstimateOptions options;      ///< with the efficiency calibrated to telemetry
    std::optional<double> target; ///< target_hours, or today's hours when the job asks "am I over-provisioned?"
    bool target_implicit = false; ///< the target is today's time, not the job's
    std::optional<double> budget; ///< budget_usd, for all runs
    double runs = 1;
    std::string framework;
    std::string location; ///< where the data lives (on-premises: copied to S3 first)
    bool builtin = false;
    /// A SageMaker training job (training.platform "sagemaker" or unset): its channels (File, FastFile
    /// and Pipe input modes, ShardedByS3Key) and its `distribution` setting. Elsewhere (EC2, EKS, AWS
    /// Batch, HyperPod, on-premises) the same physics are a download before training, a stream
    /// (Mountpoint for Amazon S3), the loader's split and the job's own launcher; Pipe mode does not exist.
    bool sagemaker_job = true;
    bool tokens = false; ///< rates in tokens/s
    const InstanceSpec* current = nullptr;
    int current_count = 1;
    std::optional<Option> today;       ///< today's setup as it runs (its parallelism, its storage)
    std::optional<Option> today_fixed; ///< today's setup with the data pipeline fixed
    /// Today on CPUs alone (a deep model trained without a GPU), as measured: no rung starts from
    /// it, but its time and cost are what the plan is compared with.
    std::optional<Option> today_on_cpus;
    double baseline_gpu_rate = 0; ///< samples/s of the baseline GPU (bigger-gpu means > 1.1 x this)
    const InstanceSpec* baseline_gpu = nullptr;

    // ---- the data-pipeline fixes ----
    std::vector<std::string> fixes;
    std::vector<std::string> fix_concepts;
    std::string removed_wait;     ///< a wait the telemetry shows that the model does not explain: every rung is estimated without it (the step says so, last)
    std::string unexplained_wait; ///< a wait the telemetry shows that the model can neither explain nor price (the step says where to look)
    EtlInputs etl;
    std::string pack_fix; ///< the fixes' packing entry, restated with the plan's shard count once it is known (fill_plan)

    // ---- the options and the walk ----
    std::vector<Option> options_pool;
    const Option* chosen = nullptr;
    bool rightsized = false;
    std::string binding;
    Recommendation out;
};

// ---- the passes, in the order recommend() runs them ----

/// Workload, target, budget, runs, where the data lives, today's setup (recommend_baseline.cpp).
void start(Walk& walk);
/// Today's setup as it runs: its parallelism and storage, calibrated to telemetry.
void estimate_today(Walk& walk);
/// Loader workers, offline resize, uniform shards, the built-in algorithm's input format.
void fix_data_pipeline(Walk& walk);
/// Every allowed instance and count, with parallelism, storage and preparation chosen (recommend_options.cpp).
void enumerate_options(Walk& walk);
/// The ladder: rungs climbed in order, or walked down when today is over-provisioned (recommend_ladder.cpp).
void walk_ladder(Walk& walk);
/// Gradient boosting, linear models, k-means: their own ladder on CPUs and GPUs (recommend_cpu.cpp).
void walk_tabular(Walk& walk);
/// What a SageMaker built-in algorithm reads (recommend_baseline.cpp, from AWS's table of them);
/// all false for a name the table does not have.
struct BuiltinInput {
    bool recordio = false;         ///< reads RecordIO-protobuf (and so Pipe mode streams it)
    bool csv_target_first = false; ///< supervised, reads CSV as the target first with no header
    bool file_only = false;        ///< File is its only training input mode
};
BuiltinInput builtin_input(const std::string& algorithm);
/// DeepAR with a mini-batch of at most k_deepar_gpu_batch: AWS's advice is to start on one CPU instance.
bool starts_on_cpus(const Walk& walk);
inline constexpr std::int64_t k_deepar_gpu_batch = 512;
/// The plan from the chosen option: compute, storage, capacity and spot (recommend_plan.cpp).
void fill_plan(Walk& walk);

// ---- shared pieces ----

/// One configuration with its parallelism, storage and preparation chosen, judged against the target.
Option evaluate_option(const Walk& walk, const Workload& workload, const InstanceSpec& instance, int count);
/// The options with max_instances/max_gpus lifted (to 64 instances) or the families lifted, for
/// naming the constraint that binds.
std::vector<Option> relaxed_options(const Walk& walk, bool relax_counts, bool relax_families);
/// Sets known/fits/runnable/in_time/within_budget/meets from the estimate and the walk's target.
void judge(const Walk& walk, Option& option);
/// The storage a configuration reads through, chosen by cost (storage co-scaled with compute).
void choose_storage(const Walk& walk, const Workload& workload, Option& option);
/// The storage's cost over every run, when the catalogue prices it (else unknown); `page_cache`: only
/// the first epoch reads storage.
std::optional<double> storage_cost(const Walk& walk, const Workload& w, const StorageChoice& storage, int volumes, double hours, bool page_cache);
/// What an in-place change of today's FSx for Lustre does: "grow today's FSx for Lustre to 9,600 GiB",
/// "raise today's FSx for Lustre to 250 MB/s/TiB at its 4,800 GiB", or both.
std::string fsx_in_place_change(const Walk& walk, const FsxSize& size);
/// Where the job accepts spot (training.spot) and spot is advised for the configuration
/// (docs/recommender.md §8), the option becomes its run on spot: hours with the expected
/// interruptions, costs at the spot saving, judged again; the On-Demand run is kept beside it.
/// `w`, when given, reprices the storage for the longer run.
void buy_spot(const Walk& walk, const Workload* w, Option& option);
/// "spot" when the option's hours and costs are its run on spot, else "on-demand".
const char* purchase_of(const Option& option);
/// " on spot" after the cost of an option bought on spot, else nothing.
std::string on_spot(const Option& option);
/// Managed spot on the plan: the run on spot it buys, the saving the job could have, or why there is none.
void spot_notes(const Walk& walk, const Option& option, ComputePlan& c);
/// The stopping condition a SageMaker plan of c.estimated_hours needs, where the job's (or the default) is too short.
void runtime_note(const Walk& walk, bool spot, ComputePlan& c);
/// Several runs of one configuration on SageMaker: keep the instances warm between them.
void warm_pool_note(const Walk& walk, bool spot, ComputePlan& c);
/// A run of under an hour: its untimed start-up may be much of it (and is billed on SageMaker).
/// The performance model's median |error| predicting published runs it was not fitted to
/// (docs/accuracy.md: leave-one-source-out over 173 rows, 8.9 %; a unit test holds the two equal).
inline constexpr double k_model_median_error = 0.089;

/// A run shorter than this (hours): the job's start-up, billed on SageMaker and not timed (no sourced
/// figure), may be much of it (short_run_note), and near-cost ties do not scale out (cheapest_overall).
inline constexpr double k_short_run_hours = 1.0;

void short_run_note(const Walk& walk, ComputePlan& c);
/// Training instances the job may use: allowed families, offered for training, priced.
std::vector<const InstanceSpec*> allowed_instances(const Walk& walk, bool gpu, bool ignore_families);
/// The price of an instance per hour on the job's platform, or nothing.
std::optional<double> hourly_price(const Walk& walk, const InstanceSpec& instance);

// ---- text ----

std::string grouped(double value);
/// "sharded, ZeRO-3", "tensor 8 x pipeline 2, ZeRO-1", "data parallel".
std::string parallelism_label(const Parallelism& p);
std::string hours_text(double hours);
std::string usd(double value);
/// The instance type as the job's platform names it: "ml.p5.48xlarge" on SageMaker (training and
/// HyperPod), "p5.48xlarge" on EC2, EKS and AWS Batch.
std::string type_name(const Walk& walk, const InstanceSpec& instance);
// Rightsizing moves a working setup only for a saving of at least this share, and costs within it
// of each other are near ties (an estimate's noise, not a saving): a stated default, the same 10 %
// as the no-target tie, so "cheaper" means one thing throughout the walk (both walks).
inline constexpr double k_rightsize_min_saving = 0.10;
// A download before training is worth naming (and removing) where it takes at least this share of
// today's time (and a minute): a stated threshold.
inline constexpr double k_startup_saving_share = 0.05;

// SageMaker training jobs stop at MaxRuntimeInSeconds, at most 28 days (2,419,200 s; SageMaker API
// StoppingCondition): a longer run needs checkpoints and a restart, so it is not a plan as it stands.
inline constexpr double k_sagemaker_max_runtime_hours = 28.0 * 24.0;
/// MaxRuntimeInSeconds when a request omits it: one day (SageMaker API StoppingCondition).
inline constexpr double k_sagemaker_default_runtime_hours = 24.0;
/// The margin above an estimated run that MLS-COMP-013 recommends for MaxRuntime.
inline constexpr double k_runtime_margin = 1.2;
/// What streams S3 off SageMaker, where FastFile does not exist (awslabs/mountpoint-s3 README).
inline constexpr const char* k_s3_stream_off_sagemaker = "Mountpoint for Amazon S3, or a loader that reads S3 objects directly";
/// How the instances read the data, as the platform names it: SageMaker's input mode ("file",
/// "fastfile", "pipe", "mount"), elsewhere "download", "streaming" or "mount".
std::string input_mode_label(const Walk& walk, const std::string& mode);
/// The split of the data over instances, as the platform names it: SageMaker's S3DataDistributionType
/// ("fully-replicated", "sharded-by-s3-key"), elsewhere "sharded (each instance reads its share)",
/// "every instance reads all of it" or, on one instance, "read by one instance".
std::string distribution_label(const Walk& walk, const std::string& distribution, int instances);
/// SageMaker's `distribution` setting for an option ("none" when it has none); empty off SageMaker,
/// where the launcher is the job's own (torchrun, mpirun, Slurm).
std::string distribution_setting(const Walk& walk, const Option& option);
/// What every price in the plan means (platform, On-Demand, region, date, derived or listed), said once.
std::string price_basis(const Walk& walk, const InstanceSpec& instance);
std::string rate_text(const Walk& walk, double samples_per_sec);
std::string gpu_name(const InstanceSpec& instance);
/// What the ladder calls one accelerator: a Trainium is a "chip", not a "GPU" (docs/catalogue.md).
std::string device(const InstanceSpec& instance, bool plural);
/// "gpu-bound at 1,200 samples/s, GPU utilisation 95 %: 12 h, $1,234 (meets the 24 h target)".
std::string why_for(const Walk& walk, const Option& option);
/// The change a rung makes, as a sentence ("4 x ml.p4d.24xlarge (32 A100 GPUs) over EFA ...").
std::string change_for(const Walk& walk, const Option& option);
/// The practice concepts an option applies.
std::vector<std::string> concepts_for(const Walk& walk, const Option& option);
/// Why the plan may not keep today's instance type and count (outside instance_families,
/// max_instances or max_gpus, or GPUs across instances without EFA); empty when it may.
std::string why_today_cannot_stay(const Walk& walk);
/// Meets the job's own target_hours and budget_usd (not today's time taken as a target).
std::optional<bool> explicit_meets(const Walk& walk, const Option& option);
LadderStep step_from(const Walk& walk, const Option& option, const std::string& change, const std::string& why, std::vector<std::string> concepts);
/// Meeting the time, as the binding notes say it: "meets the 12 h target", or "keeps today's 3.4 h"
/// where no target_hours was given and today's time is the one to keep.
std::string meets_words(const Walk& walk);
/// The time constraint a binding note names: "target_hours", or "today's time".
const char* time_constraint_name(const Walk& walk);
/// A bottleneck as the ladder names it on `instance`: "chip" for "gpu" on Trainium (the JSON keeps "gpu").
std::string bound_word(const std::string& bottleneck, const InstanceSpec& instance);
/// Whether a start-up saving of `saved_minutes` against today's run is worth naming and acting on
/// (at least a minute and k_startup_saving_share of today's time).
bool saves_download(const Walk& walk, double saved_minutes);
/// The plan note's lead where nothing meets: "nothing meets the target; best effort. ", or, where
/// the time is today's, "nothing keeps today's 3.4 h within the budget; best effort. ".
std::string best_effort_lead(const Walk& walk);

} // namespace mlscale::walk
