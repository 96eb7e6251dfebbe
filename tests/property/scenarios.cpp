// The generator's overlays and coherence: combinations a uniform walk of the schema rarely draws
// (a multi-node setup today, no target, tiny and huge datasets, telemetry), and the few facts from
// the catalogue that keep most generated jobs runnable (a precision today's GPU has, a training
// instance today). Each is skipped now and then, so the error paths are generated too.
#include <cmath>

#include "generator.hpp"

namespace mlscale::property {

using nlohmann::json;

namespace {

json& section(json& job, const char* key)
{
    if (!job.contains(key) || !job[key].is_object()) {
        job[key] = json::object();
    }
    return job[key];
}

double rounded_log_uniform(ChoiceSource& choices, double lo, double hi)
{
    const double v = std::pow(10.0, std::log10(lo) + (std::log10(hi) - std::log10(lo)) * choices.unit());
    return std::round(v * 100.0) / 100.0 > 0 ? std::round(v * 100.0) / 100.0 : v;
}

std::vector<const ModelSpec*> models_of(const Catalogue& catalogue, bool transformer)
{
    std::vector<const ModelSpec*> out;
    for (const auto& model : catalogue.models) {
        if ((model.family == "transformer" && model.seq_len) == transformer) {
            out.push_back(&model);
        }
    }
    return out;
}

// The model and the amount of training of one kind of workload.
void workload_overlay(json& job, int kind, ChoiceSource& choices, const Catalogue& catalogue)
{
    if (kind == 0) {
        return; // the schema walk's own model and training
    }
    json& model = section(job, "model");
    json& training = section(job, "training");
    json& dataset = section(job, "dataset");
    if (kind == 1) { // a language model from the catalogue, trained on tokens
        const auto models = models_of(catalogue, true);
        model = json{{"name", choices.pick(models)->name}};
        training["tokens_billions"] = rounded_log_uniform(choices, 0.01, 3000);
        training.erase("epochs");
    } else if (kind == 2) { // a CNN on images
        const auto models = models_of(catalogue, false);
        model = json{{"name", choices.pick(models)->name}};
        const auto samples = static_cast<std::int64_t>(rounded_log_uniform(choices, 1e3, 1e8));
        dataset["num_samples"] = samples;
        dataset["num_files"] = samples;
        dataset["size_gb"] = std::round(static_cast<double>(samples) * 0.11) / 1000.0;
        dataset["format"] = "jpeg";
        training["epochs"] = static_cast<std::int64_t>(rounded_log_uniform(choices, 1, 200));
    } else if (kind == 3) { // gradient boosting on CSV, or a scikit-learn model (held in memory, untimed)
        model = choices.below(4) == 0
            ? json{{"family", choices.below(2) == 0 ? "other" : "gbdt"}, {"framework", "sklearn"}}
            : json{{"family", "gbdt"}, {"framework", choices.below(3) == 0 ? "lightgbm" : "xgboost"}, {"builtin_algorithm", "xgboost"}};
        dataset["format"] = "csv";
        dataset["size_gb"] = rounded_log_uniform(choices, 0.01, 5000);
        training["epochs"] = 1;
        if (choices.below(2) == 0) { // with the shape the model times (docs/recommender.md §3.2)
            dataset["num_samples"] = static_cast<std::int64_t>(rounded_log_uniform(choices, 1e4, 1e10));
            model["num_features"] = static_cast<std::int64_t>(rounded_log_uniform(choices, 2, 5000));
            model["num_trees"] = static_cast<std::int64_t>(rounded_log_uniform(choices, 10, 10000));
            model["max_depth"] = static_cast<std::int64_t>(1 + choices.below(16));
        }
    } else if (kind == 4) { // a transformer described by its size
        model = json{{"params_millions", rounded_log_uniform(choices, 10, 200000)}, {"seq_len", std::int64_t{1} << (7 + choices.below(8))}};
        training["tokens_billions"] = rounded_log_uniform(choices, 0.01, 3000);
        training.erase("epochs");
    }
}

const InstanceSpec* multi_gpu_instance(const Catalogue& catalogue, ChoiceSource& choices)
{
    std::vector<const InstanceSpec*> out;
    for (const auto& instance : catalogue.instances) {
        if (instance.gpu_count >= 4) {
            out.push_back(&instance);
        }
    }
    return out.empty() ? nullptr : choices.pick(out);
}

const InstanceSpec* instance_named(const Catalogue& catalogue, const json& job)
{
    if (!job.contains("current") || !job["current"].is_object() || !job["current"].contains("instance_type") || !job["current"]["instance_type"].is_string()) {
        return nullptr;
    }
    return catalogue.find_instance(job["current"]["instance_type"].get<std::string>());
}

} // namespace

void JobGenerator::overlay(json& job, ChoiceSource& choices, Coverage* coverage) const
{
    const auto note = [&](const char* name) {
        if (coverage != nullptr) {
            ++coverage->scenarios[name];
        }
    };
    static const char* const k_kinds[] = {"walk-only", "llm-catalogue", "cnn-images", "tabular-gbdt", "transformer-by-size"};
    const int kind = static_cast<int>(choices.below(5));
    workload_overlay(job, kind, choices, m_catalogue);
    note(k_kinds[kind]);
    if (choices.chance(40)) { // every instance of the catalogue as today's setup
        const auto& instance = choices.pick(m_catalogue.instances);
        section(job, "current")["instance_type"] = "ml." + instance.name;
        note("current-instance-from-catalogue");
    }
    if (choices.chance(15)) {
        if (const InstanceSpec* instance = multi_gpu_instance(m_catalogue, choices)) {
            json& current = section(job, "current");
            current["instance_type"] = "ml." + instance->name;
            current["instance_count"] = std::int64_t{2} << choices.below(6);
            note("multi-node-today");
        }
    }
    if (choices.chance(15)) {
        section(job, "training").erase("target_hours");
        section(job, "training").erase("budget_usd");
        note("no-target");
    }
    if (choices.chance(5)) {
        json& dataset = section(job, "dataset");
        dataset["num_samples"] = 1;
        dataset["num_files"] = 1;
        dataset["size_gb"] = 1e-6;
        note("tiny-dataset");
    } else if (choices.chance(5)) {
        json& dataset = section(job, "dataset");
        dataset["size_gb"] = rounded_log_uniform(choices, 1e5, 1e8);
        dataset["num_samples"] = static_cast<std::int64_t>(rounded_log_uniform(choices, 1e9, 1e13));
        dataset["num_files"] = static_cast<std::int64_t>(rounded_log_uniform(choices, 1e6, 1e10));
        note("huge-dataset");
    }
    if (choices.chance(20)) {
        json& observed = section(section(job, "current"), "observed");
        observed["gpu_util_pct"] = rounded_log_uniform(choices, 1, 100);
        observed["cpu_util_pct"] = rounded_log_uniform(choices, 1, 100);
        observed["io_wait_pct"] = rounded_log_uniform(choices, 0.1, 100);
        // Today's rate measured, derived from the GPUs' utilisation, or from a measured run's hours
        // (telemetry_options; where the CPUs are the limit, each also measures the CPU cost a sample).
        if (choices.chance(50)) {
            observed["samples_per_sec"] = rounded_log_uniform(choices, 0.1, 5000);
        } else if (choices.chance(50)) {
            observed["hours"] = rounded_log_uniform(choices, 0.01, 2000);
        }
        note("telemetry");
    }
}

void JobGenerator::cohere(json& job, ChoiceSource& choices) const
{
    // Today's instance trains (Inferentia does not) and its GPU has the precision asked for; the
    // profiler refuses either contradiction (src/model/plausibility.cpp), so most jobs avoid them.
    if (job.contains("constraints") && job["constraints"].is_object() && job["constraints"].value("instance_families", json()).is_array() &&
        !choices.chance(10)) {
        json kept = json::array();
        for (const auto& family : job["constraints"]["instance_families"]) {
            const std::string name = family.get<std::string>();
            if (name.find("inf1") == std::string::npos && name.find("inf2") == std::string::npos) {
                kept.push_back(family);
            }
        }
        job["constraints"]["instance_families"] = kept;
    }
    const InstanceSpec* instance = instance_named(m_catalogue, job);
    if (instance != nullptr && (instance->family == "inf1" || instance->family == "inf2") && !choices.chance(40)) {
        job["current"]["instance_type"] = "ml.g5.xlarge";
        instance = m_catalogue.find_instance("g5.xlarge");
    }
    if (instance != nullptr && instance->gpu_spec != nullptr && job.contains("model") && job["model"].is_object() && job["model"].contains("precision") &&
        job["model"]["precision"].is_string()) {
        const std::string precision = job["model"]["precision"].get<std::string>();
        if ((precision == "fp8" || precision == "bf16") && instance->gpu_spec->peak_tflops.count(precision) == 0 && !choices.chance(10)) {
            job["model"]["precision"] = "mixed";
        }
    }
    if (instance != nullptr && instance->gpu_count > 0 && job["current"].contains("observed") && job["current"]["observed"].is_object() &&
        job["current"]["observed"].value("gpu_mem_used_gb", json()).is_number() &&
        job["current"]["observed"]["gpu_mem_used_gb"].get<double>() > instance->gpu_memory_gb && !choices.chance(10)) {
        job["current"]["observed"]["gpu_mem_used_gb"] = std::floor(instance->gpu_memory_gb * 0.8);
    }
}

json JobGenerator::generate(ChoiceSource& choices, Coverage* coverage) const
{
    static const int k_densities[] = {10, 25, 50, 80};
    const int density = k_densities[choices.below(4)];
    json job = value(m_schema, "", choices, density);
    overlay(job, choices, coverage);
    cohere(job, choices);
    satisfy_loader_rules(job);
    if (coverage != nullptr) {
        record_coverage(job, "", *coverage);
        if (const InstanceSpec* instance = instance_named(m_catalogue, job)) {
            coverage->current_instances.insert(instance->name);
        }
    }
    return job;
}

void JobGenerator::record_coverage(const json& value, const std::string& pointer, Coverage& coverage) const
{
    if (value.is_object() && !pointer.empty() && value.empty()) {
        return;
    }
    if (value.is_object()) {
        for (const auto& [key, member] : value.items()) {
            record_coverage(member, pointer + "/" + key, coverage);
        }
        return;
    }
    const std::string generic = generic_pointer(pointer);
    if (value.is_array() && !value.empty() && value[0].is_object()) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            record_coverage(value[i], pointer + "/" + std::to_string(i), coverage);
        }
        return;
    }
    if (value.is_null()) {
        return;
    }
    coverage.fields.insert(generic);
    const auto leaf = std::find_if(m_leaves.begin(), m_leaves.end(), [&](const LeafField& l) { return l.pointer == generic; });
    if (leaf != m_leaves.end() && leaf->schema->contains("enum")) {
        coverage.enum_values[generic].insert(value.dump());
    }
}

} // namespace mlscale::property
