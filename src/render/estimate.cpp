// Rendering one estimate: the `estimate` contract (../shared/spec/output.md) and readable text.
#include <fmt/format.h>

#include "mlscale/estimate.hpp"
#include "mlscale/render.hpp"

#include "format.hpp"

namespace mlscale {

namespace {

using ordered = nlohmann::ordered_json;

ordered number_or_null(bool known, double value)
{
    return known ? ordered(round_for_output(value)) : ordered(nullptr);
}

std::string text_number(bool known, double value, const char* unit)
{
    return known ? fmt::format("{:.4g}{}", round_for_output(value), unit) : std::string("unknown");
}

// The run on managed spot: the Spot Instance Advisor's figures and what they give.
ordered spot_json(const std::optional<SpotEstimate>& spot)
{
    if (!spot) {
        return nullptr;
    }
    ordered out;
    out["savings_pct"] = spot->savings_pct;
    out["interruption"] = spot->interruption;
    out["capacity_risk"] = spot->capacity_risk;
    out["expected_interruptions"] = number_or_null(!spot->capacity_risk, spot->expected_interruptions);
    out["hours"] = number_or_null(!spot->capacity_risk, spot->hours);
    out["cost_usd"] = number_or_null(!spot->capacity_risk, spot->cost_usd);
    return out;
}

std::string spot_text(const std::optional<SpotEstimate>& spot)
{
    if (!spot) {
        return "no spot figure for this instance type";
    }
    if (spot->capacity_risk) {
        return fmt::format("not advised: more than 20 % of its Spot capacity was reclaimed a month ({:.0f} % below On-Demand)", spot->savings_pct);
    }
    return fmt::format("{} USD at {:.0f} % below On-Demand, {} h with {:.2g} expected interruption(s) ({} reclaimed a month)",
        text_number(true, spot->cost_usd, ""), spot->savings_pct, text_number(true, spot->hours, ""), spot->expected_interruptions, spot->interruption);
}

} // namespace

ordered estimate_json(const Estimate& e, const InstanceSpec& instance, const Workload& workload, Platform platform)
{
    const bool gpu_known = e.throughput_known && e.gpus > 0 && e.peak_tflops > 0;
    ordered out;
    // The contract's keys, in its order.
    out["instance_type"] = instance_type_name(platform, instance.name);
    out["instance_count"] = e.instance_count;
    out["gpus"] = e.gpus;
    out["samples_per_sec"] = number_or_null(e.throughput_known, e.samples_per_sec);
    out["tokens_per_sec"] = number_or_null(e.throughput_known && workload.seq_len > 0, e.tokens_per_sec);
    out["tflops_per_gpu"] = number_or_null(gpu_known, e.tflops_per_gpu);
    out["mfu"] = number_or_null(gpu_known, e.mfu);
    out["step_time_ms"] = number_or_null(e.throughput_known, e.step_time_ms);
    out["gpu_util_pct"] = number_or_null(gpu_known, e.gpu_util_pct);
    out["bottleneck"] = bottleneck_name(e.bottleneck);
    out["memory_per_gpu_gb"] = number_or_null(e.memory_known, e.memory_per_gpu_gb);
    out["fits"] = e.memory_known ? ordered(e.fits) : ordered(nullptr);
    out["startup_minutes"] = round_for_output(e.startup_minutes);
    out["hours"] = number_or_null(e.throughput_known && workload.samples_per_run > 0, e.hours);
    out["cost_usd"] = number_or_null(e.cost_known, e.cost_usd);
    // Added keys: the intermediate figures behind the contract's (docs/model.md names each).
    out["gpu_hours"] = number_or_null(e.throughput_known && workload.samples_per_run > 0, e.gpu_hours);
    out["spot"] = spot_json(e.spot);
    out["price_estimated"] = e.price_estimated;
    out["compute_samples_per_sec"] = number_or_null(e.compute_samples_per_sec > 0, e.compute_samples_per_sec);
    out["network_samples_per_sec"] = number_or_null(e.network_samples_per_sec > 0, e.network_samples_per_sec);
    out["input_samples_per_sec"] = number_or_null(e.input_known, e.input_samples_per_sec);
    out["cpu_samples_per_sec"] = number_or_null(e.cpu_known, e.cpu_samples_per_sec);
    out["storage_mb_s"] = number_or_null(e.storage_mb_s > 0, e.storage_mb_s);
    out["required_input_mb_s"] = number_or_null(e.required_input_mb_s > 0, e.required_input_mb_s);
    out["download_minutes"] = round_for_output(e.download_minutes);
    out["lazy_load_minutes"] = round_for_output(e.lazy_load_minutes);
    out["comm_ms_per_step"] = round_for_output(e.comm_ms_per_step);
    out["exposed_comm_ms_per_step"] = round_for_output(e.exposed_comm_ms_per_step);
    out["model_state_gb_per_gpu"] = number_or_null(e.memory_known, e.state_gb);
    out["activation_gb_per_gpu"] = number_or_null(e.memory_known, e.activation_gb);
    out["micro_batch"] = e.micro_batch;
    out["data_parallel"] = e.data_parallel;
    out["comm_latency_ms_per_step"] = round_for_output(e.comm_latency_ms_per_step);
    out["page_cache"] = e.page_cache;
    out["tf32"] = e.tf32;
    out["storage_available"] = e.storage_available;
    if (!e.storage_note.empty()) {
        out["storage_note"] = e.storage_note;
    }
    return out;
}

std::string estimate_text(const Estimate& e, const InstanceSpec& instance, const Workload& workload, Platform platform)
{
    const std::string type = instance_type_name(platform, instance.name);
    const bool gpus = e.gpus > 0;                                                          // CPUs alone (gradient boosting, linear models): no per-GPU lines
    const bool chips = instance.gpu_spec != nullptr && instance.gpu_spec->vendor == "aws"; // Trainium: chips, not GPUs (as the ladder says)
    const std::string unit = chips ? "chip" : "GPU";
    std::string out =
        fmt::format("Estimate for {} x {} ({})\n", e.instance_count, type, gpus ? fmt::format("{} {}{}", e.gpus, unit, e.gpus == 1 ? "" : "s") : "CPUs only");
    auto line = [&](const std::string& label, const std::string& value) { out += fmt::format("  {:<22}{}\n", label, value); };
    line("throughput", text_number(e.throughput_known, e.samples_per_sec, " samples/s"));
    if (workload.seq_len > 0) {
        line("tokens", text_number(e.throughput_known, e.tokens_per_sec, " tokens/s"));
    }
    if (gpus) {
        line("per " + unit, fmt::format("{} TFLOP/s, MFU {}", text_number(e.peak_tflops > 0, e.tflops_per_gpu, ""), text_number(e.peak_tflops > 0, e.mfu, "")));
        line("step time", text_number(e.throughput_known, e.step_time_ms, " ms"));
        line(unit + " utilisation", text_number(e.peak_tflops > 0 && e.throughput_known, e.gpu_util_pct, " %"));
    }
    line("bottleneck", render::bound_word(bottleneck_name(e.bottleneck), unit));
    line("limits (samples/s)",
        fmt::format("compute {}, with communication {}, input {}, CPU {}", text_number(e.compute_samples_per_sec > 0, e.compute_samples_per_sec, ""),
            text_number(e.network_samples_per_sec > 0, e.network_samples_per_sec, ""), text_number(e.input_known, e.input_samples_per_sec, ""),
            text_number(e.cpu_known, e.cpu_samples_per_sec, "")));
    if (gpus) {
        line("memory per " + unit,
            e.memory_known ? fmt::format("{} GB ({})", text_number(true, e.memory_per_gpu_gb, ""), e.fits ? "fits" : "does not fit") : std::string("unknown"));
    }
    if (!e.storage_available) {
        line("storage", e.storage_note);
    } else if (e.page_cache) {
        line("storage", "the dataset fits in the page cache: epochs after the first read from memory");
    }
    line("start-up", text_number(true, e.startup_minutes, " min"));
    line("time", text_number(e.throughput_known && workload.samples_per_run > 0, e.hours, " h"));
    line("cost",
        e.cost_known ? fmt::format("{} USD{}", text_number(true, e.cost_usd, ""), e.price_estimated ? " (price estimated)" : "")
            : e.throughput_known && workload.samples_per_run > 0 ? fmt::format("unknown (no price for {} in profiles/instances.json)", type)
                                                                 : std::string("unknown"));
    if (e.cost_known) {
        line(platform == Platform::SageMaker ? "on managed spot" : "on spot", spot_text(e.spot));
    }
    return out;
}

} // namespace mlscale
