// The performance model (the estimator): throughput, bottleneck, memory, start-up, time and cost
// of one training job on one configuration. Every formula and constant is in docs/model.md.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mlscale/catalogue.hpp"
#include "mlscale/job.hpp"
#include "mlscale/profile.hpp"

namespace mlscale {

/// JPEG decode per vCPU inside a PyTorch DataLoader: 1,521-2,739 images/s on 16-vCPU VMs with the
/// best of 0/2/4/8 workers, i.e. 95-171 per vCPU, 133 at the middle (ternaus/imread_benchmark,
/// formulas.md §6.1). Decode only: augmentation is not included. (The single-thread decoder figure,
/// 690/s, leaves out the loader's process overhead and is 4-7x too optimistic for a loader.)
inline constexpr double k_jpeg_loader_images_per_vcpu_s = 133;

/// The pixels of the images that figure was measured on, ImageNet's validation photos: about 500 x
/// 375 (an estimate: ImageNet's photos are mostly about 500 pixels on the longer side). A JPEG
/// decoder's work grows with the pixels (libjpeg-turbo quotes its speed in megapixels per second,
/// libjpeg-turbo.org "Performance"), so larger stored images (`dataset.source_resolution`) take
/// proportionally longer; smaller ones are not credited below it (the loader's per-image overhead).
inline constexpr double k_jpeg_reference_pixels = 500.0 * 375.0;

/// PNG decode on one core: libpng 1.6.37 decodes a 1165 x 859 photo (wuffs' test/data/harvesters.png,
/// 1,989,777 bytes) to 4,002 KB of RGBA at 214 MB/s on an i5-10210U (google/wuffs doc/benchmarks.md,
/// September 2022): 18.7 ms for 1.0 megapixels, 18.7 ns a pixel (derived). The same photo's file holds
/// 1.99 bytes a pixel (derived), which sizes a PNG whose pixels the job does not give (an estimate:
/// photos; screenshots and diagrams compress far more).
inline constexpr double k_png_decode_ns_per_pixel = 4002.0e3 / 214.0e6 / (1165.0 * 859.0) * 1e9;
inline constexpr double k_png_file_bytes_per_pixel = 1989777.0 / (1165.0 * 859.0);

/// §5 Memory: the share of a GPU's memory a plan may fill, 90 % (llm-analysis README;
/// thresholds.md GPU-006); the deep-learning memory model and XGBoost GPU hist's matrix read it.
inline constexpr double k_usable_gpu_memory = 0.9;

/// The experts' share of a mixture's parameters, for expert parallelism: with E experts per layer
/// and k per token, N = S + E·e and N_active = S + k·e, so the experts hold E·(N − N_active)/(E − k)
/// (derived). 0 when the figures do not describe a mixture (E ≤ k, or nothing inactive).
[[nodiscard]] inline double moe_expert_params(double params, double active_params, double experts, double experts_per_token)
{
    if (experts <= experts_per_token || experts_per_token <= 0 || active_params <= 0 || params <= active_params) {
        return 0;
    }
    return std::min(params, experts * (params - active_params) / (experts - experts_per_token));
}

/// What the job asks of the hardware, derived once from the job and the resolved model so the
/// estimator itself does no lookups. FLOPs count a multiply-add as 2.
struct Workload {
    std::string family; ///< cnn|transformer|rnn|encoder-decoder|diffusion|recsys|gbdt|linear|kmeans|other
    bool deep = true;
    double params = 0;                         ///< parameter count (0 when unknown)
    double linear_flops_per_sample = 0;        ///< forward FLOPs of the weight matmuls per sample (2N per token for transformers)
    double attention_flops_per_sample = 0;     ///< forward FLOPs of the attention scores per sample (4·l·h·s per token)
    double activation_elements_per_sample = 0; ///< CNN/ViT: tensors autograd keeps for the backward pass, elements per sample (0: unknown)
    std::int64_t seq_len = 0;                  ///< tokens computed per sample (0: not a sequence model); encoder-decoder: input + target
    std::int64_t max_seq_len = 0;              ///< the longest sample, which activation memory must hold; 0: seq_len (model.mean_seq_len sets seq_len below it)
    std::int64_t target_seq_len = 0;           ///< encoder-decoder: the decoder's share of seq_len
    std::int64_t layers = 0;                   ///< 0 when unknown
    std::int64_t hidden = 0;
    std::int64_t heads = 0;
    std::int64_t vocab = 0;          ///< output vocabulary (logits memory); 0 when unknown
    std::string precision = "mixed"; ///< fp32|tf32|fp16|bf16|fp8|mixed
    std::string optimizer = "adam";
    bool recompute = false;      ///< full activation checkpointing
    bool channels_last = false;  ///< CNN activations in NHWC (model.memory_format); NCHW otherwise, PyTorch's default
    bool flash_attention = true; ///< attention scores are not stored (FlashAttention / PyTorch SDPA)
    double global_batch = 0;     ///< samples per optimizer step; 0 = per_gpu_batch × GPUs
    double per_gpu_batch = 0;    ///< used when global_batch is 0
    double samples_per_run = 0;  ///< samples processed in one run (epochs × samples, or tokens / seq_len)
    double samples_per_epoch = 0;
    double mb_per_sample = 0; ///< bytes read from storage per sample, in MB
    double dataset_gb = 0;
    double num_files = 0;
    double cpu_ms_per_sample = 0; ///< decode + augment on one core; 0 when not modelled
    bool cpu_ms_given = false;    ///< dataset.cpu_ms_per_sample: the job's figure (telemetry does not replace it)
    bool cpu_ms_measured = false; ///< derived from telemetry that shows the CPUs as the limit (telemetry_options)
    int loader_workers = 0;       ///< per GPU (training.loader_workers); 0: every vCPU but one per GPU
    double runs = 1;
    bool sharded_by_key = false; ///< ShardedByS3Key: each instance downloads its share
    // Gradient boosting (family gbdt): rows are samples_per_epoch.
    std::string gbdt_library; ///< xgboost|lightgbm|sklearn (scikit-learn: not timed)
    double gbdt_features = 0; ///< features per row (for one-hot data: the columns before encoding)
    double gbdt_trees = 0;    ///< boosting rounds
    double gbdt_depth = 0;    ///< levels per tree (depth-wise) or log2(leaves) (leaf-wise)
    // Parameter-efficient fine-tuning (model.peft): a frozen base and trainable adapters.
    bool frozen_base = false;
    double trainable_params = 0;       ///< PEFT: the adapters (with frozen_base); otherwise every parameter trains
    double frozen_bytes_per_param = 0; ///< PEFT: bytes of one frozen weight (16-bit 2, QLoRA's NF4 with double quantisation ~0.516)
    // Diffusion (family diffusion): networks held frozen and run forward only (VAE encoder, text
    // encoders), beside the trained denoiser that `params` and the FLOPs above describe.
    double frozen_params = 0;                   ///< weights without gradients or optimizer state, replicated on every GPU
    double frozen_forward_flops_per_sample = 0; ///< their forward FLOPs (0: latents precomputed)
    // Recommendation (family recsys): embedding tables sharded over every GPU of the job (model
    // parallel, as TorchRec and DLRM), the dense part (`params`) data parallel.
    double embedding_rows = 0;
    double embedding_dim = 0;
    double lookups_per_sample = 0; ///< rows read per sample
    double sparse_features = 0;    ///< pooled embeddings per sample, exchanged all-to-all
    // Mixture of experts (model.experts): the experts of every MoE layer, which expert parallelism splits.
    double experts = 0;                    ///< per MoE layer (0: dense, or not said)
    double experts_per_token = 0;          ///< top-k
    double expert_capacity_factor = 1.25;  ///< with expert parallelism, the busiest GPU's tokens over the average (training.expert_capacity_factor)
    double expert_params = 0;              ///< every expert together: E·(N − N_active)/(E − k) (derived)
    bool expert_dispatch_per_node = false; ///< DeepEP (training.moe_dispatcher): a token crosses to each node once, not once per expert
    // Communication overlap of Megatron-Core (NVIDIA/Megatron-LM README, benchmark configuration).
    /// `--tp-comm-overlap` (training.tp_comm_overlap): tensor-parallel collectives run under the GEMMs.
    bool tp_comm_overlap = false;
    /// `--overlap-param-gather` (training.overlap_param_gather): ZeRO-1/2's parameter all-gather runs under the next forward.
    bool overlap_param_gather = false;
    /// `--overlap-moe-expert-parallel-comm` (training.moe_a2a_overlap): expert all-to-alls under another micro-batch's compute.
    bool expert_exchange_overlap = false;
    /// Interleaved 1F1B (training.virtual_pipeline, Megatron-Core's virtual pipeline size): model
    /// chunks per GPU when the model is pipelined; the bubble shrinks by this factor.
    int virtual_pipeline = 1;

    /// Families built of transformer blocks (activations, HBM traffic, tensor and context parallelism).
    [[nodiscard]] bool transformer_blocks() const
    {
        return family == "transformer" || family == "encoder-decoder";
    }

    /// Forward plus backward over the weight matmuls, in forward passes: 3 (the backward computes the
    /// activations' and the weights' gradients, 2 forward passes' worth), 2 when the weights are frozen
    /// (PEFT: no weight gradients; the adapters' are negligible). formulas.md §1.1; the PEFT factor is derived.
    [[nodiscard]] double linear_train_factor() const
    {
        return frozen_base ? 2.0 : 3.0;
    }
    [[nodiscard]] double train_flops_per_sample() const
    {
        return linear_train_factor() * linear_flops_per_sample + 3.0 * attention_flops_per_sample + frozen_forward_flops_per_sample;
    }

    /// Tokens per sample that activation memory is sized for: the longest sample.
    [[nodiscard]] std::int64_t memory_seq_len() const
    {
        return max_seq_len > 0 ? max_seq_len : seq_len;
    }
};

/// How the model is split across GPUs.
struct Parallelism {
    std::string mode = "data"; ///< data|sharded|model (tensor and/or pipeline)|none
    int zero_stage = 0;        ///< 0-3; sharded implies 3 (FSDP FULL_SHARD) unless set; with model parallelism 1 = Megatron's distributed optimizer
    int tensor = 1;            ///< tensor-parallel degree (within a node)
    int pipeline = 1;          ///< pipeline stages
    int context = 1;           ///< context (sequence) parallel degree: each sequence split over this many GPUs (Megatron context_parallel_size)
    int expert = 1;            ///< expert-parallel degree: each MoE layer's experts split over this many GPUs (Megatron expert_model_parallel_size)
    int expert_tensor =
        0;               ///< each expert's matrices split over this many GPUs (Megatron expert_tensor_parallel_size); 0 = the tensor degree, Megatron's default
    int micro_batch = 0; ///< samples per micro-batch per GPU; 0 = choose (largest that fits)
    /// Gradients all-reduced after the last micro-batch's backward, not during it (NVIDIA's BERT
    /// code: PyTorch `--allreduce_post_accumulation`, TensorFlow 2 `hvd.allreduce` in `step()`):
    /// with accumulation the all-reduce is exposed. false = DDP/DeepSpeed, overlapped with the
    /// last micro-batch's backward.
    bool sync_after_accumulation = false;
    /// Pipeline split that gives the embedding and the output layer a layer's place each
    /// (Megatron-Core --account-for-embedding-in-pipeline-split, --account-for-loss-in-pipeline-split);
    /// false = the layers split evenly and the output layer adds to the last stage.
    bool head_in_pipeline_split = false;
};

/// One configuration to estimate: instance type and count, storage and input mode, parallelism.
struct Config {
    const InstanceSpec* instance = nullptr;
    int count = 1;
    int gpus_per_instance = 0;       ///< GPUs used per instance; 0 = all of them
    std::string storage = "s3";      ///< s3|efs|fsx-lustre|ebs|instance-store
    std::string input_mode = "file"; ///< file|fastfile|pipe (s3); mount otherwise
    std::string fsx_deployment = "SCRATCH_2";
    std::string fsx_storage_type;         ///< SSD|HDD|INTELLIGENT_TIERING; empty = SSD (or what the per-unit tier implies)
    double fsx_per_unit_mb_s_per_tib = 0; ///< PERSISTENT_* throughput tier; 0 = the deployment's first
    double fsx_capacity_gib = 0;          ///< 0 = the smallest allowed capacity that holds the dataset
    /// The dataset already lives on the file system (today's FSx, kept or grown in place): no lazy
    /// load of the first epoch from S3. false = loaded from S3 through a data repository association.
    bool fsx_holds_data = false;
    std::string efs_throughput_mode;  ///< bursting|provisioned|elastic; empty = elastic (the default for new file systems)
    double efs_provisioned_mib_s = 0; ///< provisioned mode: ProvisionedThroughputInMibps
    Parallelism parallelism;
    bool spot = false;
    double internode_gbps = 0;                 ///< override of the instance's network (calibration on non-AWS fabrics); 0 = the instance's
    std::optional<double> internode_latency_s; ///< override of a collective's fixed cost between 2 nodes (and per further hop); none = the instance's
    double ebs_volume_gb = 0;                  ///< SageMaker ML storage volume per instance (VolumeSizeInGB); 0 = sized to hold the dataset
    std::string ebs_volume_type;               ///< gp2|gp3|io1|io2|st1|sc1 (storage.ebs); empty = gp2, SageMaker's ML storage volume
    double ebs_iops = 0;                       ///< provisioned IOPS (io1, io2, gp3); 0 = 3,000 assumed
    double ebs_throughput_mib_s = 0;           ///< gp3's provisioned throughput; 0 = its 125 MiB/s baseline
    int s3_prefixes = 1;                       ///< S3 prefixes the objects are spread over (5,500 GET/s each)
};

/// The calibrated constants of the model (docs/model.md "Calibration"); the defaults are the fitted values.
struct ModelConstants {
    double tensor_efficiency = 0.6688;          ///< A100 (Ampere): achievable fraction of the dense tensor-core peak; generations without their own use it
    double tensor_efficiency_volta = 0.6083;    ///< V100
    double tensor_efficiency_hopper = 0.5875;   ///< H100/H200, and Blackwell (no rows of its own; docs/model.md §2)
    double tensor_efficiency_trainium = 0.4344; ///< Trainium (NeuronCore-v2)
    double simt_efficiency = 0.925;             ///< achievable fraction of the fp32 CUDA-core peak (no tensor cores)
    double attention_efficiency = 0.8951;       ///< scales FlashAttention's sourced fraction of the peak per generation (docs/model.md §2)
    double fp8_efficiency = 0.7344;             ///< FP8 linear layers' efficiency relative to the 16-bit one (casts, scaling)
    double cnn_traffic = 13.33;                 ///< CNN: HBM bytes moved per stored activation byte in one training pass (forward + backward)
    double cnn_slow_path_traffic = 6.889;       ///< tensor-core CNN off the 16-bit NHWC path (NCHW, or TF32): extra passes per stored activation byte
    double transformer_traffic = 4.458;         ///< HBM traffic per token per layer, in units of 34·h activation bytes
    // Gradient boosting, histogram method (docs/model.md §10): row × feature × level updates per second.
    double gbdt_xgboost_core_rate = 5.61e+08;  ///< XGBoost hist on one physical core
    double gbdt_lightgbm_core_rate = 5.61e+08; ///< LightGBM on one physical core
    double gbdt_cpu_tree_s = 0.00375;          ///< fixed seconds per tree on CPUs (thread synchronisation)
    double gbdt_gpu_rate = 2e+10;              ///< XGBoost gpu_hist on one GPU
    double gbdt_gpu_tree_s = 0.01125;          ///< fixed seconds per tree on a GPU (kernel launches, host synchronisation)

    /// The tensor-core efficiency for a GPU generation ("volta", "ampere", "hopper", "trainium", ...).
    [[nodiscard]] double tensor_efficiency_for(const std::string& generation) const;
};

struct EstimateOptions {
    ModelConstants constants;
    double efficiency_scale = 1.0;           ///< multiplies the compute efficiency (set from observed telemetry)
    double observed_samples_per_sec = 0;     ///< when > 0 the end-to-end rate is this measurement (telemetry wins)
    Platform platform = Platform::SageMaker; ///< which price basis the cost is on (training.platform)
};

enum class Bottleneck { Gpu, Io, Cpu, Network, Memory, None };

const char* bottleneck_name(Bottleneck bottleneck);

/// A run on managed spot (docs/model.md §7): the instance's EC2 Spot saving and interruption
/// bracket from AWS's Spot Instance Advisor; each of `count` instances interrupted once per run of
/// up to a month with the bracket's upper bound as its chance (pro rata beyond a month; any one
/// stops the job), each interruption losing half a checkpoint interval plus a restart.
struct SpotEstimate {
    double savings_pct = 0;
    std::string interruption;          ///< the Advisor's bracket, "<5%" ... ">20%"
    bool capacity_risk = false;        ///< ">20%": the bracket has no upper bound; spot is not advised and not priced
    double expected_interruptions = 0; ///< over the run (0 with capacity_risk)
    double overhead_hours = 0;         ///< time lost to them
    bool loses_half_the_run = false;   ///< the run is shorter than a checkpoint interval: each interruption loses half of it
    double hours = 0;                  ///< the run on spot, overhead included
    double cost_usd = 0;               ///< the run at the spot saving, overhead included
};

/// Managed spot for `count` x `instance` running `hours` (restarts take `startup_minutes`) at
/// `hourly_price` On-Demand; none when the catalogue has no spot figure for the instance.
std::optional<SpotEstimate> estimate_spot(const InstanceSpec& instance, int count, double hours, double startup_minutes, double hourly_price);

/// Everything estimated for one configuration. Rates are for the whole cluster. A rate that cannot
/// be estimated (no GPU, no FLOPs, no dataset size) is 0 and its `*_known` flag is false.
struct Estimate {
    int instance_count = 0;
    int gpus = 0;
    bool throughput_known = false;
    double samples_per_sec = 0;
    double tokens_per_sec = 0; ///< 0 for models without seq_len
    double tflops_per_gpu = 0;
    double mfu = 0;
    double step_time_ms = 0;
    double gpu_util_pct = 0;
    Bottleneck bottleneck = Bottleneck::None;
    double memory_per_gpu_gb = 0;
    bool memory_known = false;
    bool fits = true;
    double startup_minutes = 0;
    double hours = 0;
    bool cost_known = false;
    double cost_usd = 0;
    std::optional<SpotEstimate> spot; ///< the run on managed spot (none without the instance's spot figures or a price)
    double gpu_hours = 0;
    bool price_estimated = false; ///< the SageMaker price was derived from EC2 × mark-up

    // Intermediate rates and figures (docs/model.md names each).
    double compute_samples_per_sec = 0; ///< GPUs never starved, no communication
    double network_samples_per_sec = 0; ///< compute with exposed communication
    double input_samples_per_sec = 0;   ///< storage and network supply (0 with input_known false)
    bool input_known = false;
    double cpu_samples_per_sec = 0;
    bool cpu_known = false;
    double storage_mb_s = 0;        ///< what the storage delivers to the cluster
    double required_input_mb_s = 0; ///< what the GPUs consume at full speed
    double download_minutes = 0;
    double lazy_load_minutes = 0;
    double peak_tflops = 0;      ///< dense peak per GPU at the job's precision
    double efficiency = 0;       ///< compute efficiency used (tensor or SIMT, × efficiency_scale)
    double comm_ms_per_step = 0; ///< collective time per step before overlap
    double exposed_comm_ms_per_step = 0;
    double pipeline_bubble = 0;
    double comm_latency_ms_per_step = 0; ///< the collectives' fixed costs within comm_ms_per_step
    double state_gb = 0;                 ///< weights + gradients + optimizer per GPU
    double activation_gb = 0;            ///< activations per GPU at micro_batch
    int micro_batch = 0;
    int data_parallel = 0;
    bool storage_available = true; ///< false: this configuration cannot read from the storage asked for
    std::string storage_note;      ///< why not
    bool page_cache = false;       ///< the dataset stays in the page cache: epochs after the first read from memory
    bool tf32 = false;             ///< fp32 convolutions run as TF32 (PyTorch's cuDNN default on Ampere and later)
};

/// Derives the workload from a job and its resolved model; every default taken for a missing
/// value is appended to `assumptions` as a sentence.
Workload make_workload(const Job& job, const ResolvedModel& model, const Catalogue& catalogue, std::vector<std::string>& assumptions);

/// The rate a measured run's hours imply: the run's samples over its hours (current.observed.hours)
/// less `startup_minutes`; 0 where the job gives no hours, the run's size is unknown or the start-up
/// takes the whole run.
double rate_from_hours(const Observed& observed, const Workload& workload, double startup_minutes = 0);

/// Whether dataset.format packs many samples into one file (TFRecord, Parquet, CSV, WebDataset, ...),
/// so that dataset.num_files is no count of samples (a JPEG, a WAV or an MP4 is one sample).
bool many_samples_per_file(const std::optional<std::string>& format);

/// A catalogue CNN at another input size than its entry's: its forward FLOPs and stored activations
/// scale with the pixels (a convolution's work is K²·C_in·C_out per output pixel; the classifier head,
/// under 0.1 % of ResNet-50's, is not scaled). 1 where the job gives its own FLOPs, the model is not
/// a catalogue CNN, or either resolution is missing.
double catalogue_cnn_pixel_scale(const Job& job, const ModelSpec* spec);

/// The price basis of a job: its training.platform (sagemaker by default; on-premises is priced as
/// SageMaker, the nearest cloud equivalent, and the profiler says so).
Platform price_platform(const Job& job);

/// gp3's limits, written once for the model, the plausibility checks and the recommender's lift:
/// 125-2,000 MiB/s and 3,000-80,000 IOPS (botocore CreateVolume/ModifyVolume; profiles/storage.json
/// ebs-gp3), and 0.25 MiB/s of throughput per provisioned IOPS (the 2023 ratio, EC2 UG
/// ebs-volume-types.md: kept because no source says the 2025 maxima lifted it).
struct Gp3Limits {
    static constexpr double baseline_mib_s = 125;
    static constexpr double max_mib_s = 2000;
    static constexpr double baseline_iops = 3000;
    static constexpr double max_iops = 80000;
    static constexpr double mib_s_per_iops = 0.25;
};
inline constexpr double k_mb_per_mib = 1.048576;
/// A month as AWS prices storage and provisioned performance by it: 8,760 / 12 = 730 hours.
inline constexpr double k_hours_per_month = 8760.0 / 12.0;

/// Today's storage as the job configures it (storage.efs, storage.fsx, storage.ebs), on a
/// configuration that reads from that storage.
void apply_storage_today(const Job& job, Config& config);

/// Data-loader workers (and S3 connections) per instance: training.loader_workers per GPU, else
/// every vCPU but one per GPU (the training processes).
int loader_workers_per_instance(const Workload& workload, const InstanceSpec& instance, int gpus_per_instance);

/// The configuration the job runs on today (current.*, dataset.location and input_mode, training.distribution).
Config current_config(const Job& job, const InstanceSpec* instance);

/// Estimates one configuration. Pure: no I/O, no allocation; safe to call in a sweep.
Estimate estimate(const Workload& workload, const Config& config, const Catalogue& catalogue, const EstimateOptions& options = {});

/// A calibration's scale within 1 % of the model's efficiency: the measurement agrees with the
/// model, it corrects nothing (1.0 exactly is calibrate_to_observed's "no scale reaches it").
bool calibration_agrees(double efficiency_scale);

/// The share of the GPU's peak its matmuls run at on `config` with `options` (the fitted efficiency
/// times the calibration's scale); above 1, a calibration explains a measurement by computing
/// faster than the GPU can: the job's FLOPs or the measurement are off. 0 without a GPU.
double matmul_share_of_peak(const Workload& workload, const Config& config, const EstimateOptions& options);

/// The efficiency scale at which the GPUs of `config` (with their communication) process
/// `gpu_samples_per_sec`: observed samples/s, divided by the observed GPU utilisation when known.
/// 1 when it cannot be solved.
double calibrate_to_observed(const Workload& workload, const Config& config, const Catalogue& catalogue, double gpu_samples_per_sec);

/// ", which has the GPUs' matmuls at N % of their peak: ..." where the calibration in `options` puts
/// them above the peak (matmul_share_of_peak > 1), else empty: appended to a calibration's sentence.
std::string above_peak_clause(const Workload& workload, const Config& config, const EstimateOptions& options);

/// Today's setup as its telemetry describes it (docs/model.md §8, "Telemetry wins"). With observed
/// samples/s the efficiency is calibrated so the GPUs process observed ÷ GPU utilisation samples/s
/// (`efficiency_scale`, for every configuration) and the end-to-end rate is the measurement. With
/// GPU utilisation alone the end-to-end rate is the GPUs' modelled rate x the utilisation (derived:
/// the GPUs compute that share of the time) and the efficiency is not calibrated. Without either,
/// `options` as given. Where the telemetry classifies the CPUs as the limit (Debugger's thresholds)
/// and the job gives no dataset.cpu_ms_per_sample, the CPU time a sample takes is measured too:
/// the busy vCPUs (vCPUs x CPU utilisation) ÷ today's rate, written to `workload.cpu_ms_per_sample` for every
/// configuration estimated from it. Each adds its sentence to `assumptions`.
EstimateOptions telemetry_options(Workload& workload, const Config& config, const Catalogue& catalogue, const Observed& observed, EstimateOptions options,
    std::vector<std::string>& assumptions);

/// `telemetry_options` for one configuration of `job`, as advise reads today's telemetry: the
/// efficiency it calibrates on today's setup (and a CPU cost it measures, in `workload`) for every
/// configuration, and the measured rate where `config` is today's setup as the job describes it
/// (`as_today`). `options` as given where the job has no current instance.
EstimateOptions measured_options(const Job& job, Workload& workload, const Config& config, const Catalogue& catalogue, EstimateOptions options,
    std::vector<std::string>& assumptions, bool& as_today);

/// Memory per GPU: model states under the ZeRO stage and parallelism, in GB (formulas.md §3.1).
/// The training state per GPU of a workload: model_state_gb_per_gpu for full training; with PEFT the
/// frozen base at frozen_bytes_per_param (sharded only by ZeRO-3/FSDP, split by model parallelism)
/// plus the adapters' full training state. With expert parallelism the experts are split over
/// `expert_parallel` GPUs and over `expert_model_parallel` (expert tensor x pipeline; 0 = model_parallel),
/// and ZeRO shards what remains of them over the expert replicas, data_parallel x model_parallel /
/// (expert_parallel x expert_model_parallel).
double training_state_gb_per_gpu(
    const Workload& workload, int zero_stage, int data_parallel, int model_parallel, int expert_parallel = 1, int expert_model_parallel = 0);

double model_state_gb_per_gpu(double params, const std::string& precision, const std::string& optimizer, int zero_stage, int data_parallel, int model_parallel);

/// Transformer activations per GPU in GB (Korthikanti et al. 2022, formulas.md §3.2).
double transformer_activation_gb(std::int64_t seq_len, double micro_batch, std::int64_t hidden, std::int64_t heads, std::int64_t layers, int tensor,
    int pipeline, bool recompute, bool flash_attention = false);

/// Seconds of one inter-node all-reduce of `bytes` (per rank) across `nodes` instances of
/// `instance` (docs/model.md §3); `override_gbps` replaces the instance's network when > 0.
double allreduce_seconds(double bytes, const InstanceSpec& instance, int nodes, double override_gbps = 0);

/// Seconds to train a gradient-boosted model with the histogram method (docs/model.md §10):
/// trees × (fixed cost + rows × features × levels ÷ rate), on `physical_cores` per instance, or
/// on `gpus` GPUs per instance for XGBoost when `gpu` is given. 0 when the workload lacks a figure.
double gbdt_train_seconds(const Workload& workload, double physical_cores, const GpuSpec* gpu, int gpus, int instances, const ModelConstants& constants);

/// Ring all-reduce: bytes each rank sends for a buffer of `bytes` over `ranks` ranks: 2(n−1)/n × S.
double ring_allreduce_bytes(double bytes, int ranks);

/// FSx for Lustre throughput of a file system in MB/s: capacity (TiB) × per-TiB baseline.
double fsx_throughput_mb_s(double capacity_gib, double mb_s_per_tib);

/// The FSx for Lustre deployment row of profiles/storage.json that a file system is: its
/// deployment type (empty: SCRATCH_2 where it offers the tier, else the one that does), storage
/// type (empty: SSD, else HDD) and per-unit tier (0: the deployment's first). None when AWS offers no such one.
const FsxDeployment* fsx_deployment_for(const StorageFacts& storage, const std::string& deployment_type, const std::string& storage_type, double per_unit);
/// The smallest capacity (GiB) the deployment allows that holds `dataset_gb`: its capacity steps, then its increments.
double fsx_capacity_for(const FsxDeployment& deployment, double dataset_gb);

/// File-mode download time in minutes: bytes at the SageMaker rate plus per-object first-byte latency.
double file_mode_download_minutes(double dataset_gb, double num_files, const StorageFacts& storage);

/// The contract's JSON object for `estimate` (../shared/spec/output.md), numbers rounded; the
/// instance named as `platform` names it (ml. on SageMaker, the EC2 type elsewhere).
nlohmann::ordered_json estimate_json(const Estimate& estimate, const InstanceSpec& instance, const Workload& workload, Platform platform = Platform::SageMaker);

/// Readable text of an estimate.
std::string estimate_text(const Estimate& estimate, const InstanceSpec& instance, const Workload& workload, Platform platform = Platform::SageMaker);

} // namespace mlscale
