// Impossible input that only the catalogue can reveal: each contradiction is an error at the field
// that states it, naming the hardware and the figure it contradicts (docs/limits.md).
#include "mlscale/plausibility.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "mlscale/estimate.hpp"
#include "mlscale/suggest.hpp"

namespace mlscale {

bool is_inference_only(const InstanceSpec& instance)
{
    // AWS Inferentia (inf1, inf2) serves models; SageMaker training does not offer it. Switches to
    // InstanceSpec's `inference_only` flag from profiles/instances.json when the catalogue has it.
    return instance.family == "inf1" || instance.family == "inf2";
}

namespace {

std::string grouped(double value)
{
    if (value < 100) {
        return fmt::format("{:.3g}", value);
    }
    const std::string digits = fmt::format("{:.0f}", value);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            out += ',';
        }
        out += digits[i];
    }
    return out;
}

void check_inference_only(const Job& job, const InstanceSpec* current, const Catalogue& catalogue, Diagnostics& diagnostics)
{
    if (current != nullptr && is_inference_only(*current)) {
        diagnostics.add(job.document.diagnostic_at("/current/instance_type",
            fmt::format("ml.{} is an inference-only instance ({}): it cannot run a training job", current->name,
                current->gpu_spec != nullptr ? current->gpu_spec->name : current->family),
            "train on a GPU or AWS Trainium instance (ml.trn1.*) and deploy to Inferentia; `mlscale catalogue list` shows the catalogue"));
    }
    const auto& families = job.constraints.instance_families;
    for (std::size_t i = 0; i < families.size(); ++i) {
        const auto member =
            std::find_if(catalogue.instances.begin(), catalogue.instances.end(), [&](const InstanceSpec& instance) { return instance.family == families[i]; });
        if (member == catalogue.instances.end() && !catalogue.instances.empty()) {
            // An unknown family would leave the plan nothing to choose from, silently.
            std::vector<std::string> known;
            for (const auto& instance : catalogue.instances) {
                if (std::find(known.begin(), known.end(), instance.family) == known.end()) {
                    known.push_back(instance.family);
                }
            }
            // A generation ("p6") names several families (p6-b200, p6-b300): list them, not a typo's neighbour.
            std::vector<std::string> members;
            for (const auto& family : known) {
                if (family.size() > families[i].size() && family.rfind(families[i], 0) == 0) {
                    members.push_back(family);
                }
            }
            const auto match = closest_match(families[i], known);
            const std::string help = !members.empty()
                ? fmt::format(
                      "families are listed one by one: \"{}\" begins {} (`mlscale catalogue list` shows the catalogue)", families[i], fmt::join(members, ", "))
                : match ? fmt::format("did you mean \"{}\"? (`mlscale catalogue list` shows the catalogue)", *match)
                        : fmt::format("the catalogue's families: {}", fmt::join(known, ", "));
            diagnostics.add(job.document.diagnostic_at(
                fmt::format("/constraints/instance_families/{}", i), fmt::format("unknown instance family \"{}\"", families[i]), help));
        } else if (member != catalogue.instances.end() && is_inference_only(*member)) {
            diagnostics.add(job.document.diagnostic_at(fmt::format("/constraints/instance_families/{}", i),
                fmt::format("\"{}\" is an inference-only instance family: the plan cannot train on it", families[i]),
                "list training families here (GPU or trn1); Inferentia is for deployment.instance_type"));
        }
    }
}

// fp8 and bf16 need tensor cores for them; the catalogue lists a dense peak for each precision a
// GPU has (profiles/gpus.json), and none for the ones it lacks (V100 and T4: no bf16; A100: no fp8).
void check_precision(const Job& job, const InstanceSpec* current, const Catalogue& catalogue, Diagnostics& diagnostics)
{
    if (!job.model.precision || current == nullptr || current->gpu_spec == nullptr) {
        return;
    }
    const std::string& precision = *job.model.precision;
    if ((precision != "fp8" && precision != "bf16") || current->gpu_spec->peak_tflops.count(precision) != 0) {
        return;
    }
    std::vector<std::string> with;
    for (const auto& gpu : catalogue.gpus) {
        if (gpu.vendor == current->gpu_spec->vendor && gpu.peak_tflops.count(precision) != 0) {
            with.push_back(gpu.name);
        }
    }
    diagnostics.add(job.document.diagnostic_at("/model/precision",
        fmt::format(
            "model.precision \"{}\" is not supported by the {} GPUs of ml.{} (current.instance_type)", precision, current->gpu_spec->name, current->name),
        fmt::format("use {} on this GPU, or an instance whose GPU has {}: {}", precision == "fp8" ? "bf16 or fp16" : "fp16 (mixed)", precision,
            fmt::join(with, ", "))));
}

// A measured run's hours imply a rate too: the run's samples over its hours (start-up included,
// the lowest rate they can mean). Beyond every GPU's peak, the hours or the run's size are wrong.
void check_observed_hours(const Job& job, const ResolvedModel& model, const InstanceSpec* current, const Catalogue& catalogue, Diagnostics& diagnostics)
{
    const auto hours = job.current.observed.hours;
    if (!hours || *hours <= 0 || job.current.observed.samples_per_sec || current == nullptr) {
        return;
    }
    std::vector<std::string> ignored;
    const Workload workload = make_workload(job, model, catalogue, ignored);
    const double samples = workload.samples_per_run;
    const std::int64_t count = job.current.instance_count.value_or(1);
    const double peak = physical_peak_samples_per_sec(job, model, *current, count, catalogue);
    const double implied = rate_from_hours(job.current.observed, workload);
    if (peak <= 0 || samples <= 0 || implied <= peak) {
        return;
    }
    diagnostics.add(job.document.diagnostic_at("/current/observed/hours",
        fmt::format("observed {} h for the run's {} samples is {} samples/s, {}x the physical peak of {} x ml.{} ({} samples/s at the "
                    "accelerators' highest dense peak)",
            grouped(*hours), grouped(samples), grouped(implied), grouped(implied / peak), count, current->name, grouped(peak)),
        "observed.hours is one whole run of the job as described (its epochs or tokens_billions over the dataset); check the hours, the dataset's "
        "size and the model's size and FLOPs"));
}

void check_observed_rate(const Job& job, const ResolvedModel& model, const InstanceSpec* current, const Catalogue& catalogue, Diagnostics& diagnostics)
{
    const auto observed = job.current.observed.samples_per_sec;
    if (!observed || current == nullptr) {
        return;
    }
    const std::int64_t count = job.current.instance_count.value_or(1);
    const double peak = physical_peak_samples_per_sec(job, model, *current, count, catalogue);
    if (peak <= 0 || *observed <= peak) {
        return;
    }
    const auto seq_len = model.seq_len.value_or(0);
    std::string help = "samples_per_sec is the whole job's rate in samples";
    if (seq_len > 0) {
        help += fmt::format(" (sequences of {} tokens): a tokens/s figure divided by {} is samples/s", seq_len, seq_len);
    }
    help += "; check the model's size and FLOPs too";
    diagnostics.add(job.document.diagnostic_at("/current/observed/samples_per_sec",
        fmt::format("observed {} samples/s is {}x the physical peak of {} x ml.{}: {} {}{} at {} highest dense peak reach{} at most {} samples/s",
            grouped(*observed), grouped(*observed / peak), count, current->name, count * current->gpu_count,
            current->family.rfind("trn", 0) == 0 ? "chip" : "GPU", count * current->gpu_count == 1 ? "" : "s",
            count * current->gpu_count == 1 ? "its" : "their", count * current->gpu_count == 1 ? "es" : "", grouped(peak)),
        help));
}

// Memory in use per GPU cannot exceed the GPU's memory (profiles/gpus.json).
void check_observed_memory(const Job& job, const InstanceSpec* current, Diagnostics& diagnostics)
{
    const auto used = job.current.observed.gpu_mem_used_gb;
    if (!used || current == nullptr || current->gpu_count <= 0 || current->gpu_memory_gb <= 0 || *used <= current->gpu_memory_gb) {
        return;
    }
    const bool from_telemetry = std::any_of(job.current.observed.sources.begin(), job.current.observed.sources.end(),
        [](const std::string& s) { return s.rfind("observed_source: gpu_mem_used_gb", 0) == 0 && s.find("from telemetry") != std::string::npos; });
    Diagnostic diagnostic = job.document.diagnostic_at("/current/observed/gpu_mem_used_gb",
        fmt::format("observed {} GB in use per GPU, but a GPU of ml.{} has {} GB", grouped(*used), current->name, grouped(current->gpu_memory_gb)),
        from_telemetry ? std::string("the value comes from --telemetry: was it captured on another instance type than current.instance_type?")
                       : std::string("gpu_mem_used_gb is per GPU, in GB (nvidia-smi's memory.used is in MiB); for the whole instance divide by its GPU count"));
    // A typed value is the job contradicting itself; a capture from another machine is the run's
    // input, said out loud but not refused (advise --telemetry has no other instance to check it on).
    diagnostic.level = from_telemetry ? Level::Warning : Level::Error;
    diagnostics.add(std::move(diagnostic));
}

// Today's storage as the job configures it must be a configuration AWS accepts.
void check_storage_today(const Job& job, const Catalogue& catalogue, Diagnostics& diagnostics)
{
    const StorageToday& today = job.storage;
    // "Elastic throughput mode is available only for file systems that are configured with the
    // General Purpose performance mode" (AWS re:Post, efs-choosing-correct-throughput-mode).
    if (today.efs.performance_mode == std::optional<std::string>("max-io") && today.efs.throughput_mode == std::optional<std::string>("elastic")) {
        diagnostics.add(
            job.document.diagnostic_at("/storage/efs/performance_mode", "EFS Elastic throughput needs General Purpose performance mode, not Max I/O",
                "set performance_mode to \"general-purpose\", or throughput_mode to what the file system really uses (bursting or provisioned)"));
    }
    // FSx for Lustre: the deployment, storage type and throughput tier must be one AWS offers
    // (profiles/storage.json fsx-lustre deployment_types; Intelligent-Tiering has no per-TiB tier).
    const FsxToday& fsx = today.fsx;
    if ((fsx.storage_type || fsx.per_unit_mb_s_per_tib) && fsx.storage_type != std::optional<std::string>("INTELLIGENT_TIERING") &&
        !catalogue.storage_facts.fsx.empty() &&
        fsx_deployment_for(catalogue.storage_facts, fsx.deployment_type.value_or(""), fsx.storage_type.value_or(""), fsx.per_unit_mb_s_per_tib.value_or(0)) ==
            nullptr) {
        std::vector<std::string> offered; // "PERSISTENT_1 HDD 12/40", in the catalogue's order
        std::string last;
        for (const auto& row : catalogue.storage_facts.fsx) {
            const std::string kind = row.deployment_type + " " + row.storage_type;
            if (kind == last) {
                offered.back() += "/" + grouped(row.per_unit_mb_s_per_tib);
            } else {
                offered.push_back(kind + " " + grouped(row.per_unit_mb_s_per_tib));
            }
            last = kind;
        }
        const char* at = fsx.per_unit_mb_s_per_tib ? "/storage/fsx/per_unit_throughput_mb_s_per_tib" : "/storage/fsx/storage_type";
        diagnostics.add(job.document.diagnostic_at(at,
            fmt::format("AWS offers no FSx for Lustre file system {}{}{}", fsx.deployment_type.value_or(""),
                fsx.storage_type ? " " + *fsx.storage_type : std::string(),
                fsx.per_unit_mb_s_per_tib ? fmt::format(" at {} MB/s/TiB", grouped(*fsx.per_unit_mb_s_per_tib)) : std::string()),
            fmt::format("deployment, storage type and MB/s per TiB offered (CreateFileSystemLustreConfiguration): {}", fmt::join(offered, "; "))));
    }
    // EBS IOPS: provisioned on gp3 (3,000-80,000), io1 (100-64,000) and io2 (100-256,000); gp2, st1
    // and sc1 take none (profiles/storage.json ebs-gp3, ebs-io2; aws_storage.md §4: botocore CreateVolume).
    if (today.ebs.iops) {
        const std::string type = today.ebs.volume_type.value_or("gp2");
        const std::int64_t iops = *today.ebs.iops;
        const auto low = static_cast<std::int64_t>(type == "gp3" ? Gp3Limits::baseline_iops : 100);
        const auto high = static_cast<std::int64_t>(type == "gp3" ? Gp3Limits::max_iops : type == "io1" ? 64000 : 256000);
        if (type == "gp2" || type == "st1" || type == "sc1") {
            diagnostics.add(job.document.diagnostic_at("/storage/ebs/iops", fmt::format("{} volumes take no provisioned IOPS", type),
                type == "gp2" ? "gp2's IOPS follow its size (3 per GiB); drop iops, or set volume_type to gp3, io1 or io2"
                              : "st1 and sc1 are rated in MiB/s per TiB; drop iops"));
        } else if (iops < low || iops > high) {
            diagnostics.add(job.document.diagnostic_at("/storage/ebs/iops",
                fmt::format("{} volumes take {} to {} IOPS, not {}", type, grouped(low), grouped(high), grouped(iops)),
                "the range CreateVolume accepts for the volume type"));
        }
    }
    // gp3 alone takes provisioned throughput, within Gp3Limits.
    if (today.ebs.throughput_mib_s) {
        const std::string type = today.ebs.volume_type.value_or("gp2");
        const double mib_s = *today.ebs.throughput_mib_s;
        if (type != "gp3") {
            diagnostics.add(job.document.diagnostic_at("/storage/ebs/throughput_mib_s", fmt::format("{} volumes take no provisioned throughput", type),
                "only gp3 provisions throughput; drop throughput_mib_s, or set volume_type to gp3"));
        } else if (mib_s < Gp3Limits::baseline_mib_s || mib_s > Gp3Limits::max_mib_s) {
            diagnostics.add(job.document.diagnostic_at("/storage/ebs/throughput_mib_s",
                fmt::format(
                    "gp3 volumes take {} to {} MiB/s of throughput, not {}", grouped(Gp3Limits::baseline_mib_s), grouped(Gp3Limits::max_mib_s), grouped(mib_s)),
                "the range CreateVolume accepts for gp3"));
        }
    }
}

// Each sequence can be split over at most the GPUs today's setup has.
void check_context_parallel(const Job& job, const InstanceSpec* current, Diagnostics& diagnostics)
{
    const auto& degree = job.training.context_parallel;
    if (!degree || current == nullptr || current->gpu_count <= 0) {
        return;
    }
    const std::int64_t count = job.current.instance_count.value_or(1);
    const std::int64_t gpus = current->gpu_count * count;
    if (*degree > gpus) {
        diagnostics.add(job.document.diagnostic_at("/training/context_parallel",
            fmt::format("context_parallel {} splits each sequence over more GPUs than today's {} x ml.{} have ({})", *degree, count, current->name, gpus),
            "the degree is the GPUs one sequence is split over (Megatron-LM context_parallel_size), at most the GPUs of the job"));
    }
}

// Today's tensor x pipeline x context split must fit today's GPUs, and needs a distribution that splits the model.
void check_model_split(const Job& job, const InstanceSpec* current, Diagnostics& diagnostics)
{
    const auto& t = job.training;
    const std::int64_t tensor = t.tensor_parallel.value_or(1);
    const std::int64_t pipeline = t.pipeline_parallel.value_or(1);
    if (tensor <= 1 && pipeline <= 1) {
        return;
    }
    const char* field = tensor > 1 ? "/training/tensor_parallel" : "/training/pipeline_parallel";
    const std::string distribution = t.distribution.value_or("none");
    if (distribution == "none" || distribution == "data-parallel") {
        diagnostics.add(job.document.diagnostic_at(field,
            fmt::format("{} {} splits the model, but training.distribution is \"{}\"", tensor > 1 ? "tensor_parallel" : "pipeline_parallel",
                tensor > 1 ? tensor : pipeline, distribution),
            "set training.distribution to \"model-parallel\" (tensor and pipeline splits), \"pipeline\", or \"sharded\" (with Megatron's distributed "
            "optimizer, ZeRO-1), or leave the degrees out"));
        return;
    }
    if (current == nullptr || current->gpu_count <= 0) {
        return;
    }
    const std::int64_t count = job.current.instance_count.value_or(1);
    const std::int64_t gpus = current->gpu_count * count;
    const std::int64_t context = t.context_parallel.value_or(1);
    const std::int64_t split = tensor * pipeline * context;
    if (split > gpus || gpus % split != 0) {
        diagnostics.add(job.document.diagnostic_at(field,
            fmt::format("tensor_parallel x pipeline_parallel x context_parallel = {} x {} x {} = {} GPUs per model replica, {} today's {} GPUs ({} x ml.{})",
                tensor, pipeline, context, split, split > gpus ? "more than" : "which does not divide", gpus, count, current->name),
            "the degrees multiply to the GPUs one replica of the model spans; the job's GPUs are a whole number of replicas (data parallel over the rest)"));
    }
}

} // namespace

double physical_peak_samples_per_sec(const Job& job, const ResolvedModel& model, const InstanceSpec& instance, std::int64_t count, const Catalogue& catalogue)
{
    if (instance.gpu_spec == nullptr || instance.gpu_count <= 0 || count <= 0) {
        return 0;
    }
    double peak_tflops = 0;
    for (const auto& [precision, tflops] : instance.gpu_spec->peak_tflops) {
        peak_tflops = std::max(peak_tflops, tflops);
    }
    std::vector<std::string> ignored;
    const Workload workload = make_workload(job, model, catalogue, ignored);
    const double flops_per_sample = workload.train_flops_per_sample();
    if (peak_tflops <= 0 || flops_per_sample <= 0) {
        return 0;
    }
    return static_cast<double>(count) * instance.gpu_count * peak_tflops * 1e12 / flops_per_sample;
}

void check_plausibility(const Job& job, const ResolvedModel& model, const InstanceSpec* current, const Catalogue& catalogue, Diagnostics& diagnostics)
{
    check_context_parallel(job, current, diagnostics);
    check_model_split(job, current, diagnostics);
    check_inference_only(job, current, catalogue, diagnostics);
    check_precision(job, current, catalogue, diagnostics);
    check_observed_rate(job, model, current, catalogue, diagnostics);
    check_observed_hours(job, model, current, catalogue, diagnostics);
    check_observed_memory(job, current, diagnostics);
    check_storage_today(job, catalogue, diagnostics);
}

} // namespace mlscale
