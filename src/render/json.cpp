// The JSON renderer: the machine-readable contract (../shared/spec/output.md), keys in contract order.
#include <cmath>

#include <nlohmann/json.hpp>

#include "mlscale/render.hpp"

namespace mlscale {

using ordered = nlohmann::ordered_json;

double round_for_output(double value)
{
    if (!std::isfinite(value)) {
        return 0.0;
    }
    const double magnitude = std::fabs(value);
    if (magnitude != 0.0 && magnitude < 1.0) {
        const double scale = std::pow(10.0, 2 - static_cast<int>(std::floor(std::log10(magnitude))));
        return std::round(value * scale) / scale;
    }
    return std::round(value * 100.0) / 100.0;
}

namespace {

template <typename T> ordered optional_value(const std::optional<T>& value)
{
    if (!value) {
        return nullptr;
    }
    if constexpr (std::is_floating_point_v<T>) {
        return round_for_output(*value);
    } else {
        return *value;
    }
}

ordered text_or_null(const std::string& text)
{
    return text.empty() ? ordered(nullptr) : ordered(text);
}

ordered strings(const std::vector<std::string>& items)
{
    ordered array = ordered::array();
    for (const auto& item : items) {
        array.push_back(item);
    }
    return array;
}

ordered to_ordered(const nlohmann::json& value)
{
    if (value.is_number_float()) {
        return round_for_output(value.get<double>());
    }
    if (value.is_object()) {
        ordered object = ordered::object();
        for (const auto& [key, member] : value.items()) { // nlohmann::json objects iterate sorted by key
            object[key] = to_ordered(member);
        }
        return object;
    }
    if (value.is_array()) {
        ordered array = ordered::array();
        for (const auto& item : value) {
            array.push_back(to_ordered(item));
        }
        return array;
    }
    return ordered::parse(value.dump());
}

ordered profile_json(const Profile& profile)
{
    ordered out;
    out["bottleneck"] = profile.bottleneck;
    out["gpu_util_pct"] = optional_value(profile.gpu_util_pct);
    out["model_state_gb"] = optional_value(profile.model_state_gb);
    out["fits_single_gpu"] = optional_value(profile.fits_single_gpu);
    out["required_input_mb_s"] = optional_value(profile.required_input_mb_s);
    out["assumptions"] = strings(profile.assumptions);
    out["bottleneck_basis"] = text_or_null(profile.bottleneck_basis);
    out["gpu_memory_gb"] = optional_value(profile.gpu_memory_gb);
    out["mean_file_mb"] = optional_value(profile.mean_file_mb);
    out["num_samples"] = optional_value(profile.num_samples);
    ordered model;
    model["family"] = profile.model.family;
    model["params_millions"] = optional_value(profile.model.params_millions);
    model["forward_gflops"] = optional_value(profile.model.forward_gflops);
    model["seq_len"] = optional_value(profile.model.seq_len);
    model["precision"] = profile.model.precision;
    model["optimizer"] = profile.model.optimizer;
    out["model"] = model;
    out["derived"] = to_ordered(profile.derived);
    return out;
}

ordered plan_json(const Plan& plan)
{
    ordered storage;
    storage["service"] = text_or_null(plan.storage.service);
    storage["input_mode"] = text_or_null(plan.storage.input_mode);
    storage["distribution"] = text_or_null(plan.storage.distribution);
    storage["fsx_capacity_gib"] = optional_value(plan.storage.fsx_capacity_gib);
    storage["fsx_deployment_type"] = text_or_null(plan.storage.fsx_deployment_type);
    storage["volume_gb"] = optional_value(plan.storage.volume_gb);
    storage["dataset_gb"] = optional_value(plan.storage.dataset_gb);
    storage["throughput_mb_s"] = optional_value(plan.storage.throughput_mb_s);
    storage["moves_data"] = optional_value(plan.storage.moves_data);
    storage["cost_usd"] = optional_value(plan.storage.cost_usd);
    storage["notes"] = strings(plan.storage.notes);

    const auto& c = plan.compute;
    ordered compute;
    compute["instance_type"] = text_or_null(c.instance_type);
    compute["instance_count"] = c.instance_count;
    compute["gpus"] = c.gpus;
    compute["rung"] = text_or_null(c.rung);
    compute["parallelism"] = text_or_null(c.parallelism);
    compute["context_parallel"] = optional_value(c.context_parallel);
    compute["expert_parallel"] = optional_value(c.expert_parallel);
    compute["estimated_hours"] = optional_value(c.estimated_hours);
    compute["estimated_cost_usd"] = optional_value(c.estimated_cost_usd);
    compute["total_cost_usd"] = optional_value(c.total_cost_usd);
    compute["gpu_util_pct"] = optional_value(c.gpu_util_pct);
    compute["meets_target"] = optional_value(c.meets_target);
    compute["distribution"] = text_or_null(c.distribution);
    compute["efa"] = c.efa;
    compute["placement_group"] = c.placement_group;
    compute["bottleneck"] = text_or_null(c.bottleneck);
    compute["changes_gpu"] = optional_value(c.changes_gpu);
    compute["spot_overhead_hours"] = optional_value(c.spot_overhead_hours);
    compute["spot_savings_pct"] = optional_value(c.spot_savings_pct);
    compute["spot_cost_usd"] = optional_value(c.spot_cost_usd);
    compute["purchase"] = c.purchase;
    compute["on_demand_hours"] = optional_value(c.on_demand_hours);
    compute["on_demand_cost_usd"] = optional_value(c.on_demand_cost_usd);
    compute["notes"] = strings(c.notes);

    ordered etl;
    etl["service"] = plan.etl.service;
    etl["steps"] = strings(plan.etl.steps);

    ordered deployment;
    deployment["mode"] = plan.deployment.mode;
    deployment["instance_count"] = optional_value(plan.deployment.instance_count);
    deployment["notes"] = strings(plan.deployment.notes);

    ordered out;
    out["storage"] = storage;
    out["compute"] = compute;
    out["etl"] = etl;
    out["deployment"] = deployment;
    return out;
}

ordered finding_json(const Finding& f)
{
    ordered out;
    out["rule"] = f.rule;
    out["concept"] = f.concept_key;
    out["severity"] = f.severity;
    out["category"] = f.category;
    out["message"] = f.message;
    out["recommendation"] = f.recommendation;
    out["source"] = f.source;
    ordered location;
    location["file"] = f.location.file;
    location["pointer"] = f.location.pointer;
    location["line"] = f.location.line == 0 ? ordered(nullptr) : ordered(f.location.line);
    location["column"] = f.location.column == 0 ? ordered(nullptr) : ordered(f.location.column);
    if (!f.location.resource.empty()) {
        location["resource"] = f.location.resource;
    }
    if (f.location.field_absent) {
        location["field_absent"] = true;
        location["located_at"] = f.location.located_at; // line and column are this ancestor's
    }
    out["location"] = location;
    out["slug"] = f.slug;
    out["title"] = f.title;
    out["references"] = strings(f.references);
    out["evidence"] = to_ordered(f.evidence);
    out["suppressed"] = f.suppressed;
    if (f.suppressed) {
        out["suppression_reason"] = f.suppression_reason;
    }
    out["fingerprint"] = f.fingerprint;
    return out;
}

} // namespace

std::string render_json(const Report& report)
{
    ordered out;
    out["schema_version"] = 1;
    out["tool"] = ordered{{"name", "mlscale"}, {"version", report.tool_version}};
    out["job"] = report.job_name;
    out["profile"] = profile_json(report.profile);
    out["plan"] = plan_json(report.plan);
    ordered ladder = ordered::array();
    for (const auto& step : report.ladder) {
        ordered item;
        item["rung"] = step.rung;
        item["change"] = step.change;
        item["estimated_hours"] = optional_value(step.estimated_hours);
        item["meets_target"] = optional_value(step.meets_target);
        item["why"] = step.why;
        item["instance_type"] = text_or_null(step.instance_type);
        item["instance_count"] = step.instance_count;
        item["estimated_cost_usd"] = optional_value(step.estimated_cost_usd);
        item["total_cost_usd"] = optional_value(step.total_cost_usd);
        item["purchase"] = step.purchase;
        item["chosen"] = step.chosen;
        item["gpu_util_pct"] = optional_value(step.gpu_util_pct);
        item["bottleneck"] = text_or_null(step.bottleneck);
        item["concepts"] = strings(step.concepts);
        ladder.push_back(item);
    }
    out["ladder"] = ladder;
    ordered candidates = ordered::array();
    for (const auto& c : report.candidates) {
        ordered item;
        item["instance_type"] = c.instance_type;
        item["instance_count"] = c.instance_count;
        item["gpus"] = c.gpus;
        item["storage"] = text_or_null(c.storage);
        item["parallelism"] = text_or_null(c.parallelism);
        item["estimated_hours"] = optional_value(c.estimated_hours);
        item["estimated_cost_usd"] = optional_value(c.estimated_cost_usd);
        item["total_cost_usd"] = optional_value(c.total_cost_usd);
        item["meets_target"] = optional_value(c.meets_target);
        item["purchase"] = c.purchase;
        item["chosen"] = c.chosen;
        candidates.push_back(item);
    }
    out["candidates"] = candidates;
    out["current"] = ordered{{"instance_type", text_or_null(report.current_instance_type)}, {"instance_count", report.current_instance_count},
        {"estimated_hours", optional_value(report.current_hours)}, {"estimated_cost_usd", optional_value(report.current_cost_usd)},
        {"purchase", report.current_purchase}, {"fits", optional_value(report.current_fits)}};
    ordered findings = ordered::array();
    for (const auto& finding : report.findings) {
        findings.push_back(finding_json(finding));
    }
    out["findings"] = findings;
    ordered summary;
    const auto counts = report.summary();
    for (const char* severity : {"critical", "high", "medium", "low", "info"}) {
        summary[severity] = counts.at(severity);
    }
    out["summary"] = summary;
    out["file"] = report.file;
    out["rule_parameters"] = to_ordered(report.rule_parameters);
    // File names are bytes, not necessarily UTF-8: replace what JSON cannot hold instead of throwing.
    return out.dump(2, ' ', false, ordered::error_handler_t::replace) + "\n";
}

} // namespace mlscale
