// Stage 4, the recommender: turns a job and its profile into a plan the way the whitepaper's
// decision procedure says an expert should (../shared/seeds/004): find the bottleneck, fix the data
// pipeline before buying GPUs, scale up before scaling out, stop at the first rung that meets the
// target. Every rung and candidate is estimated with the performance model (estimate.hpp).
// The procedure, each rung's model and the sources: docs/recommender.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mlscale/catalogue.hpp"
#include "mlscale/diagnostics.hpp"
#include "mlscale/estimate.hpp"
#include "mlscale/job.hpp"
#include "mlscale/plan.hpp"
#include "mlscale/profile.hpp"

namespace mlscale {

/// What the recommender hands to the report: the plan, the ladder walked to reach it, the
/// time-vs-cost frontier, and today's setup estimated the same way (when the job describes one).
struct Recommendation {
    Plan plan;
    std::vector<LadderStep> ladder;
    std::vector<Candidate> candidates; ///< the frontier, fastest first
    std::optional<double> current_hours;
    std::optional<double> current_cost_usd;
    std::optional<bool> current_fits;           ///< false where today's setup does not fit by the memory model (its time is then "if it fit")
    std::string current_purchase = "on-demand"; ///< on-demand|spot: what today's hours and cost buy (as ComputePlan::purchase)
    std::string binding;                        ///< which constraint binds when nothing meets the target (empty otherwise)
    std::vector<std::string> assumptions;       ///< defaults the recommender took, as sentences
};

/// Walks the ladder for `job` and returns the plan. Pure: no I/O; problems are diagnostics.
Recommendation recommend(const Job& job, const Profile& profile, const Catalogue& catalogue, Diagnostics& diagnostics);

// ---- The pieces, public for the unit tests (docs/recommender.md names each) ----

/// An FSx for Lustre file system sized for a job.
struct FsxSize {
    std::string deployment_type;      ///< SCRATCH_2|PERSISTENT_2 ...
    double per_unit_mb_s_per_tib = 0; ///< the PerUnitStorageThroughput tier (SCRATCH_2: its 200 baseline)
    double capacity_gib = 0;
    double throughput_mb_s = 0; ///< capacity × the per-TiB disk baseline
};

/// The smallest capacity the deployment type allows that is at least `needed_gib`
/// (the listed steps, then whole increments; profiles/storage.json).
double fsx_round_capacity(const FsxDeployment& deployment, double needed_gib);

/// Sizes FSx for Lustre so that its throughput covers what the GPUs consume:
/// capacity = max(dataset, required MB/s ÷ MB/s per TiB), rounded to the allowed steps.
/// `persistent`: PERSISTENT_2 at the lowest tier whose dataset-sized file system already delivers
/// the throughput (else the highest tier, grown); otherwise SCRATCH_2. `floor_gib`: the capacity may
/// not be smaller (today's file system, grown in place: FSx for Lustre capacity only increases).
FsxSize size_fsx(const StorageFacts& storage, double dataset_gb, double required_mb_s, bool persistent, double floor_gib = 0);

/// How the model is split, and the SageMaker distribution setting that runs it.
struct ParallelismChoice {
    Parallelism parallelism;
    std::string mode;         ///< none|data|sharded|model (the plan's `parallelism`)
    std::string distribution; ///< none|torch_distributed|smdistributed-dataparallel|smdistributed-modelparallel|mpi
    bool fits = true;
    std::string why;
};

/// The SageMaker distribution setting that runs parallelism `mode` (none|data|sharded|model) on
/// `count` x `instance` with `framework`.
std::string distribution_for(const std::string& mode, const InstanceSpec& instance, int count, const std::string& framework);

/// Data parallel when the training state fits one GPU; sharded (ZeRO-3/FSDP) when it fits only
/// spread over the GPUs; tensor (+ pipeline) model parallel when even that does not fit.
ParallelismChoice choose_parallelism(const Workload& workload, const InstanceSpec& instance, int count, const std::string& framework,
    const Catalogue& catalogue, const EstimateOptions& options);

/// The inference option by traffic, payload, processing time, latency and devices
/// (limits from profiles/storage.json `limits`).
DeploymentPlan choose_deployment(const Job& job, const Profile& profile, const Catalogue& catalogue);

/// The ETL service for the preparation the plan needs, with its steps.
struct EtlInputs {
    bool resize = false; ///< offline resize of images
    bool shard = false;  ///< pack small files into uniform shards
    double shard_mb = 0;
    double shards = 0;
    double plan_workers = 0; ///< the plan's loader workers over all instances, when they asked for more shards than the size did
    bool recordio = false;   ///< convert to RecordIO-protobuf (built-in algorithm, Pipe mode)
    bool csv_target_first = false;
};
EtlPlan choose_etl(const Job& job, const Profile& profile, const EtlInputs& inputs);

/// Practice concept keys the recommender applies (../shared/spec/practices.md); a test checks each
/// one exists there.
const std::vector<std::string>& recommender_concepts();

} // namespace mlscale
