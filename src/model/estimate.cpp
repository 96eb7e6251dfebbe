// The estimator: compute, communication, memory, time and cost of one configuration; input
// supply lives in storage.cpp. Formulas and sources: docs/model.md (section numbers below).
#include "mlscale/estimate.hpp"

#include <algorithm>
#include <cmath>

#include "storage.hpp"

namespace mlscale {

namespace {

// §2 Recompute: full activation checkpointing runs the forward pass twice: 4 passes instead of 3
// (formulas.md §1.1, llm-foundry HFU = 4/3 MFU).
constexpr double k_recompute_factor = 4.0 / 3.0;
// NVLink efficiency in Calculon's A100 system file (formulas.md §4.3).
constexpr double k_nvlink_efficiency = 0.65;
// PCIe 4.0 x16 per direction (ml-engineering, formulas.md §4.1); 3.0 is half (8 vs 16 GT/s), 5.0 double.
constexpr double k_pcie4_gb_s = 31.0;
// NeuronLink-v2 between Trainium chips: 384 GB/s per chip (aws-neuron-sdk trainium.rst, as in
// profiles/gpus.json interconnect_gb_s), bidirectional.
constexpr double k_neuronlink_v2_gb_s = 384.0;
// §3 Overlap: DDP all-reduces gradient buckets while the backward pass runs (2 of the 3 passes);
// sharded training also prefetches parameters during the forward pass.
constexpr double k_backward_share = 2.0 / 3.0;
// §3 PyTorch DDP all-reduces gradients in buckets of 25 MB (DistributedDataParallel bucket_cap_mb
// default, PyTorch documentation): one collective, and one latency, per bucket.
constexpr double k_ddp_bucket_bytes = 25.0 * 1048576.0;
// §3 FSDP / ZeRO-3 with one unit per transformer block (llm-foundry's and torchtitan's wrapping):
// per micro-batch, each block's parameters are all-gathered for the forward and again for the
// backward, and its gradients reduce-scattered: 3 collectives of the block's bytes.
constexpr double k_zero3_collectives_per_layer = 3.0;
// §4.3 JPEG decode on one vCPU inside a PyTorch DataLoader: 1,521-2,739 images/s on 16-vCPU VMs
// (decode only), i.e. 95-171 per vCPU, 133 at the middle (formulas.md §6.1) — see workload.cpp.
// §7 Managed spot: the Spot Instance Advisor's interruption brackets are the share of a type's Spot
// capacity reclaimed in the trailing month. AWS gives no per-hour rate, so the bracket's upper
// bound is read, conservatively, as the chance that each instance is interrupted once during a
// run of up to a month (k_hours_per_month), and pro rata beyond. Checkpoints every 30 minutes are
// a stated default (each interruption loses half an interval, plus a restart).
constexpr double k_spot_checkpoint_interval_hours = 0.5;
// §2 CNN activations per FLOP when a model gives no activation count: ResNet-50's 20.92 M stored
// elements per 8.2 GFLOP forward (docs/model.md §1, derived).
constexpr double k_cnn_elements_per_flop = 20.92e6 / 8.2e9;
// §5 Activation checkpointing of a convolutional stack (torch.utils.checkpoint around each block,
// as diffusers' U-Nets do): each block keeps only its input, about 1/8 of what it stores otherwise
// (a ResNet block holds ~8 tensors of its input's size: two norms, two activations, two
// convolutions, the residual); an estimate.
constexpr double k_checkpointed_conv_fraction = 1.0 / 8.0;
// §5 Recommendation: embedding tables in fp32 (FBGEMM's table-batched embeddings default to FP32
// weights) with row-wise Adagrad, one fp32 accumulator per row (pytorch/FBGEMM fbgemm_gpu/codegen/
// genscript/optimizers.py, rowwise_adagrad: momentum1[idx] per row); the pooled embeddings are
// exchanged in fp32.
constexpr double k_embedding_value_bytes = 4.0;
constexpr double k_embedding_state_bytes_per_row = 4.0;
// §2 HBM traffic of one looked-up row per training step, in row reads: read in the forward pass,
// read and written again by the backward pass with the fused optimizer update (derived).
constexpr double k_embedding_row_passes = 3.0;
// §2 The fp32 weight-gradient buffer a micro-batch's backward accumulates into: read and written,
// 4 bytes each (Megatron-LM main_grad, PyTorch .grad under AMP).
constexpr double k_grad_accumulate_bytes = 8.0;
// §10 Gradient boosting: the speed-up from n physical cores is n^0.646 (derived: GBM-perf's
// multi-core table, 1 → 16 cores speeds XGBoost up 5-6.5x and LightGBM 4-7.5x at 1M-10M rows;
// 16^0.646 = 6). Histogram building is bound by memory, not by the cores.
constexpr double k_gbdt_core_scaling = 0.646;

// §3 The inter-node path of NCCL collectives on an instance: t = α + S/(η·NIC), with η and α the
// catalogue's network_efficiency and network_latency_ms (profiles/instances.json: nccl-tests
// all-reduce over 2 nodes x 8 GPUs on AWS, fitted through the 16 MiB and 2 GiB points, the range of
// DDP buckets and FSDP layers; formulas.md §4.2): p4d/p4de η 0.85, α 0.80 ms; p5 η 0.61, α 0.23 ms.
// Each further node a collective crosses adds network_hop_us (half the 8-byte all-reduce time).
// Instances with no measurement carry the catalogue's defaults (the lower efficiency, the higher
// latencies; stated there).
struct NetworkPath {
    double bytes_per_s = 0;
    double latency_s = 0; ///< one collective between 2 nodes
    double hop_s = 0;     ///< each further node crossed
};

NetworkPath network_path(const InstanceSpec& instance, double override_gbps, const std::optional<double>& override_latency_s = std::nullopt)
{
    const double gbps = override_gbps > 0 ? override_gbps : instance.network_gbps;
    const double bytes_per_s = gbps * 1e9 / 8.0 * instance.network_efficiency;
    if (override_latency_s) {
        return {bytes_per_s, *override_latency_s, *override_latency_s};
    }
    return {bytes_per_s, instance.network_latency_ms / 1000.0, instance.network_hop_us / 1e6};
}

// NCCL's latency model (NVIDIA/nccl@01afd20a src/graph/tuning.cc): a tree all-reduce crosses
// 2·log2(nodes) inter-node hops, a ring (the only algorithm for all-gather and reduce-scatter)
// one per node. Both are the measured 2-node figure at 2 nodes.
double allreduce_latency_s(const NetworkPath& path, int nodes)
{
    return nodes > 1 ? path.latency_s + 2.0 * (std::log2(static_cast<double>(nodes)) - 1.0) * path.hop_s : 0.0;
}

double ring_latency_s(const NetworkPath& path, int nodes)
{
    return nodes > 1 ? path.latency_s + (nodes - 2) * path.hop_s : 0.0;
}

// §3 NCCL's latency model inside a node (NVIDIA/nccl@01afd20a src/graph/tuning.cc): a ring
// all-reduce of n ranks takes baseLat + 2·(n − 1)·hwLat, with its fastest protocol (LL, which NCCL
// picks for small messages) baseLat 6.6 µs and hwLat 0.6 µs a step over NVLink, 1.0 µs over PCIe:
// 15 µs for 8 GPUs. Large messages are timed by their bytes; this is the floor that sets the pace of
// small ones (a tensor-parallel all-reduce of a short sequence, a small model's gradient buckets).
// Trainium's collectives are not NCCL: none charged there (no sourced figure).
double intra_node_allreduce_latency_s(const InstanceSpec& instance, int ranks)
{
    if (ranks <= 1 || instance.nvlink == "neuronlink") {
        return 0.0;
    }
    const bool nvlink = instance.nvlink == "nvswitch" || instance.nvlink == "nvlink";
    return (6.6 + 2.0 * (ranks - 1) * (nvlink ? 0.6 : 1.0)) * 1e-6;
}

double peak_of(const GpuSpec& gpu, const char* key)
{
    const auto it = gpu.peak_tflops.find(key);
    return it != gpu.peak_tflops.end() ? it->second : 0.0;
}

// §2 A GPU of a generation without an efficiency of its own in the fit (Ada, Turing, Ampere beside
// A100) takes A100's, scaled by the share of its datasheet peak its 16-bit matmuls are measured to
// reach against A100's in the same benchmark (profiles/gpus.json measured_matmul_tflops; zzc0721/torch-
// performance-test-data: A100-SXM4-80GB 264.53 of 312, L40S 269.15 of 362, L4 70.89 of 121 in bf16,
// T4 42.71 of 65 in fp16): PCIe cards held to 350, 72 or 70 W run below their boost clock under
// tensor load. 1 where nothing is measured.
constexpr double k_a100_measured_matmul_share = 264.53 / 312.0;

// The generations ModelConstants::tensor_efficiency_for gives an efficiency of their own (Blackwell: Hopper's).
bool own_efficiency(const std::string& generation)
{
    return generation == "volta" || generation == "hopper" || generation == "blackwell" || generation == "trainium";
}

double sustained_share(const GpuSpec& gpu)
{
    const bool fitted = own_efficiency(gpu.generation);
    const double peak = peak_of(gpu, "bf16") > 0 ? peak_of(gpu, "bf16") : peak_of(gpu, "fp16"); // T4: fp16, no bf16
    if (fitted || gpu.measured_matmul_tflops <= 0 || peak <= 0) {
        return 1.0;
    }
    return gpu.measured_matmul_tflops / peak / k_a100_measured_matmul_share;
}

// §2 Attention kernels reach their own fraction of the peak: FlashAttention-2 forward + backward
// 72 % of an A100 (225 TFLOP/s; Dao 2023, as quoted in Jack47/hack-SysML papers/transformer/
// flash-attention-2.md) but "only 35 % utilization on the H100" (Shah et al. 2024, FlashAttention-3
// abstract, viktor-shcherb/msc_thesis references/2024-12-flashattention-3/sections/00_overview.md).
// Blackwell takes H100's, as for its matmuls (ModelConstants::tensor_efficiency_for; the B200/H100
// ratio on one software stack, docs/model.md §2); other generations take A100's (stated).
// `attention_efficiency` (fitted) scales both.
double flash_attention_fraction(const GpuSpec& gpu)
{
    return (gpu.generation == "hopper" || gpu.generation == "blackwell" ? 0.35 : 0.72) * sustained_share(gpu);
}

bool is_simt(const GpuSpec& gpu, const std::string& precision)
{
    // fp32 runs on CUDA cores; so does every precision on GPUs without tensor cores for it.
    return precision == "fp32" || gpu.generation == "kepler";
}

// The dense peak at the job's precision, falling back to what the GPU supports.
double peak_tflops(const GpuSpec& gpu, const std::string& precision)
{
    double value = 0;
    if (precision == "fp8") {
        value = peak_of(gpu, "fp8");
    }
    if (value == 0 && precision == "bf16") {
        value = peak_of(gpu, "bf16");
    }
    if (value == 0 && precision != "fp32" && precision != "tf32") {
        value = peak_of(gpu, "fp16") != 0 ? peak_of(gpu, "fp16") : peak_of(gpu, "bf16");
    }
    if (value == 0 && precision == "tf32") {
        value = peak_of(gpu, "tf32");
    }
    return value != 0 ? value : peak_of(gpu, "fp32");
}

double activation_bytes(const std::string& precision)
{
    return precision == "fp32" || precision == "tf32" ? 4.0 : 2.0;
}

// Per-direction bandwidth between accelerators of one instance, bytes/s.
double intra_node_bytes_per_s(const InstanceSpec& instance)
{
    const GpuSpec* gpu = instance.gpu_spec;
    if ((instance.nvlink == "nvswitch" || instance.nvlink == "nvlink") && gpu != nullptr && gpu->nvlink_gb_s > 0) {
        return gpu->nvlink_gb_s / 2.0 * 1e9 * k_nvlink_efficiency;
    }
    if (instance.nvlink == "neuronlink") {
        return k_neuronlink_v2_gb_s / 2.0 * 1e9 * k_nvlink_efficiency;
    }
    double pcie = k_pcie4_gb_s;
    if (gpu != nullptr && (gpu->generation == "kepler" || gpu->generation == "turing" || gpu->generation == "volta")) {
        pcie = k_pcie4_gb_s / 2.0;
    } else if (gpu != nullptr && gpu->generation == "hopper") {
        pcie = k_pcie4_gb_s * 2.0;
    }
    return pcie * 1e9 * k_nvlink_efficiency;
}

// How the GPUs of a configuration divide the work (§2, §3).
struct Layout {
    int per_node = 0;
    int tensor = 1;
    int pipeline = 1;
    int model_parallel = 1;        ///< tensor x pipeline: GPUs that split the weights
    int context = 1;               ///< GPUs that split each sequence (context parallel)
    int expert = 1;                ///< GPUs that split each MoE layer's experts (expert parallel), within the replicas
    int expert_model_parallel = 1; ///< expert tensor x pipeline: GPUs that split each expert's weights
    int data_parallel = 1;         ///< groups that take their own samples: GPUs / (model_parallel x context)
    int replicas = 1;              ///< copies of each weight: data_parallel x context, the group ZeRO shards over and gradients are reduced over
    int zero_stage = 0;
    double global_batch = 0;
    double per_gpu_batch = 0;
};

Layout layout_of(const Workload& workload, const Config& config, const InstanceSpec& instance, Estimate& e)
{
    Layout l;
    const int count = std::max(1, config.count);
    l.per_node = config.gpus_per_instance > 0 ? std::min(config.gpus_per_instance, instance.gpu_count) : instance.gpu_count;
    e.instance_count = count;
    e.gpus = l.per_node * count;
    const Parallelism& par = config.parallelism;
    l.tensor = std::clamp(par.tensor, 1, std::max(1, l.per_node));
    l.pipeline = std::max(1, par.pipeline);
    l.model_parallel = l.tensor * l.pipeline;
    l.context = std::clamp(par.context, 1, std::max(1, e.gpus / l.model_parallel));
    l.data_parallel = std::max(1, e.gpus / (l.model_parallel * l.context));
    l.replicas = l.data_parallel * l.context;
    l.expert = workload.expert_params > 0 && !workload.frozen_base ? std::clamp(par.expert, 1, l.replicas) : 1; // not modelled with PEFT
    l.expert_model_parallel = (par.expert_tensor > 0 ? std::clamp(par.expert_tensor, 1, std::max(1, l.per_node)) : l.tensor) * l.pipeline;
    l.zero_stage = par.mode == "sharded" && par.zero_stage == 0 ? 3 : par.zero_stage;
    e.data_parallel = l.data_parallel;
    const double requested = workload.global_batch > 0 ? workload.global_batch : workload.per_gpu_batch * e.gpus;
    l.global_batch = std::max(requested, static_cast<double>(l.data_parallel));
    l.per_gpu_batch = l.global_batch / l.data_parallel;
    return l;
}

// One GPU's share of its instance's inter-node path, bytes/s: the all-to-alls and the context-parallel
// exchange leave each GPU at once, so the node's NIC is split among them.
double gpu_network_bytes_per_s(const Config& config, const Layout& l)
{
    return network_path(*config.instance, config.internode_gbps, config.internode_latency_s).bytes_per_s / std::max(1, l.per_node);
}

double cnn_activation_elements(const Workload& workload)
{
    return workload.activation_elements_per_sample > 0 ? workload.activation_elements_per_sample : workload.linear_flops_per_sample * k_cnn_elements_per_flop;
}

// Activations per GPU in GB at micro-batch `b` (§5): Korthikanti for transformers, plus the
// logits in fp32 (Megatron's estimator: 4·s·b·V/t with one pipeline stage); the stored tensors of
// a CNN or a diffusion denoiser at the activation precision (block inputs only when checkpointed).
double activation_gb(const Workload& workload, const Layout& l, double b)
{
    if (workload.transformer_blocks() && workload.hidden > 0 && workload.layers > 0 && workload.seq_len > 0) {
        // Context parallelism keeps s/cp tokens of each sequence per GPU.
        const std::int64_t tokens = std::max<std::int64_t>(1, workload.memory_seq_len() / l.context);
        double gb = transformer_activation_gb(
            tokens, b, workload.hidden, workload.heads, workload.layers, l.tensor, l.pipeline, workload.recompute, workload.flash_attention);
        if (l.pipeline == 1 && workload.vocab > 0) {
            gb += 4.0 * static_cast<double>(tokens) * b * static_cast<double>(workload.vocab) / l.tensor / 1e9;
        }
        return gb;
    }
    if ((workload.family == "cnn" || workload.family == "diffusion") && workload.linear_flops_per_sample > 0) {
        const double kept = workload.recompute ? k_checkpointed_conv_fraction : 1.0;
        return cnn_activation_elements(workload) * kept * activation_bytes(workload.precision) * b / l.model_parallel / 1e9;
    }
    return 0;
}

// §5 Memory: model states under ZeRO and model parallelism, plus activations at the largest
// micro-batch that fits (halving from the per-GPU batch) or the one given.
void estimate_memory(const Workload& workload, const Config& config, const Layout& l, Estimate& e)
{
    const InstanceSpec& instance = *config.instance;
    if ((workload.params <= 0 && workload.embedding_rows <= 0) || !workload.deep || l.per_node <= 0) {
        return;
    }
    const Parallelism& par = config.parallelism;
    e.state_gb = training_state_gb_per_gpu(workload, l.zero_stage, l.replicas, l.model_parallel, l.expert, l.expert_model_parallel);
    const double usable = k_usable_gpu_memory * instance.gpu_memory_gb;
    double micro = par.micro_batch > 0 ? par.micro_batch : std::max(1.0, l.pipeline > 1 ? 1.0 : std::floor(l.per_gpu_batch));
    while (par.micro_batch <= 0 && micro > 1 && e.state_gb + activation_gb(workload, l, micro) > usable) {
        micro = std::ceil(micro / 2.0);
    }
    e.micro_batch = static_cast<int>(micro);
    e.activation_gb = activation_gb(workload, l, micro);
    e.memory_per_gpu_gb = e.state_gb + e.activation_gb;
    e.memory_known = true;
    e.fits = e.memory_per_gpu_gb <= usable;
}

// §2 Seconds of one sample's attention-score FLOPs (forward and backward) on one GPU, at
// FlashAttention's fraction of the 16-bit peak.
double attention_seconds(const Workload& workload, const GpuSpec& gpu, const EstimateOptions& options)
{
    const double peak = peak_tflops(gpu, workload.precision == "fp8" ? "bf16" : workload.precision);
    const double hardware = workload.recompute ? k_recompute_factor : 1.0;
    const double rate = flash_attention_fraction(gpu) * options.constants.attention_efficiency * options.efficiency_scale * peak * 1e12;
    return rate > 0 ? hardware * 3.0 * workload.attention_flops_per_sample / rate : 0.0;
}

// §2 The precision the GPU computes in: PyTorch runs fp32 convolutions as TF32 on Ampere and later
// (torch.backends.cudnn.allow_tf32 defaults to True); fp32 matmuls stay fp32
// (torch.backends.cuda.matmul.allow_tf32 defaults to False since PyTorch 1.12). docs/model.md §2.
std::string effective_precision(const Workload& workload, const GpuSpec& gpu)
{
    return workload.precision == "fp32" && workload.family == "cnn" && peak_of(gpu, "tf32") > 0 ? "tf32" : workload.precision;
}

// §2 The fitted share of the peak a GPU's matmuls reach at the job's precision (tensor cores or CUDA cores).
double base_efficiency(const Workload& workload, const GpuSpec& gpu, const ModelConstants& k)
{
    return is_simt(gpu, effective_precision(workload, gpu)) ? k.simt_efficiency : k.tensor_efficiency_for(gpu.generation) * sustained_share(gpu);
}

// §2 Seconds of one sample's training on one GPU: FLOPs at the achievable fraction of the peak
// (linear layers and attention each at their own efficiency), plus the HBM traffic of the
// memory-bound kernels.
double sample_seconds(const Workload& workload, const GpuSpec& gpu, const EstimateOptions& options, Estimate& e)
{
    const ModelConstants& k = options.constants;
    const std::string precision = effective_precision(workload, gpu);
    e.tf32 = precision != workload.precision;
    const bool simt = is_simt(gpu, precision);
    e.peak_tflops = peak_tflops(gpu, precision);
    const double base = base_efficiency(workload, gpu, k);
    e.efficiency = base * options.efficiency_scale;
    const double linear_efficiency = e.efficiency * (precision == "fp8" ? k.fp8_efficiency : 1.0);
    // Transformer Engine's FP8 covers the linear layers; attention stays at the 16-bit peak.
    const double attention_peak = precision == "fp8" ? peak_tflops(gpu, "bf16") : e.peak_tflops;
    const double hardware = workload.recompute ? k_recompute_factor : 1.0;
    // Diffusion's frozen encoders run forward once, outside the checkpointed denoiser.
    const double flop_s = hardware *
            (workload.linear_train_factor() * workload.linear_flops_per_sample / (linear_efficiency * e.peak_tflops * 1e12) +
                3.0 * workload.attention_flops_per_sample /
                    (flash_attention_fraction(gpu) * k.attention_efficiency * options.efficiency_scale * attention_peak * 1e12)) +
        workload.frozen_forward_flops_per_sample / (linear_efficiency * e.peak_tflops * 1e12);
    const double bandwidth = gpu.mem_bandwidth_gb_s * 1e9;
    const double act_bytes = activation_bytes(precision);
    double memory_s = 0;
    if (workload.family == "cnn") {
        // Tensor-core CNNs off the 16-bit NHWC path pay extra passes (§2): NCHW tensors (PyTorch's
        // default), which cuDNN transposes to NHWC and back around each convolution, and TF32 in
        // any layout (TensorFlow 2's NHWC TF32 runs as slow as PyTorch's NCHW TF32: measured).
        const bool slow_path = !simt && (!workload.channels_last || precision == "tf32");
        const double passes = k.cnn_traffic + (slow_path ? k.cnn_slow_path_traffic : 0.0);
        memory_s = passes * cnn_activation_elements(workload) * act_bytes / bandwidth;
    } else if (workload.transformer_blocks() && workload.hidden > 0 && workload.layers > 0) {
        const double tokens = static_cast<double>(std::max<std::int64_t>(workload.seq_len, 1));
        memory_s = k.transformer_traffic * 34.0 * static_cast<double>(workload.hidden * workload.layers) * act_bytes * tokens / bandwidth;
    } else if (workload.embedding_rows > 0) {
        // Embedding lookups are bound by HBM, not FLOPs: each row read, then read and written by the update.
        memory_s = k_embedding_row_passes * workload.lookups_per_sample * workload.embedding_dim * k_embedding_value_bytes / bandwidth;
    }
    return flop_s + memory_s / std::max(options.efficiency_scale, 1e-9);
}

// §3 Gradient synchronisation of data parallelism (ZeRO 0-2): a hierarchical all-reduce, over
// NVLink/PCIe inside a node, then NCCL between nodes with one latency per DDP bucket.
double data_parallel_seconds(const Workload& workload, const Config& config, const Layout& l, double shard_bytes, Estimate& e)
{
    const InstanceSpec& instance = *config.instance;
    const int shards_per_node = std::min(l.per_node, l.model_parallel);
    const int replicas_in_node = std::max(1, l.per_node / shards_per_node);
    const int node_replicas = std::max(1, l.replicas / replicas_in_node);
    double seconds = 0;
    if (replicas_in_node > 1) {
        seconds += ring_allreduce_bytes(shard_bytes, replicas_in_node) / intra_node_bytes_per_s(instance);
    }
    if (node_replicas > 1) {
        const NetworkPath path = network_path(instance, config.internode_gbps, config.internode_latency_s);
        const double node_bytes = shard_bytes * shards_per_node;
        const double buckets = std::ceil(shard_bytes / k_ddp_bucket_bytes);
        const double latency = buckets * allreduce_latency_s(path, node_replicas);
        seconds += ring_allreduce_bytes(node_bytes, node_replicas) / path.bytes_per_s + latency;
        e.comm_latency_ms_per_step = latency * 1000.0;
    }
    (void)workload;
    return seconds;
}

// §3 ZeRO-3 / FSDP: per micro-batch, every block's parameters are gathered twice and its
// gradients reduce-scattered. Each node's NIC carries (n−1)/n of the bytes of each collective
// once (NCCL rings cross each node boundary once per channel), each GPU's NVLink the same; ring
// latency grows with the nodes crossed.
double sharded_seconds(const Workload& workload, const Config& config, const Layout& l, double shard_bytes, double micro_batches, Estimate& e)
{
    const InstanceSpec& instance = *config.instance;
    const int nodes = std::max(1, config.count);
    const double fraction = static_cast<double>(l.replicas - 1) / l.replicas;
    const double volume = k_zero3_collectives_per_layer * fraction * shard_bytes;
    double link_s = volume / intra_node_bytes_per_s(instance);
    double latency = 0;
    if (nodes > 1) {
        const NetworkPath path = network_path(instance, config.internode_gbps, config.internode_latency_s);
        link_s = std::max(link_s, volume / path.bytes_per_s);
        const double layers = workload.layers > 0 ? static_cast<double>(workload.layers) : std::ceil(shard_bytes / k_ddp_bucket_bytes);
        latency = k_zero3_collectives_per_layer * layers * ring_latency_s(path, nodes);
    }
    e.comm_latency_ms_per_step = latency * micro_batches * 1000.0;
    return (link_s + latency) * micro_batches;
}

// §3 Context parallelism (Megatron-LM's context_parallel_size, ring attention): each GPU keeps
// s/cp tokens and, per layer, receives the other cp − 1 chunks of keys and values in the forward
// pass, again in the backward pass while sending their gradients back (3 exchanges; 4 with
// recomputation). Keys and values at full width (grouped-query attention would move less: an upper
// bound). The exchange runs beside the blockwise attention, so only what exceeds the attention's
// own time is exposed. Over NVLink when tensor x context fits a node, else through the GPU's share
// of the instance network.
double context_parallel_seconds(const Workload& workload, const Config& config, const Layout& l, const EstimateOptions& options)
{
    const InstanceSpec& instance = *config.instance;
    if (workload.hidden <= 0 || workload.layers <= 0 || workload.seq_len <= 0 || instance.gpu_spec == nullptr) {
        return 0;
    }
    const double chunk_bytes =
        2.0 * static_cast<double>(workload.seq_len) / l.context * static_cast<double>(workload.hidden) * activation_bytes(workload.precision) / l.tensor;
    const double exchanges = workload.recompute ? 4.0 : 3.0;
    const double bytes = exchanges * static_cast<double>(workload.layers) / l.pipeline * (l.context - 1) * chunk_bytes;
    const bool in_node = l.tensor * l.context <= l.per_node;
    const double link = in_node ? intra_node_bytes_per_s(instance) : gpu_network_bytes_per_s(config, l);
    const double attention_s = attention_seconds(workload, *instance.gpu_spec, options) / (l.model_parallel * l.context);
    return std::max(0.0, bytes / link - attention_s);
}

// §2 QLoRA (Dettmers et al. 2023, arXiv:2305.14314 §3): the frozen base is stored in NF4 and
// dequantised to the 16-bit computation type for the forward and the backward pass, so every
// micro-batch reads each quantised weight and writes its 16-bit copy twice (forward, and backward
// for the input gradient; three times with recomputation). Seconds per micro-batch on one GPU of
// the model-parallel group, at the HBM peak (a lower bound: no kernel reaches it). A frozen base
// in 16 bits is used as stored: no term.
double dequantise_seconds(const Workload& workload, const GpuSpec& gpu, const Layout& l)
{
    if (!workload.frozen_base || workload.frozen_bytes_per_param >= 2.0 || gpu.mem_bandwidth_gb_s <= 0 || workload.params <= 0) {
        return 0.0;
    }
    const double passes = workload.recompute ? 3.0 : 2.0;
    const double bytes = passes * (workload.params / l.model_parallel) * (workload.frozen_bytes_per_param + 2.0);
    return bytes / (gpu.mem_bandwidth_gb_s * 1e9);
}

// §2 Weight traffic: every micro-batch's GEMMs read each weight the GPU holds from HBM, in the
// forward pass and again in the backward pass for the input gradient (once more with
// recomputation), and the weight gradient is accumulated into an fp32 buffer, read and written
// (Megatron-LM's gradient_accumulation_fusion, wgrad_gemm_accum_fp32 into main_grad,
// megatron/core/tensor_parallel/layers.py; PyTorch DDP accumulates .grad the same way). Weights
// do not fit the GPU's cache, so the bytes are paid whatever the tokens: small micro-batches and
// mixtures of experts, whose GPUs hold many expert weights for few tokens each, feel it. Seconds
// per micro-batch at the HBM peak (a lower bound). A frozen base is read in 16 bits and has no
// gradient (a QLoRA base's 16-bit copies, on top of dequantise_seconds' making them); embedding
// tables are looked up, not read whole.
double weight_traffic_seconds(const Workload& workload, const GpuSpec& gpu, const Layout& l)
{
    if (gpu.mem_bandwidth_gb_s <= 0 || workload.params <= 0 || workload.embedding_rows > 0) {
        return 0.0;
    }
    const double weight_bytes = activation_bytes(workload.precision) == 4.0 ? 4.0 : 2.0;
    const double reads = workload.recompute ? 3.0 : 2.0;
    const double trained = workload.frozen_base ? workload.trainable_params : workload.params;
    const double frozen = workload.frozen_base ? workload.params - workload.trainable_params : 0.0;
    const double experts = workload.frozen_base ? 0.0 : workload.expert_params;
    const double held = (trained - experts) / l.model_parallel + experts / (static_cast<double>(l.expert) * l.expert_model_parallel);
    const double bytes = held * (reads * weight_bytes + k_grad_accumulate_bytes) + frozen / l.model_parallel * reads * weight_bytes;
    return bytes / (gpu.mem_bandwidth_gb_s * 1e9);
}

// §3 Recommendation: the pooled embeddings of each sample go all-to-all from the GPUs holding the
// tables to the GPU training the sample, and their gradients back (DLRM, Naumov et al. 2019,
// arXiv:1906.00091 §4: tables model parallel, MLPs data parallel). Per step each GPU sends and
// receives (n − 1)/n of its samples' embeddings twice; the share bound for other nodes goes through
// the GPU's share of the instance network, the rest over NVLink/PCIe, the two at once. On the
// critical path (the forward needs them; the backward's update waits for them): not overlapped.
double embedding_exchange_seconds(const Workload& workload, const Config& config, const Layout& l)
{
    const InstanceSpec& instance = *config.instance;
    const int gpus = l.per_node * std::max(1, config.count);
    if (workload.embedding_rows <= 0 || workload.sparse_features <= 0 || gpus <= 1) {
        return 0;
    }
    const double bytes = 2.0 * l.per_gpu_batch * workload.sparse_features * workload.embedding_dim * k_embedding_value_bytes;
    const double in_node = bytes * (l.per_node - 1) / gpus / intra_node_bytes_per_s(instance);
    double between = 0;
    if (config.count > 1) {
        const double latency_s = network_path(instance, config.internode_gbps, config.internode_latency_s).latency_s;
        between = bytes * (gpus - l.per_node) / gpus / gpu_network_bytes_per_s(config, l) + 2.0 * latency_s;
    }
    return std::max(in_node, between);
}

// §3 Expert parallelism (Megatron-LM's expert_model_parallel_size, GShard): each MoE layer sends
// every token to its top-k experts and back, in the forward and again in the backward pass (4
// all-to-alls per layer, 6 with recomputation), each copy a token's hidden activations. Of the k
// copies, (ep − 1)/ep leave the GPU: those for the GPUs of its own node over NVLink, the others
// through the GPU's share of the instance network, both legs at once. NCCL's all-to-all sends every
// copy; DeepEP (training.moe_dispatcher "deepep") sends a token once to each other node holding one
// of its experts, which forwards it over NVLink (deepseek-ai/DeepEP: one network token carries the
// bitmask of the NVLink ranks that need it). With the E experts spread evenly over n nodes, a token's
// k experts miss a given other node with probability C(E − E/n, k)/C(E, k), so it crosses to
// (n − 1)·(1 − that) nodes (derived). Seconds per micro-batch on one GPU, at the busiest GPU's load
// (capacity factor, §3), not overlapped with compute (stated).
double expert_exchange_seconds(const Workload& workload, const Config& config, const Layout& l, double micro)
{
    const InstanceSpec& instance = *config.instance;
    if (l.expert <= 1 || workload.hidden <= 0 || workload.layers <= 0 || workload.seq_len <= 0) {
        return 0;
    }
    const double tokens = micro * static_cast<double>(workload.seq_len) / l.context / l.tensor;
    const double copy_bytes = workload.expert_capacity_factor * tokens * static_cast<double>(workload.hidden) * activation_bytes(workload.precision);
    const double ep = l.expert;
    const double local = std::min<double>(ep, std::max(1, l.per_node)); // GPUs of the expert group on this node
    const double k = workload.experts_per_token;
    double nvlink_copies = k * (local - 1.0) / ep;
    double network_copies = k * (ep - local) / ep;
    if (workload.expert_dispatch_per_node && network_copies > 0 && workload.experts >= k) {
        const double nodes = std::ceil(ep / local);
        double miss = 1.0;
        for (int i = 0; i < static_cast<int>(k); ++i) {
            miss *= std::max(0.0, workload.experts - workload.experts / nodes - i) / (workload.experts - i);
        }
        nvlink_copies += network_copies; // forwarded on the destination node
        network_copies = (nodes - 1.0) * (1.0 - miss);
    }
    const double exchanges = (workload.recompute ? 6.0 : 4.0) * static_cast<double>(workload.layers) / l.pipeline;
    const double nvlink_s = nvlink_copies * copy_bytes / intra_node_bytes_per_s(instance);
    const double network_s = network_copies > 0 ? network_copies * copy_bytes / gpu_network_bytes_per_s(config, l) : 0.0;
    return exchanges * std::max(nvlink_s, network_s);
}

// §3 Routing imbalance under expert parallelism: the step waits for the GPU whose experts drew
// the most tokens, (capacity factor − 1) more expert FLOPs than the average, per sample.
double expert_imbalance_seconds(const Workload& workload, const Layout& l, const Estimate& e, const EstimateOptions& options)
{
    if (l.expert <= 1 || workload.experts <= 0 || workload.seq_len <= 0 || e.efficiency <= 0 || e.peak_tflops <= 0) {
        return 0;
    }
    const double hardware = workload.recompute ? k_recompute_factor : 1.0;
    const double fp8 = workload.precision == "fp8" ? options.constants.fp8_efficiency : 1.0;
    const double expert_flops = 2.0 * workload.experts_per_token * workload.expert_params / workload.experts * static_cast<double>(workload.seq_len);
    return hardware * workload.linear_train_factor() * expert_flops * (workload.expert_capacity_factor - 1.0) / (e.efficiency * fp8 * e.peak_tflops * 1e12) /
        l.model_parallel;
}

// §3 Pipeline stage balance: the slowest stage sets every micro-batch's pace. The layers split
// evenly over the p stages and the output layer (V·h parameters, 2·V·h FLOPs a token forward) runs
// on the last, r layers' worth. Megatron-Core's --account-for-embedding-in-pipeline-split and
// --account-for-loss-in-pipeline-split give the embedding and the output layer a layer's place each
// in the split (Parallelism::head_in_pipeline_split), so the last stage holds one layer fewer.
// Decoder-only stacks; an encoder-decoder's split is not modelled (its FLOPs count two stacks).
// Returns the slowest stage's work over an even share of all of it (1 = balanced).
double pipeline_stage_balance(const Workload& workload, const Config& config, const Layout& l)
{
    if (l.pipeline <= 1 || workload.family != "transformer" || workload.vocab <= 0 || workload.hidden <= 0 || workload.layers <= 0 || workload.seq_len <= 0) {
        return 1.0;
    }
    const double head = static_cast<double>(workload.vocab) * static_cast<double>(workload.hidden);
    const double per_token = workload.linear_flops_per_sample / (2.0 * static_cast<double>(workload.seq_len)); // parameters a token passes
    const double layers = static_cast<double>(workload.layers);
    const double layer = (per_token - head) / layers;
    if (layer <= 0) {
        return 1.0;
    }
    const double r = head / layer;
    const double p = l.pipeline;
    const double slots = config.parallelism.head_in_pipeline_split ? 2.0 : 0.0;
    const double middle = (layers + slots) / p;
    const double last = middle - slots / 2.0 + r;
    return std::max(middle, last) / ((layers + r) / p);
}

// §2-§3 The GPU path: compute per group, tensor-parallel all-reduces, the pipeline bubble, and
// the data-parallel or sharded collectives with their overlap.
void estimate_gpu_path(const Workload& workload, const Config& config, const Layout& l, const EstimateOptions& options, Estimate& e)
{
    const InstanceSpec& instance = *config.instance;
    const GpuSpec& gpu = *instance.gpu_spec;
    const double hardware = workload.recompute ? k_recompute_factor : 1.0;
    double group_s = sample_seconds(workload, gpu, options, e) / l.model_parallel * pipeline_stage_balance(workload, config, l);
    group_s += expert_imbalance_seconds(workload, l, e, options);
    const double act_bytes = activation_bytes(workload.precision);
    // Tensor parallel: 4 all-reduces of the layer's activations per layer (2 forward, 2
    // backward; Megatron), over the intra-node link, not overlapped unless the job says
    // `--tp-comm-overlap` (Transformer Engine splits each GEMM into chunks and moves one chunk's
    // activations while the next computes: only what outlasts the compute is exposed).
    // Each all-reduce also pays NCCL's latency once per micro-batch, whatever its size.
    const double micro = std::max(1, e.micro_batch > 0 ? e.micro_batch : 1);
    if (l.tensor > 1 && workload.hidden > 0 && workload.layers > 0) {
        const double tokens = static_cast<double>(std::max<std::int64_t>(workload.seq_len, 1));
        const double bytes = ring_allreduce_bytes(tokens * static_cast<double>(workload.hidden) * act_bytes, l.tensor);
        const double tp_s = hardware * 4.0 * static_cast<double>(workload.layers) / l.pipeline *
            (bytes / intra_node_bytes_per_s(instance) + intra_node_allreduce_latency_s(instance, l.tensor) / micro);
        group_s += workload.tp_comm_overlap ? std::max(0.0, tp_s - group_s) : tp_s;
    }
    if (l.context > 1) {
        group_s = group_s / l.context + context_parallel_seconds(workload, config, l, options);
    }
    // With Megatron-Core's --overlap-moe-expert-parallel-comm the 1F1B schedule runs one micro-batch's
    // forward beside another's backward, and each one's all-to-alls hide under the other's compute:
    // only what outlasts the compute is exposed.
    const double expert_s = expert_exchange_seconds(workload, config, l, micro) / micro;
    group_s += (dequantise_seconds(workload, gpu, l) + weight_traffic_seconds(workload, gpu, l)) / micro +
        (workload.expert_exchange_overlap ? std::max(0.0, expert_s - group_s) : expert_s);
    e.compute_samples_per_sec = l.data_parallel / group_s;
    const double micro_batches = std::max(1.0, l.per_gpu_batch / micro);
    // Pipeline bubble (Narayanan et al. 2021): (p − 1)/m of the ideal time, m micro-batches per
    // pipeline; the interleaved schedule's v model chunks per GPU divide it by v (their §2.2.2),
    // at most one chunk per layer.
    if (l.pipeline > 1) {
        const double chunks = workload.layers > 0
            ? std::min<double>(workload.virtual_pipeline, std::max<double>(1.0, std::floor(static_cast<double>(workload.layers) / l.pipeline)))
            : workload.virtual_pipeline;
        e.pipeline_bubble = (l.pipeline - 1) / (chunks * micro_batches);
    }
    const double step_compute_s = l.global_batch / e.compute_samples_per_sec * (1.0 + e.pipeline_bubble);
    double comm_s = 0;
    // Gradient sync overlaps the backward of the last micro-batch only (DDP's no_sync() and
    // DeepSpeed defer it to the accumulation boundary), or none of it when the code all-reduces
    // after accumulating.
    double window = k_backward_share * step_compute_s / micro_batches;
    if (config.parallelism.sync_after_accumulation && micro_batches > 1) {
        window = 0;
    }
    // Megatron's distributed optimizer with `--overlap-param-gather`: the gradients' reduce-scatter
    // (half the all-reduce's bytes) runs under the last micro-batch's backward, the updated
    // parameters' all-gather (the other half) under the next step's first forward.
    const bool split_overlap = workload.overlap_param_gather && l.zero_stage >= 1 && l.zero_stage <= 2;
    if (l.replicas > 1 && workload.params > 0) {
        // With expert parallelism each GPU holds (and synchronises) 1/ep of the experts.
        const double held_params = workload.params - workload.expert_params + workload.expert_params / l.expert;
        const double bytes_per_param = act_bytes == 4.0 ? 4.0 : 2.0;
        if (l.zero_stage == 3) { // FSDP gathers every weight, frozen or not (an upper bound for PEFT: only the adapters' gradients are reduced)
            comm_s = sharded_seconds(workload, config, l, held_params / l.model_parallel * bytes_per_param, micro_batches, e);
            window = step_compute_s; // prefetch during forward and backward
        } else {                     // DDP all-reduces the gradients: with PEFT only the adapters have any
            const double synced = workload.frozen_base ? workload.trainable_params : held_params;
            comm_s = data_parallel_seconds(workload, config, l, synced / l.model_parallel * bytes_per_param, e);
        }
    }
    const double exchange_s = embedding_exchange_seconds(workload, config, l);
    e.comm_ms_per_step = (comm_s + exchange_s) * 1000.0;
    const double micro_s = step_compute_s / micro_batches;
    const double exposed_s = split_overlap
        ? std::max(0.0, comm_s / 2.0 - k_backward_share * micro_s) + std::max(0.0, comm_s / 2.0 - (1.0 - k_backward_share) * micro_s)
        : std::max(0.0, comm_s - window);
    e.exposed_comm_ms_per_step = (exposed_s + exchange_s) * 1000.0;
    e.network_samples_per_sec = l.global_batch / (step_compute_s + e.exposed_comm_ms_per_step / 1000.0);
}

// §10 Gradient boosting: one pass of training (all trees) in gbdt_train_seconds().
void estimate_gbdt(const Workload& workload, const Config& config, const EstimateOptions& options, Estimate& e)
{
    const InstanceSpec& instance = *config.instance;
    if (instance.gpu_spec != nullptr && instance.gpu_spec->vendor != "nvidia") {
        e.gpus = 0; // Trainium or Inferentia: the trees are built on the host's CPUs (gbdt_train_seconds)
    }
    const double cores = std::max(1.0, instance.vcpus / 2.0); // physical cores: GBM-perf runs without hyperthreads
    // A measured run scales the whole time (efficiency_scale: calibrate_to_observed), as it scales a
    // GPU's efficiency: the rate per core differs by CPU generation, which the catalogue does not give.
    const double seconds =
        gbdt_train_seconds(workload, cores, instance.gpu_spec, instance.gpu_count, config.count, options.constants) / std::max(options.efficiency_scale, 1e-9);
    if (seconds > 0) {
        e.compute_samples_per_sec = workload.samples_per_epoch / seconds;
        e.network_samples_per_sec = e.compute_samples_per_sec;
    }
}

// §4 Input supply and CPU preparation.
void estimate_input(const Workload& workload, const Config& config, const StorageFacts& storage, Estimate& e)
{
    const auto supply = model_detail::storage_supply(workload, config, storage);
    e.storage_mb_s = supply.mb_s;
    e.storage_available = supply.available;
    e.storage_note = supply.note;
    if (workload.mb_per_sample > 0 && (e.storage_mb_s > 0 || !supply.available)) {
        e.input_samples_per_sec = e.storage_mb_s / workload.mb_per_sample;
        e.input_known = true;
    }
    e.page_cache = supply.available && model_detail::fits_page_cache(workload, config);
    if (workload.cpu_ms_per_sample > 0) {
        const int per_node = e.gpus / std::max(1, e.instance_count);
        const int workers = loader_workers_per_instance(workload, *config.instance, per_node);
        e.cpu_samples_per_sec = static_cast<double>(workers) * e.instance_count * 1000.0 / workload.cpu_ms_per_sample;
        e.cpu_known = true;
    }
}

// §4 The slowest stage sets the pace. With the dataset in the page cache only the first epoch
// reads from storage: the run's rate is the samples over the first epoch's time (storage-bound or
// not) plus the later epochs' (GPU or CPU-bound).
void combine(const Workload& workload, const EstimateOptions& options, Estimate& e)
{
    // A GPU without a peak for the job's precision leaves the compute rate unknown (0/0): no GPU path.
    double steady = std::isfinite(e.network_samples_per_sec) && e.network_samples_per_sec > 0 ? e.network_samples_per_sec : 0.0;
    const bool gpu_path = steady > 0;
    // Gradient boosting on an instance without GPUs computes its trees on the CPUs.
    e.bottleneck = !gpu_path ? Bottleneck::None : (workload.family == "gbdt" && e.gpus == 0 ? Bottleneck::Cpu : Bottleneck::Gpu);
    if (gpu_path && e.exposed_comm_ms_per_step > 0 && steady < 0.7 * e.compute_samples_per_sec) {
        e.bottleneck = Bottleneck::Network; // GPUs below Debugger's 70 % (GPU-001) because of communication
    }
    if (gpu_path && e.cpu_known && e.cpu_samples_per_sec < steady) {
        steady = e.cpu_samples_per_sec;
        e.bottleneck = Bottleneck::Cpu;
    }
    double rate = steady;
    if (gpu_path && e.input_known && e.input_samples_per_sec < steady) {
        const double epochs = workload.samples_per_epoch > 0 ? workload.samples_per_run / workload.samples_per_epoch : 1.0;
        if (e.page_cache && epochs > 1 && e.input_samples_per_sec > 0) {
            const double first = 1.0 / e.input_samples_per_sec;
            const double later = (epochs - 1.0) / steady;
            rate = epochs / (first + later);
            if (first > later) {
                e.bottleneck = Bottleneck::Io;
            }
        } else {
            rate = e.input_samples_per_sec;
            e.bottleneck = Bottleneck::Io;
        }
    }
    if (e.memory_known && !e.fits) {
        e.bottleneck = Bottleneck::Memory;
    }
    if (options.observed_samples_per_sec > 0) {
        rate = options.observed_samples_per_sec;
    }
    e.throughput_known = std::isfinite(rate) && rate > 0;
    e.samples_per_sec = e.throughput_known ? rate : 0.0;
}

void finish(const Workload& workload, const Config& config, const Catalogue& catalogue, const EstimateOptions& options, Estimate& e)
{
    const InstanceSpec& instance = *config.instance;
    const double rate = e.samples_per_sec;
    const double train_flops = workload.train_flops_per_sample();
    // Gradient boosting reads its data once into memory (XGBoost's DMatrix, LightGBM's Dataset) and
    // builds every tree from there: the download or load is timed, no storage rate is needed after it.
    if (workload.family != "gbdt" && workload.mb_per_sample > 0 && e.network_samples_per_sec > 0) {
        e.required_input_mb_s = e.network_samples_per_sec * workload.mb_per_sample;
    }
    if (e.throughput_known) {
        e.tokens_per_sec = workload.seq_len > 0 ? rate * static_cast<double>(workload.seq_len) : 0;
        if (e.gpus > 0 && train_flops > 0) {
            e.tflops_per_gpu = rate * train_flops / e.gpus / 1e12;
            e.mfu = e.peak_tflops > 0 ? e.tflops_per_gpu / e.peak_tflops : 0;
        }
        if (e.gpus > 0 && (train_flops > 0 || workload.family == "gbdt")) { // gbdt: XGBoost's GPU hist
            e.gpu_util_pct = e.compute_samples_per_sec > 0 ? std::min(100.0, 100.0 * rate / e.compute_samples_per_sec) : 0;
        }
        const double global_batch = workload.global_batch > 0 ? workload.global_batch : workload.per_gpu_batch * e.gpus;
        e.step_time_ms = std::max(global_batch, 1.0) / rate * 1000.0;
    }
    // Start-up (§6): File-mode download per instance; FSx lazy load of the first epoch from S3.
    const int count = e.instance_count;
    const StorageFacts& storage = catalogue.storage_facts;
    if (config.storage == "s3" && config.input_mode == "file") {
        const double share = workload.sharded_by_key ? count : 1.0;
        e.download_minutes = file_mode_download_minutes(workload.dataset_gb / share, workload.num_files / share, storage);
    }
    if (config.storage == "fsx-lustre" && !config.fsx_holds_data && e.throughput_known && workload.mb_per_sample > 0) {
        const double from_s3 = count * model_detail::s3_stream_mb_s(instance, workload, storage, true);
        const double dataset_mb = workload.dataset_gb * 1000.0;
        const double consumed = rate * workload.mb_per_sample;
        e.lazy_load_minutes = from_s3 > 0 ? std::max(0.0, dataset_mb / from_s3 - dataset_mb / consumed) / 60.0 : 0.0;
    }
    e.startup_minutes = e.download_minutes + e.lazy_load_minutes;
    // Time and cost (§7): one run; instances at the SageMaker price (EC2 × mark-up when not sourced).
    if (e.throughput_known && workload.samples_per_run > 0) {
        e.hours = workload.samples_per_run / rate / 3600.0 + e.startup_minutes / 60.0;
        e.gpu_hours = e.hours * e.gpus;
        if (const auto price = instance.hourly_price(options.platform, catalogue.sagemaker_markup, &e.price_estimated)) {
            e.cost_known = true;
            e.cost_usd = e.hours * count * *price;
            e.spot = estimate_spot(instance, count, e.hours, e.startup_minutes, *price);
        }
    }
}

} // namespace

std::optional<SpotEstimate> estimate_spot(const InstanceSpec& instance, int count, double hours, double startup_minutes, double hourly_price)
{
    const auto bracket = instance.spot_interruption_bounds();
    if (!instance.spot_savings_pct || !bracket || count < 1 || !(hours > 0)) {
        return std::nullopt;
    }
    SpotEstimate spot;
    spot.savings_pct = *instance.spot_savings_pct;
    spot.interruption = instance.spot_interruption;
    if (!bracket->high) {
        spot.capacity_risk = true;
        return spot;
    }
    spot.expected_interruptions = count * *bracket->high * std::max(1.0, hours / k_hours_per_month);
    // Each interruption loses half a checkpoint interval of work, and never more than half the run
    // (a 20-minute run has no 30-minute interval to lose), plus a restart.
    spot.loses_half_the_run = hours < k_spot_checkpoint_interval_hours;
    spot.overhead_hours = spot.expected_interruptions * (std::min(k_spot_checkpoint_interval_hours, hours) / 2.0 + startup_minutes / 60.0);
    spot.hours = hours + spot.overhead_hours;
    spot.cost_usd = spot.hours * count * hourly_price * (1.0 - spot.savings_pct / 100.0);
    return spot;
}

double ModelConstants::tensor_efficiency_for(const std::string& generation) const
{
    // Per generation where calibration rows exist (docs/model.md §8). Blackwell, without rows in
    // the fit, takes Hopper's: tensor cores faster again for the memory beside them, the fraction a
    // generation reaches falls (A100 -> H100 in the rows); checked against NeMo's B200 and H100
    // tables, docs/model.md §2. Ada and Turing take A100's, which base_efficiency
    // scales by a GPU's measured matmul share where one is sourced (sustained_share, §2).
    if (!own_efficiency(generation)) {
        return tensor_efficiency;
    }
    if (generation == "volta") {
        return tensor_efficiency_volta;
    }
    if (generation == "hopper" || generation == "blackwell") {
        return tensor_efficiency_hopper;
    }
    return tensor_efficiency_trainium;
}

const char* bottleneck_name(Bottleneck bottleneck)
{
    switch (bottleneck) {
    case Bottleneck::Gpu:
        return "gpu";
    case Bottleneck::Io:
        return "io";
    case Bottleneck::Cpu:
        return "cpu";
    case Bottleneck::Network:
        return "network";
    case Bottleneck::Memory:
        return "memory";
    case Bottleneck::None:
        break;
    }
    return "none";
}

double ring_allreduce_bytes(double bytes, int ranks)
{
    return ranks <= 1 ? 0.0 : 2.0 * (ranks - 1) / ranks * bytes;
}

double allreduce_seconds(double bytes, const InstanceSpec& instance, int nodes, double override_gbps)
{
    // One NCCL all-reduce between nodes: the per-node NIC carries 2(n−1)/n of the buffer.
    const NetworkPath path = network_path(instance, override_gbps);
    return ring_allreduce_bytes(bytes, nodes) / path.bytes_per_s + allreduce_latency_s(path, nodes);
}

double gbdt_train_seconds(const Workload& workload, double physical_cores, const GpuSpec* gpu, int gpus, int instances, const ModelConstants& k)
{
    const double rows = workload.samples_per_epoch;
    if (rows <= 0 || workload.gbdt_features <= 0 || workload.gbdt_trees <= 0 || workload.gbdt_depth <= 0 || workload.gbdt_library == "sklearn") {
        return 0;
    }
    // Histogram building touches every (row, feature) once per tree level (docs/model.md §10).
    const double work = rows * workload.gbdt_features * workload.gbdt_depth;
    const double nodes = std::max(1, instances);
    // XGBoost's GPU hist is CUDA: NVIDIA GPUs only (XGBoost docs, "GPU Support"); on Trainium or
    // Inferentia the trees are built on the host's CPUs.
    if (gpu != nullptr && gpus > 0 && gpu->vendor == "nvidia" && workload.gbdt_library != "lightgbm") {
        return workload.gbdt_trees * (k.gbdt_gpu_tree_s + work / (k.gbdt_gpu_rate * gpus * nodes));
    }
    const double core_rate = workload.gbdt_library == "lightgbm" ? k.gbdt_lightgbm_core_rate : k.gbdt_xgboost_core_rate;
    const double rate = core_rate * std::pow(std::max(1.0, physical_cores), k_gbdt_core_scaling) * nodes;
    return workload.gbdt_trees * (k.gbdt_cpu_tree_s + work / rate);
}

double training_state_gb_per_gpu(
    const Workload& workload, int zero_stage, int data_parallel, int model_parallel, int expert_parallel, int expert_model_parallel)
{
    // Diffusion's frozen encoders: weights in the training precision on every GPU. Recommendation's
    // embedding tables and their row-wise state: sharded over every GPU.
    const double held = workload.frozen_params * activation_bytes(workload.precision) +
        workload.embedding_rows * (workload.embedding_dim * k_embedding_value_bytes + k_embedding_state_bytes_per_row) /
            (std::max(1, data_parallel) * std::max(1, model_parallel));
    if (!workload.frozen_base && expert_parallel > 1 && workload.expert_params > 0) {
        // Each GPU holds 1/ep of every layer's experts, split over expert tensor x pipeline; ZeRO
        // shards them over the other replicas of that share (Megatron's expert data parallel:
        // the GPUs over expert parallel x expert tensor x pipeline).
        const double shared = std::max(0.0, workload.params - workload.expert_params);
        const int expert_split = expert_model_parallel > 0 ? expert_model_parallel : std::max(1, model_parallel);
        const int expert_replicas = std::max(1, data_parallel * std::max(1, model_parallel) / (expert_parallel * expert_split));
        return held / 1e9 + model_state_gb_per_gpu(shared, workload.precision, workload.optimizer, zero_stage, data_parallel, model_parallel) +
            model_state_gb_per_gpu(workload.expert_params / expert_parallel, workload.precision, workload.optimizer, zero_stage, expert_replicas, expert_split);
    }
    if (!workload.frozen_base) {
        return held / 1e9 + model_state_gb_per_gpu(workload.params, workload.precision, workload.optimizer, zero_stage, data_parallel, model_parallel);
    }
    const double frozen = std::max(0.0, workload.params - workload.trainable_params) * workload.frozen_bytes_per_param / std::max(1, model_parallel) /
        (zero_stage >= 3 ? std::max(1, data_parallel) : 1);
    return (held + frozen) / 1e9 +
        model_state_gb_per_gpu(workload.trainable_params, workload.precision, workload.optimizer, zero_stage, data_parallel, model_parallel);
}

double model_state_gb_per_gpu(double params, const std::string& precision, const std::string& optimizer, int zero_stage, int data_parallel, int model_parallel)
{
    // ZeRO accounting (formulas.md §3.1): 16-bit weights 2Ψ, gradients 2Ψ, optimizer KΨ
    // (fp32 master weights + moments); fp32 training keeps 4-byte weights and gradients. With
    // tensor/pipeline parallelism the states divide by t·p first, then ZeRO divides what it
    // shards by the data-parallel degree (Megatron's distributed optimizer is ZeRO-1).
    const bool low = precision != "fp32" && precision != "tf32";
    const double weight_bytes = low ? 2.0 : 4.0;
    const double grad_bytes = low ? 2.0 : 4.0;
    const double optimizer_bytes = state_bytes_per_param(precision, optimizer) - weight_bytes - grad_bytes;
    const double shard = std::max(1, data_parallel);
    const double psi = params / std::max(1, model_parallel);
    double bytes = 0;
    switch (std::clamp(zero_stage, 0, 3)) {
    case 0:
        bytes = (weight_bytes + grad_bytes + optimizer_bytes) * psi;
        break;
    case 1:
        bytes = (weight_bytes + grad_bytes) * psi + optimizer_bytes * psi / shard;
        break;
    case 2:
        bytes = weight_bytes * psi + (grad_bytes + optimizer_bytes) * psi / shard;
        break;
    default:
        bytes = (weight_bytes + grad_bytes + optimizer_bytes) * psi / shard;
        break;
    }
    return bytes / 1e9;
}

double transformer_activation_gb(std::int64_t seq_len, double micro_batch, std::int64_t hidden, std::int64_t heads, std::int64_t layers, int tensor,
    int pipeline, bool recompute, bool flash_attention)
{
    // Korthikanti et al. 2022 (formulas.md §3.2), 16-bit activations, per layer:
    // no recompute, tensor + sequence parallel: s·b·h·(34 + 5·a·s/h)/t; full recompute: 2·s·b·h
    // (the layer input) per layer plus one layer's working set.
    const double s = static_cast<double>(seq_len);
    const double h = static_cast<double>(hidden);
    const double a = static_cast<double>(std::max<std::int64_t>(heads, 1));
    const double t = std::max(1, tensor);
    const double layers_here = std::ceil(static_cast<double>(layers) / std::max(1, pipeline));
    // FlashAttention does not store the a·s² attention scores: the 5·a·s/h term goes (llm-analysis).
    const double scores = flash_attention ? 0.0 : 5.0 * a * s / h;
    const double full_layer = s * micro_batch * h * (34.0 + scores) / t;
    const double bytes = recompute ? layers_here * 2.0 * s * micro_batch * h + full_layer : layers_here * full_layer;
    return bytes / 1e9;
}

Estimate estimate(const Workload& workload, const Config& config, const Catalogue& catalogue, const EstimateOptions& options)
{
    Estimate e;
    if (config.instance == nullptr) {
        return e;
    }
    const InstanceSpec& instance = *config.instance;
    const Layout l = layout_of(workload, config, instance, e);
    estimate_memory(workload, config, l, e);
    if (workload.family == "gbdt") {
        estimate_gbdt(workload, config, options, e);
    } else if (instance.gpu_spec != nullptr && l.per_node > 0 && workload.train_flops_per_sample() > 0) {
        estimate_gpu_path(workload, config, l, options, e);
    }
    estimate_input(workload, config, catalogue.storage_facts, e);
    combine(workload, options, e);
    finish(workload, config, catalogue, options, e);
    return e;
}

double calibrate_to_observed(const Workload& workload, const Config& config, const Catalogue& catalogue, double gpu_samples_per_sec)
{
    // The GPU path is monotonic in the efficiency scale: bisect on it.
    EstimateOptions options;
    auto gpu_rate = [&](double scale) {
        options.efficiency_scale = scale;
        return estimate(workload, config, catalogue, options).network_samples_per_sec;
    };
    // A GPU's efficiency from 1 % to 2.5x the model's (its peak bounds it); gradient boosting's
    // rate from a tenth to 10x (no peak: CPU generations and cache sizes differ, docs/model.md §10;
    // beyond that the job's rows, features or trees are the likelier error).
    const bool gbdt = workload.family == "gbdt";
    double low = gbdt ? 0.1 : 0.01;
    double high = gbdt ? 10.0 : 2.5;
    // Written so that a GPU without a rate (NaN or 0 at every scale) is left uncalibrated too.
    if (!(gpu_samples_per_sec > 0) || !(gpu_rate(high) >= gpu_samples_per_sec) || !(gpu_rate(low) <= gpu_samples_per_sec)) {
        return 1.0;
    }
    for (int i = 0; i < 60; ++i) {
        const double middle = (low + high) / 2.0;
        (gpu_rate(middle) < gpu_samples_per_sec ? low : high) = middle;
    }
    return (low + high) / 2.0;
}

double matmul_share_of_peak(const Workload& workload, const Config& config, const EstimateOptions& options)
{
    if (config.instance == nullptr || config.instance->gpu_spec == nullptr) {
        return 0;
    }
    return base_efficiency(workload, *config.instance->gpu_spec, options.constants) * options.efficiency_scale;
}

bool calibration_agrees(double efficiency_scale)
{
    return efficiency_scale != 1.0 && std::fabs(efficiency_scale - 1.0) < 0.01;
}

} // namespace mlscale
