// The options the walk chooses among: every allowed instance and count, each with its parallelism,
// storage and (when the CPUs cannot keep up) a data-preparation cluster, judged against the target
// and the budget. docs/recommender.md §2.
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "walk.hpp"

namespace mlscale::walk {

namespace {

// Counts tried for multi-node: powers of two up to this, and max_instances.
constexpr int k_max_count = 64;
// Beyond k_max_count, an instance's count keeps doubling while it misses the target, up to this:
// 2,048 eight-GPU nodes, the scale of the largest published training runs (16,384 H100 GPUs for
// Llama 3 405B, "The Llama 3 Herd of Models", Meta, 2024, section 3.3). A bound on the search, not
// an AWS limit; max_instances and max_gpus still apply.
constexpr int k_max_scale_out = 2048;
// A one-GPU instance is a bigger GPU when it processes this much more than the baseline GPU.
constexpr double k_bigger_gpu = 1.1;

// Offered as a training instance on the job's platform (unknown counts as offered).
bool offered_on(Platform platform, const InstanceSpec& instance)
{
    switch (platform) {
    case Platform::SageMaker:
        return instance.sagemaker_training != std::optional<bool>(false);
    case Platform::HyperPod:
        return instance.sagemaker_hyperpod != std::optional<bool>(false);
    case Platform::Ec2:
        return instance.ec2_offered != std::optional<bool>(false);
    }
    return true;
}

bool family_listed(const Job& job, const std::string& family)
{
    const auto& families = job.constraints.instance_families;
    return std::find(families.begin(), families.end(), family) != families.end();
}

std::vector<int> counts_for(const Walk& walk, const InstanceSpec& instance, bool full_node, bool relax)
{
    const int max_instances = relax ? k_max_count : static_cast<int>(walk.job.constraints.max_instances.value_or(k_max_count));
    const int max_gpus = relax ? 1 << 30 : static_cast<int>(walk.job.constraints.max_gpus.value_or(1 << 30));
    std::set<int> counts{1};
    if (full_node && instance.efa) { // multi-node only over EFA (multi-node-network)
        for (int n = 2; n <= k_max_count; n *= 2) {
            counts.insert(n);
        }
        counts.insert(max_instances);
    }
    std::vector<int> out;
    for (const int n : counts) {
        if (n >= 1 && n <= max_instances && n * std::max(1, instance.gpu_count) <= max_gpus) {
            out.push_back(n);
        }
    }
    return out;
}

// Full nodes only for multi-node: the family's largest GPU count (NVLink inside, EFA between).
bool full_node(const Catalogue& catalogue, const InstanceSpec& instance)
{
    int most = 0;
    for (const auto& other : catalogue.instances) {
        if (other.family == instance.family) {
            most = std::max(most, other.gpu_count);
        }
    }
    return instance.gpu_count == most && instance.gpu_count >= 4;
}

// The compute-optimised instance with the most vCPUs that has an EC2 price: a data-preparation
// cluster runs on EC2 or AWS Batch, not as a SageMaker training instance.
const InstanceSpec* prep_instance_type(const Catalogue& catalogue)
{
    const InstanceSpec* best = nullptr;
    for (const auto& instance : catalogue.instances) {
        if (instance.gpu_count == 0 && instance.family.rfind('c', 0) == 0 && instance.price_usd_per_hour && (best == nullptr || instance.vcpus > best->vcpus)) {
            best = &instance;
        }
    }
    return best;
}

// When even every vCPU cannot prepare the data: the preparation moves to a cluster of its own,
// kept when it is cheaper in total or the only way to meet the target.
void consider_prep_cluster(const Walk& walk, const Workload& w, Option& option)
{
    const InstanceSpec* prep = prep_instance_type(walk.catalogue);
    if (option.e.bottleneck != Bottleneck::Cpu || w.cpu_ms_per_sample <= 0 || prep == nullptr || prep->vcpus <= 0) {
        return;
    }
    Workload offloaded = w;
    offloaded.cpu_ms_per_sample = 0;
    Option cluster = option;
    cluster.e = estimate(offloaded, option.config, walk.catalogue, walk.options);
    cluster.hours = cluster.e.hours - (option.e.hours - option.hours); // keep any amortised lazy load
    const double vcpus = cluster.e.samples_per_sec * w.cpu_ms_per_sample / 1000.0;
    const double prep_count = std::ceil(vcpus / prep->vcpus);
    if (!(prep_count <= k_max_count)) {
        return; // a preparation cluster larger than the largest training cluster is no plan: the data wants offline ETL
    }
    cluster.prep = PrepCluster{prep, static_cast<int>(prep_count)};
    const auto price = hourly_price(walk, *option.instance);
    if (price && cluster.hours > 0) {
        cluster.run_cost = cluster.hours * (cluster.count * *price + cluster.prep.count * *prep->price_usd_per_hour);
        cluster.total_cost = *cluster.run_cost * walk.runs + cluster.storage.cost_usd.value_or(0);
    }
    judge(walk, cluster);
    const bool cheaper = cluster.total_cost && option.total_cost && *cluster.total_cost < *option.total_cost;
    const bool only_way = cluster.meets && !option.meets;
    if (cluster.usable() && cluster.hours < option.hours && (cheaper || only_way || !option.total_cost)) {
        option = cluster;
    }
}

Rung rung_of(const Walk& walk, const Option& option)
{
    if (option.instance->gpu_count == 0) {
        return Rung::Cpu;
    }
    if (option.count > 1) {
        return Rung::MultiNode;
    }
    if (option.instance->gpu_count > 1) {
        return Rung::MultiGpuNode;
    }
    return option.e.compute_samples_per_sec > walk.baseline_gpu_rate * k_bigger_gpu ? Rung::BiggerGpu : Rung::SingleGpu;
}

// The baseline GPU: today's, else the cheapest one-GPU instance allowed.
void find_baseline_gpu(Walk& walk)
{
    if (walk.current != nullptr && walk.current->gpu_count > 0) {
        walk.baseline_gpu = walk.current;
    } else {
        for (const InstanceSpec* instance : allowed_instances(walk, true, false)) {
            if (instance->gpu_count == 1 && (walk.baseline_gpu == nullptr || *hourly_price(walk, *instance) < *hourly_price(walk, *walk.baseline_gpu))) {
                walk.baseline_gpu = instance;
            }
        }
    }
    if (walk.baseline_gpu != nullptr) {
        Config one;
        one.instance = walk.baseline_gpu;
        one.gpus_per_instance = 1;
        walk.baseline_gpu_rate = estimate(walk.fixed, one, walk.catalogue, walk.options).compute_samples_per_sec;
    }
}

} // namespace

const char* rung_name(Rung rung)
{
    switch (rung) {
    case Rung::FixPipeline:
        return "fix-data-pipeline";
    case Rung::Cpu:
        return "cpu";
    case Rung::SingleGpu:
        return "single-gpu";
    case Rung::BiggerGpu:
        return "bigger-gpu";
    case Rung::MultiGpuNode:
        return "multi-gpu-node";
    case Rung::MultiNode:
        return "multi-node";
    }
    return "single-gpu";
}

std::optional<double> hourly_price(const Walk& walk, const InstanceSpec& instance)
{
    return instance.hourly_price(walk.options.platform, walk.catalogue.sagemaker_markup);
}

StorageRates storage_rates(const Catalogue& catalogue)
{
    StorageRates rates;
    const StoragePrices& prices = catalogue.storage_facts.prices;
    rates.s3_get_per_1000 = prices.s3_get_usd_per_1000;
    rates.efs_elastic_read_per_gb = prices.efs_elastic_read_usd_per_gb;
    rates.gp3_iops_month = prices.ebs_gp3_usd_per_iops_month;
    rates.gp3_mib_s_month = prices.ebs_gp3_usd_per_mb_s_month;
    for (const auto& deployment : catalogue.storage_facts.fsx) {
        if (!deployment.price_usd_per_gb_month || deployment.storage_type != "SSD") {
            continue;
        }
        const bool tiered = deployment.deployment_type.rfind("PERSISTENT", 0) == 0;
        const std::string key =
            tiered ? deployment.deployment_type + ":" + std::to_string(static_cast<int>(deployment.per_unit_mb_s_per_tib)) : deployment.deployment_type;
        rates.fsx_gb_month[key] = *deployment.price_usd_per_gb_month;
    }
    return rates;
}

std::optional<double> StorageRates::fsx_rate(const std::string& deployment_type, double per_unit_mb_s_per_tib) const
{
    const std::string key = per_unit_mb_s_per_tib > 0 && deployment_type.rfind("PERSISTENT", 0) == 0
        ? deployment_type + ":" + std::to_string(static_cast<int>(per_unit_mb_s_per_tib))
        : deployment_type;
    const auto it = fsx_gb_month.find(key);
    return it != fsx_gb_month.end() ? std::optional<double>(it->second) : std::nullopt;
}

namespace {

// Why an instance cannot train this job on the job's platform, or "" when it can (families aside):
// inference only, not offered, no price, no tensor cores for the job's precision, or not the kind
// of processor the model trains on.
std::string cannot_train(const Walk& walk, const InstanceSpec& instance, bool gpu)
{
    const std::string platform = walk.job.training.platform.value_or("sagemaker");
    if (instance.inference_only) {
        return "inference only";
    }
    if (!offered_on(walk.options.platform, instance)) {
        return fmt::format("not offered for {} training", platform);
    }
    if (!hourly_price(walk, instance)) {
        return fmt::format("no {} price in profiles/instances.json", platform);
    }
    if (gpu != (instance.gpu_count > 0 && instance.gpu_spec != nullptr)) {
        return gpu ? "no accelerator" : "an accelerated instance";
    }
    const std::string& precision = walk.profile.model.precision;
    if (gpu && (precision == "fp8" || precision == "bf16") && instance.gpu_spec->peak_tflops.count(precision) == 0) {
        return fmt::format("{} has no {} peak (profiles/gpus.json)", instance.gpu_spec->name, precision);
    }
    return "";
}

// A family the job allows that gives the plan nothing: say why, instance by instance, rather than
// leave the reader to wonder why trn2 never appears.
void explain_unused_families(Walk& walk, const std::vector<const InstanceSpec*>& allowed)
{
    for (const std::string& family : walk.job.constraints.instance_families) {
        const bool used = std::any_of(allowed.begin(), allowed.end(), [&](const InstanceSpec* i) { return i->family == family; });
        if (used) {
            continue;
        }
        std::vector<std::pair<std::string, std::vector<std::string>>> by_reason; // in catalogue order
        for (const auto& instance : walk.catalogue.instances) {
            if (instance.family != family) {
                continue;
            }
            const std::string reason = cannot_train(walk, instance, true);
            auto it = std::find_if(by_reason.begin(), by_reason.end(), [&](const auto& entry) { return entry.first == reason; });
            if (it == by_reason.end()) {
                it = by_reason.insert(by_reason.end(), {reason, {}});
            }
            it->second.push_back(instance.name);
        }
        std::vector<std::string> reasons;
        for (const auto& [reason, names] : by_reason) {
            // Unpriced, not unusable: the time can still be had, on one configuration at a time.
            const bool unpriced = reason.rfind("no ", 0) == 0 && reason.find(" price in ") != std::string::npos;
            reasons.push_back(fmt::format("{}: {}{}", fmt::join(names, ", "), reason,
                unpriced ? fmt::format(" (`mlscale estimate` times it, e.g. --instance {} --count 2)", names.front()) : ""));
        }
        walk.out.assumptions.push_back(reasons.empty()
                ? fmt::format("constraints.instance_families lists {}, which profiles/instances.json does not have", family)
                : fmt::format("constraints.instance_families lists {}, but none of its instances can train this job ({})", family, fmt::join(reasons, "; ")));
    }
}

} // namespace

// Allowed instances for training: the constraint's families, offered for SageMaker training,
// priced; deep models on NVIDIA GPUs (Kepler, Trainium and Inferentia only when their family is
// listed), other models on CPU instances.
std::vector<const InstanceSpec*> allowed_instances(const Walk& walk, bool gpu, bool ignore_families)
{
    std::vector<const InstanceSpec*> out;
    const auto& families = walk.job.constraints.instance_families;
    for (const auto& instance : walk.catalogue.instances) {
        const bool listed = family_listed(walk.job, instance.family);
        if (!ignore_families && !families.empty() && !listed) {
            continue;
        }
        if (!cannot_train(walk, instance, gpu).empty()) {
            continue;
        }
        const bool exotic = gpu && (instance.gpu_spec->vendor != "nvidia" || instance.gpu_spec->generation == "kepler");
        if (exotic && (!listed || ignore_families)) {
            continue;
        }
        out.push_back(&instance);
    }
    return out;
}

void judge(const Walk& walk, Option& option)
{
    option.known = option.e.throughput_known && option.hours > 0;
    option.fits = option.parallelism.fits && (!option.e.memory_known || option.e.fits);
    option.runnable = !walk.sagemaker_job || !option.known || option.hours <= k_sagemaker_max_runtime_hours;
    option.in_time = option.usable() && walk.target && option.hours <= *walk.target * (1.0 + 1e-9);
    option.within_budget = !walk.budget || (option.total_cost && *option.total_cost <= *walk.budget * (1.0 + 1e-9));
    option.meets = option.usable() && (!walk.target || option.in_time) && option.within_budget && (walk.target || walk.budget);
}

Option evaluate_option(const Walk& walk, const Workload& workload, const InstanceSpec& instance, int count)
{
    Workload w = workload;
    if (count > 1 && walk.location == "s3") {
        w.sharded_by_key = true; // data parallel over S3: each instance reads its share (s3-sharding)
    }
    Option option;
    option.instance = &instance;
    option.count = count;
    option.parallelism = choose_parallelism(w, instance, count, walk.framework, walk.catalogue, walk.options);
    // Nothing fits with every activation kept: recomputing them in the backward pass (activation or
    // gradient checkpointing, one setting in the training code) is the usual remedy, at 4/3 the
    // compute; the configuration is timed with it and the plan says so (docs/recommender.md §5).
    if (!option.parallelism.fits && !w.recompute && (w.transformer_blocks() || w.family == "cnn" || w.family == "diffusion")) {
        Workload recomputed = w;
        recomputed.recompute = true;
        ParallelismChoice with = choose_parallelism(recomputed, instance, count, walk.framework, walk.catalogue, walk.options);
        if (with.fits) {
            w = recomputed;
            option.parallelism = with;
            option.recompute_added = true;
        } else if (!with.why.empty() && option.parallelism.why.find("activations") != std::string::npos) {
            // The activations were part of the shortfall (the sentence names them): say checkpointing does not close it.
            option.parallelism.why = with.why + " even with activation checkpointing (the activations recomputed in the backward pass)";
        }
    }
    option.config.instance = &instance;
    option.config.count = count;
    option.config.parallelism = option.parallelism.parallelism;
    choose_storage(walk, w, option);
    consider_prep_cluster(walk, w, option);
    buy_spot(walk, &w, option);
    option.rung = rung_of(walk, option);
    return option;
}

std::string why_today_cannot_stay(const Walk& walk)
{
    const auto& constraints = walk.job.constraints;
    if (walk.current == nullptr) {
        return "no setup today";
    }
    const std::string today = fmt::format("today's {} x {}", type_name(walk, *walk.current), walk.current_count);
    if (!constraints.instance_families.empty() && !family_listed(walk.job, walk.current->family)) {
        return today + " is outside the job's constraints (instance_families)";
    }
    if (constraints.max_instances && walk.current_count > *constraints.max_instances) {
        return today + " is outside the job's constraints (max_instances)";
    }
    if (constraints.max_gpus && static_cast<std::int64_t>(walk.current_count) * walk.current->gpu_count > *constraints.max_gpus) {
        return today + " is outside the job's constraints (max_gpus)";
    }
    if (walk.current_count > 1 && walk.current->gpu_count > 0 && !walk.current->efa) {
        return today + " trains across instances without EFA (multi-node-network)";
    }
    return "";
}

namespace {

// The telemetry shows the GPUs waiting (Debugger's thresholds: below 70 % busy, CPU- or I/O-bound):
// what it shows, or empty when it shows no wait.
std::string telemetry_wait(const Walk& walk)
{
    const Profile& profile = walk.profile;
    const auto& observed = walk.job.current.observed;
    if (profile.bottleneck_basis != "observed" || (profile.bottleneck != "io" && profile.bottleneck != "cpu") || !observed.gpu_util_pct) {
        return "";
    }
    return fmt::format("({}GPUs {:.3g} % busy{})", profile.bottleneck == "cpu" ? "CPU-bound, " : "", *observed.gpu_util_pct,
        observed.cpu_util_pct ? fmt::format(", CPUs {:.3g} %", *observed.cpu_util_pct) : std::string());
}

// Where to look for a wait the model does not see.
std::string where_to_look(const Walk& walk)
{
    // Across nodes the GPUs also wait on collectives the model counts as overlapped: telemetry that
    // shows neither the CPUs nor I/O busy does not tell the two apart.
    const bool nodes = walk.current != nullptr && walk.current_count > 1 && walk.current->gpu_count > 0;
    // EFS of an unstated throughput mode is taken as Elastic; created by the API it is Bursting, whose
    // baseline (the assumption names it) can be the wait: look there first.
    const bool efs_mode_unknown = walk.job.dataset.location == std::optional<std::string>("efs") && !walk.job.storage.efs.throughput_mode;
    return fmt::format("look {}in the loader and the training loop: {}{}",
        efs_mode_unknown && walk.profile.bottleneck != "cpu"
            ? "at EFS's throughput mode first (Bursting's baseline, in the assumptions, may be the wait), then "
            : "",
        walk.profile.bottleneck == "cpu"
            ? "per-sample CPU work (decoding, augmentation, tokenising: move it offline, or measure it as dataset.cpu_ms_per_sample)"
            : "loader workers and prefetching, reads or per-sample work done in the loop",
        nodes && walk.profile.bottleneck != "cpu"
            ? fmt::format("; across today's {} nodes, also communication the model counts as overlapped (that NCCL runs over EFA, FI_PROVIDER=efa in "
                          "the logs, and that the collectives overlap the compute)",
                  walk.current_count)
            : "");
}

// The telemetry shows the GPUs waiting on something the model's fixes do not answer. `modelled`:
// the model's own wait when it is another one (storage where the CPUs are busy, or the reverse):
// the fixes stay and the step says the measured wait is still to find. Otherwise, where the model,
// calibrated to the telemetry, has today's GPUs faster than they ran, every candidate is estimated
// without the wait, so today's fixed setup is too and the step says so; else today stays as it ran
// and the step says where to look, without a gain.
// Today's run as measured (or estimated), read with `fixed`'s input mode: less the download it
// removes, priced again.
Option today_less_download(const Walk& walk, const Option& fixed, double saved_minutes)
{
    Option kept = *walk.today;
    kept.storage = fixed.storage;
    kept.config.storage = fixed.config.storage;
    kept.config.input_mode = fixed.config.input_mode;
    kept.hours = std::max(walk.today->hours - saved_minutes / 60.0, walk.today->hours * 0.01);
    kept.e.startup_minutes = fixed.e.startup_minutes;
    kept.e.hours = kept.hours;
    if (const auto price = hourly_price(walk, *kept.instance); price && kept.hours > 0) {
        kept.run_cost = kept.hours * kept.count * *price;
        kept.storage.cost_usd = storage_cost(walk, walk.fixed, kept.storage, kept.count, kept.hours, kept.e.page_cache);
        kept.total_cost = *kept.run_cost * walk.runs + kept.storage.cost_usd.value_or(0);
    }
    judge(walk, kept);
    return kept;
}

void fix_unexplained_wait(Walk& walk, Option& fixed, Bottleneck modelled)
{
    const std::string wait = telemetry_wait(walk);
    const bool cpu_seen = walk.profile.bottleneck == "cpu";
    if (!wait.empty() && (modelled == Bottleneck::Io || modelled == Bottleneck::Cpu)) {
        // The model finds a wait, but not the one the telemetry shows (storage where the CPUs are busy,
        // or the reverse): its fixes do not remove that one.
        walk.removed_wait = fmt::format("the telemetry shows the GPUs waiting on the {} {}, where the model finds the {} short{}: {}; the time after "
                                        "assumes that wait is found too",
            cpu_seen ? "CPUs" : "input", wait, modelled == Bottleneck::Io ? "storage" : "CPUs",
            cpu_seen && !walk.today->e.cpu_known ? " (and has no CPU cost for this format)" : "", where_to_look(walk));
        return;
    }
    if (!wait.empty() && fixed.usable() && fixed.e.samples_per_sec > walk.today->e.samples_per_sec * 1.01) {
        walk.removed_wait = "remove the wait the telemetry shows " + wait + ": the model finds the storage " +
            (walk.today->e.cpu_known ? "and CPUs able to feed the GPUs" : "able to feed the GPUs (and has no CPU cost for this format)") + ", so " +
            where_to_look(walk);
        return;
    }
    // Nothing changes (no fix, the data read as today): today's setup as measured, not re-estimated.
    // A switch of input mode that removes a download taking 5 % of today's time is a change: File
    // mode's 1.6 h download of 1 TB before the first step was kept here while every plan streamed the
    // same data with FastFile.
    const double saved_minutes = walk.today->e.startup_minutes - fixed.e.startup_minutes;
    const bool faster_start = fixed.config.input_mode != walk.today->config.input_mode && saves_download(walk, saved_minutes) && !walk.today->spot;
    if (walk.fixes.empty() && faster_start) {
        fixed = today_less_download(walk, fixed, saved_minutes);
    } else if (walk.fixes.empty()) {
        fixed = *walk.today;
    }
    if (!wait.empty()) {
        walk.unexplained_wait = "find the wait the telemetry shows " + wait + ": " + where_to_look(walk) + "; the model cannot say what removing it gains";
    }
}

// What limits today's setup by the model, with today's layout and the efficiency the telemetry
// calibrated. Where that is the wait the telemetry shows (storage for "io", CPUs for "cpu"), the
// data-pipeline fixes answer it; otherwise they (packing small files for a dataset downloaded
// before training, say) are good practice that does not remove the measured wait.
Bottleneck modelled_bottleneck(const Walk& walk)
{
    return estimate(walk.base, walk.today->config, walk.catalogue, walk.options).bottleneck;
}

bool explains(const Walk& walk, Bottleneck modelled)
{
    // A CPU cost measured from the telemetry puts the CPUs' wait in the model: what answers the
    // CPUs (a preparation cluster, more vCPUs) is priced with it, whatever else the model finds short.
    const bool cpu_seen = walk.profile.bottleneck == "cpu";
    return (modelled == Bottleneck::Io && walk.profile.bottleneck == "io") || (modelled == Bottleneck::Cpu && cpu_seen) ||
        (cpu_seen && walk.base.cpu_ms_measured);
}

// Jobs bigger than k_max_count nodes (a pre-training run today on 128 nodes): where the largest
// count tried is usable but misses the target, the count doubles until one meets it or a bound
// (k_max_scale_out, max_instances, max_gpus) stops it. docs/recommender.md §2.
void scale_out_further(Walk& walk, const InstanceSpec& instance, const std::vector<int>& counts)
{
    if (!walk.target || counts.empty() || counts.back() < k_max_count) {
        return;
    }
    const auto& constraints = walk.job.constraints;
    const std::int64_t max_instances = std::min<std::int64_t>(k_max_scale_out, constraints.max_instances.value_or(k_max_scale_out));
    const std::int64_t max_gpus = constraints.max_gpus.value_or(std::numeric_limits<std::int64_t>::max());
    for (std::int64_t n = static_cast<std::int64_t>(counts.back()) * 2; n <= max_instances && n * std::max(1, instance.gpu_count) <= max_gpus; n *= 2) {
        const Option& last = walk.options_pool.back();
        if (!last.usable() || last.in_time) {
            return;
        }
        walk.options_pool.push_back(evaluate_option(walk, walk.fixed, instance, static_cast<int>(n)));
    }
}

} // namespace

void enumerate_options(Walk& walk)
{
    find_baseline_gpu(walk);
    const auto allowed = allowed_instances(walk, true, false);
    explain_unused_families(walk, allowed);
    for (const InstanceSpec* instance : allowed) {
        const bool full = full_node(walk.catalogue, *instance);
        const auto counts = counts_for(walk, *instance, full, false);
        for (const int count : counts) {
            walk.options_pool.push_back(evaluate_option(walk, walk.fixed, *instance, count));
        }
        scale_out_further(walk, *instance, counts);
    }
    if (const std::string why = why_today_cannot_stay(walk); walk.today && !why.empty()) {
        walk.out.assumptions.push_back(why + ": the plan does not keep it");
    } else if (walk.today) {
        Option fixed = evaluate_option(walk, walk.fixed, *walk.current, walk.current_count);
        const bool in_place = !fixed.storage.fsx && !fixed.storage.efs_to_elastic && !fixed.storage.ebs_gp3_mib_s && fixed.prep.count == 0;
        const Bottleneck modelled = modelled_bottleneck(walk);
        const bool wait_seen = walk.profile.bottleneck_basis == "observed" && (walk.profile.bottleneck == "io" || walk.profile.bottleneck == "cpu");
        const bool explained = explains(walk, modelled);
        // The model's own wait, where it is another than the telemetry's (storage against busy CPUs).
        const Bottleneck other = wait_seen && !explained && (modelled == Bottleneck::Io || modelled == Bottleneck::Cpu) ? modelled : Bottleneck::None;
        if (walk.today->usable() && ((in_place && (walk.fixes.empty() || (wait_seen && !explained))) || other != Bottleneck::None)) {
            fix_unexplained_wait(walk, fixed, other);
        }
        fixed.rung = Rung::FixPipeline;
        walk.today_fixed = fixed;
    }
}

std::vector<Option> relaxed_options(const Walk& walk, bool relax_counts, bool relax_families)
{
    std::vector<Option> out;
    for (const InstanceSpec* instance : allowed_instances(walk, true, relax_families)) {
        const bool full = full_node(walk.catalogue, *instance);
        for (const int count : counts_for(walk, *instance, full, relax_counts)) {
            out.push_back(evaluate_option(walk, walk.fixed, *instance, count));
        }
    }
    return out;
}

} // namespace mlscale::walk
