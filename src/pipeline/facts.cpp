// Building the fact tree for rules from the job, the profile and the plan.
#include "mlscale/facts.hpp"

namespace mlscale {

namespace {

template <typename T> void put(nlohmann::json& object, const char* key, const std::optional<T>& value)
{
    if (value) {
        object[key] = *value;
    }
}

void put(nlohmann::json& object, const char* key, const std::string& value)
{
    if (!value.empty()) {
        object[key] = value;
    }
}

void normalize_instance_types(nlohmann::json& facts)
{
    for (const char* section : {"current", "notebook", "deployment"}) {
        if (facts.contains(section) && facts[section].is_object() && facts[section].contains("instance_type") && facts[section]["instance_type"].is_string()) {
            facts[section]["instance_type"] = normalize_instance_type(facts[section]["instance_type"].get<std::string>());
        }
    }
}

} // namespace

nlohmann::json profile_facts(const Profile& profile)
{
    nlohmann::json out = profile.derived.is_object() ? profile.derived : nlohmann::json::object();
    out["bottleneck"] = profile.bottleneck;
    put(out, "bottleneck_basis", profile.bottleneck_basis);
    put(out, "gpu_util_pct", profile.gpu_util_pct);
    put(out, "model_state_gb", profile.model_state_gb);
    put(out, "gpu_memory_gb", profile.gpu_memory_gb);
    put(out, "fits_single_gpu", profile.fits_single_gpu);
    put(out, "required_input_mb_s", profile.required_input_mb_s);
    put(out, "mean_file_mb", profile.mean_file_mb);
    put(out, "num_samples", profile.num_samples);
    nlohmann::json& model = out["model"];
    put(model, "family", profile.model.family);
    put(model, "params_millions", profile.model.params_millions);
    put(model, "forward_gflops", profile.model.forward_gflops);
    put(model, "seq_len", profile.model.seq_len);
    put(model, "precision", profile.model.precision);
    put(model, "optimizer", profile.model.optimizer);
    model["deep"] = profile.model.deep;
    return out;
}

nlohmann::json plan_facts(const Plan& plan)
{
    nlohmann::json out;
    nlohmann::json& compute = out["compute"];
    const auto& c = plan.compute;
    put(compute, "instance_type", c.instance_type);
    if (!c.instance_type.empty()) {
        const std::string type = normalize_instance_type(c.instance_type);
        compute["instance_family"] = type.substr(0, type.find('.'));
        compute["instance_count"] = c.instance_count;
        compute["gpus"] = c.gpus;
        compute["efa"] = c.efa;
        compute["placement_group"] = c.placement_group;
    }
    put(compute, "rung", c.rung);
    put(compute, "parallelism", c.parallelism);
    put(compute, "distribution", c.distribution);
    put(compute, "estimated_hours", c.estimated_hours);
    put(compute, "estimated_cost_usd", c.estimated_cost_usd);
    put(compute, "gpu_util_pct", c.gpu_util_pct);
    put(compute, "meets_target", c.meets_target);
    put(compute, "changes_gpu", c.changes_gpu);
    put(compute, "bottleneck", c.bottleneck);
    nlohmann::json& storage = out["storage"];
    put(storage, "service", plan.storage.service);
    put(storage, "input_mode", plan.storage.input_mode);
    put(storage, "distribution", plan.storage.distribution);
    put(storage, "fsx_capacity_gib", plan.storage.fsx_capacity_gib);
    put(storage, "fsx_deployment_type", plan.storage.fsx_deployment_type);
    put(storage, "volume_gb", plan.storage.volume_gb);
    put(storage, "dataset_gb", plan.storage.dataset_gb);
    put(storage, "throughput_mb_s", plan.storage.throughput_mb_s);
    put(storage, "moves_data", plan.storage.moves_data);
    out["etl"]["service"] = plan.etl.service;
    out["deployment"]["mode"] = plan.deployment.mode;
    put(out["deployment"], "instance_count", plan.deployment.instance_count);
    return out;
}

nlohmann::json build_facts(const Job& job, const Profile& profile, const Plan* plan)
{
    nlohmann::json facts = job.document.value.is_object() ? job.document.value : nlohmann::json::object();
    normalize_instance_types(facts);
    facts["profile"] = profile_facts(profile);
    if (plan != nullptr) {
        facts["plan"] = plan_facts(*plan);
        // The plan runs on today's instance type and count (its changes are elsewhere: the data
        // pipeline, storage, parallelism).
        if (job.current.instance_type && !plan->compute.instance_type.empty()) {
            facts["plan"]["compute"]["keeps_today"] = normalize_instance_type(plan->compute.instance_type) == *job.current.instance_type &&
                plan->compute.instance_count == job.current.instance_count.value_or(1);
        }
    }
    return facts;
}

} // namespace mlscale
