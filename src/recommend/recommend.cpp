// The recommender's ladder walk (docs/recommender.md): fix the data pipeline, move deep models off
// CPUs, a bigger GPU, more GPUs in one node, more nodes; each rung estimated with the performance
// model, stopping at the first rung whose cheapest candidate meets the target and the budget.
#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "mlscale/recommend.hpp"

namespace mlscale {

namespace {

// SageMaker Debugger's LowGPUUtilization threshold (thresholds.md GPU-001): below it the GPUs wait.
constexpr double k_busy_util_pct = 70;
// Resizing offline pays only when the stored images are clearly larger than the model's input: a
// stated default (the whitepaper's example is a 31x pixel ratio).
constexpr double k_resize_min_ratio = 1.5;
// "Many runs over the same data" (practices.md fsx-repeated-runs): a stated default.
constexpr double k_repeated_runs = 3;
// A moved dataset must buy at least this much speed (data-movement-cost): a stated default.
constexpr double k_move_min_gain = 1.05;
// Volume headroom over dataset + artifacts (thresholds.md STOR-007 "× (1 + margin)"; storage.json
// instance-nvme overprovision_fraction_recommended 0.1).
constexpr double k_volume_margin = 0.1;
// Managed spot: AWS states savings "up to 90 %" (MLCOST-14, SPOT-004): the estimator's lower bound.
// The interruption overhead is a stated default, not an AWS figure: one interruption per 24 h of
// running, each losing half of a 30-minute checkpoint interval plus a restart (the start-up).
constexpr double k_spot_interruption_every_hours = 24;
constexpr double k_checkpoint_interval_hours = 0.5;
// Candidates shown on the frontier.
constexpr std::size_t k_frontier_max = 8;

const char* const k_rungs[] = {"single-gpu", "bigger-gpu", "multi-gpu-node", "multi-node"};

std::string grouped(double value)
{
    if (std::fabs(value) < 100) {
        return fmt::format("{:.3g}", value);
    }
    auto digits = fmt::format("{:.0f}", value);
    std::string out;
    const std::size_t start = digits[0] == '-' ? 1 : 0;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > start && (digits.size() - i) % 3 == 0) {
            out += ',';
        }
        out += digits[i];
    }
    return out;
}

std::string hours_text(double hours)
{
    return hours < 10 ? fmt::format("{:.2g} h", hours) : fmt::format("{} h", grouped(hours));
}

std::string usd(double value)
{
    return "$" + grouped(value);
}

double json_number(const nlohmann::json& object, std::initializer_list<const char*> path, double fallback)
{
    const nlohmann::json* at = &object;
    for (const char* key : path) {
        if (!at->is_object() || !at->contains(key)) {
            return fallback;
        }
        at = &(*at)[key];
    }
    return at->is_number() ? at->get<double>() : fallback;
}

bool family_listed(const Job& job, const std::string& family)
{
    const auto& families = job.constraints.instance_families;
    return std::find(families.begin(), families.end(), family) != families.end();
}

// One configuration, estimated with its storage, parallelism and (when needed) a preparation cluster.
struct Eval {
    const InstanceSpec* instance = nullptr;
    int count = 1;
    std::string rung;
    Config config;
    ParallelismChoice parallelism;
    Estimate e;
    std::optional<FsxSize> fsx;
    std::string storage_why;
    std::vector<std::string> storage_concepts;
    const InstanceSpec* prep_instance = nullptr;
    int prep_instances = 0;
    double hours = 0;
    std::optional<double> cost;
    bool known = false;
    bool fits = true;
    bool ok = false;      ///< meets the target and the budget (without a target: keeps the GPUs busy)
    bool in_time = false; ///< meets the target (ignoring the budget)

    [[nodiscard]] double cost_or_max() const { return cost.value_or(1e300); }
};

struct Context {
    Context(const Job& j, const Profile& p, const Catalogue& c) : job(j), profile(p), catalogue(c) {}
    const Job& job;
    const Profile& profile;
    const Catalogue& catalogue;
    Workload base;
    Workload fixed;
    EstimateOptions options;
    std::optional<double> target;
    std::optional<double> budget;
    double runs = 1;
    std::string framework;
    std::string location;
    bool builtin = false;
    bool tokens = false;
    double file_mode_max_gb = 100;
    const InstanceSpec* current = nullptr;
    int current_count = 1;
};

std::string rate_text(const Context& ctx, double samples_per_sec)
{
    if (ctx.tokens) {
        return fmt::format("{} tokens/s", grouped(samples_per_sec * static_cast<double>(ctx.base.seq_len)));
    }
    return fmt::format("{} samples/s", grouped(samples_per_sec));
}

// The compute-optimised instance with the most vCPUs that has an EC2 price: a data-preparation
// cluster runs on EC2 or AWS Batch, not as a SageMaker training instance.
const InstanceSpec* prep_instance_type(const Catalogue& catalogue)
{
    const InstanceSpec* best = nullptr;
    for (const auto& instance : catalogue.instances) {
        if (instance.gpu_count == 0 && instance.family.rfind('c', 0) == 0 && instance.price_usd_per_hour &&
            (best == nullptr || instance.vcpus > best->vcpus)) {
            best = &instance;
        }
    }
    return best;
}

void judge(const Context& ctx, Eval& ev)
{
    ev.known = ev.e.throughput_known && ev.hours > 0;
    ev.fits = ev.parallelism.fits && (!ev.e.memory_known || ev.e.fits);
    const bool within_budget = !ctx.budget || (ev.cost && *ev.cost <= *ctx.budget);
    ev.in_time = ev.known && ev.fits && ctx.target && ev.hours <= *ctx.target;
    if (ctx.target) {
        ev.ok = ev.in_time && within_budget;
    } else {
        ev.ok = ev.known && ev.fits && ev.e.gpu_util_pct >= k_busy_util_pct && within_budget;
    }
}

// Estimates `instance` × `count` on `workload`: the storage that keeps the data where it is unless
// moving it buys the speed the target needs (or repeated runs), then a preparation cluster when the
// CPUs still cannot keep up. Returns the plain configuration and, when it helps, the cluster variant.
std::vector<Eval> evaluate(const Context& ctx, const Workload& workload, const InstanceSpec& instance, int count)
{
    Workload w = workload;
    const bool s3 = ctx.location == "s3";
    if (count > 1 && s3) {
        w.sharded_by_key = true; // data parallel over S3: each instance reads its share (s3-sharding)
    }
    Eval ev;
    ev.instance = &instance;
    ev.count = count;
    ev.parallelism = choose_parallelism(w, instance, count, ctx.framework, ctx.catalogue, ctx.options);
    Config config;
    config.instance = &instance;
    config.count = count;
    config.parallelism = ev.parallelism.parallelism;

    auto run = [&](const Config& c, const Workload& wl) { return estimate(wl, c, ctx.catalogue, ctx.options); };
    // In place: S3 through File, FastFile (and Pipe for built-in algorithms), else the service it is on.
    std::vector<std::pair<std::string, std::string>> options;
    if (s3) {
        // File mode only where SageMaker recommends it (datasets below ~50-100 GB, STOR-001).
        if (w.dataset_gb / (w.sharded_by_key ? count : 1) <= ctx.file_mode_max_gb) {
            options.emplace_back("s3", "file");
        }
        options.emplace_back("s3", "fastfile");
        if (ctx.builtin) {
            options.emplace_back("s3", "pipe");
        }
    } else {
        options = {{ctx.location, ctx.location == "efs" || ctx.location == "fsx-lustre" ? "mount" : "file"}};
    }
    bool first = true;
    for (const auto& [service, mode] : options) {
        Config c = config;
        c.storage = service;
        c.input_mode = mode;
        const Estimate e = run(c, w);
        if (first || (e.throughput_known && (!ev.e.throughput_known || e.hours < ev.e.hours))) {
            ev.e = e;
            ev.config = c;
            first = false;
        }
    }
    ev.hours = ev.e.hours;
    ev.cost = ev.e.cost_known ? std::optional<double>(ev.e.cost_usd) : std::nullopt;
    if (s3) {
        ev.storage_why = ev.config.input_mode == "file"
                             ? fmt::format("File mode: {} GB downloads in {:.0f} min before training", grouped(w.dataset_gb / (w.sharded_by_key ? count : 1)),
                                   ev.e.download_minutes)
                             : fmt::format("{} streams from S3 without a download", ev.config.input_mode == "pipe" ? "Pipe mode" : "FastFile");
        ev.storage_concepts.push_back(ev.config.input_mode == "file" ? "file-mode-startup" : (ev.config.input_mode == "pipe" ? "pipe-mode-recordio" : "fastfile-mode"));
    }
    judge(ctx, ev);

    // FSx for Lustre, sized to what the GPUs consume, when the input starves them or many runs re-read the data.
    const bool repeated = ctx.runs >= k_repeated_runs && w.dataset_gb > ctx.file_mode_max_gb;
    if (s3 && ev.e.required_input_mb_s > 0 && (ev.e.bottleneck == Bottleneck::Io || repeated)) {
        const FsxSize size = size_fsx(ctx.catalogue.storage_facts, w.dataset_gb, ev.e.required_input_mb_s, ctx.runs >= k_repeated_runs);
        if (size.capacity_gib > 0) {
            Eval moved = ev;
            Config c = config;
            c.storage = "fsx-lustre";
            c.input_mode = "mount";
            c.fsx_deployment = size.deployment_type;
            c.fsx_per_unit_mb_s_per_tib = size.per_unit_mb_s_per_tib;
            c.fsx_capacity_gib = size.capacity_gib;
            moved.config = c;
            moved.e = run(c, w);
            moved.fsx = size;
            // The lazy load from S3 is paid once and serves every run (fsx-repeated-runs).
            moved.hours = moved.e.hours - moved.e.lazy_load_minutes / 60.0 * (1.0 - 1.0 / ctx.runs);
            moved.cost = moved.e.cost_known && moved.e.hours > 0 ? std::optional<double>(moved.e.cost_usd * moved.hours / moved.e.hours) : std::nullopt;
            judge(ctx, moved);
            // Repeated runs take FSx when it is at least as fast: the model charges FastFile nothing for
            // re-listing and re-reading the dataset from S3 on every run, which it does pay.
            const bool faster = moved.known && (!ev.known || (repeated ? moved.hours <= ev.hours * 1.001 : moved.hours * k_move_min_gain < ev.hours));
            // Data already in S3 with a deadline it meets stays there (data-movement-cost).
            const bool speed_matters = repeated || (ctx.target && !ev.in_time);
            if (faster && speed_matters) {
                moved.storage_why = fmt::format("FSx for Lustre {} {} GiB delivers {} MB/s for the {} MB/s the GPUs consume{}", size.deployment_type,
                    grouped(size.capacity_gib), grouped(size.throughput_mb_s), grouped(ev.e.required_input_mb_s),
                    repeated ? fmt::format("; loaded from S3 once for {:.0f} runs", ctx.runs) : "");
                moved.storage_concepts = {"storage-throughput-match"};
                if (repeated) {
                    moved.storage_concepts.push_back("fsx-repeated-runs");
                }
                ev = moved;
            } else if (faster) {
                ev.storage_why += fmt::format("; FSx for Lustre ({} GiB) would save {} per run, but the data stays in S3: the deadline does not need it",
                    grouped(size.capacity_gib), hours_text(ev.hours - moved.hours));
                ev.storage_concepts.push_back("data-movement-cost");
            }
        }
    }

    std::vector<Eval> out{ev};
    // A data-preparation cluster when even every vCPU of the instance cannot keep the GPUs fed.
    if (ev.e.bottleneck == Bottleneck::Cpu && w.cpu_ms_per_sample > 0) {
        const InstanceSpec* prep = prep_instance_type(ctx.catalogue);
        if (prep != nullptr && prep->vcpus > 0) {
            Workload offloaded = w;
            offloaded.cpu_ms_per_sample = 0;
            Eval cluster = ev;
            cluster.e = run(ev.config, offloaded);
            cluster.hours = cluster.e.hours - (ev.e.hours - ev.hours); // keep any amortised lazy load
            const double vcpus = cluster.e.samples_per_sec * w.cpu_ms_per_sample / 1000.0;
            cluster.prep_instance = prep;
            cluster.prep_instances = static_cast<int>(std::ceil(vcpus / prep->vcpus));
            if (cluster.e.cost_known) {
                cluster.cost = cluster.e.cost_usd * (cluster.e.hours > 0 ? cluster.hours / cluster.e.hours : 1.0) +
                               cluster.prep_instances * *prep->price_usd_per_hour * cluster.hours;
            }
            judge(ctx, cluster);
            if (cluster.known && cluster.hours < ev.hours) {
                out.push_back(cluster);
            }
        }
    }
    return out;
}

// Allowed instances for training: the constraint's families, offered for SageMaker training,
// priced; deep models on NVIDIA GPUs (Kepler, Trainium and Inferentia only when their family is
// listed), other models on CPU instances.
std::vector<const InstanceSpec*> allowed_instances(const Context& ctx, bool gpu, bool ignore_families)
{
    std::vector<const InstanceSpec*> out;
    const auto& families = ctx.job.constraints.instance_families;
    for (const auto& instance : ctx.catalogue.instances) {
        const bool listed = family_listed(ctx.job, instance.family);
        if (!ignore_families && !families.empty() && !listed) {
            continue;
        }
        if (instance.sagemaker_training == std::optional<bool>(false) || !instance.sagemaker_price(ctx.catalogue.sagemaker_markup)) {
            continue;
        }
        if (gpu) {
            if (instance.gpu_spec == nullptr || instance.gpu_count == 0) {
                continue;
            }
            const bool exotic = instance.gpu_spec->vendor != "nvidia" || instance.gpu_spec->generation == "kepler";
            if (exotic && (!listed || ignore_families)) {
                continue;
            }
        } else if (instance.gpu_count > 0) {
            continue;
        }
        out.push_back(&instance);
    }
    return out;
}

std::vector<int> counts_for(const Context& ctx, const InstanceSpec& instance, bool full_node, bool relax)
{
    const int max_instances = relax ? 64 : static_cast<int>(ctx.job.constraints.max_instances.value_or(64));
    const int max_gpus = relax ? 1 << 30 : static_cast<int>(ctx.job.constraints.max_gpus.value_or(1 << 30));
    std::set<int> counts{1};
    if (full_node) {
        for (int n = 2; n <= 64; n *= 2) {
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

// Every configuration of the allowed instances, estimated, with its rung.
std::vector<Eval> sweep(const Context& ctx, double baseline_gpu_rate, bool relax_counts, bool relax_families)
{
    std::vector<Eval> pool;
    for (const InstanceSpec* instance : allowed_instances(ctx, true, relax_families)) {
        const bool full = full_node(ctx.catalogue, *instance);
        for (const int count : counts_for(ctx, *instance, full, relax_counts)) {
            for (auto& ev : evaluate(ctx, ctx.fixed, *instance, count)) {
                if (count > 1) {
                    ev.rung = "multi-node";
                } else if (instance->gpu_count > 1) {
                    ev.rung = "multi-gpu-node";
                } else {
                    ev.rung = ev.e.compute_samples_per_sec > baseline_gpu_rate * 1.1 ? "bigger-gpu" : "single-gpu";
                }
                pool.push_back(std::move(ev));
            }
        }
    }
    return pool;
}

// Within a rung: the cheapest that meets (ties: fewer instances, then faster); else the best effort:
// the fastest within the budget, else the fastest.
const Eval* pick(const std::vector<const Eval*>& evals, bool& met)
{
    const Eval* best = nullptr;
    for (const Eval* ev : evals) {
        if (ev->ok && (best == nullptr || ev->cost_or_max() < best->cost_or_max() ||
                          (ev->cost_or_max() == best->cost_or_max() && (ev->count < best->count || (ev->count == best->count && ev->hours < best->hours))))) {
            best = ev;
        }
    }
    met = best != nullptr;
    if (best != nullptr) {
        return best;
    }
    return nullptr;
}

// When nothing meets: the cheapest that meets the time (the budget binds: say what it takes), else
// the fastest within the budget, else the fastest.
const Eval* best_effort(const Context& ctx, const std::vector<const Eval*>& evals)
{
    const Eval* in_time = nullptr;
    for (const Eval* ev : evals) {
        if (ev->in_time && (in_time == nullptr || ev->cost_or_max() < in_time->cost_or_max() ||
                               (ev->cost_or_max() == in_time->cost_or_max() && ev->count < in_time->count))) {
            in_time = ev;
        }
    }
    if (in_time != nullptr) {
        return in_time;
    }
    const Eval* best = nullptr;
    auto within = [&](const Eval* ev) { return !ctx.budget || (ev->cost && *ev->cost <= *ctx.budget); };
    for (const Eval* ev : evals) {
        if (!ev->known || !ev->fits) {
            continue;
        }
        if (best == nullptr || (within(ev) && !within(best)) || (within(ev) == within(best) && ev->hours < best->hours)) {
            best = ev;
        }
    }
    return best;
}

std::string gpu_name(const InstanceSpec& instance)
{
    return instance.gpu_spec != nullptr ? instance.gpu_spec->name : instance.gpu;
}

std::string link_name(const InstanceSpec& instance)
{
    if (instance.nvlink == "nvswitch") {
        return "NVSwitch";
    }
    return instance.nvlink == "nvlink" ? "NVLink" : "PCIe";
}

std::string change_for(const Context& ctx, const Eval& ev, const std::string& rung, const InstanceSpec* baseline)
{
    const InstanceSpec& i = *ev.instance;
    std::string text;
    if (rung == "single-gpu") {
        text = fmt::format("one {} GPU (ml.{})", gpu_name(i), i.name);
        if (ctx.current != nullptr && ctx.current->gpu_count == 0) {
            text = fmt::format("move from CPUs (ml.{}) to one {} GPU (ml.{})", ctx.current->name, gpu_name(i), i.name);
        }
    } else if (rung == "bigger-gpu") {
        text = fmt::format("a more powerful single GPU: {} (ml.{}){}", gpu_name(i), i.name,
            baseline != nullptr ? fmt::format(" instead of {}", gpu_name(*baseline)) : "");
    } else if (rung == "multi-gpu-node") {
        text = fmt::format("{} {} GPUs in one node over {} (ml.{}), {} parallel", i.gpu_count, gpu_name(i), link_name(i), i.name, ev.parallelism.mode);
    } else {
        text = fmt::format("{} x ml.{} ({} {} GPUs) over {} in one placement group, {} parallel with {}", ev.count, i.name, ev.count * i.gpu_count,
            gpu_name(i), i.efa ? "EFA" : "the instance network", ev.parallelism.mode, ev.parallelism.distribution);
    }
    if (ev.fsx) {
        text += fmt::format("; FSx for Lustre {} GiB", grouped(ev.fsx->capacity_gib));
    }
    if (ev.prep_instances > 0) {
        text += fmt::format("; a data-preparation cluster of {} x {}", ev.prep_instances, ev.prep_instance->name);
    }
    return text;
}

std::string why_for(const Context& ctx, const Eval& ev)
{
    if (!ev.fits) {
        return ev.parallelism.why.empty() ? fmt::format("the model does not fit {} GB GPUs", grouped(ev.instance->gpu_memory_gb)) : ev.parallelism.why;
    }
    if (!ev.known) {
        return "throughput not estimated (see the assumptions)";
    }
    std::string why = fmt::format("{}-bound at {}", bottleneck_name(ev.e.bottleneck), rate_text(ctx, ev.e.samples_per_sec));
    if (ev.e.bottleneck != Bottleneck::Gpu && ev.e.network_samples_per_sec > ev.e.samples_per_sec * 1.01) {
        why += fmt::format("; the GPUs could take {}", rate_text(ctx, ev.e.network_samples_per_sec));
    }
    why += fmt::format(", GPU utilisation {:.0f} %: {}", ev.e.gpu_util_pct, hours_text(ev.hours));
    if (ev.cost) {
        why += ", " + usd(*ev.cost);
    }
    if (ctx.target) {
        why += fmt::format(" ({} the {} target{})", ev.in_time ? "meets" : "misses", hours_text(*ctx.target),
            ctx.budget && ev.cost ? fmt::format(", {} the {} budget", *ev.cost <= *ctx.budget ? "within" : "over", usd(*ctx.budget)) : "");
    } else if (ev.e.gpu_util_pct < k_busy_util_pct) {
        why += " (the GPUs wait)";
    }
    if (ev.prep_instances > 0) {
        why += fmt::format("; the instance's {} vCPUs cannot prepare the data, {} x {} ({} vCPUs) can", ev.instance->vcpus, ev.prep_instances,
            ev.prep_instance->name, ev.prep_instances * ev.prep_instance->vcpus);
    }
    return why;
}

std::vector<std::string> concepts_for(const Context& ctx, const Eval& ev, const std::string& rung)
{
    std::vector<std::string> out;
    if (rung == "single-gpu" && ctx.current != nullptr && ctx.current->gpu_count == 0) {
        out.push_back("no-cpu-deep-learning");
    }
    if (rung == "bigger-gpu" || rung == "multi-gpu-node") {
        out.push_back("scale-up-first");
    }
    if (rung == "multi-gpu-node") {
        out.push_back("single-node-multi-gpu");
    }
    if (rung == "multi-node") {
        out.push_back("multi-node-network");
        if (ctx.location == "s3") {
            out.push_back("s3-sharding");
        }
    }
    if (ctx.current != nullptr && ctx.current->gpu_spec != ev.instance->gpu_spec) {
        out.push_back("recheck-after-upgrade");
    }
    if (ev.parallelism.mode == "data") {
        out.push_back("model-fits-data-parallel");
    } else if (ev.parallelism.mode == "sharded" || ev.parallelism.mode == "model") {
        out.push_back("model-parallel-pipeline");
    }
    if (ev.instance->gpu_count * ev.count > 1) {
        out.push_back("distribution-config");
    }
    out.insert(out.end(), ev.storage_concepts.begin(), ev.storage_concepts.end());
    if (ev.prep_instances > 0) {
        out.push_back("data-prep-cluster");
    }
    return out;
}

LadderStep step_from(const Context& ctx, const Eval& ev, const std::string& rung, const std::string& change, const std::string& why,
    std::vector<std::string> concepts)
{
    LadderStep step;
    step.rung = rung;
    step.change = change;
    step.instance_type = "ml." + ev.instance->name;
    step.instance_count = ev.count;
    if (ev.known && ev.fits) {
        step.estimated_hours = ev.hours;
        step.estimated_cost_usd = ev.cost;
        step.gpu_util_pct = ev.e.gpu_util_pct;
        step.bottleneck = bottleneck_name(ev.e.bottleneck);
    } else if (!ev.fits) {
        step.bottleneck = "memory";
    }
    if (ctx.target || ctx.budget) {
        step.meets_target = ev.ok;
    }
    step.why = why;
    step.concepts = std::move(concepts);
    return step;
}

// The data-pipeline fixes (whitepaper §Distributed Computation Frameworks): more loader processes,
// offline resize, uniform shards; built-in algorithms get their input format.
struct Fixes {
    std::vector<std::string> changes;
    std::vector<std::string> concepts;
    EtlInputs etl;
};

Fixes fix_pipeline(Context& ctx)
{
    Fixes fixes;
    Workload& w = ctx.fixed;
    const Job& job = ctx.job;
    if (job.training.loader_workers && ctx.current != nullptr && ctx.current->gpu_count > 0) {
        const int headroom = (ctx.current->vcpus - ctx.current->gpu_count) / ctx.current->gpu_count;
        if (*job.training.loader_workers < headroom) {
            w.loader_workers = 0; // every vCPU but one per GPU
            fixes.changes.push_back(fmt::format("raise the loader workers from {} to {} per GPU (the vCPUs left after one per GPU)",
                *job.training.loader_workers, headroom));
            fixes.concepts.push_back("more-loader-workers");
        }
    } else if (job.training.loader_workers) {
        w.loader_workers = 0;
        fixes.changes.push_back(fmt::format("give the loader every vCPU but one per GPU (today {} workers per GPU)", *job.training.loader_workers));
        fixes.concepts.push_back("more-loader-workers");
    }
    const double ratio = json_number(ctx.profile.derived, {"pixel_ratio"}, 1.0);
    if (ratio >= k_resize_min_ratio && job.dataset.source_resolution && w.cpu_ms_per_sample > 0) {
        const auto& source = *job.dataset.source_resolution;
        const double before = w.cpu_ms_per_sample;
        w.cpu_ms_per_sample /= ratio;
        w.mb_per_sample /= ratio;
        w.dataset_gb /= ratio;
        fixes.changes.push_back(fmt::format("resize {}x{} images to the model's input offline: decode {:.3g} -> {:.2g} ms per image, {:.3g}x fewer pixels and bytes",
            source[0], source[1], before, w.cpu_ms_per_sample, ratio));
        fixes.concepts.push_back("offline-resize");
        fixes.etl.resize = true;
    }
    const double small_mb = ctx.catalogue.storage_facts.s3_small_file_threshold_mb;
    const double container_mb = ctx.catalogue.storage_facts.s3_container_target_mb;
    if (w.num_files > 0 && w.dataset_gb > 0) {
        const double mean_mb = w.dataset_gb * 1000.0 / w.num_files;
        const double shards = std::ceil(w.dataset_gb * 1000.0 / container_mb);
        if (mean_mb < small_mb && shards < w.num_files) {
            fixes.changes.push_back(fmt::format("pack {} files of {} KB into {} uniform shards of ~{:.0f} MB", grouped(w.num_files),
                grouped(mean_mb * 1000.0), grouped(shards), container_mb));
            fixes.concepts.push_back("uniform-partitions");
            fixes.etl.shard = true;
            fixes.etl.shard_mb = container_mb;
            fixes.etl.shards = shards;
            w.num_files = shards;
        }
    }
    if (ctx.builtin && (job.dataset.format == std::optional<std::string>("csv") || job.dataset.format == std::optional<std::string>("json"))) {
        if (w.dataset_gb > ctx.file_mode_max_gb) {
            fixes.changes.push_back("convert to RecordIO-protobuf and stream it in Pipe mode");
            fixes.concepts.insert(fixes.concepts.end(), {"recordio-builtin", "pipe-mode-recordio"});
            fixes.etl.recordio = true;
        } else if (job.dataset.format == std::optional<std::string>("csv")) {
            fixes.changes.push_back("CSV with the target in the first column and no header");
            fixes.concepts.push_back("csv-target-first");
            fixes.etl.csv_target_first = true;
        }
    }
    return fixes;
}

std::string storage_mode_for_cpu(const Context& ctx, const Fixes& fixes)
{
    if (ctx.location != "s3") {
        return ctx.location == "efs" || ctx.location == "fsx-lustre" ? "mount" : "file";
    }
    if (fixes.etl.recordio) {
        return "pipe";
    }
    return ctx.base.dataset_gb <= ctx.file_mode_max_gb ? "file" : "fastfile";
}

void fill_storage(const Context& ctx, const Eval& ev, Plan& plan)
{
    StoragePlan& s = plan.storage;
    s.service = ev.config.storage;
    s.input_mode = ev.config.input_mode;
    const bool parallel_over_data = ev.count > 1 && (ev.parallelism.mode == "data" || ev.parallelism.mode == "sharded");
    if (s.service == "s3") {
        s.distribution = parallel_over_data ? "sharded-by-s3-key" : "fully-replicated";
    }
    if (ev.fsx) {
        s.fsx_capacity_gib = ev.fsx->capacity_gib;
        s.fsx_deployment_type = ev.fsx->deployment_type;
        if (ev.fsx->deployment_type.rfind("PERSISTENT", 0) == 0) {
            s.fsx_deployment_type += fmt::format(" ({:.0f} MB/s/TiB)", ev.fsx->per_unit_mb_s_per_tib);
        }
    }
    if (ev.e.storage_mb_s > 0) {
        s.throughput_mb_s = ev.e.storage_mb_s;
    }
    // File mode copies the dataset (its share with ShardedByS3Key) to the volume; every mode keeps
    // checkpoints and the model there (file-mode-volume).
    const double artifacts = ev.e.memory_known ? ev.e.state_gb * ev.instance->gpu_count : ctx.profile.model_state_gb.value_or(0);
    const double share = s.input_mode == "file" ? ctx.fixed.dataset_gb / (s.distribution == "sharded-by-s3-key" ? ev.count : 1) : 0.0;
    s.volume_gb = std::ceil((share + artifacts) * (1.0 + k_volume_margin));
    s.moves_data = s.service != ctx.location;
    if (!ev.storage_why.empty()) {
        s.notes.push_back(ev.storage_why);
    }
    if (s.input_mode == "file") {
        s.notes.push_back(fmt::format("EBS volume {} GB per instance: the dataset{} plus checkpoints and the model, +10 %", grouped(*s.volume_gb),
            s.distribution == "sharded-by-s3-key" ? " share" : ""));
    }
}

void fill_compute(const Context& ctx, const Eval& ev, const std::string& rung, Plan& plan)
{
    ComputePlan& c = plan.compute;
    const InstanceSpec& i = *ev.instance;
    c.instance_type = "ml." + i.name;
    c.instance_count = ev.count;
    c.gpus = i.gpu_count * ev.count;
    c.rung = rung;
    c.parallelism = ev.parallelism.mode.empty() ? "none" : ev.parallelism.mode;
    c.distribution = ev.parallelism.distribution.empty() ? "none" : ev.parallelism.distribution;
    if (ev.known) {
        c.estimated_hours = ev.hours;
        c.estimated_cost_usd = ev.cost;
        c.gpu_util_pct = ev.e.gpu_util_pct;
        c.bottleneck = bottleneck_name(ev.e.bottleneck);
    }
    if (ctx.target || ctx.budget) {
        c.meets_target = ev.ok;
    }
    c.efa = ev.count > 1 && i.efa;
    c.placement_group = ev.count > 1;
    if (ctx.current != nullptr) {
        c.changes_gpu = ctx.current->gpu_spec != i.gpu_spec;
    }
    if (!ev.parallelism.why.empty()) {
        c.notes.push_back(ev.parallelism.why + (c.distribution != "none" ? fmt::format(" (SageMaker distribution: {})", c.distribution) : ""));
    }
    if (ev.count > 1) {
        c.notes.push_back(fmt::format("multi-node: {}, one cluster placement group, {} to cut communication, 16-bit gradients (multi-node-network)",
            i.efa ? fmt::format("EFA on every node ({} Gbit/s)", grouped(i.network_gbps)) : "no EFA on this instance type",
            c.distribution));
    }
    if (ev.prep_instances > 0) {
        c.notes.push_back(fmt::format("data-preparation cluster: {} x {} on EC2/AWS Batch prepare batches for the GPUs (priced at EC2 on-demand)",
            ev.prep_instances, ev.prep_instance->name));
    }
    // Managed spot (spot-training, spot-checkpoint): AWS's upper bound on the saving, and the overhead assumed.
    if (ev.known && ev.cost && ev.e.cost_known) {
        const double interruptions = std::ceil(ev.hours / k_spot_interruption_every_hours);
        const double overhead = interruptions * (k_checkpoint_interval_hours / 2.0 + ev.e.startup_minutes / 60.0);
        c.spot_cost_usd_min = (ev.hours + overhead) / ev.hours * *ev.cost * (1.0 - 0.9);
        c.spot_overhead_hours = overhead;
        c.notes.push_back(fmt::format("managed spot with checkpoints to S3: AWS states savings of up to 90 %, i.e. as low as {} per run; assumed "
                                      "overhead {} ({:.0f} interruption(s), each losing half a 30-min checkpoint interval plus a restart){}",
            usd(*c.spot_cost_usd_min), hours_text(overhead), interruptions,
            ctx.job.training.checkpoint_s3_uri ? "" : "; set checkpoint_s3_uri"));
    }
}

std::string rung_of_current(const Context& ctx)
{
    if (ctx.current == nullptr || ctx.current->gpu_count == 0) {
        return "cpu";
    }
    if (ctx.current_count > 1) {
        return "multi-node";
    }
    return ctx.current->gpu_count > 1 ? "multi-gpu-node" : "single-gpu";
}

int rung_index(const std::string& rung)
{
    for (int i = 0; i < 4; ++i) {
        if (rung == k_rungs[i]) {
            return i;
        }
    }
    return -1;
}

std::vector<Candidate> frontier(const std::vector<Eval>& pool, const Eval* chosen)
{
    std::vector<const Eval*> sorted;
    for (const auto& ev : pool) {
        if (ev.known && ev.fits && ev.cost) {
            sorted.push_back(&ev);
        }
    }
    std::sort(sorted.begin(), sorted.end(), [](const Eval* a, const Eval* b) {
        return a->hours != b->hours ? a->hours < b->hours : a->cost_or_max() < b->cost_or_max();
    });
    std::vector<const Eval*> front;
    for (const Eval* ev : sorted) {
        if (front.empty() || *ev->cost < *front.back()->cost - 1e-9) {
            front.push_back(ev);
        }
    }
    if (front.size() > k_frontier_max) {
        std::vector<const Eval*> thinned;
        for (std::size_t k = 0; k < k_frontier_max; ++k) {
            thinned.push_back(front[k * (front.size() - 1) / (k_frontier_max - 1)]);
        }
        front = thinned;
    }
    auto same = [](const Eval* a, const Eval* b) {
        return a != nullptr && b != nullptr && a->instance == b->instance && a->count == b->count && a->config.storage == b->config.storage &&
               a->prep_instances == b->prep_instances;
    };
    if (chosen != nullptr && std::none_of(front.begin(), front.end(), [&](const Eval* ev) { return same(ev, chosen); }) && chosen->known && chosen->cost) {
        front.push_back(chosen);
        std::sort(front.begin(), front.end(), [](const Eval* a, const Eval* b) { return a->hours < b->hours; });
    }
    std::vector<Candidate> out;
    for (const Eval* ev : front) {
        Candidate c;
        c.instance_type = "ml." + ev->instance->name;
        c.instance_count = ev->count;
        c.gpus = ev->instance->gpu_count * ev->count;
        c.storage = ev->config.storage;
        c.parallelism = ev->parallelism.mode;
        c.estimated_hours = ev->hours;
        c.estimated_cost_usd = ev->cost;
        c.meets_target = ev->ok;
        c.chosen = same(ev, chosen);
        out.push_back(c);
    }
    return out;
}

// Which constraint keeps every configuration from the target: the budget, max_instances/max_gpus,
// the instance families, or the target itself.
std::string binding_constraint(const Context& ctx, const std::vector<Eval>& pool, double baseline_rate)
{
    const Eval* cheapest_in_time = nullptr;
    const Eval* fastest = nullptr;
    for (const auto& ev : pool) {
        if (ev.in_time && (cheapest_in_time == nullptr || ev.cost_or_max() < cheapest_in_time->cost_or_max())) {
            cheapest_in_time = &ev;
        }
        if (ev.known && ev.fits && (fastest == nullptr || ev.hours < fastest->hours)) {
            fastest = &ev;
        }
    }
    if (cheapest_in_time != nullptr && ctx.budget) {
        return fmt::format("budget_usd binds: the cheapest configuration that meets the {} target, {} x ml.{}, costs {} (budget {})",
            hours_text(*ctx.target), cheapest_in_time->count, cheapest_in_time->instance->name, usd(cheapest_in_time->cost_or_max()), usd(*ctx.budget));
    }
    if (fastest == nullptr) {
        return "memory binds: the model does not fit the allowed GPUs in any split";
    }
    auto first_in_time = [&](const std::vector<Eval>& relaxed) {
        const Eval* best = nullptr;
        for (const auto& ev : relaxed) {
            if (ev.in_time && (best == nullptr || ev.cost_or_max() < best->cost_or_max())) {
                best = &ev;
            }
        }
        return best == nullptr ? std::string() : fmt::format("{} x ml.{} would take {}{}", best->count, best->instance->name, hours_text(best->hours),
                                                      best->cost ? " at " + usd(*best->cost) : "");
    };
    if (ctx.job.constraints.max_instances || ctx.job.constraints.max_gpus) {
        const auto relaxed = first_in_time(sweep(ctx, baseline_rate, true, false));
        if (!relaxed.empty()) {
            return fmt::format("{} binds: {}", ctx.job.constraints.max_instances ? "max_instances" : "max_gpus", relaxed);
        }
    }
    if (!ctx.job.constraints.instance_families.empty()) {
        const auto relaxed = first_in_time(sweep(ctx, baseline_rate, false, true));
        if (!relaxed.empty()) {
            return fmt::format("instance_families binds: {}", relaxed);
        }
    }
    return fmt::format("target_hours binds: the fastest allowed configuration, {} x ml.{}, takes {}", fastest->count, fastest->instance->name,
        hours_text(fastest->hours));
}

// Gradient boosting, linear models, k-means: CPU instances stay (they are memory-bound; AWS
// recommends general-purpose instances with enough total memory to hold the training data).
void recommend_cpu(Context& ctx, const Fixes& fixes, Recommendation& out)
{
    const double need_gib = ctx.base.dataset_gb * 1e9 / (1024.0 * 1024.0 * 1024.0);
    const InstanceSpec* chosen = nullptr;
    int count = 1;
    std::string why;
    // Gradient boosting holds the data in memory (AWS: "enough total memory to hold the training
    // data"); linear learner and k-means stream mini-batches, so memory does not size them.
    const bool memory_bound = ctx.base.family == "gbdt";
    if (ctx.current != nullptr && ctx.current->gpu_count == 0 && (!memory_bound || ctx.current->memory_gib * ctx.current_count >= need_gib)) {
        chosen = ctx.current;
        count = ctx.current_count;
        why = memory_bound ? fmt::format("keep ml.{}: its {} GiB hold the {} GB of training data; gradient-boosted trees are memory-bound and stay on CPUs",
                                 chosen->name, grouped(chosen->memory_gib * count), grouped(ctx.base.dataset_gb))
                           : fmt::format("keep ml.{}: the {} streams mini-batches, so the data need not fit in memory; it stays on CPUs", chosen->name,
                                 ctx.job.model.builtin_algorithm.value_or(ctx.base.family + " model"));
    } else if (!memory_bound) {
        for (const InstanceSpec* instance : allowed_instances(ctx, false, false)) {
            if (instance->family.rfind('m', 0) == 0 && (chosen == nullptr || *instance->sagemaker_price(ctx.catalogue.sagemaker_markup) <
                                                                                 *chosen->sagemaker_price(ctx.catalogue.sagemaker_markup))) {
                chosen = instance;
            }
        }
        if (chosen == nullptr) {
            return;
        }
        why = fmt::format("the smallest general-purpose instance: the {} streams mini-batches; start small and measure (rightsizing)",
            ctx.job.model.builtin_algorithm.value_or(ctx.base.family + " model"));
    } else {
        auto candidates = allowed_instances(ctx, false, false);
        if (candidates.empty()) {
            candidates = allowed_instances(ctx, false, true);
        }
        const InstanceSpec* largest = nullptr;
        for (const InstanceSpec* instance : candidates) {
            const bool general = instance->family.rfind('m', 0) == 0;
            if (!general) {
                continue;
            }
            const double price = *instance->sagemaker_price(ctx.catalogue.sagemaker_markup);
            if (instance->memory_gib >= need_gib && (chosen == nullptr || price < *chosen->sagemaker_price(ctx.catalogue.sagemaker_markup))) {
                chosen = instance;
            }
            if (largest == nullptr || instance->memory_gib > largest->memory_gib) {
                largest = instance;
            }
        }
        if (chosen == nullptr && largest != nullptr) {
            chosen = largest;
            count = static_cast<int>(std::ceil(need_gib / largest->memory_gib));
        }
        if (chosen == nullptr) {
            return;
        }
        why = fmt::format("the smallest general-purpose instance{} whose memory ({} GiB) holds the {} GB of training data", count > 1 ? "s" : "",
            grouped(chosen->memory_gib * count), grouped(ctx.base.dataset_gb));
    }
    Plan& plan = out.plan;
    plan.compute.instance_type = "ml." + chosen->name;
    plan.compute.instance_count = count;
    plan.compute.rung = "cpu";
    plan.compute.parallelism = count > 1 ? "data" : "none";
    plan.compute.distribution = "none";
    plan.compute.notes.push_back(why);
    plan.compute.notes.push_back("time not estimated: the performance model has no throughput model for this algorithm; measure one run "
                                 "(current.observed.hours) to get time and cost");
    if (ctx.current != nullptr) {
        plan.compute.changes_gpu = false;
    }
    std::optional<double> hours = chosen == ctx.current ? ctx.job.current.observed.hours : std::nullopt;
    if (hours) {
        plan.compute.estimated_hours = hours;
        plan.compute.estimated_cost_usd = *hours * count * *chosen->sagemaker_price(ctx.catalogue.sagemaker_markup);
        if (ctx.target || ctx.budget) {
            plan.compute.meets_target = (!ctx.target || *hours <= *ctx.target) && (!ctx.budget || *plan.compute.estimated_cost_usd <= *ctx.budget);
        }
    }
    plan.storage.service = ctx.location;
    plan.storage.input_mode = storage_mode_for_cpu(ctx, fixes);
    if (plan.storage.service == "s3") {
        plan.storage.distribution = count > 1 ? "sharded-by-s3-key" : "fully-replicated";
    }
    plan.storage.moves_data = false;
    plan.storage.volume_gb = std::ceil((plan.storage.input_mode == "file" ? ctx.base.dataset_gb / count : 1.0) * (1.0 + k_volume_margin));
    plan.storage.notes.push_back(plan.storage.input_mode == "file"
                                     ? fmt::format("File mode: {} GB is within the 50-100 GB File mode suits; EBS volume {} GB", grouped(ctx.base.dataset_gb),
                                           grouped(*plan.storage.volume_gb))
                                     : fmt::format("{} streams the {} GB from S3 without a download", plan.storage.input_mode, grouped(ctx.base.dataset_gb)));
    if (ctx.job.training.spot.value_or(false)) {
        plan.compute.notes.push_back("managed spot is on: AWS states savings of up to 90 %; keep checkpoints in S3 and MaxWaitTimeInSeconds >= MaxRuntimeInSeconds");
    }

    LadderStep step;
    step.rung = "cpu";
    step.change = chosen == ctx.current ? fmt::format("keep ml.{} x {}", chosen->name, count) : fmt::format("{} x ml.{}", count, chosen->name);
    step.instance_type = plan.compute.instance_type;
    step.instance_count = count;
    step.estimated_hours = plan.compute.estimated_hours;
    step.estimated_cost_usd = plan.compute.estimated_cost_usd;
    step.meets_target = plan.compute.meets_target;
    step.why = why;
    step.chosen = true;
    step.concepts = {"rightsizing"};
    out.ladder.push_back(step);
    out.current_hours = ctx.job.current.observed.hours;
    if (out.current_hours && ctx.current != nullptr) {
        out.current_cost_usd = *out.current_hours * ctx.current_count * ctx.current->sagemaker_price(ctx.catalogue.sagemaker_markup).value_or(0);
    }
}

} // namespace

Recommendation recommend(const Job& job, const Profile& profile, const Catalogue& catalogue, Diagnostics& diagnostics)
{
    (void)diagnostics;
    Recommendation out;
    Context ctx(job, profile, catalogue);
    ctx.target = job.training.target_hours;
    ctx.budget = job.training.budget_usd;
    std::vector<std::string> ignored;
    ctx.base = make_workload(job, profile.model, catalogue, ignored);
    ctx.fixed = ctx.base;
    ctx.runs = std::max(1.0, ctx.base.runs);
    ctx.framework = job.model.framework.value_or("pytorch");
    const std::string location = job.dataset.location.value_or("s3");
    ctx.location = location == "on-premises" ? "s3" : location;
    ctx.builtin = job.model.builtin_algorithm.has_value();
    ctx.tokens = ctx.base.seq_len > 0 && job.training.tokens_billions.has_value();
    ctx.file_mode_max_gb = catalogue.storage_facts.file_mode_max_dataset_gb;
    if (job.current.instance_type) {
        ctx.current = catalogue.find_instance(*job.current.instance_type);
        ctx.current_count = static_cast<int>(job.current.instance_count.value_or(1));
    }
    if (location == "on-premises") {
        out.assumptions.push_back("dataset.location is on-premises: the plan assumes it is copied to S3 first (hybrid-private-link)");
    }

    // Today's setup with today's pipeline: telemetry calibrates the GPUs' efficiency, as in the profiler.
    Config current_cfg = current_config(job, ctx.current);
    std::optional<Estimate> today;
    if (ctx.current != nullptr && profile.model.deep && ctx.current->gpu_count > 0) {
        EstimateOptions current_options;
        if (const auto observed = job.current.observed.samples_per_sec) {
            const auto util = job.current.observed.gpu_util_pct;
            const double gpu_rate = util && *util > 0 ? *observed / (*util / 100.0) : *observed;
            ctx.options.efficiency_scale = calibrate_to_observed(ctx.base, current_cfg, catalogue, gpu_rate);
            current_options = ctx.options;
            current_options.observed_samples_per_sec = *observed;
        }
        today = estimate(ctx.base, current_cfg, catalogue, current_options);
        if (today->throughput_known && today->hours > 0) {
            out.current_hours = today->hours;
            if (today->cost_known) {
                out.current_cost_usd = today->cost_usd;
            }
        }
    }

    Fixes fixes = fix_pipeline(ctx);
    if (!profile.model.deep) {
        if (!fixes.changes.empty()) {
            LadderStep step;
            step.rung = "fix-data-pipeline";
            step.change = fmt::format("{}", fmt::join(fixes.changes, "; "));
            step.why = "the input format the built-in algorithm reads best";
            step.concepts = fixes.concepts;
            out.ladder.push_back(step);
        }
        recommend_cpu(ctx, fixes, out);
        out.plan.etl = choose_etl(job, profile, fixes.etl);
        out.plan.deployment = choose_deployment(job, profile, catalogue);
        return out;
    }

    // The baseline GPU: today's, else the cheapest single-GPU instance allowed. Faster single GPUs
    // are the bigger-gpu rung.
    double baseline_rate = 0;
    const InstanceSpec* baseline = nullptr;
    if (ctx.current != nullptr && ctx.current->gpu_count > 0) {
        baseline = ctx.current;
    } else {
        for (const InstanceSpec* instance : allowed_instances(ctx, true, false)) {
            if (instance->gpu_count == 1 && (baseline == nullptr || *instance->sagemaker_price(catalogue.sagemaker_markup) <
                                                                         *baseline->sagemaker_price(catalogue.sagemaker_markup))) {
                baseline = instance;
            }
        }
    }
    if (baseline != nullptr) {
        Config one;
        one.instance = baseline;
        one.gpus_per_instance = 1;
        baseline_rate = estimate(ctx.fixed, one, catalogue, ctx.options).compute_samples_per_sec;
    }
    std::vector<Eval> pool = sweep(ctx, baseline_rate, false, false);

    // Rung 0: fix the data pipeline on today's GPUs (data-bottleneck-first).
    const Eval* chosen = nullptr;
    std::string chosen_rung;
    std::optional<Eval> fixed_today;
    const bool starved = profile.bottleneck == "cpu" || profile.bottleneck == "io";
    if (ctx.current != nullptr && ctx.current->gpu_count > 0) {
        auto variants = evaluate(ctx, ctx.fixed, *ctx.current, ctx.current_count);
        std::vector<const Eval*> pointers;
        for (const auto& v : variants) {
            pointers.push_back(&v);
        }
        bool met = false;
        const Eval* pickd = pick(pointers, met);
        fixed_today = pickd != nullptr ? *pickd : variants.front();
        fixed_today->rung = rung_of_current(ctx);
        if (!fixes.changes.empty() || starved || fixed_today->prep_instances > 0 || fixed_today->fsx) {
            std::vector<std::string> changes = fixes.changes;
            if (fixed_today->fsx) {
                changes.push_back(fmt::format("move the data to FSx for Lustre ({} GiB)", grouped(fixed_today->fsx->capacity_gib)));
            }
            if (fixed_today->prep_instances > 0) {
                changes.push_back(fmt::format("a data-preparation cluster of {} x {}", fixed_today->prep_instances, fixed_today->prep_instance->name));
            }
            std::string why;
            if (today && today->throughput_known) {
                const std::string limit = today->bottleneck != Bottleneck::None ? bottleneck_name(today->bottleneck) : profile.bottleneck;
                why = fmt::format("today {}-bound at {}", limit, rate_text(ctx, today->samples_per_sec));
                if (today->network_samples_per_sec > today->samples_per_sec * 1.01) {
                    why += fmt::format("; the GPU could take {}", rate_text(ctx, today->network_samples_per_sec));
                }
                why += "; after: ";
            }
            why += why_for(ctx, *fixed_today);
            std::vector<std::string> concepts = {"data-bottleneck-first"};
            concepts.insert(concepts.end(), fixes.concepts.begin(), fixes.concepts.end());
            if (profile.bottleneck == "io" || profile.bottleneck == "cpu") {
                concepts.push_back("io-vs-compute-bound");
            }
            for (const auto& c : fixed_today->storage_concepts) {
                concepts.push_back(c);
            }
            if (fixed_today->prep_instances > 0) {
                concepts.push_back("data-prep-cluster");
            }
            out.ladder.push_back(step_from(ctx, *fixed_today, "fix-data-pipeline",
                changes.empty() ? "nothing to fix in the pipeline" : fmt::format("{} (on ml.{} x {})", fmt::join(changes, "; "), ctx.current->name, ctx.current_count),
                why, concepts));
        }
        if (fixed_today->ok) {
            chosen = &*fixed_today;
            chosen_rung = fixed_today->rung;
            if (!out.ladder.empty()) {
                out.ladder.back().chosen = true;
            }
        }
    } else if (!fixes.changes.empty()) {
        LadderStep step;
        step.rung = "fix-data-pipeline";
        step.change = fmt::format("{}", fmt::join(fixes.changes, "; "));
        step.why = "applied to every configuration below, before any GPU is added";
        step.concepts = {"data-bottleneck-first"};
        step.concepts.insert(step.concepts.end(), fixes.concepts.begin(), fixes.concepts.end());
        out.ladder.push_back(step);
    }

    // The rungs, in order: stop at the first whose cheapest candidate meets the target and budget.
    const int current_rung = rung_index(rung_of_current(ctx));
    std::vector<std::pair<const Eval*, std::string>> efforts;
    // Without a target the answer is the cheapest configuration that keeps the GPUs busy, wherever
    // it is: the walk shows the rungs below it and stops at its rung.
    const Eval* cheapest_busy = nullptr;
    int cheapest_busy_rung = -1;
    if (!ctx.target) {
        std::vector<const Eval*> all;
        for (const auto& ev : pool) {
            all.push_back(&ev);
        }
        bool any = false;
        cheapest_busy = pick(all, any);
        cheapest_busy_rung = cheapest_busy != nullptr ? rung_index(cheapest_busy->rung) : -1;
    }
    for (int r = 0; r < 4; ++r) {
        const std::string rung = k_rungs[r];
        const bool rightsizing = chosen != nullptr;
        if (rightsizing && (r >= current_rung)) {
            break; // today's rung already meets: only cheaper, lower rungs can improve on it
        }
        if (!rightsizing && current_rung >= 0 && (r < current_rung || (r == current_rung && rung == "single-gpu"))) {
            continue; // at or below today's setup: the fix-data-pipeline step covers it
        }
        std::vector<const Eval*> in_rung;
        for (const auto& ev : pool) {
            if (ev.rung == rung) {
                in_rung.push_back(&ev);
            }
        }
        if (in_rung.empty()) {
            if (rightsizing) {
                continue;
            }
            LadderStep step;
            step.rung = rung;
            step.change = rung == "bigger-gpu" && baseline != nullptr
                              ? fmt::format("no single GPU faster than {} in the allowed instance families", gpu_name(*baseline))
                              : fmt::format("no {} configuration in the allowed instance families and limits", rung);
            if (ctx.target || ctx.budget) {
                step.meets_target = false;
            }
            step.why = "none to try: the walk goes on to the next rung";
            step.concepts = {"scale-up-first"};
            out.ladder.push_back(step);
            continue;
        }
        bool met = false;
        const Eval* best = pick(in_rung, met);
        if (cheapest_busy != nullptr && !rightsizing) {
            if (r < cheapest_busy_rung) {
                met = false; // busy here too, but not the cheapest: shown, the walk goes on
                if (best == nullptr) {
                    best = best_effort(ctx, in_rung);
                }
                if (best != nullptr) {
                    out.ladder.push_back(step_from(ctx, *best, rung, change_for(ctx, *best, rung, baseline),
                        why_for(ctx, *best) + "; not the cheapest configuration that keeps the GPUs busy", concepts_for(ctx, *best, rung)));
                }
                continue;
            }
            if (r == cheapest_busy_rung) {
                best = cheapest_busy;
                met = true;
            }
        }
        if (rightsizing) {
            if (met && best->cost_or_max() < chosen->cost_or_max()) {
                auto concepts = concepts_for(ctx, *best, rung);
                concepts.push_back("rightsizing");
                for (auto& step : out.ladder) {
                    step.chosen = false; // today's setup (when it was a step) is no longer the choice
                }
                out.ladder.push_back(step_from(ctx, *best, rung, change_for(ctx, *best, rung, baseline),
                    why_for(ctx, *best) + fmt::format("; cheaper than today's ml.{} x {}", ctx.current->name, ctx.current_count), concepts));
                out.ladder.back().chosen = true;
                chosen = best;
                chosen_rung = rung;
                break;
            }
            continue;
        }
        if (!met) {
            best = best_effort(ctx, in_rung);
            if (best == nullptr) {
                const Eval* any = in_rung.front();
                out.ladder.push_back(step_from(ctx, *any, rung, change_for(ctx, *any, rung, baseline), why_for(ctx, *any), concepts_for(ctx, *any, rung)));
                continue;
            }
            efforts.emplace_back(best, rung);
        }
        out.ladder.push_back(step_from(ctx, *best, rung, change_for(ctx, *best, rung, baseline), why_for(ctx, *best), concepts_for(ctx, *best, rung)));
        if (met) {
            out.ladder.back().chosen = true;
            chosen = best;
            chosen_rung = rung;
            break;
        }
        if (best->in_time) {
            break; // fast enough but over the budget: higher rungs cost more, the budget binds
        }
    }

    if (chosen == nullptr) {
        // Nothing meets: the best effort (the fastest within the budget) and the constraint that binds.
        std::vector<const Eval*> options;
        for (const auto& [ev, rung] : efforts) {
            options.push_back(ev);
        }
        if (fixed_today) {
            options.push_back(&*fixed_today);
        }
        const Eval* best = best_effort(ctx, options);
        if (best != nullptr) {
            chosen = best;
            chosen_rung = best == &*fixed_today ? fixed_today->rung : "";
            for (const auto& [ev, rung] : efforts) {
                if (ev == best) {
                    chosen_rung = rung;
                }
            }
            for (auto& step : out.ladder) {
                if (step.instance_type == "ml." + best->instance->name && step.instance_count == best->count &&
                    (best != &*fixed_today ? step.rung == chosen_rung : step.rung == "fix-data-pipeline")) {
                    step.chosen = true;
                    break;
                }
            }
            if (ctx.target) {
                out.binding = binding_constraint(ctx, pool, baseline_rate);
            } else if (ctx.budget) {
                out.binding = fmt::format("budget_usd binds: no configuration keeps the GPUs busy within {}", usd(*ctx.budget));
            }
        }
    }

    if (chosen != nullptr) {
        fill_compute(ctx, *chosen, chosen_rung, out.plan);
        fill_storage(ctx, *chosen, out.plan);
        if (!ctx.target) {
            out.plan.compute.notes.insert(out.plan.compute.notes.begin(),
                "no target_hours given: the cheapest configuration that keeps the GPUs busy (>= 70 % utilisation)");
        }
        if (!out.binding.empty()) {
            out.plan.compute.notes.insert(out.plan.compute.notes.begin(), "nothing meets the target; best effort. " + out.binding);
        }
        if (out.current_hours && chosen->known) {
            out.plan.compute.notes.push_back(fmt::format("today: {} and {} per run on ml.{} x {}; plan: {} and {} (rightsizing)", hours_text(*out.current_hours),
                out.current_cost_usd ? usd(*out.current_cost_usd) : "an unknown cost", ctx.current->name, ctx.current_count, hours_text(chosen->hours),
                chosen->cost ? usd(*chosen->cost) : "an unknown cost"));
        }
    }
    out.candidates = frontier(pool, chosen);
    out.plan.etl = choose_etl(job, profile, fixes.etl);
    out.plan.deployment = choose_deployment(job, profile, catalogue);
    return out;
}

} // namespace mlscale
