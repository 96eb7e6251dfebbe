// Loading the catalogue files and checking that every figure has a source.
#include "mlscale/catalogue.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>

#include <fmt/format.h>

#include "mlscale/json_document.hpp"
#include "mlscale/resources.hpp"
#include "mlscale/source.hpp"
#include "mlscale/suggest.hpp"

namespace mlscale {

namespace {

template <typename T>
const T* find_by_name(const std::vector<T>& items, const std::string& name)
{
    for (const auto& item : items) {
        if (item.name == name) {
            return &item;
        }
    }
    return nullptr;
}

double number_or(const nlohmann::json& object, const char* key, double fallback = 0)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_number() ? it->get<double>() : fallback;
}

std::optional<double> optional_number(const nlohmann::json& object, const char* key)
{
    const auto it = object.find(key);
    if (it != object.end() && it->is_number()) {
        return it->get<double>();
    }
    return std::nullopt;
}

std::string string_or(const nlohmann::json& object, const char* key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The type of each field an entry of a kind may carry (null is allowed for every one): a user's
// file with another type is an error at the value, found before anything reads the entry.
enum class FieldKind { String, Number, Boolean, Object, Pair };
struct FieldType {
    const char* field;
    FieldKind kind;
};

const std::vector<FieldType>& field_types(const std::string& list)
{
    using K = FieldKind;
    static const std::map<std::string, std::vector<FieldType>> table{
        {"gpus", {{"name", K::String}, {"vendor", K::String}, {"generation", K::String}, {"memory_gb", K::Number},
                     {"mem_bandwidth_gb_s", K::Number}, {"nvlink_gb_s", K::Number}, {"peak_tflops", K::Object}, {"extends", K::String}}},
        {"instances", {{"name", K::String}, {"family", K::String}, {"gpu", K::String}, {"gpu_count", K::Number}, {"gpu_memory_gb", K::Number},
                          {"vcpus", K::Number}, {"memory_gib", K::Number}, {"network_gbps", K::Number}, {"network_burst_gbps", K::Number},
                          {"efa", K::Boolean}, {"efa_interfaces", K::Number}, {"nvlink", K::String}, {"local_nvme_gb", K::Number},
                          {"ebs_mb_s", K::Number}, {"price_usd_per_hour", K::Number}, {"sagemaker_price_usd_per_hour", K::Number},
                          {"sagemaker_training", K::Boolean}, {"estimates", K::Object}, {"extends", K::String}}},
        {"models", {{"name", K::String}, {"family", K::String}, {"params_millions", K::Number}, {"forward_gflops", K::Number},
                       {"forward_gflops_per", K::String}, {"seq_len", K::Number}, {"layers", K::Number}, {"hidden", K::Number},
                       {"heads", K::Number}, {"vocab", K::Number}, {"input_resolution", K::Pair},
                       {"attention_forward_gflops_per_token", K::Number}, {"activations_millions", K::Number}, {"extends", K::String}}},
    };
    static const std::vector<FieldType> none;
    const auto it = table.find(list);
    return it != table.end() ? it->second : none;
}

bool has_kind(const nlohmann::json& value, FieldKind kind)
{
    switch (kind) {
    case FieldKind::String: return value.is_string();
    case FieldKind::Number: return value.is_number();
    case FieldKind::Boolean: return value.is_boolean();
    case FieldKind::Object: return value.is_object();
    case FieldKind::Pair: return value.is_array() && value.size() == 2 && value[0].is_number() && value[1].is_number();
    }
    return false;
}

const char* kind_wanted(FieldKind kind)
{
    switch (kind) {
    case FieldKind::String: return "a string";
    case FieldKind::Number: return "a number";
    case FieldKind::Boolean: return "true or false";
    case FieldKind::Object: return "an object";
    case FieldKind::Pair: return "[width, height]";
    }
    return "another type";
}

// The list is an array of objects whose fields have their types. Returns false (after adding
// diagnostics) otherwise: the loader reads the entries with those types.
bool check_field_types(const JsonDocument& document, const std::string& list, Diagnostics& diagnostics)
{
    const auto it = document.value.find(list);
    if (it == document.value.end()) {
        return true;
    }
    if (!it->is_array()) {
        diagnostics.add(document.diagnostic_at("/" + list, fmt::format("expected a list of {}, got {}", list, it->type_name())));
        return false;
    }
    bool ok = true;
    for (std::size_t i = 0; i < it->size(); ++i) {
        const auto& entry = (*it)[i];
        const std::string pointer = fmt::format("/{}/{}", list, i);
        if (!entry.is_object()) {
            diagnostics.add(document.diagnostic_at(pointer, fmt::format("expected an object, got {}", entry.type_name())));
            ok = false;
            continue;
        }
        for (const auto& type : field_types(list)) {
            const auto value = entry.find(type.field);
            if (value != entry.end() && !value->is_null() && !has_kind(*value, type.kind)) {
                std::string shown = value->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
                if (shown.size() > 40) {
                    shown = shown.substr(0, 37) + "...";
                }
                diagnostics.add(document.diagnostic_at(pointer + "/" + type.field,
                    fmt::format("expected {}, got {} {}", kind_wanted(type.kind), value->type_name(), shown)));
                ok = false;
            }
        }
    }
    return ok;
}

// Every numeric or boolean figure of an entry must be covered by its "source" (a key for the
// whole entry, or a per-field map with "*" as the default), and every key must be in "sources".
void check_sources(const JsonDocument& document, const std::string& list, Diagnostics& diagnostics)
{
    const auto& root = document.value;
    const auto& sources = root.contains("sources") ? root["sources"] : nlohmann::json::object();
    const auto& entries = root.contains(list) ? root[list] : nlohmann::json::array();
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& entry = entries[i];
        const std::string pointer = fmt::format("/{}/{}", list, i);
        if (!entry.is_object()) {
            diagnostics.add(document.diagnostic_at(pointer, "expected an object"));
            continue;
        }
        const auto source = entry.find("source");
        if (source == entry.end()) {
            diagnostics.add(document.diagnostic_at(pointer, fmt::format("entry \"{}\" has no \"source\"", string_or(entry, "name")),
                "every figure in profiles/ carries its source"));
            continue;
        }
        auto known = [&](const nlohmann::json& key) { return key.is_string() && sources.contains(key.get<std::string>()); };
        if (source->is_string()) {
            if (!known(*source)) {
                diagnostics.add(document.diagnostic_at(pointer + "/source", fmt::format("unknown source key {}", source->dump())));
            }
            continue;
        }
        if (!source->is_object()) {
            diagnostics.add(document.diagnostic_at(pointer + "/source", "expected a source key or a map of field to source key"));
            continue;
        }
        for (const auto& [field, key] : source->items()) {
            if (!known(key)) {
                diagnostics.add(document.diagnostic_at(pointer + "/source/" + escape_pointer_token(field),
                    fmt::format("unknown source key {}", key.dump())));
            }
        }
        if (source->contains("*")) {
            continue;
        }
        for (const auto& [field, value] : entry.items()) {
            if ((value.is_number() || value.is_boolean() || value.is_object()) && field != "source" && field != "estimates" &&
                !source->contains(field)) {
                diagnostics.add(document.diagnostic_at(pointer + "/" + escape_pointer_token(field),
                    fmt::format("figure \"{}\" of \"{}\" has no source", field, string_or(entry, "name"))));
            }
        }
    }
}

// Per-field source map of an entry: a string source becomes {"*": source}.
nlohmann::json source_map(const nlohmann::json& entry)
{
    const auto it = entry.find("source");
    if (it == entry.end()) {
        return nlohmann::json::object();
    }
    return it->is_string() ? nlohmann::json{{"*", *it}} : *it;
}

// Entries may extend another entry of the same file by name ("extends": "p4d.24xlarge"): the
// parent's fields are inherited, the child's override, and each inherited figure keeps the
// parent's source. A cycle is an error naming the chain.
void resolve_extends(JsonDocument& document, const std::string& list, Diagnostics& diagnostics)
{
    auto& entries = document.value[list];
    if (!entries.is_array()) {
        return;
    }
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (entries[i].is_object()) {
            index[string_or(entries[i], "name")] = i;
        }
    }
    std::vector<int> state(entries.size(), 0); // 0 new, 1 resolving, 2 done
    std::function<bool(std::size_t, std::vector<std::string>&)> resolve = [&](std::size_t i, std::vector<std::string>& chain) {
        if (state[i] == 2) {
            return true;
        }
        auto& entry = entries[i];
        const std::string name = string_or(entry, "name");
        const std::string pointer = fmt::format("/{}/{}/extends", list, i);
        if (state[i] == 1) {
            chain.push_back(name);
            diagnostics.add(document.diagnostic_at(pointer, fmt::format("\"{}\" extends itself: {}", name, fmt::join(chain, " -> ")),
                "remove the cycle: an entry may extend another, never itself"));
            return false;
        }
        const std::string parent_name = string_or(entry, "extends");
        if (parent_name.empty()) {
            state[i] = 2;
            return true;
        }
        const auto parent = index.find(parent_name);
        if (parent == index.end()) {
            std::vector<std::string> names;
            for (const auto& [known, position] : index) {
                names.push_back(known);
            }
            const auto match = closest_match(parent_name, names);
            diagnostics.add(document.diagnostic_at(pointer, fmt::format("\"{}\" extends \"{}\", which this file does not define", name, parent_name),
                match ? fmt::format("did you mean \"{}\"?", *match) : std::string()));
            state[i] = 2;
            return false;
        }
        state[i] = 1;
        chain.push_back(name);
        if (!resolve(parent->second, chain)) {
            state[i] = 2;
            return false;
        }
        chain.pop_back();
        nlohmann::json merged = entries[parent->second];
        nlohmann::json sources = source_map(merged);
        const nlohmann::json child_sources = source_map(entry);
        const nlohmann::json child_default = child_sources.value("*", nlohmann::json());
        for (const auto& [field, value] : entry.items()) {
            if (field == "source" || field == "extends") {
                continue;
            }
            merged[field] = value;
            if (field != "name" && field != "notes" && field != "estimates") {
                const auto own = child_sources.find(field);
                if (own != child_sources.end()) {
                    sources[field] = *own;
                } else if (!child_default.is_null()) {
                    sources[field] = child_default;
                }
            }
        }
        merged["source"] = sources;
        merged["extends"] = parent_name;
        entry = std::move(merged);
        state[i] = 2;
        return true;
    };
    for (std::size_t i = 0; i < entries.size(); ++i) {
        std::vector<std::string> chain;
        resolve(i, chain);
    }
}

std::optional<JsonDocument> read_profile(const std::string& directory, const std::string& kind, Diagnostics& diagnostics,
    bool* embedded = nullptr)
{
    const std::string relative = "profiles/" + kind + ".json";
    std::optional<SourceFile> source;
    if (embedded != nullptr) {
        *embedded = directory.empty();
    }
    if (directory.empty()) {
        const auto content = embedded_file(relative);
        if (!content) {
            return std::nullopt;
        }
        source = SourceFile{relative, std::string(*content)};
    } else {
        const std::string path = (std::filesystem::path(directory) / (kind + ".json")).string();
        std::error_code error; // set when the path is there but cannot be looked at (a symlink loop): read_source says why
        if (!std::filesystem::exists(path, error) && !error) {
            return read_profile("", kind, diagnostics, embedded); // a user directory replaces only the kinds it has
        }
        source = read_source(path, diagnostics);
        if (!source) {
            return std::nullopt;
        }
    }
    JsonLimits limits;
    limits.record_positions = false; // positions are found when a diagnostic needs them
    auto document = parse_json(*source, diagnostics, limits);
    if (document && !document->value.is_object()) {
        diagnostics.add(document->diagnostic_at("", "expected an object with \"schema\", \"sources\" and the entries"));
        return std::nullopt;
    }
    if (document && !check_field_types(*document, kind, diagnostics)) {
        return std::nullopt;
    }
    return document;
}

const nlohmann::json& entry_named(const nlohmann::json& list, const std::string& name)
{
    static const nlohmann::json empty = nlohmann::json::object();
    for (const auto& entry : list) {
        if (entry.is_object() && entry.value("name", "") == name) {
            return entry;
        }
    }
    return empty;
}

const nlohmann::json& member(const nlohmann::json& object, const char* key)
{
    static const nlohmann::json empty = nlohmann::json::object();
    const auto it = object.find(key);
    return it != object.end() && it->is_object() ? *it : empty;
}

// The storage figures the estimator needs, each read from storage.json (docs/model.md §4).
StorageFacts read_storage_facts(const nlohmann::json& root)
{
    StorageFacts facts;
    const auto& list = root.contains("storage") && root["storage"].is_array() ? root["storage"] : nlohmann::json::array();
    const auto& s3 = entry_named(list, "s3");
    facts.s3_connection_mb_s = number_or(s3, "per_connection_mb_s_low");
    facts.s3_connections_to_fill_10gbps = number_or(s3, "connections_to_fill_10gbps");
    facts.s3_get_per_prefix_per_s = number_or(s3, "request_rate_get_per_prefix_per_s");
    facts.s3_single_instance_max_gbps = number_or(s3, "single_instance_max_gbps");
    facts.s3_first_byte_ms = number_or(s3, "first_byte_latency_ms_low");
    const auto& file_mode = member(member(s3, "input_modes"), "file");
    facts.file_mode_mb_s = number_or(file_mode, "example_download_mb_s");
    facts.s3_small_file_threshold_mb = number_or(file_mode, "small_file_threshold_mb", facts.s3_small_file_threshold_mb);
    facts.s3_container_target_mb = number_or(file_mode, "container_target_mb", facts.s3_container_target_mb);
    facts.file_mode_max_dataset_gb = number_or(file_mode, "recommended_max_dataset_gb_high", facts.file_mode_max_dataset_gb);
    for (const auto& [option, figures] : member(root, "limits").items()) {
        if (figures.is_object()) {
            for (const auto& [key, value] : figures.items()) {
                if (value.is_number()) {
                    facts.limits[option + "." + key] = value.get<double>();
                }
            }
        }
    }
    const auto& efs = entry_named(list, "efs");
    const auto& elastic = member(member(efs, "throughput_modes"), "elastic");
    facts.efs_elastic_client_mib_s = number_or(elastic, "per_client_mib_s");
    facts.efs_elastic_fs_read_gib_s = number_or(elastic, "fs_read_gib_s_low");
    facts.gp3_baseline_mib_s = number_or(entry_named(list, "ebs-gp3"), "baseline_mib_s");
    const auto& nvme = entry_named(list, "instance-nvme");
    for (const auto& device : nvme.value("devices", nlohmann::json::array())) {
        facts.nvme_devices[string_or(device, "instance")] = static_cast<int>(number_or(device, "device_count", 1));
        if (const auto rate = optional_number(device, "device_read_gb_s")) {
            facts.nvme_device_read_gb_s = *rate;
        }
    }
    for (const auto& entry : entry_named(list, "fsx-lustre").value("deployment_types", nlohmann::json::array())) {
        FsxDeployment deployment;
        deployment.deployment_type = string_or(entry, "deployment_type");
        deployment.storage_type = string_or(entry, "storage_type");
        deployment.per_unit_mb_s_per_tib = number_or(entry, "per_unit_storage_throughput_mb_s_per_tib");
        deployment.disk_baseline_mb_s_per_tib = number_or(entry, "disk_baseline_mb_s_per_tib");
        deployment.min_capacity_gib = number_or(entry, "min_capacity_gib");
        deployment.capacity_increment_gib = number_or(entry, "capacity_increment_gib");
        for (const auto& step : entry.value("capacity_steps_gib", nlohmann::json::array())) {
            if (step.is_number()) {
                deployment.capacity_steps_gib.push_back(step.get<double>());
            }
        }
        facts.fsx.push_back(std::move(deployment));
    }
    return facts;
}

} // namespace

std::optional<double> InstanceSpec::sagemaker_price(double markup, bool* estimated) const
{
    if (sagemaker_price_usd_per_hour) {
        if (estimated != nullptr) {
            *estimated = sagemaker_price_estimated;
        }
        return sagemaker_price_usd_per_hour;
    }
    if (price_usd_per_hour) {
        if (estimated != nullptr) {
            *estimated = true;
        }
        return *price_usd_per_hour * markup;
    }
    return std::nullopt;
}

const InstanceSpec* Catalogue::find_instance(const std::string& name) const
{
    return find_by_name(instances, name.rfind("ml.", 0) == 0 ? name.substr(3) : name);
}

const ModelSpec* Catalogue::find_model(const std::string& name) const
{
    return find_by_name(models, name);
}

const GpuSpec* Catalogue::find_gpu(const std::string& name) const
{
    return find_by_name(gpus, name);
}

std::vector<std::string> Catalogue::instance_names() const
{
    std::vector<std::string> names;
    for (const auto& instance : instances) {
        names.push_back(instance.name);
    }
    return names;
}

std::vector<std::string> Catalogue::model_names() const
{
    std::vector<std::string> names;
    for (const auto& model : models) {
        names.push_back(model.name);
    }
    return names;
}

std::optional<Catalogue> load_catalogue(const std::string& directory, Diagnostics& diagnostics, EmbeddedSourceCheck embedded)
{
    const std::size_t errors_before = diagnostics.error_count();
    Catalogue catalogue;
    std::map<std::string, nlohmann::json> files;
    bool from_embedded = false;
    const auto check_sources_unless_trusted = [&](const JsonDocument& document, const std::string& list) {
        if (!from_embedded || embedded == EmbeddedSourceCheck::Check) {
            check_sources(document, list, diagnostics);
        }
    };

    bool gpus_read = false; // without them, every instance's GPU would be reported as unknown too
    if (auto document = read_profile(directory, "gpus", diagnostics, &from_embedded)) {
        gpus_read = true;
        resolve_extends(*document, "gpus", diagnostics);
        check_sources_unless_trusted(*document, "gpus");
        for (const auto& entry : document->value.value("gpus", nlohmann::json::array())) {
            GpuSpec gpu;
            gpu.name = string_or(entry, "name");
            gpu.vendor = string_or(entry, "vendor");
            gpu.generation = string_or(entry, "generation");
            gpu.memory_gb = number_or(entry, "memory_gb");
            gpu.mem_bandwidth_gb_s = number_or(entry, "mem_bandwidth_gb_s");
            gpu.nvlink_gb_s = number_or(entry, "nvlink_gb_s");
            if (const auto peaks = entry.find("peak_tflops"); peaks != entry.end() && peaks->is_object()) {
                for (const auto& [precision, value] : peaks->items()) {
                    if (value.is_number()) {
                        gpu.peak_tflops[precision] = value.get<double>();
                    }
                }
            }
            catalogue.gpus.push_back(std::move(gpu));
        }
        files["gpus"] = std::move(document->value);
    }

    if (auto document = read_profile(directory, "instances", diagnostics, &from_embedded)) {
        resolve_extends(*document, "instances", diagnostics);
        check_sources_unless_trusted(*document, "instances");
        const auto& entries = document->value.value("instances", nlohmann::json::array());
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const auto& entry = entries[i];
            InstanceSpec instance;
            instance.name = string_or(entry, "name");
            instance.family = string_or(entry, "family");
            instance.gpu = string_or(entry, "gpu");
            instance.gpu_count = static_cast<int>(number_or(entry, "gpu_count"));
            instance.gpu_memory_gb = number_or(entry, "gpu_memory_gb");
            instance.vcpus = static_cast<int>(number_or(entry, "vcpus"));
            instance.memory_gib = number_or(entry, "memory_gib");
            instance.network_gbps = number_or(entry, "network_gbps");
            instance.network_burst_gbps = number_or(entry, "network_burst_gbps", instance.network_gbps);
            instance.efa = entry.value("efa", false);
            instance.efa_interfaces = static_cast<int>(number_or(entry, "efa_interfaces"));
            instance.nvlink = string_or(entry, "nvlink");
            instance.local_nvme_gb = number_or(entry, "local_nvme_gb");
            instance.ebs_mb_s = number_or(entry, "ebs_mb_s");
            instance.price_usd_per_hour = optional_number(entry, "price_usd_per_hour");
            instance.sagemaker_price_usd_per_hour = optional_number(entry, "sagemaker_price_usd_per_hour");
            instance.sagemaker_price_estimated =
                entry.contains("estimates") && entry["estimates"].is_object() && entry["estimates"].contains("sagemaker_price_usd_per_hour");
            if (const auto it = entry.find("sagemaker_training"); it != entry.end() && it->is_boolean()) {
                instance.sagemaker_training = it->get<bool>();
            }
            if (!instance.gpu.empty()) {
                instance.gpu_spec = catalogue.find_gpu(instance.gpu);
                if (instance.gpu_spec == nullptr && gpus_read) {
                    diagnostics.add(document->diagnostic_at(fmt::format("/instances/{}/gpu", i),
                        fmt::format("instance \"{}\" names GPU \"{}\", which profiles/gpus.json does not list", instance.name, instance.gpu)));
                }
            }
            catalogue.instances.push_back(std::move(instance));
        }
        if (const auto markup = document->value.find("sagemaker_markup"); markup != document->value.end()) {
            if (markup->is_number()) {
                catalogue.sagemaker_markup = markup->get<double>();
            } else if (markup->is_object() && markup->contains("factor") && (*markup)["factor"].is_number()) {
                catalogue.sagemaker_markup = (*markup)["factor"].get<double>();
            }
        }
        files["instances"] = std::move(document->value);
    }

    if (auto document = read_profile(directory, "models", diagnostics, &from_embedded)) {
        resolve_extends(*document, "models", diagnostics);
        check_sources_unless_trusted(*document, "models");
        for (const auto& entry : document->value.value("models", nlohmann::json::array())) {
            ModelSpec model;
            model.name = string_or(entry, "name");
            model.family = string_or(entry, "family");
            model.params_millions = number_or(entry, "params_millions");
            model.forward_gflops = optional_number(entry, "forward_gflops");
            auto integer = [&](const char* key) -> std::optional<std::int64_t> {
                if (const auto value = optional_number(entry, key)) {
                    return static_cast<std::int64_t>(*value);
                }
                return std::nullopt;
            };
            model.seq_len = integer("seq_len");
            model.layers = integer("layers");
            model.hidden = integer("hidden");
            model.heads = integer("heads");
            model.vocab = integer("vocab");
            if (const auto resolution = entry.find("input_resolution"); resolution != entry.end() && resolution->is_array() &&
                resolution->size() == 2) {
                model.input_resolution = std::array<std::int64_t, 2>{(*resolution)[0].get<std::int64_t>(), (*resolution)[1].get<std::int64_t>()};
            }
            model.forward_per_token = string_or(entry, "forward_gflops_per") == "token";
            model.attention_forward_gflops_per_token = optional_number(entry, "attention_forward_gflops_per_token");
            model.activations_millions = optional_number(entry, "activations_millions");
            catalogue.models.push_back(std::move(model));
        }
        files["models"] = std::move(document->value);
    }

    if (auto document = read_profile(directory, "storage", diagnostics, &from_embedded)) {
        check_sources_unless_trusted(*document, "storage");
        catalogue.storage_facts = read_storage_facts(document->value);
        files["storage"] = std::move(document->value);
    }

    if (diagnostics.error_count() > errors_before) {
        return std::nullopt;
    }
    for (const auto& [kind, file] : files) {
        catalogue.as_of[kind] = file.value("as_of", "");
    }
    catalogue.set_files(std::move(files));
    return catalogue;
}

std::map<std::string, nlohmann::json> embedded_catalogue_files()
{
    // The same reading as every load (which kinds exist, "extends" resolved), only when asked for.
    Diagnostics diagnostics;
    const auto catalogue = load_catalogue("", diagnostics, EmbeddedSourceCheck::Trust);
    return catalogue ? catalogue->files() : std::map<std::string, nlohmann::json>{};
}

struct Catalogue::Files {
    std::once_flag once;
    std::map<std::string, nlohmann::json> (*loader)() = nullptr;
    std::map<std::string, nlohmann::json> files;
};

const std::map<std::string, nlohmann::json>& Catalogue::files() const
{
    static const std::map<std::string, nlohmann::json> none;
    if (!m_files) {
        return none;
    }
    std::call_once(m_files->once, [files = m_files.get()] {
        if (files->loader != nullptr) {
            files->files = files->loader();
        }
    });
    return m_files->files;
}

void Catalogue::set_files(std::map<std::string, nlohmann::json> files)
{
    m_files = std::make_shared<Files>();
    m_files->files = std::move(files);
}

void Catalogue::set_files_loader(std::map<std::string, nlohmann::json> (*loader)())
{
    m_files = std::make_shared<Files>();
    m_files->loader = loader;
}

namespace {

std::string& catalogue_directory()
{
    static std::string directory;
    return directory;
}

Catalogue (*&compiled_factory())()
{
    static Catalogue (*factory)() = nullptr;
    return factory;
}

} // namespace

bool use_catalogue_directory(const std::string& directory, Diagnostics& diagnostics)
{
    std::error_code error; // a symlink loop or a path without permission: say so rather than throw
    if (!std::filesystem::is_directory(directory, error)) {
        Diagnostic d;
        d.file = directory;
        d.message = error && error != std::errc::no_such_file_or_directory && error != std::errc::not_a_directory
            ? fmt::format("cannot read: {}", error.message())
            : "is not a directory of profiles (instances.json, gpus.json, models.json, storage.json)";
        diagnostics.add(std::move(d));
        return false;
    }
    if (!load_catalogue(directory, diagnostics)) {
        return false;
    }
    catalogue_directory() = directory;
    return true;
}

void use_compiled_catalogue(Catalogue (*factory)())
{
    compiled_factory() = factory;
}

const Catalogue& builtin_catalogue()
{
    static const Catalogue catalogue = [] {
        if (catalogue_directory().empty() && compiled_factory() != nullptr) {
            Catalogue compiled = compiled_factory()();
            compiled.set_files_loader(&embedded_catalogue_files);
            return compiled;
        }
        Diagnostics diagnostics;
        auto loaded = load_catalogue(catalogue_directory(), diagnostics, EmbeddedSourceCheck::Trust);
        if (!loaded) {
            std::string why;
            for (const auto& d : diagnostics.items()) {
                why += format_diagnostic(d);
            }
            throw std::runtime_error("the embedded catalogue is broken:\n" + why);
        }
        return std::move(*loaded);
    }();
    return catalogue;
}

} // namespace mlscale
