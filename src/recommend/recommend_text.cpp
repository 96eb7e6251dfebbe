// The sentences the walk writes: each rung's change, why (its numbers), and the practices it applies.
#include <cmath>

#include <fmt/format.h>

#include "walk.hpp"

namespace mlscale::walk {

namespace {

// SageMaker Debugger's LowGPUUtilization threshold (thresholds.md GPU-001): below it the GPUs wait.
constexpr double k_busy_util_pct = 70;

std::string link_name(const InstanceSpec& instance)
{
    if (instance.nvlink == "nvswitch") {
        return "NVSwitch";
    }
    if (instance.nvlink == "neuronlink") {
        return "NeuronLink";
    }
    return instance.nvlink == "nvlink" ? "NVLink" : "PCIe";
}

} // namespace

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

std::string type_name(const Walk& walk, const InstanceSpec& instance)
{
    return instance_type_name(walk.options.platform, instance.name);
}

std::string input_mode_label(const Walk& walk, const std::string& mode)
{
    if (walk.sagemaker_job || mode == "mount") {
        return mode;
    }
    return mode == "file" ? "download" : "streaming";
}

std::string distribution_label(const Walk& walk, const std::string& distribution, int instances)
{
    if (walk.sagemaker_job || distribution.empty()) {
        return distribution;
    }
    if (distribution == "sharded-by-s3-key") {
        return "sharded (each instance reads its share)";
    }
    return instances > 1 ? "every instance reads all of it" : "read by one instance";
}

std::string distribution_setting(const Walk& walk, const Option& option)
{
    if (!walk.sagemaker_job) {
        return "";
    }
    return option.parallelism.distribution.empty() ? "none" : option.parallelism.distribution;
}

std::string price_basis(const Walk& walk, const InstanceSpec& instance)
{
    const Platform platform = walk.options.platform;
    const auto price = instance.price(platform);
    if (!price) {
        return "";
    }
    std::string basis;
    switch (platform) {
    case Platform::SageMaker:
        basis = fmt::format("derived: the EC2 price of {} x the ml./EC2 mark-up measured on same-date pairs, as no 2026 SageMaker training rate is in "
                            "mlscale's sources",
            price->as_of);
        break;
    case Platform::HyperPod:
        basis = "no HyperPod rate is in mlscale's sources: the SageMaker training basis is assumed";
        break;
    case Platform::Ec2:
        basis = price->derived ? "derived: " + price->how : fmt::format("the EC2 price list of {}", price->as_of);
        if (walk.job.training.platform == std::optional<std::string>("eks") && walk.catalogue.eks_cluster_price) {
            basis += fmt::format("; EKS adds {} per cluster-hour for its control plane, not included", usd(walk.catalogue.eks_cluster_price->usd_per_hour));
        }
        break;
    }
    return fmt::format("prices are {} On-Demand in {}, per instance-hour (the plan's {} at {}/h: {}); docs/catalogue.md, \"One price basis\"",
        platform_label(platform), walk.catalogue.region, type_name(walk, instance), usd(price->usd_per_hour), basis);
}

std::string hours_text(double hours)
{
    return hours < 10 ? fmt::format("{:.2g} h", hours) : fmt::format("{} h", grouped(hours));
}

std::string usd(double value)
{
    return "$" + grouped(value);
}

std::string rate_text(const Walk& walk, double samples_per_sec)
{
    if (walk.tokens) {
        return fmt::format("{} tokens/s", grouped(samples_per_sec * static_cast<double>(walk.base.seq_len)));
    }
    return fmt::format("{} samples/s", grouped(samples_per_sec));
}

std::string device(const InstanceSpec& instance, bool plural)
{
    const bool chip = instance.gpu_spec != nullptr && instance.gpu_spec->vendor == "aws";
    return std::string(chip ? "chip" : "GPU") + (plural ? "s" : "");
}

std::string gpu_name(const InstanceSpec& instance)
{
    return instance.gpu_spec != nullptr ? instance.gpu_spec->name : instance.gpu;
}

std::string why_for(const Walk& walk, const Option& option)
{
    if (!option.fits) {
        return option.parallelism.why.empty() ? fmt::format("the model does not fit {} GB GPUs", grouped(option.instance->gpu_memory_gb))
                                              : option.parallelism.why;
    }
    if (!option.known) {
        return !option.e.storage_available && !option.e.storage_note.empty() ? option.e.storage_note : "throughput not estimated (see the assumptions)";
    }
    const Estimate& e = option.e;
    // No bottleneck: the model has no rate for these GPUs, and the rate is today's measurement.
    const bool modelled = e.bottleneck != Bottleneck::None;
    // Trainium's chips are not GPUs: "chip-bound", "the chips could take" (the JSON's bottleneck stays "gpu").
    const std::string devices = device(*option.instance, true);
    std::string why = modelled ? fmt::format("{}-bound at {}", bound_word(bottleneck_name(e.bottleneck), *option.instance), rate_text(walk, e.samples_per_sec))
                               : fmt::format("{} as measured (the model has no rate for these {})", rate_text(walk, e.samples_per_sec), devices);
    if (e.bottleneck != Bottleneck::Gpu && e.network_samples_per_sec > e.samples_per_sec * 1.01) {
        why += fmt::format("; the {} could take {}", devices, rate_text(walk, e.network_samples_per_sec));
    }
    why += modelled ? fmt::format(", {} utilisation {:.0f} %: {}", device(*option.instance, false), e.gpu_util_pct, hours_text(option.hours))
                    : ": " + hours_text(option.hours);
    if (option.total_cost) {
        why += ", " + usd(*option.total_cost) + (walk.runs > 1 ? fmt::format(" for {:.0f} runs", walk.runs) : "") + on_spot(option);
    }
    if (!option.runnable) {
        why += " (longer than SageMaker's 28-day limit on one training job)";
    } else if (walk.target) {
        why += fmt::format(" ({} {} {}{})", option.in_time ? "meets" : "misses", walk.target_implicit ? "today's" : "the", hours_text(*walk.target),
            walk.budget && option.total_cost ? fmt::format(", {} the {} budget", option.within_budget ? "within" : "over", usd(*walk.budget)) : "");
    } else if (walk.budget && option.total_cost) {
        why += fmt::format(" ({} the {} budget{})", option.within_budget ? "within" : "over", usd(*walk.budget),
            modelled && e.gpu_util_pct < k_busy_util_pct ? fmt::format("; the {} wait", devices) : "");
    } else if (modelled && e.gpu_util_pct < k_busy_util_pct) {
        why += fmt::format(" (the {} wait)", devices);
    }
    if (option.prep.count > 0) {
        why += fmt::format("; the instance's {} vCPUs cannot prepare the data, {} x {} ({} vCPUs) can", option.instance->vcpus, option.prep.count,
            option.prep.instance->name, option.prep.count * option.prep.instance->vcpus);
    }
    return why;
}

namespace {

// What a bigger GPU is compared with: the single GPU the ladder has just shown, else the baseline
// (today's GPU, or the cheapest one-GPU instance allowed).
const InstanceSpec* compared_gpu(const Walk& walk)
{
    for (auto step = walk.out.ladder.rbegin(); step != walk.out.ladder.rend(); ++step) {
        if (step->rung == rung_name(Rung::SingleGpu) && !step->instance_type.empty()) {
            if (const InstanceSpec* shown = walk.catalogue.find_instance(step->instance_type); shown != nullptr) {
                return shown;
            }
        }
    }
    return walk.baseline_gpu;
}

} // namespace

std::string change_for(const Walk& walk, const Option& option)
{
    const InstanceSpec& i = *option.instance;
    std::string text;
    switch (option.rung) {
    case Rung::SingleGpu:
        text = walk.current != nullptr && walk.current->gpu_count == 0
            ? fmt::format("move from CPUs ({}) to one {} {} ({})", type_name(walk, *walk.current), gpu_name(i), device(i, false), type_name(walk, i))
            : fmt::format("one {} {} ({})", gpu_name(i), device(i, false), type_name(walk, i));
        break;
    case Rung::BiggerGpu: {
        const InstanceSpec* against = compared_gpu(walk);
        text = fmt::format("a more powerful single {}: {} ({}){}", device(i, false), gpu_name(i), type_name(walk, i),
            against != nullptr ? fmt::format(" instead of {}", gpu_name(*against)) : "");
        break;
    }
    case Rung::MultiGpuNode:
        text = fmt::format("{} {} {} in one node over {} ({}), {} parallel", i.gpu_count, gpu_name(i), device(i, true), link_name(i), type_name(walk, i),
            option.parallelism.mode);
        break;
    default: {
        const std::string setting = distribution_setting(walk, option);
        text = fmt::format("{} x {} ({} {} {}) over {} in one placement group, {} parallel{}", option.count, type_name(walk, i), option.count * i.gpu_count,
            gpu_name(i), device(i, true), i.efa ? "EFA" : "the instance network", option.parallelism.mode,
            setting.empty() || setting == "none" ? "" : " with " + setting);
        break;
    }
    }
    if (option.storage.fsx) {
        text += fmt::format("; FSx for Lustre {} GiB", grouped(option.storage.fsx->capacity_gib));
    }
    if (option.prep.count > 0) {
        text += fmt::format("; a data-preparation cluster of {} x {}", option.prep.count, option.prep.instance->name);
    }
    return text;
}

std::vector<std::string> concepts_for(const Walk& walk, const Option& option)
{
    std::vector<std::string> out;
    if (option.rung == Rung::SingleGpu && walk.current != nullptr && walk.current->gpu_count == 0) {
        out.push_back("no-cpu-deep-learning");
    }
    if (option.rung == Rung::BiggerGpu || option.rung == Rung::MultiGpuNode) {
        out.push_back("scale-up-first");
    }
    if (option.rung == Rung::MultiGpuNode) {
        out.push_back("single-node-multi-gpu");
    }
    if (option.rung == Rung::MultiNode) {
        out.push_back("multi-node-network");
        if (walk.location == "s3") {
            out.push_back("s3-sharding");
        }
    }
    if (walk.current != nullptr && walk.current->gpu_spec != option.instance->gpu_spec) {
        out.push_back("recheck-after-upgrade");
    }
    if (option.parallelism.mode == "data") {
        out.push_back("model-fits-data-parallel");
    } else if (option.parallelism.mode == "sharded" || option.parallelism.mode == "model") {
        out.push_back("model-parallel-pipeline");
    }
    if (option.instance->gpu_count * option.count > 1) {
        out.push_back("distribution-config");
    }
    out.insert(out.end(), option.storage.concepts.begin(), option.storage.concepts.end());
    if (option.prep.count > 0) {
        out.push_back("data-prep-cluster");
    }
    return out;
}

LadderStep step_from(const Walk& walk, const Option& option, const std::string& change, const std::string& why, std::vector<std::string> concepts)
{
    LadderStep step;
    step.rung = rung_name(option.rung);
    step.change = change + (option.recompute_added ? "; activation checkpointing on (without it no split of this configuration fits)" : "");
    step.instance_type = type_name(walk, *option.instance);
    step.instance_count = option.count;
    if (option.usable()) {
        step.estimated_hours = option.hours;
        step.estimated_cost_usd = option.run_cost;
        step.total_cost_usd = option.total_cost;
        if (option.e.bottleneck != Bottleneck::None) { // else the rate is a measurement the model cannot explain
            step.gpu_util_pct = option.e.gpu_util_pct;
            step.bottleneck = bottleneck_name(option.e.bottleneck);
        }
    } else if (!option.fits) {
        step.bottleneck = "memory";
    }
    if (walk.job.training.target_hours || walk.budget) {
        step.meets_target = explicit_meets(walk, option);
    }
    step.purchase = purchase_of(option);
    step.why = why;
    step.concepts = std::move(concepts);
    return step;
}

std::optional<bool> explicit_meets(const Walk& walk, const Option& option)
{
    const auto target = walk.job.training.target_hours;
    if (!target && !walk.budget) {
        return std::nullopt; // nothing to meet: the output says null, not true
    }
    return option.usable() && (!target || option.hours <= *target * (1.0 + 1e-9)) && option.within_budget;
}

namespace {

std::string target_words(const Walk& walk)
{
    if (!walk.target) {
        return "time";
    }
    return walk.target_implicit ? "today's " + hours_text(*walk.target) : fmt::format("the {} target", hours_text(*walk.target));
}

} // namespace

std::string meets_words(const Walk& walk)
{
    return std::string(walk.target_implicit ? "keeps " : "meets ") + target_words(walk);
}

const char* time_constraint_name(const Walk& walk)
{
    return walk.target_implicit ? "today's time" : "target_hours";
}

std::string bound_word(const std::string& bottleneck, const InstanceSpec& instance)
{
    return bottleneck == "gpu" && device(instance, false) == "chip" ? "chip" : bottleneck;
}

bool saves_download(const Walk& walk, double saved_minutes)
{
    return walk.today && saved_minutes >= 1.0 && saved_minutes >= k_startup_saving_share * walk.today->hours * 60.0;
}

std::string best_effort_lead(const Walk& walk)
{
    if (walk.target_implicit) {
        return fmt::format("nothing keeps {}{}; best effort. ", target_words(walk), walk.budget ? " within the budget" : "");
    }
    return "nothing meets the target; best effort. ";
}

} // namespace mlscale::walk
