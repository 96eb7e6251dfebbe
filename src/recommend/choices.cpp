// The recommender's single decisions: FSx for Lustre sizing, parallelism and the SageMaker
// distribution setting, the inference option, and the ETL service. docs/recommender.md §4-§7.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "mlscale/recommend.hpp"
#include "walk.hpp"

namespace mlscale {

namespace {

constexpr double k_gib = 1024.0 * 1024.0 * 1024.0;
// Inference needs about 20 % over the weights (accelerate's model_size_estimator, thresholds.md GPU-008).
constexpr double k_inference_overhead = 1.2;
// Above this the preparation is "massive data" (practices.md etl-emr-massive): Spark on EMR rather than
// one Glue job. No AWS figure says where one Glue job stops being the right tool: a stated default.
constexpr double k_emr_dataset_gb = 10000;

double per_tib(const FsxDeployment& deployment)
{
    return deployment.disk_baseline_mb_s_per_tib > 0 ? deployment.disk_baseline_mb_s_per_tib : deployment.per_unit_mb_s_per_tib;
}

double limit(const Catalogue& catalogue, const char* option, const char* key, double fallback)
{
    const auto& limits = catalogue.storage_facts.limits;
    const auto it = limits.find(std::string(option) + "." + key);
    return it != limits.end() ? it->second : fallback;
}

bool is_one_of(const std::optional<std::string>& value, std::initializer_list<const char*> options)
{
    return value && std::any_of(options.begin(), options.end(), [&](const char* option) { return *value == option; });
}

} // namespace

double fsx_round_capacity(const FsxDeployment& deployment, double needed_gib)
{
    for (const double step : deployment.capacity_steps_gib) {
        if (step >= needed_gib) {
            return step;
        }
    }
    const double base = deployment.capacity_steps_gib.empty() ? deployment.min_capacity_gib : deployment.capacity_steps_gib.back();
    if (needed_gib <= base || deployment.capacity_increment_gib <= 0) {
        return std::max(base, deployment.min_capacity_gib);
    }
    return base + std::ceil((needed_gib - base) / deployment.capacity_increment_gib - 1e-9) * deployment.capacity_increment_gib;
}

FsxSize size_fsx(const StorageFacts& storage, double dataset_gb, double required_mb_s, bool persistent, double floor_gib)
{
    const double dataset_gib = std::max(dataset_gb * 1e9 / k_gib, floor_gib);
    // AWS counts 1,200 GiB as 1.2 TiB in its throughput examples, as the estimator does.
    auto sized = [&](const FsxDeployment& deployment) {
        FsxSize size;
        size.deployment_type = deployment.deployment_type;
        size.per_unit_mb_s_per_tib = deployment.per_unit_mb_s_per_tib;
        const double for_throughput = required_mb_s > 0 ? required_mb_s / per_tib(deployment) * 1000.0 : 0.0;
        size.capacity_gib = fsx_round_capacity(deployment, std::max(dataset_gib, for_throughput));
        size.throughput_mb_s = fsx_throughput_mb_s(size.capacity_gib, per_tib(deployment));
        return size;
    };
    if (!persistent) {
        for (const auto& deployment : storage.fsx) {
            if (deployment.deployment_type == "SCRATCH_2") {
                return sized(deployment);
            }
        }
        return {};
    }
    std::vector<const FsxDeployment*> tiers;
    for (const auto& deployment : storage.fsx) {
        if (deployment.deployment_type == "PERSISTENT_2" && deployment.storage_type == "SSD") {
            tiers.push_back(&deployment);
        }
    }
    std::sort(tiers.begin(), tiers.end(), [](const auto* a, const auto* b) { return per_tib(*a) < per_tib(*b); });
    for (const auto* tier : tiers) {
        // The lowest tier whose dataset-sized file system already delivers the throughput.
        if (fsx_throughput_mb_s(fsx_round_capacity(*tier, dataset_gib), per_tib(*tier)) >= required_mb_s) {
            return sized(*tier);
        }
    }
    return tiers.empty() ? size_fsx(storage, dataset_gb, required_mb_s, false, floor_gib) : sized(*tiers.back());
}

// The SageMaker libraries only where profiles/instances.json says they support the instance (smddp,
// smp), else PyTorch's own launcher (torchrun: DDP, FSDP, or Megatron-style tensor and pipeline
// parallelism) or MPI.
std::string distribution_for(const std::string& mode, const InstanceSpec& instance, int count, const std::string& framework)
{
    const bool pytorch = framework.empty() || framework == "pytorch" || framework == "huggingface";
    if (mode == "data" && count > 1 && instance.smddp == std::optional<bool>(true) && (pytorch || framework == "tensorflow")) {
        return "smdistributed.dataparallel";
    }
    if (mode == "model" && instance.smp == std::optional<bool>(true) && pytorch) {
        return "smdistributed.modelparallel";
    }
    return pytorch ? "torch_distributed" : "mpi";
}

namespace {

struct Trial {
    Parallelism parallelism;
    Estimate e;
};

// The job's global batch (samples per step) caps data parallelism: every data-parallel rank takes
// at least one sample a step, so more ranks would raise the batch, which is the training recipe's
// (learning rate, convergence), not the plan's to change. Context parallelism splits a sample, so
// it needs no more of them.
bool within_batch(const Workload& workload, const Estimate& e)
{
    return workload.global_batch <= 0 || e.data_parallel <= workload.global_batch;
}

// The fastest of the splits that fit (memory and the global batch), or nothing.
std::optional<Trial> fastest_fit(const std::vector<Trial>& trials, const Workload& workload)
{
    std::optional<Trial> best;
    for (const auto& trial : trials) {
        if (trial.e.fits && within_batch(workload, trial.e) && (!best || trial.e.network_samples_per_sec > best->e.network_samples_per_sec)) {
            best = trial;
        }
    }
    return best;
}

// States sharded over every GPU: ZeRO-1 (optimizer), ZeRO-2 (+ gradients) move what plain data
// parallelism moves; ZeRO-3/FSDP (+ weights) more, so the lowest stage that fits is usually fastest.
std::vector<Parallelism> sharded_splits()
{
    std::vector<Parallelism> out;
    for (int stage = 1; stage <= 3; ++stage) {
        Parallelism p;
        p.mode = "sharded";
        p.zero_stage = stage;
        out.push_back(p);
    }
    return out;
}

// Tensor parallel over the node's GPUs (NVLink), pipeline stages over nodes, the optimizer states
// sharded across the data-parallel replicas (Megatron's distributed optimizer, ZeRO-1).
std::vector<Parallelism> model_splits(const InstanceSpec& instance, int count)
{
    std::vector<Parallelism> out;
    for (int pipeline = 1; pipeline <= std::max(1, count); pipeline *= 2) {
        Parallelism p;
        p.mode = "model";
        p.tensor = std::max(1, instance.gpu_count);
        p.pipeline = pipeline;
        p.zero_stage = 1;
        out.push_back(p);
    }
    return out;
}

// From this sequence length context parallelism is weighed against the other splits even when they
// fit (a stated default: the sequence lengths that Llama 3's long-context stage and Megatron-LM's
// context-parallel examples start from are 16k and above); below it, only when nothing else fits.
constexpr std::int64_t k_long_context_tokens = 16384;

// Whether tensor and pipeline splits of the blocks are tried: a transformer's, except over a QLoRA
// base, whose 4-bit weights the stack that trains them (bitsandbytes with PEFT) shards with FSDP or
// ZeRO-3 ("FSDP-QLoRA", bitsandbytes docs fsdp_qlora.md, 0.43+) and splits no other way: Llama 3 70B
// QLoRA on 4 A10Gs was planned "tensor parallel 4", a layout no QLoRA stack runs.
bool splits_blocks(const Workload& workload)
{
    const bool quantised_base = workload.frozen_base && workload.frozen_bytes_per_param < 1.0;
    return workload.transformer_blocks() && !quantised_base;
}

// Long sequences whose activations fit no split: each sequence split over 2, 4, 8 ... GPUs
// (context parallelism), with the states sharded (ZeRO-1 or ZeRO-3/FSDP) or tensor parallel
// inside the node. Megatron-LM and torchtitan combine it with both.
std::vector<Parallelism> context_splits(const InstanceSpec& instance, int count, bool with_tensor)
{
    std::vector<Parallelism> out;
    const int gpus = instance.gpu_count * std::max(1, count);
    for (int context = 2; context <= gpus; context *= 2) {
        for (const int stage : {1, 3}) {
            Parallelism p;
            p.mode = "sharded";
            p.zero_stage = stage;
            p.context = context;
            out.push_back(p);
        }
        if (with_tensor && instance.gpu_count > 1 && instance.gpu_count * context <= gpus) {
            Parallelism p;
            p.mode = "model";
            p.tensor = instance.gpu_count;
            p.zero_stage = 1;
            p.context = context;
            out.push_back(p);
        }
    }
    return out;
}

// Mixture of experts: each layer's experts split over 2, 4, 8 ... GPUs (expert parallelism; the
// all-to-all on NVLink within a node, through each GPU's share of the network beyond one: large
// mixtures need more GPUs for their experts than a node has), the rest ZeRO-1 (Megatron's distributed optimizer) or ZeRO-3/FSDP over the
// replicas. Only degrees that divide the experts.
std::vector<Parallelism> expert_splits(const Workload& workload, const InstanceSpec& instance, int count)
{
    std::vector<Parallelism> out;
    const int experts = static_cast<int>(workload.experts);
    for (int ep = 2; ep <= std::min(experts, instance.gpu_count * count); ep *= 2) {
        if (experts % ep != 0) {
            continue;
        }
        for (int stage : {1, 3}) {
            Parallelism p;
            p.mode = "sharded";
            p.zero_stage = stage;
            p.expert = ep;
            out.push_back(p);
        }
    }
    return out;
}

// "35.0 GB per GPU, 221.7 GB with the activations": the training state the sentence speaks of, then
// what the GPU holds in all (the total alone read as the state's share).
std::string per_device_text(const Estimate& e, const std::string& unit)
{
    if (e.activation_gb < 0.05) {
        return fmt::format("{:.1f} GB per {}", e.memory_per_gpu_gb, unit);
    }
    return fmt::format("{:.1f} GB per {}, {:.1f} GB with the activations", e.state_gb, unit, e.memory_per_gpu_gb);
}

std::string split_text(const Trial& trial, int gpus, const Workload& workload, const std::string& unit)
{
    const Parallelism& p = trial.parallelism;
    const std::string context = (p.context > 1 ? fmt::format(", each sequence split over {} {}s (context parallel)", p.context, unit) : std::string()) +
        (p.expert > 1 ? fmt::format(", each layer's experts split over {} {}s (expert parallel)", p.expert, unit) : std::string());
    if (p.mode == "sharded") {
        return fmt::format("sharded over {} {}s ({}{}) it is {}", gpus, unit,
            p.zero_stage == 3 ? "ZeRO-3/FSDP full sharding" : fmt::format("ZeRO-{}", p.zero_stage), context, per_device_text(trial.e, unit));
    }
    const char* overlap = p.tensor > 1 && !workload.tp_comm_overlap
        ? " (its collectives timed in full: where Megatron-Core runs --tp-comm-overlap, set training.tp_comm_overlap)"
        : "";
    const std::string bubble = p.pipeline > 1 && workload.virtual_pipeline <= 1 && trial.e.pipeline_bubble >= 0.01
        ? fmt::format(" (a {:.0f} % pipeline bubble without interleaving: where Megatron-Core runs virtual pipeline stages, set training.virtual_pipeline)",
              100.0 * trial.e.pipeline_bubble)
        : std::string();
    return fmt::format("tensor parallel {} x pipeline {} with the optimizer sharded (ZeRO-1){} it is {}{}{}", p.tensor, p.pipeline, context,
        per_device_text(trial.e, unit), overlap, bubble);
}

} // namespace

namespace {

// Why no split fits: the training state, or, where they are the larger part, the activations with it
// (the state alone may fit).
std::string no_fit_why(const Workload& workload, const Estimate& data, const InstanceSpec& instance, int gpus, const std::string& unit)
{
    const std::string where = gpus > 1 ? fmt::format("{} x {:.0f} GB {}s in any split (ZeRO-1/2/3{}{})", gpus, instance.gpu_memory_gb, unit,
                                             splits_blocks(workload) ? ", tensor x pipeline" : "", workload.seq_len > 0 ? ", context parallel" : "")
                                       : fmt::format("one {:.0f} GB {}", instance.gpu_memory_gb, unit);
    // The activations are named where they are the larger part, or where the state alone would fit
    // (Mistral 7B's 15 GB of LoRA state fits a 24 GB L4; with a 2k-token sequence's activations it does not).
    const bool state_alone_fits = data.memory_per_gpu_gb - data.activation_gb <= k_usable_gpu_memory * instance.gpu_memory_gb;
    if (data.activation_gb > data.state_gb || (data.activation_gb > 0 && state_alone_fits)) {
        return fmt::format("the training state ({:.0f} GB) and the activations ({:.0f} GB per {} at micro-batch {}) do not fit {}{}", data.state_gb,
            data.activation_gb, unit, data.micro_batch, where,
            workload.recompute ? "" : "; recomputing activations in the backward pass (model.activation_checkpointing) keeps fewer");
    }
    return fmt::format("the training state ({:.0f} GB) does not fit {}", data.state_gb, where);
}

} // namespace

ParallelismChoice choose_parallelism(
    const Workload& workload, const InstanceSpec& instance, int count, const std::string& framework, const Catalogue& catalogue, const EstimateOptions& options)
{
    ParallelismChoice choice;
    const int gpus = instance.gpu_count * count;
    Config config;
    config.instance = &instance;
    config.count = count;
    auto trial = [&](const Parallelism& parallelism) {
        config.parallelism = parallelism;
        return Trial{parallelism, estimate(workload, config, catalogue, options)};
    };
    const Trial data = trial(Parallelism{});
    const bool data_fits = !data.e.memory_known || data.e.fits;
    const bool data_within_batch = within_batch(workload, data.e);
    const std::string unit = walk::device(instance, false);
    if (data_fits && data_within_batch) {
        choice.mode = gpus <= 1 ? "none" : "data";
        choice.distribution = gpus <= 1 ? "none" : distribution_for("data", instance, count, framework);
        if (data.e.memory_known && workload.embedding_rows > 0 && gpus > 1) {
            // Recommendation: the tables are sharded over the GPUs whatever the dense part's split (DLRM, docs/model.md §11).
            choice.why = fmt::format("the embedding tables sharded over the {} {}s (model parallel), the dense layers data parallel: {:.1f} of "
                                     "{:.0f} GB per {}",
                gpus, unit, data.e.memory_per_gpu_gb, instance.gpu_memory_gb, unit);
        } else if (data.e.memory_known) {
            choice.why = gpus <= 1
                ? (data.e.activation_gb > 0 ? fmt::format("the training state and activations ({:.3g} GB at micro-batch {}) fit one {}",
                                                  data.e.memory_per_gpu_gb, data.e.micro_batch, unit)
                                            : fmt::format("the training state ({:.3g} GB per {}) fits one {}", data.e.memory_per_gpu_gb, unit, unit))
                : fmt::format("the model fits one {} ({:.1f} of {:.0f} GB): data parallel over {} {}s", unit, data.e.memory_per_gpu_gb, instance.gpu_memory_gb,
                      gpus, unit);
        } else if (gpus > 1) {
            choice.why = fmt::format("data parallel over {} {}s", gpus, unit);
        }
        return choice;
    }
    // It does not fit one GPU, or its GPUs outnumber the global batch: the fastest split that fits,
    // by the same memory estimate. Tensor and pipeline splits are a transformer's (layers of a
    // hidden width); a network without them that fits one GPU has no split to keep within the batch.
    std::vector<Trial> trials;
    const bool splittable = !data_fits || (workload.hidden > 0 && workload.layers > 0);
    if (gpus > 1 && splittable) {
        for (const auto& split : sharded_splits()) {
            trials.push_back(trial(split));
        }
        // Tensor and pipeline parallelism split a transformer's blocks (Megatron's layout); a
        // U-Net, a CNN or a recommendation model is sharded (ZeRO/FSDP) instead, and so is a QLoRA base.
        for (const auto& split : splits_blocks(workload) ? model_splits(instance, count) : std::vector<Parallelism>{}) {
            trials.push_back(trial(split));
        }
        if (workload.expert_params > 0 && splits_blocks(workload)) { // no QLoRA stack splits the experts either
            for (const auto& split : expert_splits(workload, instance, count)) {
                trials.push_back(trial(split));
            }
        }
    }
    if (gpus > 1 && workload.seq_len > 0 && (workload.memory_seq_len() >= k_long_context_tokens || !fastest_fit(trials, workload))) {
        for (const auto& split : context_splits(instance, count, splits_blocks(workload))) {
            trials.push_back(trial(split));
        }
    }
    const std::string batch_cap = fmt::format("the global batch of {:.0f} samples allows at most {:.0f} data-parallel ranks (one sample each a step; "
                                              "more would change the training recipe)",
        workload.global_batch, workload.global_batch);
    const bool batch_excluded =
        std::any_of(trials.begin(), trials.end(), [&](const Trial& t) { return t.e.fits && !within_batch(workload, t.e); }); // a split the batch ruled out
    if (const auto best = fastest_fit(trials, workload)) {
        choice.parallelism = best->parallelism;
        choice.mode = best->parallelism.mode;
        choice.distribution = distribution_for(choice.mode, instance, count, framework);
        const std::string chosen = split_text(*best, gpus, workload, unit);
        const std::string split = chosen + (batch_excluded ? " (" + batch_cap + ")" : "");
        choice.why = data_fits ? fmt::format("{}; {}", batch_cap, chosen) // here only when the batch, not memory, asked for a split
            : data.e.activation_gb > data.e.state_gb && workload.seq_len > 0
            ? fmt::format("the activations of {}-token sequences ({:.0f} GB per {} at micro-batch {}) and the training state ({:.0f} GB) do not "
                          "fit one {}; {}",
                  workload.memory_seq_len(), data.e.activation_gb, unit, data.e.micro_batch, data.e.state_gb, unit, split)
            : fmt::format("the training state ({:.0f} GB) does not fit one {}; {}", data.e.state_gb, unit, split);
        return choice;
    }
    choice.fits = false;
    choice.mode = gpus > 1 ? "sharded" : "none";
    choice.distribution = "none";
    if (batch_excluded) {
        choice.why = fmt::format("{}, and no split of the {} {}s that fits memory keeps the data-parallel ranks within it", batch_cap, gpus, unit);
        return choice;
    }
    if (data_fits) { // the batch, not memory, asked for a split, and none fits
        choice.why = fmt::format("{}, fewer than the {} {}s, and no split of them fits memory", batch_cap, gpus, unit);
        return choice;
    }
    choice.why = no_fit_why(workload, data.e, instance, gpus, unit);
    return choice;
}

DeploymentPlan choose_deployment(const Job& job, const Profile& profile, const Catalogue& catalogue)
{
    DeploymentPlan plan;
    const Deployment& d = job.deployment;
    const bool described =
        d.mode || d.traffic || d.requests_per_sec || d.p99_latency_ms || d.payload_mb || d.processing_seconds || d.instance_count || d.edge_devices;
    if (!described) {
        return plan;
    }
    const double max_request_mb = limit(catalogue, "sagemaker_realtime", "max_request_bytes", 6291456) / 1e6;
    const double max_response_s = limit(catalogue, "sagemaker_realtime", "max_response_seconds", 60);
    const double async_payload_gb = limit(catalogue, "sagemaker_async", "max_payload_gb", 1);
    const double async_seconds = limit(catalogue, "sagemaker_async", "max_processing_seconds", 3600);
    const double serverless_mb = limit(catalogue, "sagemaker_serverless", "memory_mb_max", 6144);
    const double serverless_step = limit(catalogue, "sagemaker_serverless", "memory_mb_step", 1024);
    const double serverless_concurrency = limit(catalogue, "sagemaker_serverless", "max_concurrency_max", 200);

    const double payload = d.payload_mb.value_or(0);
    const double seconds = d.processing_seconds.value_or(0);
    const double concurrency = d.requests_per_sec.value_or(0) * std::max(seconds, 0.001);
    // Weights in fp32 plus ~20 % (GPU-008); unknown when the model size is.
    const bool memory_known = profile.model.params_millions.has_value();
    const double memory_mb = profile.model.params_millions.value_or(0) * 4.0 * k_inference_overhead;
    const bool isolated = job.security.vpc.value_or(false) || job.security.network_isolation.value_or(false);
    const bool serverless_fits = (!memory_known || memory_mb <= serverless_mb) && concurrency <= serverless_concurrency && !isolated;

    std::string why;
    if (d.mode) {
        plan.mode = *d.mode;
        why = "as the job asks";
    } else if (d.edge_devices.value_or(0) > 0) {
        plan.mode = "edge";
        why = fmt::format("{} edge devices", *d.edge_devices);
    } else if (d.traffic == std::optional<std::string>("offline")) {
        plan.mode = "batch-transform";
        why = "offline scoring of data in S3";
    } else if (payload > max_request_mb || seconds > max_response_s) {
        const bool async_ok = payload <= async_payload_gb * 1000.0 && seconds <= async_seconds;
        plan.mode = async_ok ? "async" : "batch-transform";
        why = fmt::format("payload {} MB / processing {} s exceed real-time's {:.1f} MB / {:.0f} s{}", payload, seconds, max_request_mb, max_response_s,
            async_ok ? "" : fmt::format(" and asynchronous inference's {:.0f} GB / {:.0f} s", async_payload_gb, async_seconds));
    } else if (d.traffic == std::optional<std::string>("intermittent")) {
        if (serverless_fits) {
            plan.mode = "serverless";
            why = "intermittent traffic that tolerates cold starts, a CPU-sized model";
        } else {
            plan.mode = "async";
            why = isolated ? "intermittent traffic, but serverless endpoints do not support VPC configuration or network isolation: asynchronous "
                             "inference scales to zero instead"
                           : "intermittent traffic, but the model or the concurrency exceeds serverless limits: asynchronous inference scales to zero";
        }
    } else {
        plan.mode = "realtime";
        why = fmt::format("{} traffic{} with a {} latency target", d.traffic.value_or("steady"),
            d.requests_per_sec ? fmt::format(" at {:g} requests/s", *d.requests_per_sec) : "",
            d.p99_latency_ms ? fmt::format("{:g} ms", *d.p99_latency_ms) : "millisecond");
    }
    plan.notes.push_back(fmt::format("{}: {} (deployment-mode-select)", plan.mode, why));

    if (plan.mode == "realtime") {
        plan.instance_count = static_cast<int>(std::max<std::int64_t>(2, d.instance_count.value_or(2)));
        plan.notes.push_back(fmt::format("at least {} instances spread across Availability Zones (endpoint-multi-instance)", *plan.instance_count));
        plan.notes.push_back("target-tracking auto scaling on invocations per instance (realtime-autoscaling)");
        if (payload > max_request_mb || seconds > max_response_s) {
            plan.notes.push_back(fmt::format(
                "the payload or processing time exceeds real-time limits ({:.1f} MB, {:.0f} s): use asynchronous inference", max_request_mb, max_response_s));
        }
    } else if (plan.mode == "serverless") {
        const double memory =
            memory_known ? std::clamp(std::ceil(memory_mb / serverless_step) * serverless_step, serverless_step, serverless_mb) : serverless_mb;
        plan.notes.push_back(fmt::format("MemorySizeInMB {:.0f}, MaxConcurrency {:.0f} (limits {:.0f} MB, {:.0f}); CPU only; cold starts add latency", memory,
            std::clamp(std::ceil(concurrency * 2.0), 1.0, serverless_concurrency), serverless_mb, serverless_concurrency));
    } else if (plan.mode == "async") {
        plan.notes.push_back(fmt::format("payloads up to {:.0f} GB through S3, processing up to {:.0f} s (InvocationTimeoutSeconds); scales to zero when idle",
            async_payload_gb, async_seconds));
    } else if (plan.mode == "batch-transform") {
        plan.notes.push_back("Batch Transform reads the input from S3 and writes predictions back: no endpoint to keep running (batch-transform)");
    } else if (plan.mode == "edge") {
        plan.notes.push_back("compile the model for the device hardware with SageMaker Neo (neo-compile)");
        plan.notes.push_back("deploy to the device fleet with AWS IoT Greengrass; train and retrain in the cloud (edge-deploy)");
    }
    if (plan.mode == "realtime" || plan.mode == "serverless" || plan.mode == "async") {
        plan.notes.push_back("roll out new model versions as a production variant with a small share of traffic (ab-variants)");
    }
    return plan;
}

EtlPlan choose_etl(const Job& job, const Profile& profile, const EtlInputs& inputs)
{
    EtlPlan plan;
    const double size_gb = job.dataset.size_gb.value_or(0);
    const bool tabular = job.dataset.modality == std::optional<std::string>("tabular") || is_one_of(job.dataset.format, {"csv", "parquet"});
    if (inputs.resize) {
        const auto& source = *job.dataset.source_resolution;
        const auto input = job.model.input_resolution;
        plan.steps.push_back(input
                ? fmt::format("resize the images offline from {}x{} to {}x{} (offline-resize)", source[0], source[1], (*input)[0], (*input)[1])
                : fmt::format("resize the images offline from {}x{} to the model's input resolution (offline-resize)", source[0], source[1]));
    }
    if (inputs.csv_target_first) {
        plan.steps.push_back("write CSV with the target in the first column and no header row (csv-target-first)");
    }
    if (inputs.recordio) {
        plan.steps.push_back("convert to RecordIO-protobuf and train in Pipe mode (recordio-builtin, pipe-mode-recordio)");
    }
    if (inputs.shard) {
        plan.steps.push_back(fmt::format("pack the files into about {:.0f} uniform shards of ~{:.3g} MB in one parallel run (uniform-partitions){}",
            inputs.shards, inputs.shard_mb,
            inputs.plan_workers > 0 ? fmt::format(": at least one for each of the plan's {:.0f} loader workers, as loaders such as WebDataset split "
                                                  "shards, not samples, over the ranks and their workers",
                                          inputs.plan_workers)
                                    : ""));
    }
    if (plan.steps.empty()) {
        return plan;
    }
    plan.steps.push_back("shuffle before loading, so the loader needs only a small shuffle buffer (shuffle-partitioned)");
    (void)profile;
    if (inputs.resize) {
        plan.service = "batch"; // compute-heavy image preparation: AWS Batch on GPU instances with OpenCV, on spot
    } else if (size_gb > k_emr_dataset_gb) {
        plan.service = "emr";
    } else if (tabular && !inputs.recordio) {
        plan.service = "athena"; // SQL-expressible: CTAS/UNLOAD reorders columns and writes uniform files
    } else {
        plan.service = "glue"; // not SQL-friendly (RecordIO conversion, packing binary files): a Glue Spark job
    }
    return plan;
}

const std::vector<std::string>& recommender_concepts()
{
    static const std::vector<std::string> concepts = {"data-bottleneck-first", "more-loader-workers", "io-vs-compute-bound", "offline-resize",
        "uniform-partitions", "data-prep-cluster", "storage-throughput-match", "fsx-repeated-runs", "data-movement-cost", "fastfile-mode", "file-mode-startup",
        "file-mode-volume", "pipe-mode-recordio", "recordio-builtin", "csv-target-first", "s3-sharding", "no-cpu-deep-learning", "scale-up-first",
        "single-node-multi-gpu", "multi-node-network", "recheck-after-upgrade", "model-fits-data-parallel", "model-parallel-pipeline", "distribution-config",
        "rightsizing", "spot-training", "spot-checkpoint", "spot-stopping-condition", "deployment-mode-select", "realtime-autoscaling",
        "endpoint-multi-instance", "ab-variants", "neo-compile", "edge-deploy", "batch-transform", "etl-tabular-athena", "etl-glue-spark", "etl-emr-massive",
        "gpu-image-prep-batch", "shuffle-partitioned"};
    return concepts;
}

} // namespace mlscale
