// Stage 4's output: the plan (storage, compute, ETL, deployment) and the ladder walk behind it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mlscale {

struct StoragePlan {
    std::string service;            ///< s3|efs|fsx-lustre|ebs|instance-store
    std::string input_mode;         ///< file|fastfile|pipe|mount
    std::string distribution;       ///< fully-replicated|sharded-by-s3-key
    std::string input_label;        ///< input_mode as the platform names it: SageMaker's mode, elsewhere download|streaming|mount
    std::string distribution_label; ///< distribution as the platform names it (ShardedByS3Key is SageMaker's)
    std::optional<double> fsx_capacity_gib;
    std::string fsx_deployment_type;
    std::optional<double> volume_gb;
    std::optional<double> dataset_gb; ///< the dataset the plan reads: after its ETL (offline resize, packing), else as stored
    std::optional<double> throughput_mb_s;
    std::optional<bool> moves_data; ///< the plan copies the dataset out of where it lives today
    std::optional<double> cost_usd; ///< the storage over every run (FSx, EFS reads, S3 requests, a gp3 lift); unknown when not priced
    std::vector<std::string> notes;
};

struct ComputePlan {
    std::string instance_type; ///< with the SageMaker "ml." prefix
    int instance_count = 0;
    int gpus = 0;
    std::string device = "GPU";               ///< what one accelerator is called in text: "GPU", or "chip" (Trainium)
    std::string rung;                         ///< cpu|single-gpu|bigger-gpu|multi-gpu-node|multi-node
    std::string parallelism;                  ///< none|data|sharded|model|pipeline
    std::optional<int> context_parallel;      ///< each sequence split over this many GPUs (long context); none when not split
    std::optional<int> expert_parallel;       ///< each MoE layer's experts split over this many GPUs; none when not split
    std::string distribution;                 ///< SageMaker distribution setting, e.g. "torch_distributed"
    std::optional<double> estimated_hours;    ///< one run, start-up included
    std::optional<double> estimated_cost_usd; ///< one run: hours x instances x price (and a preparation cluster)
    std::optional<double> total_cost_usd;     ///< every run (training.runs) plus the storage: what budget_usd is compared with
    std::optional<double> gpu_util_pct;
    std::optional<bool> meets_target; ///< hours within target_hours and total cost within budget_usd (null without either)
    bool efa = false;
    bool placement_group = false;
    std::string bottleneck;                    ///< what limits the planned configuration (gpu|io|cpu|network|memory)
    std::optional<bool> changes_gpu;           ///< the plan's GPU differs from today's (unknown without a current setup)
    std::optional<double> spot_overhead_hours; ///< expected managed-spot interruption overhead (docs/recommender.md §8); null when spot is not advised
    std::optional<double> spot_savings_pct;    ///< the instance's EC2 Spot saving over On-Demand (Spot Instance Advisor); null when spot is not advised
    std::optional<double> spot_cost_usd;       ///< one run on managed spot: (hours + overhead) x instances x price x (1 - saving); null when not advised
    /// What the plan's hours and costs buy: "on-demand", or "spot" where training.spot accepts it and
    /// spot is advised for the configuration (docs/recommender.md §8); then estimated_hours includes
    /// the expected interruptions, estimated_cost_usd is spot_cost_usd, and the On-Demand run follows.
    std::string purchase = "on-demand";
    std::optional<double> on_demand_hours;    ///< purchase "spot": the same run On-Demand, without interruptions
    std::optional<double> on_demand_cost_usd; ///< purchase "spot": the same run's On-Demand cost
    std::vector<std::string> notes;
};

struct EtlPlan {
    std::string service = "none"; ///< none|athena|glue|emr|batch
    std::vector<std::string> steps;
};

struct DeploymentPlan {
    std::string mode = "none"; ///< realtime|serverless|async|batch-transform|edge|none
    std::optional<int> instance_count;
    std::vector<std::string> notes;
};

struct Plan {
    StoragePlan storage;
    ComputePlan compute;
    EtlPlan etl;
    DeploymentPlan deployment;
};

/// One point of the time-vs-cost frontier the recommender found.
struct Candidate {
    std::string instance_type; ///< with the SageMaker "ml." prefix
    int instance_count = 0;
    int gpus = 0;
    std::string storage;
    std::string parallelism;
    std::optional<double> estimated_hours;
    std::optional<double> estimated_cost_usd; ///< one run
    std::optional<double> total_cost_usd;     ///< every run, storage included
    std::optional<bool> meets_target;
    std::string purchase = "on-demand"; ///< on-demand|spot: what the hours and costs buy (as ComputePlan::purchase)
    bool chosen = false;
};

struct LadderStep {
    std::string rung; ///< fix-data-pipeline|cpu|single-gpu|bigger-gpu|multi-gpu-node|multi-node
    std::string change;
    std::string instance_type;
    int instance_count = 0;
    std::optional<double> estimated_hours;
    std::optional<double> estimated_cost_usd; ///< one run
    std::optional<double> total_cost_usd;     ///< every run, storage included
    std::optional<bool> meets_target;
    std::string purchase = "on-demand"; ///< on-demand|spot: what the hours and costs buy (as ComputePlan::purchase)
    std::string why;
    bool chosen = false;
    std::optional<double> gpu_util_pct;
    std::string bottleneck;            ///< what limits this step's configuration
    std::vector<std::string> concepts; ///< practice concept keys applied (../shared/spec/practices.md)
};

} // namespace mlscale
