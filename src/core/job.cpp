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

void read_dataset(const nlohmann::json& d, Dataset& dataset)
{
    get(d, "size_gb", dataset.size_gb);
    get(d, "num_files", dataset.num_files);
    get(d, "num_samples", dataset.num_samples);
    get(d, "format", dataset.format);
    get(d, "modality", dataset.modality);
    get(d, "location", dataset.location);
    get(d, "input_mode", dataset.input_mode);
    get(d, "distribution", dataset.distribution);
    get(d, "source_resolution", dataset.source_resolution);
    get(d, "cpu_ms_per_sample", dataset.cpu_ms_per_sample);
    get(d, "missing_pct", dataset.missing_pct);
    get(d, "temporal", dataset.temporal);
    get(d, "group_key", dataset.group_key);
    if (const auto* split = member(d, "split"); split != nullptr && split->is_object()) {
        Split s;
        get(*split, "strategy", s.strategy);
        get(*split, "train_pct", s.train_pct);
        get(*split, "validation_pct", s.validation_pct);
        get(*split, "test_pct", s.test_pct);
        dataset.split = s;
    }
}

void read_model(const nlohmann::json& m, Model& model)
{
    get(m, "name", model.name);
    get(m, "family", model.family);
    get(m, "builtin_algorithm", model.builtin_algorithm);
    get(m, "framework", model.framework);
    get(m, "params_millions", model.params_millions);
    get(m, "active_params_millions", model.active_params_millions);
    get(m, "experts", model.experts);
    get(m, "experts_per_token", model.experts_per_token);
    get(m, "forward_gflops", model.forward_gflops);
    get(m, "seq_len", model.seq_len);
    get(m, "mean_seq_len", model.mean_seq_len);
    get(m, "layers", model.layers);
    get(m, "hidden", model.hidden);
    get(m, "heads", model.heads);
    get(m, "vocab", model.vocab);
    get(m, "patch_size", model.patch_size);
    get(m, "input_resolution", model.input_resolution);
    get(m, "precision", model.precision);
    get(m, "optimizer", model.optimizer);
    get(m, "batch_size", model.batch_size);
    get(m, "activation_checkpointing", model.activation_checkpointing);
    get(m, "memory_format", model.memory_format);
    get(m, "peft", model.peft);
    get(m, "lora_rank", model.lora_rank);
    get(m, "trainable_params_millions", model.trainable_params_millions);
    get(m, "num_features", model.num_features);
    get(m, "num_trees", model.num_trees);
    get(m, "max_depth", model.max_depth);
    get(m, "target_seq_len", model.target_seq_len);
    get(m, "frozen_params_millions", model.frozen_params_millions);
    get(m, "frozen_forward_gflops", model.frozen_forward_gflops);
    get(m, "activations_millions", model.activations_millions);
    get(m, "embedding_rows_millions", model.embedding_rows_millions);
    get(m, "embedding_dim", model.embedding_dim);
    get(m, "lookups_per_sample", model.lookups_per_sample);
    get(m, "sparse_features", model.sparse_features);
}

void read_training(const nlohmann::json& t, Training& training)
{
    get(t, "epochs", training.epochs);
    get(t, "tokens_billions", training.tokens_billions);
    get(t, "target_hours", training.target_hours);
    get(t, "budget_usd", training.budget_usd);
    get(t, "runs", training.runs);
    get(t, "tuning_jobs", training.tuning_jobs);
    get(t, "spot", training.spot);
    get(t, "checkpoint_s3_uri", training.checkpoint_s3_uri);
    get(t, "max_runtime_hours", training.max_runtime_hours);
    get(t, "max_wait_hours", training.max_wait_hours);
    get(t, "distribution", training.distribution);
    get(t, "tensor_parallel", training.tensor_parallel);
    get(t, "pipeline_parallel", training.pipeline_parallel);
    get(t, "context_parallel", training.context_parallel);
    get(t, "expert_parallel", training.expert_parallel);
    get(t, "expert_tensor_parallel", training.expert_tensor_parallel);
    get(t, "expert_capacity_factor", training.expert_capacity_factor);
    get(t, "moe_dispatcher", training.moe_dispatcher);
    get(t, "tp_comm_overlap", training.tp_comm_overlap);
    get(t, "overlap_param_gather", training.overlap_param_gather);
    get(t, "moe_a2a_overlap", training.moe_a2a_overlap);
    get(t, "virtual_pipeline", training.virtual_pipeline);
    get(t, "image", training.image);
    get(t, "loader_workers", training.loader_workers);
    get(t, "platform", training.platform);
}

void read_current(const nlohmann::json& c, Current& current)
{
    get(c, "instance_type", current.instance_type);
    if (current.instance_type) {
        current.instance_type = normalize_instance_type(*current.instance_type);
    }
    get(c, "instance_count", current.instance_count);
    get(c, "volume_gb", current.volume_gb);
    const auto& o = section(c, "observed");
    get(o, "gpu_util_pct", current.observed.gpu_util_pct);
    get(o, "cpu_util_pct", current.observed.cpu_util_pct);
    get(o, "io_wait_pct", current.observed.io_wait_pct);
    get(o, "samples_per_sec", current.observed.samples_per_sec);
    get(o, "gpu_mem_used_gb", current.observed.gpu_mem_used_gb);
    get(o, "startup_minutes", current.observed.startup_minutes);
    get(o, "hours", current.observed.hours);
}

void read_deployment(const nlohmann::json& p, Deployment& deployment)
{
    get(p, "mode", deployment.mode);
    get(p, "traffic", deployment.traffic);
    get(p, "requests_per_sec", deployment.requests_per_sec);
    get(p, "p99_latency_ms", deployment.p99_latency_ms);
    get(p, "payload_mb", deployment.payload_mb);
    get(p, "processing_seconds", deployment.processing_seconds);
    get(p, "instance_count", deployment.instance_count);
    get(p, "edge_devices", deployment.edge_devices);
}

void read_security(const nlohmann::json& s, Security& security)
{
    get(s, "vpc", security.vpc);
    get(s, "network_isolation", security.network_isolation);
    get(s, "inter_container_encryption", security.inter_container_encryption);
    get(s, "kms", security.kms);
    get(s, "notebook_direct_internet", security.notebook_direct_internet);
    get(s, "data_residency", security.data_residency);
}

void read_constraints(const nlohmann::json& k, Constraints& constraints)
{
    get(k, "region", constraints.region);
    if (const auto* families = member(k, "instance_families"); families != nullptr && families->is_array()) {
        for (const auto& family : *families) {
            if (family.is_string()) {
                constraints.instance_families.push_back(normalize_instance_type(family.get<std::string>()));
            }
        }
    }
    get(k, "max_instances", constraints.max_instances);
    get(k, "max_gpus", constraints.max_gpus);
}

void read_storage(const nlohmann::json& s, StorageToday& storage)
{
    const auto& fsx = section(s, "fsx");
    get(fsx, "deployment_type", storage.fsx.deployment_type);
    get(fsx, "storage_type", storage.fsx.storage_type);
    get(fsx, "capacity_gib", storage.fsx.capacity_gib);
    get(fsx, "per_unit_throughput_mb_s_per_tib", storage.fsx.per_unit_mb_s_per_tib);
    get(fsx, "import_path", storage.fsx.import_path);
    const auto& efs = section(s, "efs");
    get(efs, "throughput_mode", storage.efs.throughput_mode);
    get(efs, "provisioned_mib_s", storage.efs.provisioned_mib_s);
    get(efs, "performance_mode", storage.efs.performance_mode);
    get(efs, "encrypted", storage.efs.encrypted);
    const auto& ebs = section(s, "ebs");
    get(ebs, "volume_type", storage.ebs.volume_type);
    get(ebs, "iops", storage.ebs.iops);
    get(ebs, "throughput_mib_s", storage.ebs.throughput_mib_s);
}

void read_suppressions(const nlohmann::json& root, std::vector<Suppression>& out)
{
    const auto* suppress = member(root, "suppress");
    if (suppress == nullptr || !suppress->is_array()) {
        return;
    }
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
        out.push_back(std::move(item));
    }
}

// A count of the model that may not exceed another (the top-k and the experts, the mean and the
// longest sequence): an error at the part.
void count_at_most(const JsonDocument& document, const nlohmann::json& model, const char* part, const char* whole, const char* what, const char* help,
    Diagnostics& diagnostics)
{
    const auto* value = member(model, part);
    const auto* limit = member(model, whole);
    if (value != nullptr && limit != nullptr && value->is_number_integer() && limit->is_number_integer() &&
        value->get<std::int64_t>() > limit->get<std::int64_t>()) {
        diagnostics.add(document.diagnostic_at(
            fmt::format("/model/{}", part), fmt::format("model.{} ({}) is more than {} (model.{} {})", part, value->dump(), what, whole, limit->dump()), help));
    }
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
    const nlohmann::json& model = section(document.value, "model");
    const auto* params = member(model, "params_millions");
    for (const char* part : {"active_params_millions", "trainable_params_millions"}) {
        const auto* value = member(model, part);
        if (value != nullptr && params != nullptr && value->is_number() && params->is_number() && value->get<double>() > params->get<double>()) {
            diagnostics.add(document.diagnostic_at(fmt::format("/model/{}", part),
                fmt::format("model.{} ({} M) is more than the whole model (params_millions {} M)", part, value->dump(), params->dump()),
                "params_millions counts every parameter (every expert, the frozen base and the adapters); the part cannot exceed it"));
        }
    }
    count_at_most(document, model, "experts_per_token", "experts", "the experts per layer",
        "experts_per_token is the top-k each token is routed to, at most the experts of a layer (Mixtral: 2 of 8)", diagnostics);
    count_at_most(document, model, "mean_seq_len", "seq_len", "the sequence length",
        "seq_len is the longest sample (what must fit in memory); mean_seq_len the tokens computed per sample on average, at most seq_len", diagnostics);
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
    read_dataset(section(root, "dataset"), job.dataset);
    read_model(section(root, "model"), job.model);
    read_training(section(root, "training"), job.training);
    read_current(section(root, "current"), job.current);
    read_deployment(section(root, "deployment"), job.deployment);
    read_security(section(root, "security"), job.security);
    read_constraints(section(root, "constraints"), job.constraints);
    read_storage(section(root, "storage"), job.storage);
    read_suppressions(root, job.suppress);
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
        diagnostics.add(document->diagnostic_at(
            "", fmt::format("expected a job object, got {}", describe_json(document->value)), "a job file is one JSON object with at least a \"name\""));
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
