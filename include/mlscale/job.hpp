// The job descriptor (../shared/spec/job.md): what the user asks about, loaded strictly.
// Stage 1 of the pipeline: load -> profile -> rules -> recommend -> render.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mlscale/diagnostics.hpp"
#include "mlscale/json_document.hpp"
#include "mlscale/source.hpp"

namespace mlscale {

using Resolution = std::array<std::int64_t, 2>;

struct Split {
    std::optional<std::string> strategy;
    std::optional<double> train_pct;
    std::optional<double> validation_pct;
    std::optional<double> test_pct;
};

struct Dataset {
    std::optional<double> size_gb;
    std::optional<std::int64_t> num_files;
    std::optional<std::int64_t> num_samples;
    std::optional<std::string> format;
    std::optional<std::string> modality;
    std::optional<std::string> location;
    std::optional<std::string> input_mode;
    std::optional<std::string> distribution;
    std::optional<Resolution> source_resolution;
    std::optional<double> cpu_ms_per_sample;
    std::optional<double> missing_pct;
    std::optional<bool> temporal;
    std::optional<std::string> group_key;
    std::optional<Split> split;
};

struct Model {
    std::optional<std::string> name;
    std::optional<std::string> family;
    std::optional<std::string> builtin_algorithm;
    std::optional<std::string> framework;
    std::optional<double> params_millions;
    std::optional<double> active_params_millions;  ///< mixture-of-experts: parameters each token passes through
    std::optional<std::int64_t> experts;           ///< mixture-of-experts: experts per MoE layer
    std::optional<std::int64_t> experts_per_token; ///< mixture-of-experts: top-k
    std::optional<double> forward_gflops;
    std::optional<std::int64_t> seq_len;
    std::optional<std::int64_t> mean_seq_len; ///< tokens the GPUs compute per sample on average (dynamic padding, binning); default seq_len
    std::optional<std::int64_t> layers;
    std::optional<std::int64_t> hidden;
    std::optional<std::int64_t> heads;
    std::optional<std::int64_t> vocab;      ///< output vocabulary of a language model (its logits' memory; the catalogue's for named models)
    std::optional<std::int64_t> patch_size; ///< vision transformer: patch side in pixels (tokens per image with input_resolution)
    std::optional<Resolution> input_resolution;
    std::optional<std::string> precision;
    std::optional<std::string> optimizer;
    std::optional<std::int64_t> batch_size;
    std::optional<bool> activation_checkpointing;
    std::optional<std::string> memory_format; ///< CNN: channels_last (NHWC) | channels_first (NCHW, PyTorch's default)
    std::optional<std::string> peft;          ///< lora|qlora: adapters on a frozen base
    std::optional<std::int64_t> lora_rank;
    std::optional<double> trainable_params_millions; ///< PEFT: the adapters
    std::optional<std::int64_t> num_features;        ///< gradient boosting: features per row
    std::optional<std::int64_t> num_trees;           ///< gradient boosting: boosting rounds
    std::optional<std::int64_t> max_depth;           ///< gradient boosting: tree depth
    std::optional<std::int64_t> target_seq_len;      ///< encoder-decoder: decoder (target) tokens per sample
    std::optional<double> frozen_params_millions;    ///< diffusion: frozen networks run forward only (VAE, text encoders)
    std::optional<double> frozen_forward_gflops;     ///< diffusion: their forward FLOPs per sample (0: latents precomputed)
    std::optional<double> activations_millions;      ///< cnn, diffusion: tensor elements autograd keeps per sample for the backward pass
    std::optional<double> embedding_rows_millions;   ///< recommendation: rows of every embedding table together
    std::optional<std::int64_t> embedding_dim;       ///< recommendation: embedding width
    std::optional<double> lookups_per_sample;        ///< recommendation: rows read per sample (every feature's pooling factor)
    std::optional<std::int64_t> sparse_features;     ///< recommendation: pooled embeddings per sample (one per sparse feature)
};

struct Training {
    std::optional<double> epochs;
    std::optional<double> tokens_billions;
    std::optional<double> target_hours;
    std::optional<double> budget_usd;
    std::optional<std::int64_t> runs;
    std::optional<std::int64_t> tuning_jobs; ///< hyperparameter tuning: training jobs in the tuning job (MaxNumberOfTrainingJobs)
    std::optional<bool> spot;
    std::optional<std::string> checkpoint_s3_uri;
    std::optional<double> max_runtime_hours;
    std::optional<double> max_wait_hours;
    std::optional<std::string> distribution;
    std::optional<std::int64_t> tensor_parallel;   ///< each layer's matrices split over this many GPUs today (Megatron tensor_model_parallel_size)
    std::optional<std::int64_t> pipeline_parallel; ///< the layers split into this many stages today (Megatron pipeline_model_parallel_size)
    std::optional<std::int64_t> context_parallel;  ///< each sequence split over this many GPUs today
    std::optional<std::int64_t> expert_parallel;   ///< mixture-of-experts: experts split over this many GPUs today
    std::optional<std::int64_t>
        expert_tensor_parallel; ///< mixture-of-experts: each expert's matrices split over this many GPUs today (Megatron expert_tensor_parallel_size; default the tensor degree)
    std::optional<double> expert_capacity_factor; ///< mixture-of-experts: the busiest expert's tokens over the average (1 = balanced)
    std::optional<std::string> moe_dispatcher;    ///< mixture-of-experts: alltoall (NCCL, each of k copies sent) | deepep (one copy per destination node)
    std::optional<bool> tp_comm_overlap;          ///< Megatron-Core --tp-comm-overlap: tensor-parallel collectives under the GEMMs
    std::optional<bool> overlap_param_gather;     ///< Megatron-Core --overlap-param-gather: the distributed optimizer's all-gather under the forward
    std::optional<bool> moe_a2a_overlap; ///< Megatron-Core --overlap-moe-expert-parallel-comm: one micro-batch's expert all-to-alls under another's compute
    std::optional<std::int64_t> virtual_pipeline; ///< interleaved 1F1B: model chunks per GPU when pipelined (Megatron virtual pipeline size)
    std::optional<std::string> image;
    std::optional<std::int64_t> loader_workers;
    std::optional<std::string> platform; ///< sagemaker|aws-batch|eks|ec2|hyperpod|on-premises
};

struct Observed {
    std::optional<double> gpu_util_pct;
    std::optional<double> cpu_util_pct;
    std::optional<double> io_wait_pct;
    std::optional<double> samples_per_sec;
    std::optional<double> gpu_mem_used_gb;
    std::optional<double> startup_minutes;
    std::optional<double> hours;
    /// Where each value came from when telemetry was given ("observed_source: ..."); the
    /// profiler copies these into its assumptions. Empty for a job read on its own.
    std::vector<std::string> sources;
    [[nodiscard]] bool any() const;
};

struct Current {
    std::optional<std::string> instance_type; ///< normalised: without the "ml." prefix
    std::optional<std::int64_t> instance_count;
    std::optional<double> volume_gb;
    Observed observed;
};

struct Deployment {
    std::optional<std::string> mode;
    std::optional<std::string> traffic;
    std::optional<double> requests_per_sec;
    std::optional<double> p99_latency_ms;
    std::optional<double> payload_mb;
    std::optional<double> processing_seconds;
    std::optional<std::int64_t> instance_count;
    std::optional<std::int64_t> edge_devices;
};

struct Security {
    std::optional<bool> vpc;
    std::optional<bool> network_isolation;
    std::optional<bool> inter_container_encryption;
    std::optional<bool> kms;
    std::optional<bool> notebook_direct_internet;
    std::optional<std::string> data_residency;
};

struct Constraints {
    std::optional<std::string> region;
    std::vector<std::string> instance_families; ///< normalised: without "ml."; empty = any
    std::optional<std::int64_t> max_instances;
    std::optional<std::int64_t> max_gpus;
};

/// The storage the job uses today (the `storage` section), as far as it sizes or prices anything.
struct FsxToday {
    std::optional<std::string> deployment_type;
    std::optional<std::string> storage_type;
    std::optional<std::int64_t> capacity_gib;
    std::optional<double> per_unit_mb_s_per_tib;
    std::optional<std::string> import_path; ///< the S3 data repository it lazy-loads from
};

struct EfsToday {
    std::optional<std::string> throughput_mode;
    std::optional<double> provisioned_mib_s;
    std::optional<std::string> performance_mode; ///< general-purpose|max-io (fixed at creation)
    std::optional<bool> encrypted;               ///< encryption at rest (fixed at creation)
};

struct EbsToday {
    std::optional<std::string> volume_type;
    std::optional<std::int64_t> iops;
    std::optional<double> throughput_mib_s; ///< gp3's provisioned throughput
};

struct StorageToday {
    FsxToday fsx;
    EfsToday efs;
    EbsToday ebs;
};

struct Suppression {
    std::string rule;
    std::string reason;
    std::optional<std::string> expires; ///< ISO date
    std::string pointer;                ///< where it was written, e.g. /suppress/0
};

/// A validated job. `document` keeps the parsed JSON and the position of every field, so rules
/// can point findings at file:line:column; `facts` is the same content as the rules see it
/// (instance types normalised).
struct Job {
    std::string name;
    Dataset dataset;
    Model model;
    Training training;
    Current current;
    Deployment deployment;
    Security security;
    Constraints constraints;
    StorageToday storage;
    std::vector<Suppression> suppress;
    JsonDocument document;
};

/// Removes SageMaker's "ml." prefix from an instance type or family.
std::string normalize_instance_type(const std::string& type);

/// Loads and validates a job from `source`: strict JSON, then the job schema
/// (docs/job.schema.json, embedded in the binary). Every problem is added to `diagnostics`
/// with file, line, column and JSON pointer; returns nothing when there was any error.
std::optional<Job> load_job(const SourceFile& source, Diagnostics& diagnostics);

/// Reads `path` ("-" for stdin) and loads it as a job.
std::optional<Job> load_job_file(const std::string& path, Diagnostics& diagnostics);

/// Builds a Job from an already-validated JSON value (used by proposal readers and tests).
Job job_from_json(const nlohmann::json& value);

/// The job schema (docs/job.schema.json) as embedded in the binary.
const nlohmann::json& job_schema_json();

} // namespace mlscale
