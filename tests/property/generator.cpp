#include "generator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "mlscale/job.hpp"

namespace mlscale::property {

using nlohmann::json;

namespace {

std::vector<std::string> types_of(const json& node)
{
    std::vector<std::string> out;
    if (const auto it = node.find("type"); it != node.end()) {
        if (it->is_string()) {
            out.push_back(it->get<std::string>());
        } else {
            for (const auto& type : *it) {
                out.push_back(type.get<std::string>());
            }
        }
    }
    return out;
}

bool has(const std::vector<std::string>& items, const std::string& item)
{
    return std::find(items.begin(), items.end(), item) != items.end();
}

std::string last_token(const std::string& pointer)
{
    return pointer.substr(pointer.rfind('/') + 1);
}

// Free text for string fields that have neither an enum nor a pattern, by field name: values a
// user would write there (the rules read some of them, e.g. a built-in algorithm's image).
const std::map<std::string, std::vector<json>>& free_strings()
{
    static const std::map<std::string, std::vector<json>> pools{
        {"image",
            {"763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1-gpu-py310",
                "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", "123456789012.dkr.ecr.us-east-1.amazonaws.com/custom:latest",
                "my-image", ""}},
        {"checkpoint_s3_uri", {"s3://bucket/checkpoints/", "s3://b/c", ""}},
        {"import_path", {"s3://bucket/data/", "s3://b", ""}},
        {"builtin_algorithm", {"xgboost", "linear-learner", "image-classification", "kmeans", "blazingtext", "object-detection", "something-else"}},
        {"content_type", {"text/csv", "text/csv;label_size=0", "application/x-recordio-protobuf", "application/x-parquet", "application/jsonlines"}},
        {"group_key", {"patient_id", "speaker", ""}},
        {"code_path", {"/opt/ml/code", "/home/user/train", ""}},
        {"model_path", {"/opt/ml/model", "/tmp/model", ""}},
        {"work_dir", {"/home/ec2-user/SageMaker", "/tmp", ""}},
        {"elastic_inference_accelerator", {"ml.eia2.medium", "ml.eia1.large"}},
        {"name", {"x", "imagenet-resnet50", "\u00fcn\u00efc\u00f6d\u00e9 job \u2713", std::string(200, 'a')}},
        {"$schema", {"https://mlscale.dev/schema/job.schema.json"}},
    };
    return pools;
}

const std::vector<json>& default_strings()
{
    static const std::vector<json> pool{"", "x", "some text", "\u00e9t\u00e9"};
    return pool;
}

double log_uniform(ChoiceSource& choices, double lo, double hi)
{
    const double a = std::log10(lo);
    const double b = std::log10(hi);
    return std::pow(10.0, a + (b - a) * choices.unit());
}

} // namespace

std::string generic_pointer(const std::string& pointer)
{
    std::string out;
    std::size_t start = 0;
    while (start < pointer.size()) {
        std::size_t end = pointer.find('/', start + 1);
        if (end == std::string::npos) {
            end = pointer.size();
        }
        const std::string token = pointer.substr(start + 1, end - start - 1);
        const bool index = !token.empty() && std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
        out += "/" + (index ? std::string("*") : token);
        start = end;
    }
    return out;
}

bool number_is_legal(const json& node, double v)
{
    const auto bound = [&](const char* key) { return node.contains(key) ? std::optional<double>(node[key].get<double>()) : std::nullopt; };
    const auto minimum = bound("minimum");
    const auto exclusive_minimum = bound("exclusiveMinimum");
    const auto maximum = bound("maximum");
    const auto exclusive_maximum = bound("exclusiveMaximum");
    return (!minimum || v >= *minimum) && (!exclusive_minimum || v > *exclusive_minimum) && (!maximum || v <= *maximum) &&
        (!exclusive_maximum || v < *exclusive_maximum);
}

std::vector<json> boundary_numbers(const json& node)
{
    const bool integer = has(types_of(node), "integer");
    const auto bound = [&](const char* key) { return node.contains(key) ? std::optional<double>(node[key].get<double>()) : std::nullopt; };
    const auto minimum = bound("minimum");
    const auto exclusive_minimum = bound("exclusiveMinimum");
    const auto maximum = bound("maximum");
    const auto exclusive_maximum = bound("exclusiveMaximum");
    const auto legal = [&](double v) { return number_is_legal(node, v); };
    std::vector<double> values;
    if (minimum) {
        values.push_back(*minimum);
    }
    if (exclusive_minimum) {
        values.push_back(integer ? std::floor(*exclusive_minimum) + 1 : std::nextafter(*exclusive_minimum, 1e300));
        values.push_back(*exclusive_minimum + (integer ? 2 : 1e-6));
    }
    if (maximum) {
        values.push_back(*maximum);
    }
    if (exclusive_maximum) {
        values.push_back(integer ? std::ceil(*exclusive_maximum) - 1 : std::nextafter(*exclusive_maximum, -1e300));
    }
    values.insert(values.end(), {0.0, 1.0, 2.0});
    if (integer) {
        values.insert(values.end(), {2147483647.0, 9007199254740992.0});
    } else {
        values.insert(values.end(), {0.5, 1e-9, 1e9, 1e15, 1e300});
    }
    std::vector<json> out;
    for (const double v : values) {
        if (!legal(v)) {
            continue;
        }
        json item = integer ? json(static_cast<std::int64_t>(v)) : json(v);
        if (std::find(out.begin(), out.end(), item) == out.end()) {
            out.push_back(item);
        }
    }
    if (integer && legal(9223372036854775807.0)) {
        out.emplace_back(std::numeric_limits<std::int64_t>::max()); // the largest whole number the loader takes
    }
    return out;
}

json generate_number(const json& node, ChoiceSource& choices)
{
    const bool integer = has(types_of(node), "integer");
    // Mostly a typical value, log-uniform over the legal range cut to [1e-3, 1e5]; otherwise a
    // boundary (the bounds, 0, 1, the largest values the schema allows).
    if (choices.chance(75)) {
        double lo = 1e-3;
        double hi = 1e5;
        for (const char* key : {"minimum", "exclusiveMinimum"}) {
            if (node.contains(key)) {
                lo = std::max(lo, node[key].get<double>() + (key[0] == 'e' ? 1e-6 : 0.0));
            }
        }
        for (const char* key : {"maximum", "exclusiveMaximum"}) {
            if (node.contains(key)) {
                hi = std::min(hi, node[key].get<double>());
            }
        }
        if (lo < hi) {
            const double v = log_uniform(choices, lo, hi);
            if (integer) {
                return json(static_cast<std::int64_t>(std::max(std::ceil(lo), std::round(v))));
            }
            return json(std::round(v * 1000.0) / 1000.0 >= lo ? std::round(v * 1000.0) / 1000.0 : v);
        }
    }
    const std::vector<json> bounds = boundary_numbers(node);
    return choices.pick(bounds);
}

JobGenerator::JobGenerator(const json& schema, const Catalogue& catalogue, std::vector<std::string> rule_codes)
    : m_schema(schema), m_catalogue(catalogue), m_rule_codes(std::move(rule_codes))
{
    collect_leaves(m_schema, "");
    std::vector<json> instances;
    std::vector<json> families;
    for (const auto& instance : catalogue.instances) {
        instances.emplace_back("ml." + instance.name);
        instances.emplace_back(instance.name);
        if (std::find(families.begin(), families.end(), json(instance.family)) == families.end()) {
            families.emplace_back(instance.family);
            families.emplace_back("ml." + instance.family);
        }
    }
    instances.emplace_back("ml.zz1.large"); // unknown to the catalogue: the error path, rarely
    families.emplace_back("zz9");
    std::vector<json> models;
    for (const auto& model : catalogue.models) {
        models.emplace_back(model.name);
    }
    models.emplace_back("not-a-model");
    std::vector<json> codes(m_rule_codes.begin(), m_rule_codes.end());
    codes.emplace_back("MLS-ZZZ-999"); // an unknown code: the loader takes it, advise refuses it
    m_hints["/current/instance_type"] = instances;
    m_hints["/deployment/instance_type"] = instances;
    m_hints["/notebook/instance_type"] = {"ml.t3.medium", "ml.t2.medium", "ml.m5.xlarge", "ml.g5.xlarge", "t3.large"};
    m_hints["/model/name"] = models;
    m_hints["/constraints/instance_families/*"] = families;
    m_hints["/constraints/region"] = {"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2", "us-gov-west-1", "cn-north-1"};
    m_hints["/suppress/*/rule"] = codes;
    m_hints["/suppress/*/expires"] = {"2000-01-01", "2099-12-31"};
    m_hints["/suppress/*/reason"] = {"accepted: tracked in TICKET-1", "ok!"};
}

void JobGenerator::collect_leaves(const json& node, const std::string& pointer)
{
    const auto types = types_of(node);
    if (has(types, "object") && node.contains("properties")) {
        for (const auto& [key, sub] : node["properties"].items()) {
            collect_leaves(sub, pointer + "/" + key);
        }
        return;
    }
    if (has(types, "array") && node.contains("items") && has(types_of(node["items"]), "object")) {
        collect_leaves(node["items"], pointer + "/*");
        return;
    }
    m_leaves.push_back(LeafField{pointer, &node});
}

const std::vector<json>* JobGenerator::hint(const std::string& pointer) const
{
    const auto it = m_hints.find(pointer);
    return it != m_hints.end() ? &it->second : nullptr;
}

json JobGenerator::string_value(const json& node, const std::string& pointer, ChoiceSource& choices) const
{
    if (node.contains("pattern")) {
        // A pattern the generator cannot satisfy is a gap to fill here, not a value to guess.
        throw std::logic_error(
            fmt::format("generator: no values for {} (pattern {}): add a hint in JobGenerator's constructor", pointer, node["pattern"].get<std::string>()));
    }
    const auto& pools = free_strings();
    const auto it = pools.find(last_token(pointer));
    return choices.pick(it != pools.end() ? it->second : default_strings());
}

json JobGenerator::value(const json& node, const std::string& pointer, ChoiceSource& choices, int density) const
{
    const auto types = types_of(node);
    if (has(types, "null") && choices.chance(4)) {
        return nullptr;
    }
    if (const auto* pool = hint(generic_pointer(pointer))) {
        return choices.pick(*pool);
    }
    if (const auto it = node.find("enum"); it != node.end()) {
        std::vector<json> values;
        for (const auto& v : *it) {
            if (!v.is_null()) {
                values.push_back(v);
            }
        }
        return choices.pick(values);
    }
    std::vector<std::string> concrete;
    for (const auto& type : types) {
        if (type != "null") {
            concrete.push_back(type);
        }
    }
    const std::string type = concrete.empty() ? std::string("string") : choices.pick(concrete);
    if (type == "object") {
        return object(node, pointer, choices, density);
    }
    if (type == "array") {
        const std::size_t min_items = node.value("minItems", std::size_t{0});
        const std::size_t max_items = node.value("maxItems", min_items + 3);
        const std::size_t n = min_items + static_cast<std::size_t>(choices.below(max_items - min_items + 1));
        json out = json::array();
        for (std::size_t i = 0; i < n; ++i) {
            out.push_back(value(node["items"], pointer + "/" + std::to_string(i), choices, std::max(density, 60)));
        }
        return out;
    }
    if (type == "string") {
        return string_value(node, pointer, choices);
    }
    if (type == "number" || type == "integer") {
        return generate_number(node, choices);
    }
    if (type == "boolean") {
        return json(choices.chance(50));
    }
    throw std::logic_error(fmt::format("generator: type \"{}\" at {} is not generated", type, pointer));
}

json JobGenerator::object(const json& node, const std::string& pointer, ChoiceSource& choices, int density) const
{
    json out = json::object();
    std::vector<std::string> required;
    if (node.contains("required")) {
        required = node["required"].get<std::vector<std::string>>();
    }
    if (node.contains("properties")) {
        for (const auto& [key, sub] : node["properties"].items()) {
            if (has(required, key) || choices.chance(static_cast<unsigned>(density))) {
                out[key] = value(sub, pointer + "/" + key, choices, density);
            }
        }
    }
    if (node.contains("patternProperties") && choices.chance(3)) {
        out["x-note"] = "free for notes";
    }
    return out;
}

namespace {

bool has_object(const json& job, const char* key)
{
    return job.contains(key) && job[key].is_object();
}

bool scale_split(json& dataset)
{
    if (!dataset.contains("split") || !dataset["split"].is_object()) {
        return false;
    }
    json& split = dataset["split"];
    double sum = 0;
    for (const char* key : {"train_pct", "validation_pct", "test_pct"}) {
        if (split.contains(key) && split[key].is_number()) {
            sum += split[key].get<double>();
        }
    }
    if (sum <= 100) {
        return false;
    }
    for (const char* key : {"train_pct", "validation_pct", "test_pct"}) {
        if (split.contains(key) && split[key].is_number()) {
            split[key] = std::floor(split[key].get<double>() * 100.0 / sum * 1000.0) / 1000.0;
        }
    }
    return true;
}

} // namespace

std::string JobGenerator::satisfy_loader_rules(json& job)
{
    // The rules of src/core/job.cpp (check_contradictions) that the schema cannot state.
    std::string changed;
    if (has_object(job, "dataset")) {
        json& dataset = job["dataset"];
        if (scale_split(dataset)) {
            changed += "split percentages scaled to add up to at most 100; ";
        }
        if (dataset.value("largest_file_gb", json()).is_number() && dataset.value("size_gb", json()).is_number() &&
            dataset["largest_file_gb"].get<double>() > dataset["size_gb"].get<double>()) {
            dataset["largest_file_gb"] = dataset["size_gb"];
            changed += "largest_file_gb cut to size_gb; ";
        }
    }
    if (has_object(job, "model") && job["model"].value("params_millions", json()).is_number()) {
        json& model = job["model"];
        for (const char* part : {"active_params_millions", "trainable_params_millions"}) {
            if (model.value(part, json()).is_number() && model[part].get<double>() > model["params_millions"].get<double>()) {
                model[part] = model["params_millions"];
                changed += std::string(part) + " cut to params_millions; ";
            }
        }
    }
    if (has_object(job, "model")) {
        // Counts that may not exceed another (job.cpp count_at_most).
        json& model = job["model"];
        for (const auto& [part, whole] : {std::pair{"experts_per_token", "experts"}, std::pair{"mean_seq_len", "seq_len"}}) {
            if (model.value(part, json()).is_number_integer() && model.value(whole, json()).is_number_integer() &&
                model[part].get<std::int64_t>() > model[whole].get<std::int64_t>()) {
                model[part] = model[whole];
                changed += std::string(part) + " cut to " + whole + "; ";
            }
        }
    }
    if (has_object(job, "security") && has_object(job, "notebook") && job["security"].value("notebook_direct_internet", json()).is_boolean() &&
        job["notebook"].value("direct_internet", json()).is_boolean() && job["security"]["notebook_direct_internet"] != job["notebook"]["direct_internet"]) {
        job["security"]["notebook_direct_internet"] = job["notebook"]["direct_internet"];
        changed += "security.notebook_direct_internet set to notebook.direct_internet; ";
    }
    return changed;
}

std::vector<json> JobGenerator::legal_values(const LeafField& leaf) const
{
    const json& node = *leaf.schema;
    const std::string types = node.value("type", json()).dump();
    std::vector<json> out;
    if (const auto* pool = hint(leaf.pointer)) {
        out = *pool;
    } else if (node.contains("enum")) {
        out = node["enum"].get<std::vector<json>>();
    } else if (types.find("boolean") != std::string::npos) {
        out = {true, false};
    } else if (types.find("array") != std::string::npos) {
        SeededChoices seeded(7);
        for (int i = 0; i < 4; ++i) {
            out.push_back(value(node, leaf.pointer, seeded, 100));
        }
    } else if (types.find("number") != std::string::npos || types.find("integer") != std::string::npos) {
        out = boundary_numbers(node);
        const bool integer = types.find("integer") != std::string::npos;
        for (const double typical : {0.1, 3.0, 10.0, 50.0, 100.0, 1000.0, 1e5}) {
            const json v = integer ? json(static_cast<std::int64_t>(typical)) : json(typical);
            if (number_is_legal(node, typical) && (!integer || typical >= 1) && std::find(out.begin(), out.end(), v) == out.end()) {
                out.push_back(v);
            }
        }
    } else {
        const auto& pools = free_strings();
        const auto it = pools.find(leaf.pointer.substr(leaf.pointer.rfind('/') + 1));
        out = it != pools.end() ? it->second : default_strings();
    }
    if (types.find("null") != std::string::npos && std::find(out.begin(), out.end(), json(nullptr)) == out.end()) {
        out.emplace_back(nullptr);
    }
    return out;
}

} // namespace mlscale::property
