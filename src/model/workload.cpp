// From a job to the estimator's inputs: the workload (FLOPs, bytes, samples) and the current
// configuration. Every default taken here is stated as an assumption (docs/model.md §1).
#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

#include <fmt/format.h>

#include "mlscale/estimate.hpp"

namespace mlscale {

namespace {

// Per-GPU batch when none is given for non-language models: NVIDIA's ResNet-50 configs use 256
// per GPU (DeepLearningExamples PyTorch/Classification/ConvNets/configs.yml, calibration.csv notes).
constexpr double k_default_per_gpu_batch = 256;
// Tokens per optimizer step when no batch is given for language models: 2048 sequences of 2048
// (mosaicml/llm-foundry scripts/train/yamls/pretrain/mpt-70b.yaml global_train_batch_size).
constexpr double k_default_batch_tokens = 2048.0 * 2048.0;
// Bytes per stored token when the dataset does not say: 32-bit token ids.
constexpr double k_bytes_per_token = 4;
// Gradient boosting defaults (docs/model.md §10): XGBoost's max_depth 6 and SageMaker XGBoost's
// num_round, which has no default: 100 rounds assumed (GBM-perf's benchmark setting), stated.
constexpr double k_gbdt_default_depth = 6;
constexpr double k_gbdt_default_trees = 100;
// QLoRA's double quantisation: the NF4 block constants cost 8/64 + 32/(64·256) = 0.127 bits per
// parameter (Dettmers et al. 2023, arXiv:2305.14314 §3, "Double Quantization").
constexpr double k_nf4_constants_bits = 0.127;
// LoRA rank when neither model.trainable_params_millions nor model.lora_rank is given: an
// assumption, stated in the output (the LoRA paper tries r = 1-64; common recipes use 8-64).
constexpr double k_default_lora_rank = 16;

std::string format_number(double value)
{
    return fmt::format("{:.4g}", value);
}

// A mixture of experts' active parameters (millions): the job's, else the catalogue's.
std::optional<double> active_params_millions(const Job& job, const ModelSpec* spec)
{
    return job.model.active_params_millions ? job.model.active_params_millions : (spec != nullptr ? spec->active_params_millions : std::nullopt);
}

// Figures the catalogue has and a job may give: the output vocabulary (logits memory; the job's
// model.vocab wins) and a CNN's stored activations (its HBM traffic and activation memory,
// docs/model.md §1).
void catalogue_figures(const Job& job, const ModelSpec* spec, Workload& w)
{
    w.vocab = job.model.vocab ? *job.model.vocab : spec != nullptr && spec->vocab ? *spec->vocab : 0;
    if (w.family == "cnn" && spec != nullptr && spec->activations_millions && !job.model.forward_gflops) {
        w.activation_elements_per_sample = *spec->activations_millions * 1e6 * catalogue_cnn_pixel_scale(job, spec);
    }
    if ((w.family == "cnn" || w.family == "diffusion") && job.model.activations_millions) {
        w.activation_elements_per_sample = *job.model.activations_millions * 1e6; // the job's own count wins
    }
}

// Gradient boosting (docs/model.md §10): rows are the samples; features, trees and depth from the
// model fields when given, else stated defaults.
void gbdt_inputs(const Job& job, Workload& w, std::vector<std::string>& assumptions)
{
    const auto& framework = job.model.framework;
    w.gbdt_library = framework == std::optional<std::string>("lightgbm") ? "lightgbm"
        : framework == std::optional<std::string>("sklearn")             ? "sklearn"
                                                                         : "xgboost";
    if (w.gbdt_library == "sklearn") {
        // No sourced rate: GBM-perf's rows time XGBoost and LightGBM (docs/model.md §10).
        assumptions.push_back("model.framework \"sklearn\": scikit-learn's gradient boosting trains on one machine's CPUs (no GPU support: "
                              "scikit-learn FAQ, \"Will you add GPU support?\"; no training across instances) at a rate mlscale has no source for, "
                              "so its time is not estimated: current.observed.hours gives today's; XGBoost and LightGBM are timed");
    }
    w.gbdt_features = static_cast<double>(job.model.num_features.value_or(0));
    w.gbdt_trees = static_cast<double>(job.model.num_trees.value_or(0));
    w.gbdt_depth = static_cast<double>(job.model.max_depth.value_or(0));
    if (w.gbdt_trees <= 0) {
        w.gbdt_trees = k_gbdt_default_trees;
        assumptions.push_back("model.num_trees not given: 100 boosting rounds assumed");
    }
    if (w.gbdt_depth <= 0) {
        w.gbdt_depth = k_gbdt_default_depth;
        assumptions.push_back("model.max_depth not given: 6 levels assumed (XGBoost's default)");
    }
    if (w.gbdt_features <= 0) {
        assumptions.push_back("model.num_features not given: gradient-boosting time not estimated");
    }
}

// Diffusion (docs/model.md §1): the denoiser trains (params, forward_gflops); the frozen encoders
// are held in the training precision and run forward once per sample.
void diffusion_inputs(const Job& job, Workload& w, std::vector<std::string>& assumptions)
{
    w.frozen_params = job.model.frozen_params_millions.value_or(0) * 1e6;
    w.frozen_forward_flops_per_sample = job.model.frozen_forward_gflops.value_or(0) * 1e9;
    if (!job.model.frozen_forward_gflops) {
        assumptions.push_back("model.frozen_forward_gflops not given: the frozen encoders' forward pass is not timed (as when latents and text "
                              "embeddings are precomputed)");
    }
    if (!job.model.frozen_params_millions) {
        assumptions.push_back("model.frozen_params_millions not given: no frozen encoder weights counted in GPU memory");
    }
    if (!job.model.activations_millions) {
        assumptions.push_back("model.activations_millions not given: the denoiser's activations are estimated from its forward FLOPs at ResNet-50's "
                              "stored elements per FLOP (memory-efficient attention keeps less; a measured count is better)");
    }
}

// Recommendation (docs/model.md §1, §5): embedding tables and their lookups; the dense part's
// FLOPs are 2 per weight per sample (every MLP weight is one multiply-add per sample) unless given.
void recsys_inputs(const Job& job, Workload& w, std::vector<std::string>& assumptions)
{
    w.embedding_rows = job.model.embedding_rows_millions.value_or(0) * 1e6;
    w.embedding_dim = static_cast<double>(job.model.embedding_dim.value_or(0));
    w.sparse_features = static_cast<double>(job.model.sparse_features.value_or(0));
    w.lookups_per_sample = job.model.lookups_per_sample.value_or(w.sparse_features);
    if (w.embedding_rows <= 0 || w.embedding_dim <= 0) {
        assumptions.push_back("recsys: model.embedding_rows_millions or model.embedding_dim not given: the embedding tables are not counted");
        w.embedding_rows = 0;
    } else if (!job.model.lookups_per_sample && !job.model.sparse_features) {
        assumptions.push_back("recsys: model.sparse_features and model.lookups_per_sample not given: embedding lookups and their all-to-all "
                              "exchange are not timed");
    } else if (!job.model.lookups_per_sample) {
        assumptions.push_back("model.lookups_per_sample not given: one row per sparse feature assumed (pooling factor 1)");
    }
    if (!job.model.forward_gflops && w.params > 0) {
        w.linear_flops_per_sample = 2.0 * w.params;
        assumptions.push_back(fmt::format(
            "recsys: the dense part's forward FLOPs taken as 2 per weight per sample ({} GFLOP; MLPs)", format_number(w.linear_flops_per_sample / 1e9)));
    }
}

void family_inputs(const Job& job, Workload& w, std::vector<std::string>& assumptions)
{
    if (w.family == "gbdt") {
        gbdt_inputs(job, w, assumptions);
    } else if (w.family == "diffusion") {
        diffusion_inputs(job, w, assumptions);
    } else if (w.family == "recsys") {
        recsys_inputs(job, w, assumptions);
    }
    if (w.precision == "fp32" && w.family == "cnn") {
        assumptions.push_back(job.model.framework == std::optional<std::string>("tensorflow")
                ? "precision fp32: convolutions run as TF32 on Ampere and later GPUs (TensorFlow: \"TensorFloat-32 is enabled by default\", "
                  "tf.config.experimental.enable_tensor_float_32_execution); FP32 convolutions with TF32 disabled are not modelled"
                : "precision fp32: convolutions run as TF32 on Ampere and later GPUs (PyTorch's torch.backends.cudnn.allow_tf32 "
                  "defaults to True); FP32 convolutions with TF32 disabled are not modelled");
    }
}

// PEFT's frozen base and adapters for a job (model.peft); frozen_base false for full training.
// `layers` and `hidden` size the default adapters; `assumptions` gets what was assumed.
struct PeftShape {
    bool frozen_base = false;
    double trainable_params = 0;
    double frozen_bytes_per_param = 0;
};

PeftShape peft_shape(const Job& job, const std::string& precision, double params, std::int64_t layers, std::int64_t hidden, double expert_params,
    std::vector<std::string>* assumptions)
{
    PeftShape out;
    const auto note = [&](std::string text) {
        if (assumptions != nullptr) {
            assumptions->push_back(std::move(text));
        }
    };
    // Adapters described without a method are LoRA's (a rank or a trainable count says so).
    const bool implied = !job.model.peft && (job.model.lora_rank || job.model.trainable_params_millions);
    const std::string method = job.model.peft.value_or(implied ? "lora" : "");
    if (method.empty()) {
        return out;
    }
    if (implied) {
        note(fmt::format("model.{} given without model.peft: LoRA assumed (a frozen base in the training precision)",
            job.model.lora_rank ? "lora_rank" : "trainable_params_millions"));
    }
    out.frozen_base = true;
    // QLoRA (Dettmers et al. 2023, arXiv:2305.14314 §3): the base in 4-bit NormalFloat, its
    // quantisation constants double-quantised to 0.127 bits per parameter; LoRA keeps the base in
    // the training precision (16-bit, or 32-bit for fp32 training).
    const bool full_width = precision == "fp32" || precision == "tf32";
    out.frozen_bytes_per_param = method == "qlora" ? (4.0 + k_nf4_constants_bits) / 8.0 : (full_width ? 4.0 : 2.0);
    if (job.model.trainable_params_millions) {
        out.trainable_params = *job.model.trainable_params_millions * 1e6;
    } else if (layers > 0 && hidden > 0) {
        // LoRA (Hu et al. 2021, arXiv:2106.09685): r·(d_in + d_out) per adapted matrix; adapters on
        // every linear layer of a block with a 4h MLP (four h x h attention projections, two h x 4h
        // MLP matrices): 8·r·h + 10·r·h = 18·r·h per layer (derived). A mixture of experts adapts
        // every expert's MLP: 10·r·h per 8·h² of MLP weights, applied to all the experts' weights
        // (derived; a SwiGLU expert of 3 h x 3.5h matrices, Mixtral's, has 13.5·r·h per 10.5·h²,
        // within 3 %).
        const double rank = static_cast<double>(job.model.lora_rank.value_or(k_default_lora_rank));
        const double h = static_cast<double>(hidden);
        const double attention = 8.0 * rank * h * static_cast<double>(layers);
        const double mlp = expert_params > 0 ? 10.0 * rank / (8.0 * h) * expert_params : 10.0 * rank * h * static_cast<double>(layers);
        out.trainable_params = attention + mlp;
        note(fmt::format("model.trainable_params_millions not given: LoRA rank {} on every linear layer of the {} blocks{}, {} M adapter "
                         "parameters ({}; derived){}",
            format_number(rank), layers, expert_params > 0 ? ", every expert's included" : "", format_number(out.trainable_params / 1e6),
            expert_params > 0 ? "8 x r x hidden per block for the attention, and 10 x r x hidden per 8 x hidden^2 of the experts' MLP weights"
                              : "18 x r x hidden per block",
            job.model.lora_rank ? "" : fmt::format("; model.lora_rank not given: {} assumed", format_number(k_default_lora_rank))));
    } else {
        note("model.trainable_params_millions not given and the model's layers and hidden size unknown: the adapters' own training state is "
             "not counted");
    }
    out.trainable_params = std::min(out.trainable_params, params);
    if (method == "qlora") {
        note("QLoRA: the frozen base is held in 4-bit NF4 (0.516 bytes per parameter with double quantisation) and dequantised for "
             "the forward and backward passes: each micro-batch reads every quantised weight and writes its 16-bit copy twice (three "
             "times with activation checkpointing), timed at the GPU's peak memory bandwidth (a lower bound)");
    }
    return out;
}

// PEFT's frozen base and adapters, and the FLOPs (§1): transformers 2N per token (N active for a
// mixture of experts) plus the attention scores 4·l·h·s per token (llm-foundry's MFU accounting);
// other models their forward FLOPs per sample.
void adapters_and_flops(const Job& job, const ModelSpec* spec, const ResolvedModel& model, Workload& w, std::vector<std::string>& assumptions)
{
    // Mixture-of-experts: each token passes through the shared layers and its top-k experts only
    // (FLOPs), while every expert is held (memory: params).
    const auto active_millions = active_params_millions(job, spec);
    const double flop_params = active_millions ? std::min(*active_millions * 1e6, w.params) : w.params;
    if (active_millions) {
        w.expert_params = moe_expert_params(w.params, flop_params, w.experts, w.experts_per_token);
    }
    const PeftShape peft = peft_shape(job, w.precision, w.params, w.layers, w.hidden, w.expert_params, &assumptions);
    w.frozen_base = peft.frozen_base;
    w.trainable_params = peft.trainable_params;
    w.frozen_bytes_per_param = peft.frozen_bytes_per_param;
    // Routing is never perfectly balanced: with expert parallelism the step waits for the GPU whose
    // experts drew the most tokens. Switch Transformer trains at capacity factors 1.0-1.25 (Fedus et
    // al. 2021 §2.1, §2.2); Workload's default, 1.25, is assumed (an estimate) unless
    // training.expert_capacity_factor says.
    w.expert_capacity_factor = job.training.expert_capacity_factor.value_or(w.expert_capacity_factor);
    w.expert_dispatch_per_node = job.training.moe_dispatcher == std::optional<std::string>("deepep");
    w.tp_comm_overlap = job.training.tp_comm_overlap.value_or(false);
    w.overlap_param_gather = job.training.overlap_param_gather.value_or(false);
    w.expert_exchange_overlap = job.training.moe_a2a_overlap.value_or(false);
    w.virtual_pipeline = static_cast<int>(std::clamp<std::int64_t>(job.training.virtual_pipeline.value_or(1), 1, 1024));
    if (active_millions && w.params > 0) {
        assumptions.push_back(
            fmt::format("mixture of experts: the FLOPs follow the {:.0f} M active parameters, the memory all {:.0f} M; {}", flop_params / 1e6, w.params / 1e6,
                w.expert_params > 0
                    ? fmt::format("the {} experts per layer ({:.0f} M parameters together) may be split over GPUs (expert parallelism: tokens exchanged "
                                  "{}; the busiest GPU's experts get {:g}x the average tokens{})",
                          w.experts, w.expert_params / 1e6,
                          job.training.moe_dispatcher ? (w.expert_dispatch_per_node ? "by DeepEP, once per node" : "all-to-all")
                                                      : "all-to-all by NCCL, each of a token's copies, assumed: set training.moe_dispatcher",
                          w.expert_capacity_factor,
                          job.training.expert_capacity_factor ? ""
                                                              : ", Switch Transformer's training capacity factor, assumed: set training.expert_capacity_factor")
                    : std::string("model.experts and model.experts_per_token not given: the experts are held and sharded like any weight (data "
                                  "parallel, or FSDP/ZeRO-3, which gathers every expert for each micro-batch: timed); expert parallelism is not "
                                  "planned")));
    }

    if (w.transformer_blocks() && w.seq_len > 0 && !job.model.forward_gflops && w.params > 0) {
        const double tokens = static_cast<double>(w.seq_len);
        // Encoder-decoder (§1, derived from T5's blocks): each input token passes the encoder's
        // weights and the decoder's cross-attention keys and values, each target token the rest of
        // the decoder: half the weights per token. Attention: encoder s_in², decoder s_out², cross
        // s_in·s_out, per layer of each stack.
        const double input = static_cast<double>(w.seq_len - w.target_seq_len);
        const double target = tokens - input;
        const bool two_stacks = w.family == "encoder-decoder";
        w.linear_flops_per_sample = (two_stacks ? 1.0 : 2.0) * flop_params * tokens;
        const double scores = two_stacks ? input * input + target * target + input * target : tokens * tokens;
        if (w.layers > 0 && w.hidden > 0) {
            w.attention_flops_per_sample = 4.0 * static_cast<double>(w.layers * w.hidden) * scores;
        } else if (spec != nullptr && spec->attention_forward_gflops_per_token) {
            w.attention_flops_per_sample = *spec->attention_forward_gflops_per_token * 1e9 * scores / tokens;
        } else {
            assumptions.push_back("model.layers and model.hidden not given: the attention term of the FLOPs (4 x layers x hidden x seq_len per "
                                  "token) is left out");
        }
    } else if (model.forward_gflops) {
        w.linear_flops_per_sample = *model.forward_gflops * 1e9;
    } else if (w.deep && !(w.family == "recsys" && w.params > 0)) {
        const bool sequence = w.family == "transformer" || w.family == "encoder-decoder" || w.family == "rnn";
        assumptions.push_back(fmt::format("model FLOPs unknown (give {}): GPU throughput not estimated",
            sequence ? "model.name, model.forward_gflops, or params_millions with seq_len" : "model.name or model.forward_gflops, per sample"));
    }
}

// What today's storage is taken to be where the job does not say (storage.cpp reads it so).
void storage_assumptions(const Job& job, const StorageFacts& facts, std::vector<std::string>& assumptions)
{
    const std::string location = job.dataset.location.value_or("s3");
    const StorageToday& today = job.storage;
    if (location == "ebs") {
        const std::string type = today.ebs.volume_type.value_or("gp2");
        if (!today.ebs.volume_type) {
            // gp2 either way: SageMaker's ML storage volume, and EC2 CreateVolume's default VolumeType
            // (botocore ec2 CreateVolume: "Default: gp2").
            const bool sagemaker = job.training.platform.value_or("sagemaker") == "sagemaker";
            assumptions.push_back(fmt::format("storage.ebs.volume_type not given: gp2 assumed ({}), sized to hold the dataset",
                sagemaker ? "SageMaker's ML storage volume" : "EC2 CreateVolume's default volume type"));
        }
        if (!today.ebs.iops && (type == "gp3" || type == "io1" || type == "io2")) {
            assumptions.push_back(fmt::format("storage.ebs.iops not given: 3,000 IOPS assumed for the {} volume", type));
        }
    } else if (location == "efs" && !today.efs.throughput_mode) {
        // Elastic is the console's default (EFS User Guide, "Managing file system throughput"); the
        // API's is Bursting (CreateFileSystem: "Default is bursting"), as CloudFormation and Terraform
        // create it: its baseline for the dataset is named, as it can be the wait today.
        const double tib = job.dataset.size_gb.value_or(0) * 1e9 / 1099511627776.0;
        const double baseline = std::max(facts.efs_bursting_min_mib_s, facts.efs_bursting_baseline_mib_s_per_tib * tib);
        assumptions.push_back(fmt::format("storage.efs.throughput_mode not given: Elastic assumed (the EFS console's default); a file system created "
                                          "by the API, CloudFormation or Terraform without it is Bursting, which sustains {} MiB/s for {} "
                                          "({} MiB/s per TiB stored): give storage.efs.throughput_mode",
            format_number(baseline), job.dataset.size_gb ? fmt::format("{} GB", format_number(*job.dataset.size_gb)) : std::string("this dataset"),
            format_number(facts.efs_bursting_baseline_mib_s_per_tib)));
    } else if (location == "fsx-lustre" && today.fsx.storage_type == std::optional<std::string>("INTELLIGENT_TIERING")) {
        assumptions.push_back("FSx for Lustre Intelligent-Tiering: its smallest throughput capacity, 4,000 MB/s, assumed");
    } else if (location == "fsx-lustre" && !today.fsx.capacity_gib) {
        assumptions.push_back(
            fmt::format("storage.fsx.capacity_gib not given: today's file system is taken as {} of the smallest capacity that "
                        "holds the dataset, for its throughput (which grows with its capacity) and its price; give storage.fsx to describe it",
                today.fsx.deployment_type.value_or("SCRATCH_2")));
    }
}

// Samples shorter than seq_len (§1): where batches are not padded to seq_len (dynamic padding to
// the longest sample of a micro-batch, length binning as in NVIDIA's LDDL, packing without
// cross-attention) the GPUs compute model.mean_seq_len tokens per sample on average. Every
// per-token cost follows it; activation memory keeps the longest sample (memory_seq_len()).
void mean_sequence(const Job& job, Workload& w, std::vector<std::string>& assumptions)
{
    w.max_seq_len = w.seq_len;
    if (!job.model.mean_seq_len || w.seq_len <= 0) {
        return;
    }
    if (w.family == "encoder-decoder") {
        assumptions.push_back("model.mean_seq_len is not applied to an encoder-decoder: its input and target lengths are model.seq_len and "
                              "model.target_seq_len");
        return;
    }
    const std::int64_t mean = std::min(*job.model.mean_seq_len, w.seq_len);
    assumptions.push_back(fmt::format("model.mean_seq_len: the GPUs compute {} tokens per sample on average (FLOPs, memory traffic, "
                                      "communication, tokens/s), activation memory holds the longest, {}; attention is counted at the mean "
                                      "length squared, a lower bound where lengths vary{}",
        mean, w.seq_len, *job.model.mean_seq_len > w.seq_len ? fmt::format(" (capped at seq_len {})", w.seq_len) : std::string()));
    w.seq_len = mean;
}

// A CNN's activation layout: the job's, else its framework's default (docs/model.md §2).
void memory_layout(const Job& job, Workload& w, std::vector<std::string>& assumptions)
{
    w.channels_last = job.model.memory_format == std::optional<std::string>("channels_last");
    if (w.family == "cnn" && !job.model.memory_format && job.model.framework == std::optional<std::string>("tensorflow")) {
        // TensorFlow's Grappler layout optimizer (generic_layout_optimizer.cc, GetSrcAndDstDataFormats)
        // runs a graph on GPUs of compute capability >= 7.0 in NHWC when its convolutions are DT_HALF,
        // and converts it to NCHW otherwise (bf16 included).
        const bool half = w.precision == "fp16" || w.precision == "mixed";
        w.channels_last = half;
        assumptions.push_back(half ? std::string("model.memory_format not given: TensorFlow's layout optimizer (Grappler) runs fp16 convolutions on "
                                                 "Volta and later GPUs in NHWC, without cuDNN's transposes")
                                   : fmt::format("model.memory_format not given: TensorFlow's layout optimizer (Grappler) converts the graph to "
                                                 "NCHW on GPUs unless its convolutions are fp16{}",
                                         w.precision == "bf16" ? ": bf16 tensor-core convolutions pay cuDNN's transposes to NHWC and back" : ""));
    } else if (w.family == "cnn" && !job.model.memory_format) {
        const bool tf32 = w.precision == "fp32" || w.precision == "tf32";
        assumptions.push_back(fmt::format("model.memory_format not given: PyTorch's default NCHW assumed, which tensor-core convolutions transpose to "
                                          "NHWC and back (set \"channels_last\" for torch.channels_last or TensorFlow){}",
            tf32 ? "; in TF32 (fp32 convolutions on Ampere and later) the model charges the same in either layout, as measured (docs/model.md §2)" : ""));
    }
}

} // namespace

namespace {

// A dense decoder described by its parameters and sequence length only: the usual shape is taken
// for its layers and width, so that attention FLOPs (4 x layers x hidden x seq_len a token, which at
// 128k tokens is several times the weights' 2 x N) and activation memory are counted rather than
// left out. Each block holds 12 x hidden^2 weights (attention 4h^2, MLP 8h^2) and decoders this size
// keep hidden = 128 x layers (GPT-3's 6.7B 32 x 4096 and 175B 96 x 12,288, Brown et al. 2020 Table
// 2.1; Llama 2's 7B 32 x 4096 and 13B 40 x 5,120, Touvron et al. 2023 Table 1), with heads of 128:
// layers = cbrt(N / (12 x 128^2)) (derived; embeddings counted as blocks, so slightly deep). Llama
// 3 8B comes out 34 x 4,352 (real 32 x 4,096: 13 % more attention), Llama 2 70B 71 x 9,088 (80 x
// 8,192: 1.5 % less). A mixture of experts takes the shape of its active parameters: the path a
// token takes (attention and its k experts) is a dense decoder of that size (derived: Qwen3-30B-A3B's
// 3.3B active come out 26 x 3,328, real 48 x 2,048, l x h 12 % below; DeepSeek-V3's 37B 57 x 7,296,
// real 61 x 7,168). Before, an MoE without layers and hidden had no activation memory at all, so any
// micro-batch "fit" and FSDP's per-micro-batch gathers were amortised over the whole batch. Not for
// encoder-decoders; a job that gives forward_gflops keeps its FLOPs (the shape then sizes memory,
// traffic and TP only).
void usual_decoder_shape(const Job& job, const ModelSpec* spec, Workload& w, std::vector<std::string>& assumptions)
{
    const auto active_millions = active_params_millions(job, spec);
    const bool moe = active_millions.has_value() || w.experts > 0;
    const double shape_params = moe ? (active_millions ? std::min(*active_millions * 1e6, w.params) : 0.0) : w.params;
    if (w.family != "transformer" || w.layers > 0 || w.hidden > 0 || shape_params <= 0 || w.seq_len <= 0) {
        return;
    }
    constexpr double k_width_per_layer = 128.0;
    const double layers = std::max(1.0, std::round(std::cbrt(shape_params / (12.0 * k_width_per_layer * k_width_per_layer))));
    w.layers = static_cast<std::int64_t>(layers);
    w.hidden = static_cast<std::int64_t>(layers * k_width_per_layer);
    if (w.heads <= 0) {
        w.heads = w.layers; // heads of 128
    }
    assumptions.push_back(fmt::format("model.layers and model.hidden not given: {} layers of width {} ({} heads) assumed from the {} M {}parameters, "
                                      "a decoder's usual shape (12 x layers x hidden^2 weights, hidden = 128 x layers, as GPT-3 and Llama 2; "
                                      "derived{}), for the attention FLOPs and the activation memory; give them for this model's own",
        w.layers, w.hidden, w.heads, format_number(shape_params / 1e6), moe ? "active " : "",
        moe ? ": a mixture of experts as the dense decoder a token passes through, its attention and its experts" : ""));
}

// Layers, width, heads and experts: the job's, else the catalogue's, else a decoder's usual shape.
void model_shape(const Job& job, const ModelSpec* spec, Workload& w, std::vector<std::string>& assumptions)
{
    auto shape = [&](const std::optional<std::int64_t>& given, const std::optional<std::int64_t>& from_spec) {
        return given ? *given : (spec != nullptr && from_spec ? *from_spec : 0);
    };
    w.layers = shape(job.model.layers, spec != nullptr ? spec->layers : std::nullopt);
    w.hidden = shape(job.model.hidden, spec != nullptr ? spec->hidden : std::nullopt);
    w.heads = shape(job.model.heads, spec != nullptr ? spec->heads : std::nullopt);
    w.experts = static_cast<double>(shape(job.model.experts, spec != nullptr ? spec->experts : std::nullopt));
    w.experts_per_token = static_cast<double>(shape(job.model.experts_per_token, spec != nullptr ? spec->experts_per_token : std::nullopt));
    usual_decoder_shape(job, spec, w, assumptions);
}

// PNG: zlib-inflated and unfiltered, pixel by pixel: the decode grows with the pixels, the stored
// ones (dataset.source_resolution), else those the mean file holds at a photo's bytes a pixel.
void png_cost(const Job& job, Workload& w, std::vector<std::string>& assumptions)
{
    const auto source = job.dataset.source_resolution;
    double pixels = source ? static_cast<double>((*source)[0]) * static_cast<double>((*source)[1]) : 0.0;
    std::string whence = source ? fmt::format("the {}x{} pixels of dataset.source_resolution", (*source)[0], (*source)[1]) : std::string();
    if (pixels <= 0 && job.dataset.size_gb && job.dataset.num_files && *job.dataset.num_files > 0) {
        const double file_bytes = *job.dataset.size_gb * 1e9 / static_cast<double>(*job.dataset.num_files);
        pixels = file_bytes / k_png_file_bytes_per_pixel;
        whence = fmt::format("about {:.2g} megapixels from the mean file of {} KB at that photo's {:.2f} bytes a pixel (an estimate: give "
                             "dataset.source_resolution)",
            pixels / 1e6, format_number(file_bytes / 1e3), k_png_file_bytes_per_pixel);
    }
    if (pixels <= 0) {
        if (w.deep) {
            assumptions.push_back("dataset.cpu_ms_per_sample not given: PNG decoding is not timed without the images' size "
                                  "(give dataset.source_resolution, or dataset.size_gb and num_files)");
        }
        return;
    }
    // The decode alone: a loader's per-image overhead has no sourced figure for PNG (the JPEG loader
    // figure's gap to its decoder also holds hyperthreads and another decoder), so the time is a
    // lower bound, and said so.
    w.cpu_ms_per_sample = pixels * k_png_decode_ns_per_pixel / 1e6;
    assumptions.push_back(fmt::format("dataset.cpu_ms_per_sample not given: {} ms per PNG per vCPU assumed, the decode alone: {:.3g} ns a pixel "
                                      "(libpng 1.6.37 on one core, a 1165 x 859 photo at 214 MB/s of RGBA, google/wuffs doc/benchmarks.md; "
                                      "derived) for {}; the loader's per-image overhead and augmentation are not included, so the CPUs' share is a "
                                      "lower bound: measure it on one core for a figure of your own",
        format_number(w.cpu_ms_per_sample), k_png_decode_ns_per_pixel, whence));
}

// CPU preparation per sample: the job's, else the JPEG default scaled by the stored pixels.
void cpu_cost(const Job& job, Workload& w, std::vector<std::string>& assumptions)
{
    if (job.dataset.cpu_ms_per_sample) {
        w.cpu_ms_per_sample = *job.dataset.cpu_ms_per_sample;
        w.cpu_ms_given = true;
    } else if (job.dataset.format == std::optional<std::string>("jpeg")) {
        w.cpu_ms_per_sample = 1000.0 / k_jpeg_loader_images_per_vcpu_s;
        const auto source = job.dataset.source_resolution;
        const double pixels = source ? static_cast<double>((*source)[0]) * static_cast<double>((*source)[1]) : 0.0;
        const double scale = std::max(1.0, pixels / k_jpeg_reference_pixels);
        w.cpu_ms_per_sample *= scale;
        assumptions.push_back(fmt::format("dataset.cpu_ms_per_sample not given: {} ms per JPEG per vCPU assumed (PyTorch DataLoader decode, "
                                          "95-171 images/s per vCPU on ImageNet's photos{}; augmentation not included)",
            format_number(w.cpu_ms_per_sample),
            scale > 1.0 ? fmt::format(", about 500 x 375 pixels (an estimate), x{:.3g} for the {}x{} pixels of dataset.source_resolution: decoding "
                                      "grows with the pixels; measure it on one core for a figure of your own",
                              scale, (*source)[0], (*source)[1])
                        : std::string()));
    } else if (job.dataset.format == std::optional<std::string>("png")) {
        png_cost(job, w, assumptions);
    } else if (w.deep &&
        (job.dataset.modality == std::optional<std::string>("video") || job.dataset.format == std::optional<std::string>("mp4") ||
            job.dataset.format == std::optional<std::string>("video"))) {
        // Video decoding is CPU work of the order of milliseconds a frame: torchcodec's maintainers
        // measure all 300 frames of a 10 s 720p H.264 video in 826 ms on one thread (meta-pytorch/
        // torchcodec pull request 1028, 2025-11-07). Frames decoded per clip depend on the sampling
        // and the keyframe interval, which the job does not give: not timed, and said so plainly.
        assumptions.push_back("dataset.cpu_ms_per_sample not given: video decoding is not timed, and it is often what limits video training (about "
                              "2.75 ms a 720p H.264 frame on one thread, torchcodec's benchmark in meta-pytorch/torchcodec#1028; a clip "
                              "decodes every frame from the keyframe before it to the last it samples): every time here is a lower bound "
                              "until you measure a clip's decode on one core and give it");
    } else if (w.deep) {
        assumptions.push_back("dataset.cpu_ms_per_sample not given: CPU preparation not modelled for this format");
    }
}

// Samples per epoch. A file is a sample only in one-per-file formats (JPEG, WAV, MP4): TFRecord,
// Parquet, CSV, WebDataset ... pack many, so without num_samples the count comes from the bytes
// a sample takes where they are known (token sequences), else it is unknown (time not estimated).
void samples_per_epoch(const Job& job, Workload& w, std::vector<std::string>& assumptions)
{
    const bool packed = many_samples_per_file(job.dataset.format);
    const auto samples = job.dataset.num_samples ? job.dataset.num_samples : (packed ? std::nullopt : job.dataset.num_files);
    w.samples_per_epoch = samples ? static_cast<double>(*samples) : 0;
    const bool token_samples =
        w.transformer_blocks() && w.seq_len > 0 && (job.dataset.modality == std::optional<std::string>("text") || job.training.tokens_billions);
    if (!samples && packed && !job.training.tokens_billions) {
        if (token_samples && job.dataset.size_gb && *job.dataset.size_gb > 0) {
            w.samples_per_epoch = *job.dataset.size_gb * 1e9 / (static_cast<double>(w.seq_len) * k_bytes_per_token);
            assumptions.push_back(fmt::format("dataset.num_samples not given: {} sequences per epoch assumed, the dataset's {} GB over seq_len x 4 "
                                              "bytes (32-bit token ids)",
                fmt::format("{:.0f}", std::round(w.samples_per_epoch)), format_number(*job.dataset.size_gb)));
        } else if (job.dataset.num_files) {
            assumptions.push_back(fmt::format("dataset.num_samples not given, and a {} file holds many samples: dataset.num_files is no count of "
                                              "them, so the time is not estimated (give dataset.num_samples)",
                *job.dataset.format));
        }
    }
}

// Whether the activations are recomputed in the backward pass: as the job says; absent, off, but for
// QLoRA: PEFT's prepare_model_for_kbit_training turns gradient checkpointing on unless told not to
// (use_gradient_checkpointing defaults to True, huggingface/peft src/peft/utils/other.py), as the
// QLoRA recipe does.
bool recomputes(const Job& job, const Workload& w, std::vector<std::string>& assumptions)
{
    if (job.model.activation_checkpointing || job.model.peft != std::optional<std::string>("qlora") || !w.deep) {
        return job.model.activation_checkpointing.value_or(false);
    }
    assumptions.push_back("model.activation_checkpointing not given: on, for QLoRA (PEFT's prepare_model_for_kbit_training enables gradient "
                          "checkpointing by default); set it to false where the training code turns it off");
    return true;
}

} // namespace

namespace {

// §1 A deep network whose FLOPs the job does not give, measured on today's GPUs (a rate, or a run's
// hours, with their utilisation): its forward FLOPs per sample are those at which the model times
// today's GPUs at the measured rate while they compute (the rate ÷ their busy share), found by
// bisection (the model's time grows with the FLOPs). Derived, and stated: every configuration is then
// timed relative to today's run, at the model's efficiency ratios between GPUs.
void flops_from_measurement(const Job& job, const InstanceSpec* today, const Catalogue& catalogue, Workload& w, std::vector<std::string>& assumptions)
{
    const Observed& observed = job.current.observed;
    if (!w.deep || w.linear_flops_per_sample > 0 || w.attention_flops_per_sample > 0 || w.embedding_rows > 0 || today == nullptr ||
        today->gpu_spec == nullptr || today->gpu_count <= 0 || observed.gpu_util_pct.value_or(0) <= 0) {
        return;
    }
    const bool from_hours = !observed.samples_per_sec;
    const double rate = from_hours ? rate_from_hours(observed, w) : observed.samples_per_sec.value_or(0);
    if (!(rate > 0)) {
        return;
    }
    const double busy = std::min(*observed.gpu_util_pct, 100.0) / 100.0;
    const Config config = current_config(job, today);
    double low = 1e3; // forward FLOPs per sample
    double high = 1e18;
    for (int i = 0; i < 60 && high / low > 1.001; ++i) {
        const double mid = std::sqrt(low * high);
        Workload trial = w;
        trial.linear_flops_per_sample = mid;
        if (estimate(trial, config, catalogue).compute_samples_per_sec > rate / busy) {
            low = mid;
        } else {
            high = mid;
        }
    }
    if (high >= 1e18 || low <= 1e3) {
        return; // no FLOPs explain it: the rate stays today's alone
    }
    w.linear_flops_per_sample = std::sqrt(low * high);
    std::erase_if(assumptions, [](const std::string& a) { return a.rfind("model FLOPs unknown", 0) == 0; });
    const double gflops = w.linear_flops_per_sample / 1e9;
    assumptions.push_back(
        fmt::format("model FLOPs not given: {} GFLOP forward per sample derived from today's measured run ({:.3g} samples/s{} at {:.0f} % GPU "
                    "utilisation on {} x {}: the FLOPs at which the model times today's GPUs at {:.3g} samples/s while they compute); "
                    "every configuration is timed relative to it; give model.forward_gflops for the model's own",
            gflops >= 100 ? fmt::format("{:.0f}", gflops) : fmt::format("{:.3g}", gflops), rate, from_hours ? ", the run's samples over its hours" : "",
            busy * 100.0, config.count, today->name, rate / busy));
}

// A hyperparameter tuning job trains once per training job (MaxNumberOfTrainingJobs), each over
// the same data: without training.runs its jobs are the runs the cost covers (stated).
double runs_of(const Job& job, std::vector<std::string>& assumptions)
{
    if (!job.training.runs && job.training.tuning_jobs && *job.training.tuning_jobs > 1) {
        assumptions.push_back(fmt::format("training.runs not given: the {} training jobs of the tuning job (training.tuning_jobs) are the runs, each "
                                          "timed as one run and all of them costed",
            *job.training.tuning_jobs));
    }
    return static_cast<double>(job.training.runs.value_or(job.training.tuning_jobs.value_or(1)));
}

} // namespace

double rate_from_hours(const Observed& observed, const Workload& workload, double startup_minutes)
{
    const double seconds = observed.hours.value_or(0) * 3600.0 - startup_minutes * 60.0;
    return seconds > 0 && workload.samples_per_run > 0 ? workload.samples_per_run / seconds : 0.0;
}

Workload make_workload(const Job& job, const ResolvedModel& model, const Catalogue& catalogue, std::vector<std::string>& assumptions)
{
    Workload w;
    w.family = model.family;
    w.deep = model.deep;
    w.precision = model.precision;
    w.optimizer = model.optimizer;
    w.params = model.params_millions.value_or(0) * 1e6;
    w.seq_len = model.seq_len.value_or(0);
    const InstanceSpec* today = job.current.instance_type ? catalogue.find_instance(*job.current.instance_type) : nullptr;
    const bool measured_on_gpus = (job.current.observed.samples_per_sec || job.current.observed.hours) && today != nullptr && today->gpu_count > 0;
    // Said only where something is timed or sized: without a size or FLOPs nothing runs at that rate.
    const bool described = model.params_millions || model.forward_gflops;
    if ((w.family == "other" || w.family == "rnn") && w.deep && !measured_on_gpus && described) {
        // A rate or run measured on GPUs calibrates it (one measured on CPUs does not).
        assumptions.push_back(
            fmt::format("model.family \"{}\": its FLOPs run at the GPUs' fitted matrix-multiply efficiency with no memory-traffic term (docs/model.md §2), "
                        "an upper bound on the rate of {}; give {}current.observed.samples_per_sec (or a run's hours) measured on GPUs to calibrate it",
                w.family,
                w.family == "rnn" ? "recurrent layers, which compute one time step after another as small matrix products a GPU runs well below its peak"
                                  : "a network of many small or memory-bound operations (detection heads, graph or speech front ends)",
                w.family == "rnn" ? "" : "model.family, or "));
    }
    if (w.family == "encoder-decoder" && w.seq_len > 0) {
        // Tokens per sample through the blocks: the input through the encoder, the target through the decoder.
        const std::int64_t target = job.model.target_seq_len.value_or(w.seq_len);
        if (!job.model.target_seq_len) {
            assumptions.push_back(fmt::format("model.target_seq_len not given: the decoder takes as many tokens as the encoder ({})", w.seq_len));
        }
        w.target_seq_len = target;
        w.seq_len += target;
    }
    mean_sequence(job, w, assumptions);
    const ModelSpec* spec = job.model.name ? catalogue.find_model(*job.model.name) : nullptr;
    model_shape(job, spec, w, assumptions);
    w.recompute = recomputes(job, w, assumptions);
    memory_layout(job, w, assumptions);
    catalogue_figures(job, spec, w);
    adapters_and_flops(job, spec, model, w, assumptions);

    samples_per_epoch(job, w, assumptions);
    if (job.training.tokens_billions && w.seq_len > 0) {
        w.samples_per_run = *job.training.tokens_billions * 1e9 / static_cast<double>(w.seq_len);
        // Epochs of a counted dataset as well: where they disagree, which one is timed is said.
        const double epochs = job.training.epochs.value_or(0);
        if (epochs > 0 && job.dataset.num_samples && w.samples_per_epoch > 0 && std::fabs(w.samples_per_run / (epochs * w.samples_per_epoch) - 1.0) > 0.25) {
            assumptions.push_back(fmt::format("training.tokens_billions and training.epochs disagree: {} epochs of {:.0f} samples at {} tokens are {:.3g} B "
                                              "tokens, not {:.3g} B; tokens_billions is timed (give one of them)",
                format_number(epochs), w.samples_per_epoch, w.seq_len, epochs * w.samples_per_epoch * static_cast<double>(w.seq_len) / 1e9,
                *job.training.tokens_billions));
        }
    } else if (w.samples_per_epoch > 0) {
        double epochs = job.training.epochs.value_or(0);
        if (epochs <= 0) {
            epochs = 1;
            if (w.deep) {
                assumptions.push_back("training.epochs not given: one epoch assumed for time and cost");
            }
        }
        w.samples_per_run = epochs * w.samples_per_epoch;
    }
    if (job.model.batch_size) {
        w.global_batch = static_cast<double>(*job.model.batch_size);
    } else if (w.transformer_blocks() && w.seq_len > 0) {
        w.global_batch = std::max(1.0, std::round(k_default_batch_tokens / static_cast<double>(w.seq_len)));
        assumptions.push_back(
            fmt::format("model.batch_size not given: {} sequences per step assumed (about 4.2M tokens, as MPT-70B's recipe)", format_number(w.global_batch)));
    } else if (w.deep && described) {
        w.per_gpu_batch = k_default_per_gpu_batch;
        assumptions.push_back("model.batch_size not given: 256 samples per GPU assumed (NVIDIA's ResNet-50 recipe)");
    } else {
        w.per_gpu_batch = k_default_per_gpu_batch;
    }

    // Bytes per sample and the input pipeline.
    w.dataset_gb = job.dataset.size_gb.value_or(0);
    w.num_files = job.dataset.num_files ? static_cast<double>(*job.dataset.num_files) : 0;
    if (job.dataset.size_gb && job.dataset.num_samples && *job.dataset.num_samples > 0) {
        w.mb_per_sample = *job.dataset.size_gb * 1000.0 / static_cast<double>(*job.dataset.num_samples);
    } else if (w.transformer_blocks() && w.seq_len > 0 && (job.dataset.modality == std::optional<std::string>("text") || job.training.tokens_billions)) {
        w.mb_per_sample = static_cast<double>(w.seq_len) * k_bytes_per_token / 1e6;
        assumptions.push_back("bytes per sample assumed to be seq_len x 4 bytes (32-bit token ids)");
    } else if (job.dataset.size_gb && w.samples_per_epoch > 0) {
        w.mb_per_sample = *job.dataset.size_gb * 1000.0 / w.samples_per_epoch;
    }
    cpu_cost(job, w, assumptions);
    w.loader_workers = static_cast<int>(job.training.loader_workers.value_or(0));
    family_inputs(job, w, assumptions);
    storage_assumptions(job, catalogue.storage_facts, assumptions);
    w.runs = runs_of(job, assumptions);
    w.sharded_by_key = job.dataset.distribution == std::optional<std::string>("sharded-by-s3-key");
    flops_from_measurement(job, today, catalogue, w, assumptions);
    return w;
}

double catalogue_cnn_pixel_scale(const Job& job, const ModelSpec* spec)
{
    if (spec == nullptr || spec->family != "cnn" || job.model.forward_gflops || !job.model.input_resolution || !spec->input_resolution ||
        (job.model.family && *job.model.family != "cnn")) {
        return 1.0;
    }
    const auto& input = *job.model.input_resolution;
    const auto& reference = *spec->input_resolution;
    const double reference_pixels = static_cast<double>(reference[0]) * static_cast<double>(reference[1]);
    const double pixels = static_cast<double>(input[0]) * static_cast<double>(input[1]);
    return reference_pixels > 0 && pixels > 0 ? pixels / reference_pixels : 1.0;
}

bool many_samples_per_file(const std::optional<std::string>& format)
{
    static const std::array<std::string_view, 16> packed = {"csv", "tsv", "parquet", "orc", "avro", "jsonl", "recordio-protobuf", "recordio", "tfrecord",
        "webdataset", "mds", "arrow", "hdf5", "npy", "libsvm", "text"};
    return format && std::find(packed.begin(), packed.end(), *format) != packed.end();
}

Platform price_platform(const Job& job)
{
    return platform_named(job.training.platform.value_or("sagemaker")).value_or(Platform::SageMaker);
}

void apply_storage_today(const Job& job, Config& config)
{
    const StorageToday& today = job.storage;
    if (config.storage == "efs") { // elastic when not said
        config.efs_throughput_mode = today.efs.throughput_mode.value_or("");
        config.efs_provisioned_mib_s = today.efs.provisioned_mib_s.value_or(0);
    } else if (config.storage == "fsx-lustre") {                        // SCRATCH_2 SSD sized to the dataset when not said
        config.fsx_deployment = today.fsx.deployment_type.value_or(""); // inferred from the tier (fsx_deployment_for)
        config.fsx_storage_type = today.fsx.storage_type.value_or("");
        config.fsx_per_unit_mb_s_per_tib = today.fsx.per_unit_mb_s_per_tib.value_or(0);
        config.fsx_capacity_gib = static_cast<double>(today.fsx.capacity_gib.value_or(0));
        config.fsx_holds_data = job.dataset.location == std::optional<std::string>("fsx-lustre"); // the data lives there today
    } else if (config.storage == "ebs") {                                                         // SageMaker's gp2 when not said
        config.ebs_volume_type = today.ebs.volume_type.value_or("");
        config.ebs_iops = static_cast<double>(today.ebs.iops.value_or(0));
        config.ebs_throughput_mib_s = today.ebs.throughput_mib_s.value_or(0);
    }
}

namespace {

// A recommendation model's "model parallel" is TorchRec's DistributedModelParallel: the embedding
// tables sharded over the GPUs (the estimator shards them whatever the split, docs/model.md §11)
// and the dense layers data parallel (DDP), not the dense MLP split over the node's GPUs: a DLRM
// on 4 p4d was timed today at "tensor 8 x pipeline 1".
bool recommendation_model(const Job& job)
{
    return job.model.family == std::optional<std::string>("recsys") || job.model.embedding_rows_millions.value_or(0) > 0;
}

} // namespace

Config current_config(const Job& job, const InstanceSpec* instance)
{
    Config config;
    config.instance = instance;
    config.count = static_cast<int>(job.current.instance_count.value_or(1));
    const std::string location = job.dataset.location.value_or("s3");
    config.storage = location == "on-premises" ? "s3" : location;
    config.input_mode = config.storage == "s3" ? job.dataset.input_mode.value_or("file") : "mount";
    if (config.input_mode == "pipe" && job.training.platform.value_or("sagemaker") != "sagemaker") {
        config.input_mode = "fastfile"; // Pipe mode is a SageMaker training job's; elsewhere a stream (the plan's assumptions say so)
    }
    apply_storage_today(job, config);
    const std::string distribution = job.training.distribution.value_or("none");
    if (distribution == "sharded") {
        config.parallelism.mode = "sharded";
        config.parallelism.zero_stage = 3;
    } else if (distribution == "model-parallel" && instance != nullptr && !recommendation_model(job)) {
        config.parallelism.mode = "model";
        config.parallelism.tensor = std::max(1, instance->gpu_count);
    } else if (distribution == "pipeline") {
        config.parallelism.mode = "model";
        config.parallelism.pipeline = std::max(1, config.count);
    }
    // Today's degrees as the job gives them (Megatron-LM's tensor and pipeline model parallel sizes);
    // with "sharded" they keep the optimizer states sharded over the replicas (ZeRO-1, Megatron's
    // distributed optimizer). Contradictions with the distribution are the profiler's errors.
    const auto& tensor = job.training.tensor_parallel;
    const auto& pipeline = job.training.pipeline_parallel;
    if ((tensor && *tensor > 1) || (pipeline && *pipeline > 1)) {
        const bool sharded = config.parallelism.mode == "sharded";
        if (config.parallelism.mode != "model") {
            config.parallelism.mode = "model";
            config.parallelism.tensor = 1;
            config.parallelism.pipeline = 1;
        }
        config.parallelism.zero_stage = sharded ? 1 : 0;
        if (tensor) {
            config.parallelism.tensor = static_cast<int>(std::clamp<std::int64_t>(*tensor, 1, 65536));
        }
        if (pipeline) {
            config.parallelism.pipeline = static_cast<int>(std::clamp<std::int64_t>(*pipeline, 1, 65536));
        }
    }
    config.parallelism.context = static_cast<int>(std::clamp<std::int64_t>(job.training.context_parallel.value_or(1), 1, 65536));
    config.parallelism.expert = static_cast<int>(std::clamp<std::int64_t>(job.training.expert_parallel.value_or(1), 1, 65536));
    config.parallelism.expert_tensor = static_cast<int>(std::clamp<std::int64_t>(job.training.expert_tensor_parallel.value_or(0), 0, 65536));
    config.spot = job.training.spot.value_or(false);
    return config;
}

} // namespace mlscale
