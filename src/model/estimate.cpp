// The estimator: compute, communication, input supply, CPU preparation, memory, start-up, time
// and cost of one configuration. Formulas and sources: docs/model.md (section numbers below).
#include "mlscale/estimate.hpp"

#include <algorithm>
#include <cmath>

namespace mlscale {

namespace {

// §2 Recompute: full activation checkpointing runs the forward pass twice: 4 passes instead of 3
// (formulas.md §1.1, llm-foundry HFU = 4/3 MFU).
constexpr double k_recompute_factor = 4.0 / 3.0;
// §5 Memory: 90 % of HBM is usable (llm-analysis README; thresholds.md GPU-006).
constexpr double k_usable_memory = 0.9;
// §3 Interconnect: NCCL inter-node algbw ÷ per-node NIC bandwidth from nccl-tests on AWS
// (formulas.md §4.2): 0.84 on p4de (41.78 of 50 GB/s), 0.65 on p5 (259.78 of 400 GB/s).
constexpr double k_net_efficiency_p4 = 0.84;
constexpr double k_net_efficiency_other = 0.65;
// NVLink efficiency in Calculon's A100 system file (formulas.md §4.3).
constexpr double k_nvlink_efficiency = 0.65;
// PCIe 4.0 x16 per direction (ml-engineering, formulas.md §4.1); 3.0 is half (8 vs 16 GT/s), 5.0 double.
constexpr double k_pcie4_gb_s = 31.0;
// §3 Overlap: DDP all-reduces gradient buckets while the backward pass runs (2 of the 3 passes);
// sharded training also prefetches parameters during the forward pass.
constexpr double k_backward_share = 2.0 / 3.0;
// ZeRO-3 moves 3Ψ per step against 2Ψ for plain data parallel (formulas.md §3.1, labml annotation).
constexpr double k_zero3_traffic = 1.5;
// §7 Cost: managed spot saves "up to 90 %" (MLCOST-14, thresholds.md SPOT-004): a lower bound only.
constexpr double k_spot_max_saving = 0.9;
constexpr double k_mib = 1.048576; // MB per MiB

bool is_simt(const GpuSpec& gpu, const std::string& precision)
{
    // fp32 runs on CUDA cores; so does every precision on GPUs without tensor cores for it.
    return precision == "fp32" || gpu.generation == "kepler";
}

// The dense peak at the job's precision, falling back to what the GPU supports.
double peak_tflops(const GpuSpec& gpu, const std::string& precision)
{
    auto peak = [&](const char* key) {
        const auto it = gpu.peak_tflops.find(key);
        return it != gpu.peak_tflops.end() ? it->second : 0.0;
    };
    double value = 0;
    if (precision == "fp8") {
        value = peak("fp8");
    }
    if (value == 0 && precision == "bf16") {
        value = peak("bf16");
    }
    if (value == 0 && precision != "fp32" && precision != "tf32") {
        value = peak("fp16") != 0 ? peak("fp16") : peak("bf16");
    }
    if (value == 0 && precision == "tf32") {
        value = peak("tf32");
    }
    return value != 0 ? value : peak("fp32");
}

double sixteen_bit_peak(const GpuSpec& gpu)
{
    return peak_tflops(gpu, "bf16");
}

double activation_bytes(const std::string& precision)
{
    return precision == "fp32" || precision == "tf32" ? 4.0 : 2.0;
}

// Per-direction bandwidth between GPUs of one instance, bytes/s.
double intra_node_bytes_per_s(const InstanceSpec& instance)
{
    const GpuSpec* gpu = instance.gpu_spec;
    if ((instance.nvlink == "nvswitch" || instance.nvlink == "nvlink") && gpu != nullptr && gpu->nvlink_gb_s > 0) {
        return gpu->nvlink_gb_s / 2.0 * 1e9 * k_nvlink_efficiency;
    }
    double pcie = k_pcie4_gb_s;
    if (gpu != nullptr && (gpu->generation == "kepler" || gpu->generation == "turing" || gpu->generation == "volta")) {
        pcie = k_pcie4_gb_s / 2.0;
    } else if (gpu != nullptr && gpu->generation == "hopper") {
        pcie = k_pcie4_gb_s * 2.0;
    }
    return pcie * 1e9 * k_nvlink_efficiency;
}

double inter_node_bytes_per_s(const InstanceSpec& instance, double override_gbps)
{
    const double gbps = override_gbps > 0 ? override_gbps : instance.network_gbps;
    const double efficiency = instance.family == "p4d" || instance.family == "p4de" ? k_net_efficiency_p4 : k_net_efficiency_other;
    return gbps * 1e9 / 8.0 * efficiency;
}

// MB/s one instance reads from its local copy (File mode, instance store): NVMe devices when the
// instance has them, else one gp3 volume at its baseline, capped by the instance's EBS bandwidth.
double local_read_mb_s(const InstanceSpec& instance, const StorageFacts& storage)
{
    if (instance.local_nvme_gb > 0 && storage.nvme_device_read_gb_s > 0) {
        const auto it = storage.nvme_devices.find(instance.name);
        const int devices = it != storage.nvme_devices.end() ? it->second : 1;
        return devices * storage.nvme_device_read_gb_s * 1000.0;
    }
    const double volume = storage.gp3_baseline_mib_s * k_mib;
    return instance.ebs_mb_s > 0 ? std::min(volume, instance.ebs_mb_s) : volume;
}

const FsxDeployment* fsx_deployment(const StorageFacts& storage, const Config& config)
{
    const FsxDeployment* first = nullptr;
    for (const auto& deployment : storage.fsx) {
        if (deployment.deployment_type != config.fsx_deployment) {
            continue;
        }
        if (config.fsx_per_unit_mb_s_per_tib <= 0 || deployment.per_unit_mb_s_per_tib == config.fsx_per_unit_mb_s_per_tib) {
            if (first == nullptr) {
                first = &deployment;
            }
        }
    }
    return first;
}

// The smallest capacity the deployment allows that holds `dataset_gb` (GiB steps, then increments).
double fsx_capacity_for(const FsxDeployment& deployment, double dataset_gb)
{
    const double needed = dataset_gb * 1e9 / (1024.0 * 1024.0 * 1024.0);
    for (const double step : deployment.capacity_steps_gib) {
        if (step >= needed) {
            return step;
        }
    }
    const double base = deployment.capacity_steps_gib.empty() ? deployment.min_capacity_gib : deployment.capacity_steps_gib.back();
    if (needed <= base || deployment.capacity_increment_gib <= 0) {
        return std::max(base, deployment.min_capacity_gib);
    }
    return base + std::ceil((needed - base) / deployment.capacity_increment_gib) * deployment.capacity_increment_gib;
}

// MB/s one instance pulls from S3 by streaming (FastFile, Pipe): parallel connections at the
// per-connection rate, capped by the NIC and S3's single-instance ceiling (storage.json s3).
double s3_stream_mb_s(const InstanceSpec& instance, const Workload& workload, const StorageFacts& storage)
{
    const double connections = workload.loader_workers > 0 ? workload.loader_workers * std::max(1, instance.gpu_count) : std::max(1, instance.vcpus);
    const double nic = instance.network_gbps * 125.0;
    return std::min({connections * storage.s3_connection_mb_s, nic, storage.s3_single_instance_max_gbps * 125.0});
}

// What the storage delivers to the whole cluster, MB/s (docs/model.md §4).
double storage_mb_s(const Workload& workload, const Config& config, const StorageFacts& storage, double mean_file_mb)
{
    const InstanceSpec& instance = *config.instance;
    const double count = config.count;
    const double nic = instance.network_gbps * 125.0;
    if (config.storage == "s3" && config.input_mode == "file") {
        return count * local_read_mb_s(instance, storage);
    }
    if (config.storage == "s3") {
        double cluster = count * s3_stream_mb_s(instance, workload, storage);
        if (mean_file_mb > 0) { // one prefix: GET requests per second × object size
            cluster = std::min(cluster, storage.s3_get_per_prefix_per_s * mean_file_mb);
        }
        return cluster;
    }
    if (config.storage == "efs") {
        const double client = std::min(storage.efs_elastic_client_mib_s * k_mib, nic);
        return std::min(count * client, storage.efs_elastic_fs_read_gib_s * 1024.0 * k_mib);
    }
    if (config.storage == "fsx-lustre") {
        const FsxDeployment* deployment = fsx_deployment(storage, config);
        if (deployment == nullptr) {
            return 0;
        }
        const double capacity = config.fsx_capacity_gib > 0 ? config.fsx_capacity_gib : fsx_capacity_for(*deployment, workload.dataset_gb);
        const double per_tib = deployment->disk_baseline_mb_s_per_tib > 0 ? deployment->disk_baseline_mb_s_per_tib
                                                                          : deployment->per_unit_mb_s_per_tib;
        return std::min(fsx_throughput_mb_s(capacity, per_tib), count * nic);
    }
    if (config.storage == "ebs") {
        const double volume = storage.gp3_baseline_mib_s * k_mib;
        return count * (instance.ebs_mb_s > 0 ? std::min(volume, instance.ebs_mb_s) : volume);
    }
    if (config.storage == "instance-store") {
        return count * local_read_mb_s(instance, storage);
    }
    return 0;
}

} // namespace

const char* bottleneck_name(Bottleneck bottleneck)
{
    switch (bottleneck) {
    case Bottleneck::Gpu: return "gpu";
    case Bottleneck::Io: return "io";
    case Bottleneck::Cpu: return "cpu";
    case Bottleneck::Network: return "network";
    case Bottleneck::Memory: return "memory";
    case Bottleneck::None: break;
    }
    return "none";
}

double ring_allreduce_bytes(double bytes, int ranks)
{
    return ranks <= 1 ? 0.0 : 2.0 * (ranks - 1) / ranks * bytes;
}

double fsx_throughput_mb_s(double capacity_gib, double mb_s_per_tib)
{
    // AWS counts a 1,200 GiB file system as 1.2 TiB in its throughput examples (4.8 TiB × 50 = 240 MB/s).
    return capacity_gib / 1000.0 * mb_s_per_tib;
}

double file_mode_download_minutes(double dataset_gb, double num_files, const StorageFacts& storage)
{
    if (storage.file_mode_mb_s <= 0) {
        return 0;
    }
    // Bytes at SageMaker's example rate (50 GB of 100 MB shards in ~5 min), plus each object's
    // first-byte latency spread over the connections that fill a 10 Gb/s NIC.
    const double transfer_s = dataset_gb * 1000.0 / storage.file_mode_mb_s;
    const double connections = std::max(1.0, storage.s3_connections_to_fill_10gbps);
    const double latency_s = num_files * storage.s3_first_byte_ms / 1000.0 / connections;
    return (transfer_s + latency_s) / 60.0;
}

double model_state_gb_per_gpu(double params, const std::string& precision, const std::string& optimizer, int zero_stage,
    int data_parallel, int model_parallel)
{
    // ZeRO accounting (formulas.md §3.1): 16-bit weights 2Ψ, gradients 2Ψ, optimizer KΨ
    // (fp32 master weights + moments); fp32 training keeps 4-byte weights and gradients.
    const bool low = precision != "fp32" && precision != "tf32";
    const double weight_bytes = low ? 2.0 : 4.0;
    const double grad_bytes = low ? 2.0 : 4.0;
    const double optimizer_bytes = state_bytes_per_param(precision, optimizer) - weight_bytes - grad_bytes;
    const double shard = std::max(1, data_parallel);
    const double psi = params / std::max(1, model_parallel);
    double bytes = 0;
    switch (std::clamp(zero_stage, 0, 3)) {
    case 0: bytes = (weight_bytes + grad_bytes + optimizer_bytes) * psi; break;
    case 1: bytes = (weight_bytes + grad_bytes) * psi + optimizer_bytes * psi / shard; break;
    case 2: bytes = weight_bytes * psi + (grad_bytes + optimizer_bytes) * psi / shard; break;
    default: bytes = (weight_bytes + grad_bytes + optimizer_bytes) * psi / shard; break;
    }
    return bytes / 1e9;
}

double transformer_activation_gb(std::int64_t seq_len, double micro_batch, std::int64_t hidden, std::int64_t heads, std::int64_t layers,
    int tensor, int pipeline, bool recompute, bool flash_attention)
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
    const StorageFacts& storage = catalogue.storage_facts;
    const GpuSpec* gpu = instance.gpu_spec;
    const int count = std::max(1, config.count);
    const int per_node = config.gpus_per_instance > 0 ? std::min(config.gpus_per_instance, instance.gpu_count) : instance.gpu_count;
    e.instance_count = count;
    e.gpus = per_node * count;

    const Parallelism& par = config.parallelism;
    const int tensor = std::clamp(par.tensor, 1, std::max(1, per_node));
    const int pipeline = std::max(1, par.pipeline);
    const int model_parallel = tensor * pipeline;
    const int data_parallel = std::max(1, e.gpus / model_parallel);
    const int zero_stage = par.mode == "sharded" && par.zero_stage == 0 ? 3 : par.zero_stage;
    e.data_parallel = data_parallel;
    const double requested_batch = workload.global_batch > 0 ? workload.global_batch : workload.per_gpu_batch * e.gpus;
    const double global_batch = std::max(requested_batch, static_cast<double>(data_parallel));
    const double per_gpu_batch = global_batch / data_parallel;

    // Memory per GPU (§5): model states under ZeRO and model parallelism, plus activations at the
    // largest micro-batch that fits (halving from the per-GPU batch).
    if (workload.params > 0 && workload.deep && per_node > 0) {
        e.state_gb = model_state_gb_per_gpu(workload.params, workload.precision, workload.optimizer, zero_stage, data_parallel, model_parallel);
        const double usable = k_usable_memory * instance.gpu_memory_gb;
        const bool has_shape = workload.family == "transformer" && workload.hidden > 0 && workload.layers > 0 && workload.seq_len > 0;
        double micro = par.micro_batch > 0 ? par.micro_batch : std::max(1.0, pipeline > 1 ? 1.0 : std::floor(per_gpu_batch));
        auto activations = [&](double b) {
            return has_shape ? transformer_activation_gb(workload.seq_len, b, workload.hidden, workload.heads, workload.layers, tensor, pipeline,
                                   workload.recompute, workload.flash_attention)
                             : 0.0;
        };
        while (par.micro_batch <= 0 && micro > 1 && e.state_gb + activations(micro) > usable) {
            micro = std::ceil(micro / 2.0);
        }
        e.micro_batch = static_cast<int>(micro);
        e.activation_gb = activations(micro);
        e.memory_per_gpu_gb = e.state_gb + e.activation_gb;
        e.memory_known = true;
        e.fits = e.memory_per_gpu_gb <= usable;
    }

    // Compute (§2): time per sample on one GPU = FLOPs at the achievable fraction of the dense
    // peak + HBM traffic of the memory-bound kernels, then split over the model-parallel group.
    const double train_flops = workload.train_flops_per_sample();
    double step_compute_s = 0;
    if (gpu != nullptr && per_node > 0 && train_flops > 0) {
        const bool simt = is_simt(*gpu, workload.precision);
        e.peak_tflops = peak_tflops(*gpu, workload.precision);
        e.efficiency = (simt ? options.constants.simt_efficiency : options.constants.tensor_efficiency) * options.efficiency_scale;
        const double peak = e.peak_tflops * 1e12;
        const double attention_peak = workload.precision == "fp8" ? sixteen_bit_peak(*gpu) * 1e12 : peak;
        const double hardware = workload.recompute ? k_recompute_factor : 1.0;
        const double flop_s = hardware * (3.0 * workload.linear_flops_per_sample / (e.efficiency * peak) +
                                             3.0 * workload.attention_flops_per_sample / (e.efficiency * attention_peak));
        const double bandwidth = gpu->mem_bandwidth_gb_s * 1e9;
        const double act_bytes = activation_bytes(workload.precision);
        double memory_s = 0;
        if (workload.family == "cnn") {
            memory_s = options.constants.cnn_bytes_per_flop * act_bytes * train_flops / bandwidth;
        } else if (workload.family == "transformer" && workload.hidden > 0 && workload.layers > 0) {
            const double tokens = static_cast<double>(std::max<std::int64_t>(workload.seq_len, 1));
            memory_s = options.constants.transformer_traffic * 34.0 * static_cast<double>(workload.hidden * workload.layers) * act_bytes *
                       tokens / bandwidth;
        }
        memory_s /= std::max(options.efficiency_scale, 1e-9);
        double group_s = (flop_s + memory_s) / model_parallel;
        // Tensor parallel (§3): 4 all-reduces of the layer's activations per layer (2 forward,
        // 2 backward; Megatron), over NVLink, not overlapped.
        if (tensor > 1 && workload.hidden > 0 && workload.layers > 0) {
            const double tokens = static_cast<double>(std::max<std::int64_t>(workload.seq_len, 1));
            const double bytes = ring_allreduce_bytes(tokens * static_cast<double>(workload.hidden) * act_bytes, tensor);
            group_s += hardware * 4.0 * static_cast<double>(workload.layers) / pipeline * bytes / intra_node_bytes_per_s(instance);
        }
        e.compute_samples_per_sec = data_parallel / group_s;
        // Pipeline bubble (Narayanan et al. 2021): (p − 1)/m of the ideal time, m micro-batches per pipeline.
        if (pipeline > 1) {
            const double micro_batches = std::max(1.0, per_gpu_batch / std::max(1, e.micro_batch > 0 ? e.micro_batch : 1));
            e.pipeline_bubble = (pipeline - 1) / micro_batches;
        }
        step_compute_s = global_batch / e.compute_samples_per_sec * (1.0 + e.pipeline_bubble);

        // Gradient synchronisation (§3): hierarchical ring, NVLink/PCIe inside a node, EFA/ENA
        // between nodes; the node's NIC carries every distinct shard the node holds.
        double comm_s = 0;
        if (data_parallel > 1 && workload.params > 0) {
            const double grad_bytes = activation_bytes(workload.precision) == 4.0 ? 4.0 : 2.0;
            const double shard_bytes = workload.params / model_parallel * grad_bytes;
            const int shards_per_node = std::min(per_node, model_parallel);
            const int replicas_in_node = std::max(1, per_node / shards_per_node);
            const int node_replicas = std::max(1, data_parallel / replicas_in_node);
            if (replicas_in_node > 1) {
                comm_s += ring_allreduce_bytes(shard_bytes, replicas_in_node) / intra_node_bytes_per_s(instance);
            }
            double window = k_backward_share * step_compute_s;
            if (zero_stage == 3) {
                // Fully sharded: every GPU gathers all parameters (twice) and scatters its gradients
                // for every micro-batch, each through its share of the node's NIC: the traffic per
                // GPU does not shrink as GPUs are added (Narayanan 2021 Table 2: ZeRO-3 175B step
                // time stays ~65 s from 768 to 1536 GPUs). Overlapped with forward and backward.
                const double accumulation = std::max(1.0, per_gpu_batch / std::max(1, e.micro_batch > 0 ? e.micro_batch : 1));
                const double per_gpu_network = inter_node_bytes_per_s(instance, config.internode_gbps) / per_node;
                const double link = node_replicas > 1 ? std::min(per_gpu_network, intra_node_bytes_per_s(instance)) : intra_node_bytes_per_s(instance);
                comm_s = k_zero3_traffic * ring_allreduce_bytes(shard_bytes, data_parallel) / link * accumulation;
                window = step_compute_s;
            } else if (node_replicas > 1) {
                comm_s += ring_allreduce_bytes(shard_bytes * shards_per_node, node_replicas) / inter_node_bytes_per_s(instance, config.internode_gbps);
            }
            e.comm_ms_per_step = comm_s * 1000.0;
            e.exposed_comm_ms_per_step = std::max(0.0, comm_s - window) * 1000.0;
        }
        const double step_s = step_compute_s + e.exposed_comm_ms_per_step / 1000.0;
        e.network_samples_per_sec = global_batch / step_s;
    }

    // Input supply (§4) and CPU preparation (§4.3).
    const double mean_file_mb = workload.num_files > 0 ? workload.dataset_gb * 1000.0 / workload.num_files : 0;
    e.storage_mb_s = storage_mb_s(workload, config, storage, mean_file_mb);
    if (workload.mb_per_sample > 0 && e.storage_mb_s > 0) {
        e.input_samples_per_sec = e.storage_mb_s / workload.mb_per_sample;
        e.input_known = true;
    }
    if (workload.cpu_ms_per_sample > 0) {
        // One training process per GPU keeps a vCPU; loader workers share the rest (or the count given).
        const int workers = workload.loader_workers > 0 ? std::min(workload.loader_workers * std::max(1, per_node), std::max(1, instance.vcpus))
                                                        : std::max(1, instance.vcpus - per_node);
        e.cpu_samples_per_sec = static_cast<double>(workers) * count * 1000.0 / workload.cpu_ms_per_sample;
        e.cpu_known = true;
    }

    // The slowest stage sets the pace; the bottleneck is named after it. Without a GPU path
    // (no accelerator or no FLOPs) the rate is unknown: the input alone does not make a throughput.
    double rate = e.network_samples_per_sec;
    const bool gpu_path = rate > 0;
    e.bottleneck = rate > 0 ? Bottleneck::Gpu : Bottleneck::None;
    if (rate > 0 && e.exposed_comm_ms_per_step > 0 && rate < 0.7 * e.compute_samples_per_sec) {
        e.bottleneck = Bottleneck::Network; // GPUs below Debugger's 70 % (GPU-001) because of communication
    }
    if (gpu_path && e.input_known && e.input_samples_per_sec < rate) {
        rate = e.input_samples_per_sec;
        e.bottleneck = Bottleneck::Io;
    }
    if (gpu_path && e.cpu_known && e.cpu_samples_per_sec < rate) {
        rate = e.cpu_samples_per_sec;
        e.bottleneck = Bottleneck::Cpu;
    }
    if (e.memory_known && !e.fits) {
        e.bottleneck = Bottleneck::Memory;
    }
    if (options.observed_samples_per_sec > 0) {
        rate = options.observed_samples_per_sec;
    }
    e.throughput_known = rate > 0;
    e.samples_per_sec = rate;
    if (workload.mb_per_sample > 0 && e.network_samples_per_sec > 0) {
        e.required_input_mb_s = e.network_samples_per_sec * workload.mb_per_sample;
    }
    if (e.throughput_known) {
        e.tokens_per_sec = workload.seq_len > 0 ? rate * static_cast<double>(workload.seq_len) : 0;
        if (e.gpus > 0 && train_flops > 0) {
            e.tflops_per_gpu = rate * train_flops / e.gpus / 1e12;
            e.mfu = e.peak_tflops > 0 ? e.tflops_per_gpu / e.peak_tflops : 0;
            e.gpu_util_pct = e.compute_samples_per_sec > 0 ? std::min(100.0, 100.0 * rate / e.compute_samples_per_sec) : 0;
        }
        e.step_time_ms = global_batch / rate * 1000.0;
    }

    // Start-up (§6): File-mode download per instance; FSx lazy load of the first epoch from S3.
    if (config.storage == "s3" && config.input_mode == "file") {
        const double share = workload.sharded_by_key ? count : 1.0;
        e.download_minutes = file_mode_download_minutes(workload.dataset_gb / share, workload.num_files / share, storage);
    }
    if (config.storage == "fsx-lustre" && e.throughput_known && workload.mb_per_sample > 0) {
        const double from_s3 = count * s3_stream_mb_s(instance, workload, storage);
        const double dataset_mb = workload.dataset_gb * 1000.0;
        const double consumed = rate * workload.mb_per_sample;
        e.lazy_load_minutes = std::max(0.0, dataset_mb / from_s3 - dataset_mb / consumed) / 60.0;
    }
    e.startup_minutes = e.download_minutes + e.lazy_load_minutes;

    // Time and cost (§7): one run; instances at the SageMaker price (EC2 × mark-up when not sourced).
    if (e.throughput_known && workload.samples_per_run > 0) {
        e.hours = workload.samples_per_run / rate / 3600.0 + e.startup_minutes / 60.0;
        e.gpu_hours = e.hours * e.gpus;
        if (const auto price = instance.sagemaker_price(catalogue.sagemaker_markup, &e.price_estimated)) {
            e.cost_known = true;
            e.cost_usd = e.hours * count * *price;
            e.spot_cost_usd_min = e.cost_usd * (1.0 - k_spot_max_saving);
        }
    }
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
    double low = 0.01;
    double high = 2.5;
    if (gpu_samples_per_sec <= 0 || gpu_rate(high) < gpu_samples_per_sec || gpu_rate(low) > gpu_samples_per_sec) {
        return 1.0;
    }
    for (int i = 0; i < 60; ++i) {
        const double middle = (low + high) / 2.0;
        (gpu_rate(middle) < gpu_samples_per_sec ? low : high) = middle;
    }
    return (low + high) / 2.0;
}

} // namespace mlscale
