// Loading the catalogue files and checking that every figure has a source.
#include "mlscale/catalogue.hpp"
#include <algorithm>
#include <cctype>

#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>

#include "mlscale/json_document.hpp"
#include "mlscale/resources.hpp"
#include "mlscale/source.hpp"
#include "mlscale/suggest.hpp"

namespace mlscale {

namespace {

template <typename T> struct is_optional : std::false_type { };
template <typename T> struct is_optional<std::optional<T>> : std::true_type { };

template <typename T> const T* find_by_name(const std::vector<T>& items, const std::string& name)
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
// file with another type is an error at the value, found before anything reads the entry. The
// types come from the structs' field lists, plus the few keys that are not fields.
enum class FieldKind { String, Number, Boolean, Object, Pair, StringList };
struct FieldType {
    std::string field;
    FieldKind kind;
};

template <typename T> constexpr FieldKind kind_of()
{
    if constexpr (is_optional<T>::value) {
        return kind_of<typename T::value_type>();
    } else if constexpr (std::is_same_v<T, std::string>) {
        return FieldKind::String;
    } else if constexpr (std::is_same_v<T, bool>) {
        return FieldKind::Boolean;
    } else if constexpr (std::is_arithmetic_v<T>) {
        return FieldKind::Number;
    } else if constexpr (std::is_same_v<T, std::array<std::int64_t, 2>>) {
        return FieldKind::Pair;
    } else {
        return FieldKind::Object;
    }
}

template <typename Spec> std::vector<FieldType> json_field_types(std::initializer_list<FieldType> extra)
{
    std::vector<FieldType> types(extra);
    Spec::fields([&](const Field& field, auto member) {
        using T = std::remove_cvref_t<decltype(std::declval<Spec&>().*member)>;
        if (field.source == FieldSource::Json) {
            types.push_back({field.json_key(), kind_of<T>()});
        }
    });
    return types;
}

const std::vector<FieldType>& field_types(const std::string& list)
{
    using K = FieldKind;
    static const std::map<std::string, std::vector<FieldType>> table{
        {"gpus", json_field_types<GpuSpec>({{"extends", K::String}})},
        {"instances", json_field_types<InstanceSpec>({{"estimates", K::Object}, {"extends", K::String}})},
        {"models", json_field_types<ModelSpec>({{"forward_gflops_per", K::String}, {"extends", K::String}, {"aliases", K::StringList}})},
    };
    static const std::vector<FieldType> none;
    const auto it = table.find(list);
    return it != table.end() ? it->second : none;
}

bool has_kind(const nlohmann::json& value, FieldKind kind)
{
    switch (kind) {
    case FieldKind::String:
        return value.is_string();
    case FieldKind::Number:
        return value.is_number();
    case FieldKind::Boolean:
        return value.is_boolean();
    case FieldKind::Object:
        return value.is_object();
    case FieldKind::Pair:
        return value.is_array() && value.size() == 2 && value[0].is_number() && value[1].is_number();
    case FieldKind::StringList:
        return value.is_array() && std::all_of(value.begin(), value.end(), [](const nlohmann::json& item) { return item.is_string(); });
    }
    return false;
}

const char* kind_wanted(FieldKind kind)
{
    switch (kind) {
    case FieldKind::String:
        return "a string";
    case FieldKind::Number:
        return "a number";
    case FieldKind::Boolean:
        return "true or false";
    case FieldKind::Object:
        return "an object";
    case FieldKind::Pair:
        return "[width, height]";
    case FieldKind::StringList:
        return "a list of strings";
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
                diagnostics.add(document.diagnostic_at(pointer + "/" + escape_pointer_token(type.field),
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
            diagnostics.add(document.diagnostic_at(
                pointer, fmt::format("entry \"{}\" has no \"source\"", string_or(entry, "name")), "every figure in profiles/ carries its source"));
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
                diagnostics.add(document.diagnostic_at(pointer + "/source/" + escape_pointer_token(field), fmt::format("unknown source key {}", key.dump())));
            }
        }
        if (source->contains("*")) {
            continue;
        }
        for (const auto& [field, value] : entry.items()) {
            if ((value.is_number() || value.is_boolean() || value.is_object()) && field != "source" && field != "estimates" && !source->contains(field)) {
                diagnostics.add(document.diagnostic_at(
                    pointer + "/" + escape_pointer_token(field), fmt::format("figure \"{}\" of \"{}\" has no source", field, string_or(entry, "name"))));
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

std::optional<JsonDocument> read_profile(const std::string& directory, const std::string& kind, Diagnostics& diagnostics, bool* embedded = nullptr)
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

// Reading one value of a field's type; a value of another type is left as it is (the file's
// types were checked before anything reads an entry).
void read_value(const nlohmann::json& v, std::string& out)
{
    if (v.is_string()) {
        out = v.get<std::string>();
    }
}
void read_value(const nlohmann::json& v, double& out)
{
    if (v.is_number()) {
        out = v.get<double>();
    }
}
void read_value(const nlohmann::json& v, int& out)
{
    if (v.is_number()) {
        out = static_cast<int>(v.get<double>());
    }
}
void read_value(const nlohmann::json& v, std::int64_t& out)
{
    if (v.is_number()) {
        out = static_cast<std::int64_t>(v.get<double>());
    }
}
void read_value(const nlohmann::json& v, bool& out)
{
    if (v.is_boolean()) {
        out = v.get<bool>();
    }
}
void read_value(const nlohmann::json& v, std::array<std::int64_t, 2>& out)
{
    if (v.is_array() && v.size() == 2 && v[0].is_number() && v[1].is_number()) {
        out = {v[0].get<std::int64_t>(), v[1].get<std::int64_t>()};
    }
}
void read_value(const nlohmann::json& v, std::vector<double>& out)
{
    for (const auto& item : v.is_array() ? v : nlohmann::json::array()) {
        if (item.is_number()) {
            out.push_back(item.get<double>());
        }
    }
}
void read_value(const nlohmann::json& v, std::map<std::string, double>& out)
{
    if (!v.is_object()) {
        return;
    }
    for (const auto& [key, item] : v.items()) {
        if (item.is_number()) {
            out[key] = item.get<double>();
        }
    }
}
// The types only derived fields have (structs and their collections) are never read by name;
// the generic field walk still names them.
template <typename T> void read_value(const nlohmann::json& /*v*/, T& /*out*/) { }
template <typename T> void read_value(const nlohmann::json& v, std::optional<T>& out)
{
    if (v.is_null()) {
        out.reset();
        return;
    }
    T value{};
    read_value(v, value);
    const bool matches = [&] {
        switch (kind_of<T>()) {
        case FieldKind::String:
            return v.is_string();
        case FieldKind::Number:
            return v.is_number();
        case FieldKind::Boolean:
            return v.is_boolean();
        case FieldKind::Pair:
        case FieldKind::StringList:
            return v.is_array();
        case FieldKind::Object:
            return v.is_object();
        }
        return false;
    }();
    if (matches) {
        out = std::move(value);
    }
}

// Every field of `spec` that its list marks as read from the file, from `entry`'s key.
template <typename Spec> void read_fields(const nlohmann::json& entry, Spec& spec)
{
    Spec::fields([&](const Field& field, auto member) {
        if (field.source != FieldSource::Json) {
            return;
        }
        const auto it = entry.find(field.json_key());
        if (it != entry.end() && !it->is_null()) {
            read_value(*it, spec.*member);
        }
    });
}

// The value at a storage field's key: the storage entry named by the first segment (or the file's
// root for a key starting with "/"), then object keys. Null when any step is missing.
const nlohmann::json& storage_value(const nlohmann::json& root, std::string_view key)
{
    static const nlohmann::json none;
    const auto& list = root.contains("storage") && root["storage"].is_array() ? root["storage"] : none;
    const nlohmann::json* at = &root;
    bool first = key.empty() || key.front() != '/';
    if (!first) {
        key.remove_prefix(1);
    }
    while (!key.empty()) {
        const std::size_t slash = key.find('/');
        const std::string segment(key.substr(0, slash));
        key = slash == std::string_view::npos ? std::string_view() : key.substr(slash + 1);
        if (first) {
            at = &entry_named(list, segment);
            first = false;
            continue;
        }
        if (!at->is_object() || !at->contains(segment)) {
            return none;
        }
        at = &(*at)[segment];
    }
    return *at;
}

template <typename Spec> void read_storage_fields(const nlohmann::json& root, Spec& spec)
{
    Spec::fields([&](const Field& field, auto member) {
        if (field.source == FieldSource::Json) {
            if (const auto& value = storage_value(root, field.json_key()); !value.is_null()) {
                read_value(value, spec.*member);
            }
        }
    });
}

// The storage figures the estimator needs, each read from storage.json at its field's key
// (docs/model.md §4); the collections are read here.
StorageFacts read_storage_facts(const nlohmann::json& root)
{
    StorageFacts facts;
    read_storage_fields(root, facts);
    read_storage_fields(root, facts.prices);
    const auto& limits = root.contains("limits") && root["limits"].is_object() ? root["limits"] : nlohmann::json::object();
    for (const auto& [option, figures] : limits.items()) {
        if (!figures.is_object()) {
            continue;
        }
        for (const auto& [key, value] : figures.items()) {
            if (value.is_number()) {
                facts.limits[option + "." + key] = value.get<double>();
            }
        }
    }
    const auto& devices = storage_value(root, "instance-nvme/devices");
    for (const auto& device : devices.is_array() ? devices : nlohmann::json::array()) {
        facts.nvme_devices[string_or(device, "instance")] = static_cast<int>(number_or(device, "device_count", 1));
        if (const auto rate = optional_number(device, "device_read_gb_s")) {
            facts.nvme_device_read_gb_s = *rate;
        }
    }
    const auto& deployments = storage_value(root, "fsx-lustre/deployment_types");
    for (const auto& entry : deployments.is_array() ? deployments : nlohmann::json::array()) {
        FsxDeployment deployment;
        read_fields(entry, deployment);
        facts.fsx.push_back(std::move(deployment));
    }
    return facts;
}

// The source key of an entry's field: its own, else the entry's default ("*" or a single key).
std::string source_of(const nlohmann::json& entry, const std::string& field)
{
    const nlohmann::json sources = source_map(entry);
    if (const auto it = sources.find(field); it != sources.end() && it->is_string()) {
        return it->get<std::string>();
    }
    return sources.value("*", "");
}

// A price field of an instance entry as a Price: its source and that source's date, or, when the
// source is "derived" or the field is listed under "estimates", how it was derived and the date
// of the basis it was derived on.
std::optional<Price> price_of(const nlohmann::json& entry, const std::string& field, const nlohmann::json& root)
{
    const auto value = optional_number(entry, field.c_str());
    if (!value) {
        return std::nullopt;
    }
    Price price;
    price.usd_per_hour = *value;
    price.source = source_of(entry, field);
    const auto& estimates = entry.contains("estimates") && entry["estimates"].is_object() ? entry["estimates"] : nlohmann::json::object();
    if (const auto how = estimates.find(field); how != estimates.end()) {
        price.derived = true;
        price.how = how->is_string() ? how->get<std::string>() : how->dump();
    }
    price.derived = price.derived || price.source == "derived";
    const auto& dates = root.contains("source_dates") && root["source_dates"].is_object() ? root["source_dates"] : nlohmann::json::object();
    price.as_of = price.derived || !dates.contains(price.source) ? root.value("price_as_of", "") : dates.value(price.source, "");
    return price;
}

// HyperPod's own rate where the file has one; else, for a HyperPod instance type, the SageMaker
// training basis, stated as an assumption.
std::optional<Price> hyperpod_price_of(const nlohmann::json& entry, const InstanceSpec& instance, const nlohmann::json& root)
{
    if (auto own = price_of(entry, "hyperpod_price_usd_per_hour", root)) {
        return own;
    }
    if (instance.sagemaker_hyperpod == std::optional<bool>(false) || !instance.sagemaker_training_price) {
        return std::nullopt;
    }
    Price price = *instance.sagemaker_training_price;
    price.derived = true;
    price.how = "no HyperPod rate was found in the stored sources: the SageMaker training basis is assumed" +
        (price.how.empty() ? std::string() : " (" + price.how + ")");
    return price;
}

// In a file that dates its sources ("source_dates", as the shipped one does), every sourced price
// must say when it was true. A user's file without dates keeps its prices undated.
void check_price_dates(const JsonDocument& document, Diagnostics& diagnostics)
{
    const auto& root = document.value;
    if (!root.contains("source_dates") || !root["source_dates"].is_object()) {
        return;
    }
    const auto& dates = root["source_dates"];
    const auto& entries = root.value("instances", nlohmann::json::array());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        for (const char* field : {"price_usd_per_hour", "sagemaker_price_usd_per_hour", "hyperpod_price_usd_per_hour"}) {
            const auto price = price_of(entries[i], field, root);
            if (price && !price->derived && !dates.contains(price->source)) {
                diagnostics.add(document.diagnostic_at(fmt::format("/instances/{}/{}", i, field),
                    fmt::format(
                        "price \"{}\" of \"{}\" has source \"{}\", which \"source_dates\" does not date", field, string_or(entries[i], "name"), price->source),
                    "every price says when it was true: add the source's date to \"source_dates\""));
            }
        }
    }
}

InstanceSpec read_instance(const nlohmann::json& entry, const nlohmann::json& root)
{
    InstanceSpec instance;
    instance.network_efficiency = number_or(root, "network_efficiency_default");
    instance.network_latency_ms = number_or(root, "network_latency_ms_default");
    instance.network_hop_us = number_or(root, "network_hop_us_default");
    read_fields(entry, instance);
    if (!entry.contains("network_burst_gbps") || !entry["network_burst_gbps"].is_number()) {
        instance.network_burst_gbps = instance.network_gbps;
    }
    instance.sagemaker_price_estimated =
        entry.contains("estimates") && entry["estimates"].is_object() && entry["estimates"].contains("sagemaker_price_usd_per_hour");
    instance.ec2_price = price_of(entry, "price_usd_per_hour", root);
    instance.sagemaker_training_price = price_of(entry, "sagemaker_price_usd_per_hour", root);
    instance.hyperpod_price = hyperpod_price_of(entry, instance, root);
    return instance;
}

// Reads instances.json's entries and its catalogue-wide figures (region, mark-up, EKS fee).
// The Spot Instance Advisor's figures: a saving is a percentage, an interruption one of its brackets.
void check_spot_figures(const JsonDocument& document, std::size_t i, const InstanceSpec& instance, Diagnostics& diagnostics)
{
    if (instance.spot_savings_pct && (*instance.spot_savings_pct < 0 || *instance.spot_savings_pct >= 100)) {
        diagnostics.add(document.diagnostic_at(fmt::format("/instances/{}/spot_savings_pct", i),
            fmt::format(
                "spot_savings_pct of \"{}\" is {}: a saving over On-Demand is a percentage from 0 to below 100", instance.name, *instance.spot_savings_pct),
            "write the Spot Instance Advisor's \"Savings over On-Demand\" as a number, e.g. 67 for 67 %"));
    }
    if (!instance.spot_interruption.empty() && !instance.spot_interruption_bounds()) {
        diagnostics.add(document.diagnostic_at(fmt::format("/instances/{}/spot_interruption", i),
            fmt::format("spot_interruption of \"{}\" is \"{}\": expected one of the Spot Instance Advisor's brackets <5%, 5-10%, 10-15%, "
                        "15-20%, >20%",
                instance.name, instance.spot_interruption),
            "copy the Advisor's \"Frequency of interruption\" bracket as written, e.g. \"10-15%\""));
    }
}

void read_instances(const JsonDocument& document, Catalogue& catalogue, bool gpus_read, Diagnostics& diagnostics)
{
    const auto& root = document.value;
    const auto& entries = root.value("instances", nlohmann::json::array());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        InstanceSpec instance = read_instance(entries[i], root);
        if (!instance.gpu.empty()) {
            instance.gpu_spec = catalogue.find_gpu(instance.gpu);
            if (instance.gpu_spec == nullptr && gpus_read) {
                diagnostics.add(document.diagnostic_at(fmt::format("/instances/{}/gpu", i),
                    fmt::format("instance \"{}\" names GPU \"{}\", which profiles/gpus.json does not list", instance.name, instance.gpu)));
            }
        }
        check_spot_figures(document, i, instance, diagnostics);
        catalogue.instances.push_back(std::move(instance));
    }
    if (const auto markup = root.find("sagemaker_markup"); markup != root.end()) {
        if (markup->is_number()) {
            catalogue.sagemaker_markup = markup->get<double>();
        } else if (markup->is_object() && markup->contains("factor") && (*markup)["factor"].is_number()) {
            catalogue.sagemaker_markup = (*markup)["factor"].get<double>();
        }
    }
    catalogue.region = root.value("region", catalogue.region);
    catalogue.spot_as_of = root.value("spot_as_of", catalogue.spot_as_of);
    if (const auto eks = root.find("eks_control_plane"); eks != root.end() && eks->is_object()) {
        catalogue.eks_cluster_price = price_of(*eks, "usd_per_cluster_hour", root);
    }
}

ModelSpec read_model(const nlohmann::json& entry)
{
    ModelSpec model;
    read_fields(entry, model);
    model.forward_per_token = string_or(entry, "forward_gflops_per") == "token";
    if (const auto it = entry.find("aliases"); it != entry.end() && it->is_array()) {
        for (const auto& alias : *it) {
            model.aliases.push_back(alias.get<std::string>());
        }
    }
    return model;
}

} // namespace

std::optional<Platform> platform_named(std::string_view job_platform)
{
    if (job_platform == "sagemaker") {
        return Platform::SageMaker;
    }
    if (job_platform == "ec2" || job_platform == "eks" || job_platform == "aws-batch") {
        return Platform::Ec2;
    }
    if (job_platform == "hyperpod") {
        return Platform::HyperPod;
    }
    return std::nullopt;
}

const char* platform_label(Platform platform)
{
    switch (platform) {
    case Platform::SageMaker:
        return "SageMaker training";
    case Platform::Ec2:
        return "EC2";
    case Platform::HyperPod:
        return "SageMaker HyperPod";
    }
    return "EC2";
}

std::string instance_type_name(Platform platform, const std::string& name)
{
    return (platform == Platform::Ec2 ? "" : "ml.") + name;
}

std::optional<Price> InstanceSpec::price(Platform platform) const
{
    switch (platform) {
    case Platform::SageMaker:
        return sagemaker_training_price;
    case Platform::Ec2:
        return ec2_price;
    case Platform::HyperPod:
        return hyperpod_price;
    }
    return std::nullopt;
}

std::optional<double> InstanceSpec::hourly_price(Platform platform, double markup, bool* estimated) const
{
    if (const auto priced = price(platform)) {
        if (estimated != nullptr) {
            *estimated = priced->derived;
        }
        return priced->usd_per_hour;
    }
    return platform == Platform::SageMaker ? sagemaker_price(markup, estimated) : std::nullopt;
}

std::optional<double> InstanceSpec::sagemaker_price(double markup, bool* estimated) const
{
    if (sagemaker_price_usd_per_hour) {
        if (estimated != nullptr) {
            *estimated = sagemaker_price_estimated;
        }
        return sagemaker_price_usd_per_hour;
    }
    if (price_usd_per_hour) { // only a user's catalogue without SageMaker prices gets here
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

// A model's name as people write it: "ResNet-50", "resnet_50" and "resnet50" are one model, as are
// "Llama-3-8B" and "llama3-8b". Letters and digits only, lower case; a test keeps the catalogue's names
// distinct under it.
std::string model_name_key(std::string_view name)
{
    return folded_name(name);
}

const ModelSpec* Catalogue::find_model(const std::string& name) const
{
    if (const ModelSpec* exact = find_by_name(models, name)) {
        return exact;
    }
    const auto by_key = [this](const std::string& key) -> const ModelSpec* {
        for (const auto& model : models) {
            const auto same = [&key](const std::string& other) { return model_name_key(other) == key; };
            if (!key.empty() && (same(model.name) || std::any_of(model.aliases.begin(), model.aliases.end(), same))) {
                return &model;
            }
        }
        return nullptr;
    };
    if (const ModelSpec* found = by_key(model_name_key(name))) {
        return found;
    }
    // A Hugging Face id names its owner first ("meta-llama/Meta-Llama-3-8B"); "ViT-B/16" matched whole above.
    const std::size_t slash = name.rfind('/');
    return slash != std::string::npos ? by_key(model_name_key(name.substr(slash + 1))) : nullptr;
}

const GpuSpec* Catalogue::find_gpu(const std::string& name) const
{
    return find_by_name(gpus, name);
}

std::optional<InstanceSpec::SpotInterruption> InstanceSpec::spot_interruption_bounds() const
{
    static const std::map<std::string, SpotInterruption, std::less<>> brackets{
        {"<5%", {0, 0.05}}, {"5-10%", {0.05, 0.10}}, {"10-15%", {0.10, 0.15}}, {"15-20%", {0.15, 0.20}}, {">20%", {0.20, std::nullopt}}};
    const auto it = brackets.find(spot_interruption);
    return it != brackets.end() ? std::optional(it->second) : std::nullopt;
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
        names.insert(names.end(), model.aliases.begin(), model.aliases.end());
    }
    return names;
}

std::optional<Catalogue> load_catalogue(const std::string& directory, Diagnostics& diagnostics, EmbeddedSourceCheck embedded)
{
    const std::size_t errors_before = diagnostics.error_count();
    Catalogue catalogue;
    std::map<std::string, nlohmann::json> files;
    bool from_embedded = false;
    // Reads one kind: parse, check the types, resolve "extends", check the sources (unless trusted).
    auto read = [&](const std::string& kind) -> std::optional<JsonDocument> {
        auto document = read_profile(directory, kind, diagnostics, &from_embedded);
        if (document) {
            if (kind != "storage") {
                resolve_extends(*document, kind, diagnostics);
            }
            if (!from_embedded || embedded == EmbeddedSourceCheck::Check) {
                check_sources(*document, kind, diagnostics);
                if (kind == "instances") {
                    check_price_dates(*document, diagnostics);
                }
            }
        }
        return document;
    };

    bool gpus_read = false; // without them, every instance's GPU would be reported as unknown too
    if (auto document = read("gpus")) {
        gpus_read = true;
        for (const auto& entry : document->value.value("gpus", nlohmann::json::array())) {
            GpuSpec gpu;
            read_fields(entry, gpu);
            catalogue.gpus.push_back(std::move(gpu));
        }
        files["gpus"] = std::move(document->value);
    }
    if (auto document = read("instances")) {
        read_instances(*document, catalogue, gpus_read, diagnostics);
        files["instances"] = std::move(document->value);
    }
    if (auto document = read("models")) {
        std::map<std::string, std::string> keys; // find_model matches a name by its key: one model a key
        for (const auto& entry : document->value.value("models", nlohmann::json::array())) {
            catalogue.models.push_back(read_model(entry));
            const ModelSpec& model = catalogue.models.back();
            std::vector<std::string> names{model.name};
            names.insert(names.end(), model.aliases.begin(), model.aliases.end());
            for (const auto& name : names) {
                const auto [it, added] = keys.emplace(model_name_key(name), model.name);
                if (!added && (&name == &names.front() || it->second != model.name)) { // an alias may repeat its own model's name
                    diagnostics.add(document->diagnostic_at(fmt::format("/models/{}/{}", catalogue.models.size() - 1, name == model.name ? "name" : "aliases"),
                        fmt::format("model \"{}\" is \"{}\" written another way (names match ignoring case and punctuation)", name, it->second),
                        "rename one of them"));
                }
            }
        }
        files["models"] = std::move(document->value);
    }
    if (auto document = read("storage")) {
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
            : "is not a catalogue directory (instances.json, gpus.json, models.json, storage.json)";
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
