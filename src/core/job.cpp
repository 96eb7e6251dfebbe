// The job loader: strict JSON, the embedded job schema, then a typed Job.
#include "mlscale/job.hpp"

#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "mlscale/resources.hpp"
#include "mlscale/schema.hpp"

namespace mlscale {

bool Observed::any() const
{
    return gpu_util_pct || cpu_util_pct || io_wait_pct || samples_per_sec || gpu_mem_used_gb || startup_minutes || hours;
}

std::string normalize_instance_type(const std::string& type)
{
    return type.rfind("ml.", 0) == 0 ? type.substr(3) : type;
}

const nlohmann::json& job_schema_json()
{
    static const nlohmann::json schema = [] {
        // mlscale's own reader, without positions: a third faster than nlohmann's on this file.
        const auto text = embedded_file("docs/job.schema.json");
        if (!text) {
            return nlohmann::json::object();
        }
        Diagnostics diagnostics;
        JsonLimits limits;
        limits.record_positions = false;
        limits.keep_text = false;
        auto document = parse_json(SourceFile{"docs/job.schema.json", std::string(*text)}, diagnostics, limits);
        if (!document) {
            throw std::runtime_error("the embedded docs/job.schema.json does not parse"); // a defect of the build
        }
        return std::move(document->value);
    }();
    return schema;
}

namespace {

const JsonSchema& job_schema()
{
    static const JsonSchema schema(job_schema_json());
    return schema;
}

const nlohmann::json* member(const nlohmann::json& object, const char* key)
{
    if (!object.is_object()) {
        return nullptr;
    }
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
        return nullptr;
    }
    return &*it;
}

void get(const nlohmann::json& object, const char* key, std::optional<double>& out)
{
    if (const auto* value = member(object, key); value != nullptr && value->is_number()) {
        out = value->get<double>();
    }
}

void get(const nlohmann::json& object, const char* key, std::optional<std::int64_t>& out)
{
    if (const auto* value = member(object, key); value != nullptr && value->is_number()) {
        if (value->is_number_unsigned()) {
            if (value->get<std::uint64_t>() <= 9223372036854775807ULL) {
                out = static_cast<std::int64_t>(value->get<std::uint64_t>());
            }
            return;
        }
        if (value->is_number_integer()) {
            out = value->get<std::int64_t>();
            return;
        }
        // The schema refuses anything else; never convert a value int64 cannot hold.
        const double number = value->get<double>();
        if (number >= -9223372036854775808.0 && number < 9223372036854775808.0) {
            out = static_cast<std::int64_t>(number);
        }
    }
}

void get(const nlohmann::json& object, const char* key, std::optional<std::string>& out)
{
    if (const auto* value = member(object, key); value != nullptr && value->is_string()) {
        out = value->get<std::string>();
    }
}

void get(const nlohmann::json& object, const char* key, std::optional<bool>& out)
{
    if (const auto* value = member(object, key); value != nullptr && value->is_boolean()) {
        out = value->get<bool>();
    }
}

void get(const nlohmann::json& object, const char* key, std::optional<Resolution>& out)
{
    if (const auto* value = member(object, key); value != nullptr && value->is_array() && value->size() == 2) {
        out = Resolution{static_cast<std::int64_t>((*value)[0].get<double>()), static_cast<std::int64_t>((*value)[1].get<double>())};
    }
}

const nlohmann::json& section(const nlohmann::json& root, const char* key)
{
    static const nlohmann::json empty = nlohmann::json::object();
    const auto* value = member(root, key);
    return value != nullptr && value->is_object() ? *value : empty;
}

// Values the schema allows one by one that contradict each other (docs/limits.md, "Impossible
// input"): each is an error at the value that breaks the whole.
void check_contradictions(const JsonDocument& document, Diagnostics& diagnostics)
{
    const auto& dataset = section(document.value, "dataset");
    const auto& split = section(dataset, "split");
    double sum = 0;
    std::vector<std::string> given;
    for (const char* key : {"train_pct", "validation_pct", "test_pct"}) {
        if (const auto* value = member(split, key); value != nullptr && value->is_number()) {
            sum += value->get<double>();
            given.push_back(fmt::format("{} {}", key, value->dump()));
        }
    }
    // A millionth of a percent of slack: 33.333333 three times is a whole dataset, not a contradiction.
    if (sum > 100 + 1e-6) {
        diagnostics.add(document.diagnostic_at("/dataset/split",
            fmt::format("the split shares add up to {:.4g} % ({}), more than the whole dataset", sum, fmt::join(given, " + ")),
            "train_pct, validation_pct and test_pct are shares of one dataset: make them add up to at most 100"));
    }
    // security.notebook_direct_internet (the job contract's name) and notebook.direct_internet say the same thing.
    const auto* stated = member(section(document.value, "security"), "notebook_direct_internet");
    const auto* notebook = member(section(document.value, "notebook"), "direct_internet");
    if (stated != nullptr && notebook != nullptr && stated->is_boolean() && notebook->is_boolean() && *stated != *notebook) {
        diagnostics.add(document.diagnostic_at("/security/notebook_direct_internet",
            fmt::format("security.notebook_direct_internet is {} but notebook.direct_internet is {}", stated->dump(), notebook->dump()),
            "both state the notebook's DirectInternetAccess: give one, or the same value in both"));
    }
    const auto* largest = member(dataset, "largest_file_gb");
    const auto* size = member(dataset, "size_gb");
    if (largest != nullptr && size != nullptr && largest->is_number() && size->is_number() && largest->get<double>() > size->get<double>()) {
        diagnostics.add(document.diagnostic_at("/dataset/largest_file_gb",
            fmt::format("the largest file ({} GB) is larger than the whole dataset (dataset.size_gb {} GB)", largest->dump(), size->dump()),
            "size_gb is the total of every file; check the units of both"));
    }
}

} // namespace

Job job_from_json(const nlohmann::json& root)
{
    Job job;
    if (const auto* name = member(root, "name"); name != nullptr && name->is_string()) {
        job.name = name->get<std::string>();
    }

    const auto& d = section(root, "dataset");
    get(d, "size_gb", job.dataset.size_gb);
    get(d, "num_files", job.dataset.num_files);
    get(d, "num_samples", job.dataset.num_samples);
    get(d, "format", job.dataset.format);
    get(d, "modality", job.dataset.modality);
    get(d, "location", job.dataset.location);
    get(d, "input_mode", job.dataset.input_mode);
    get(d, "distribution", job.dataset.distribution);
    get(d, "source_resolution", job.dataset.source_resolution);
    get(d, "cpu_ms_per_sample", job.dataset.cpu_ms_per_sample);
    get(d, "missing_pct", job.dataset.missing_pct);
    get(d, "temporal", job.dataset.temporal);
    get(d, "group_key", job.dataset.group_key);
    if (const auto* split = member(d, "split"); split != nullptr && split->is_object()) {
        Split s;
        get(*split, "strategy", s.strategy);
        get(*split, "train_pct", s.train_pct);
        get(*split, "validation_pct", s.validation_pct);
        get(*split, "test_pct", s.test_pct);
        job.dataset.split = s;
    }

    const auto& m = section(root, "model");
    get(m, "name", job.model.name);
    get(m, "family", job.model.family);
    get(m, "builtin_algorithm", job.model.builtin_algorithm);
    get(m, "framework", job.model.framework);
    get(m, "params_millions", job.model.params_millions);
    get(m, "forward_gflops", job.model.forward_gflops);
    get(m, "seq_len", job.model.seq_len);
    get(m, "layers", job.model.layers);
    get(m, "hidden", job.model.hidden);
    get(m, "heads", job.model.heads);
    get(m, "input_resolution", job.model.input_resolution);
    get(m, "precision", job.model.precision);
    get(m, "optimizer", job.model.optimizer);
    get(m, "batch_size", job.model.batch_size);
    get(m, "activation_checkpointing", job.model.activation_checkpointing);

    const auto& t = section(root, "training");
    get(t, "epochs", job.training.epochs);
    get(t, "tokens_billions", job.training.tokens_billions);
    get(t, "target_hours", job.training.target_hours);
    get(t, "budget_usd", job.training.budget_usd);
    get(t, "runs", job.training.runs);
    get(t, "spot", job.training.spot);
    get(t, "checkpoint_s3_uri", job.training.checkpoint_s3_uri);
    get(t, "max_runtime_hours", job.training.max_runtime_hours);
    get(t, "max_wait_hours", job.training.max_wait_hours);
    get(t, "distribution", job.training.distribution);
    get(t, "image", job.training.image);
    get(t, "loader_workers", job.training.loader_workers);

    const auto& c = section(root, "current");
    get(c, "instance_type", job.current.instance_type);
    if (job.current.instance_type) {
        job.current.instance_type = normalize_instance_type(*job.current.instance_type);
    }
    get(c, "instance_count", job.current.instance_count);
    get(c, "volume_gb", job.current.volume_gb);
    const auto& o = section(c, "observed");
    get(o, "gpu_util_pct", job.current.observed.gpu_util_pct);
    get(o, "cpu_util_pct", job.current.observed.cpu_util_pct);
    get(o, "io_wait_pct", job.current.observed.io_wait_pct);
    get(o, "samples_per_sec", job.current.observed.samples_per_sec);
    get(o, "gpu_mem_used_gb", job.current.observed.gpu_mem_used_gb);
    get(o, "startup_minutes", job.current.observed.startup_minutes);
    get(o, "hours", job.current.observed.hours);

    const auto& p = section(root, "deployment");
    get(p, "mode", job.deployment.mode);
    get(p, "traffic", job.deployment.traffic);
    get(p, "requests_per_sec", job.deployment.requests_per_sec);
    get(p, "p99_latency_ms", job.deployment.p99_latency_ms);
    get(p, "payload_mb", job.deployment.payload_mb);
    get(p, "processing_seconds", job.deployment.processing_seconds);
    get(p, "instance_count", job.deployment.instance_count);
    get(p, "edge_devices", job.deployment.edge_devices);

    const auto& s = section(root, "security");
    get(s, "vpc", job.security.vpc);
    get(s, "network_isolation", job.security.network_isolation);
    get(s, "inter_container_encryption", job.security.inter_container_encryption);
    get(s, "kms", job.security.kms);
    get(s, "notebook_direct_internet", job.security.notebook_direct_internet);
    get(s, "data_residency", job.security.data_residency);

    const auto& k = section(root, "constraints");
    get(k, "region", job.constraints.region);
    if (const auto* families = member(k, "instance_families"); families != nullptr && families->is_array()) {
        for (const auto& family : *families) {
            if (family.is_string()) {
                job.constraints.instance_families.push_back(normalize_instance_type(family.get<std::string>()));
            }
        }
    }
    get(k, "max_instances", job.constraints.max_instances);
    get(k, "max_gpus", job.constraints.max_gpus);

    if (const auto* suppress = member(root, "suppress"); suppress != nullptr && suppress->is_array()) {
        for (std::size_t i = 0; i < suppress->size(); ++i) {
            const auto& entry = (*suppress)[i];
            Suppression item;
            std::optional<std::string> rule;
            std::optional<std::string> reason;
            get(entry, "rule", rule);
            get(entry, "reason", reason);
            get(entry, "expires", item.expires);
            item.rule = rule.value_or("");
            item.reason = reason.value_or("");
            item.pointer = "/suppress/" + std::to_string(i);
            job.suppress.push_back(std::move(item));
        }
    }
    return job;
}

std::optional<Job> load_job(const SourceFile& source, Diagnostics& diagnostics)
{
    JsonLimits limits;
    limits.max_depth = 64;
    limits.record_positions = false; // positions are found when a diagnostic or finding needs them
    auto document = parse_json(source, diagnostics, limits);
    if (!document) {
        return std::nullopt;
    }
    if (!document->value.is_object()) {
        diagnostics.add(document->diagnostic_at("", fmt::format("expected a job object, got {}", describe_json(document->value)),
            "a job file is one JSON object with at least a \"name\""));
        return std::nullopt;
    }
    const std::size_t before = diagnostics.error_count();
    job_schema().validate(*document, diagnostics);
    if (diagnostics.error_count() > before) {
        return std::nullopt;
    }
    check_contradictions(*document, diagnostics);
    if (diagnostics.error_count() > before) {
        return std::nullopt;
    }
    Job job = job_from_json(document->value);
    job.document = std::move(*document);
    return job;
}

std::optional<Job> load_job_file(const std::string& path, Diagnostics& diagnostics)
{
    auto source = read_source(path, diagnostics);
    if (!source) {
        return std::nullopt;
    }
    return load_job(*source, diagnostics);
}

} // namespace mlscale
