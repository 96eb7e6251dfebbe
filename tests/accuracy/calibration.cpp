// Mapping published measurements to AWS configurations, fitting the model's constants and
// comparing the estimator with the measurements it was not fitted to. Every mapping rule is
// stated here once and printed with each row in docs/accuracy.md.
#include "calibration.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

#include <fmt/format.h>

namespace mlscale::accuracy {

namespace {

// Inter-node bandwidth of the clusters behind the rows not measured on AWS, per 8 GPUs:
// DGX A100 (Selene, Meta's and MosaicML's A100 clusters): 8 x 200 Gbit/s HDR InfiniBand or
// 1600 Gbit/s RoCE (llm-analysis A100 inter-node 200 GB/s, formulas.md §4.1; "1600 Gbps RoCE"
// in the llm-foundry A100 tables).
constexpr double k_dgx_a100_fabric_gbps = 1600;
// DGX-2H: 8 x 100 Gbit/s EDR InfiniBand for 16 GPUs, i.e. 400 Gbit/s per 8 GPUs (NVIDIA DGX-2
// datasheet, recalled: not in the stored sources; stated in docs/accuracy.md).
constexpr double k_dgx2_fabric_gbps_per_8_gpus = 400;
// Inside one DGX-2 the two halves of 8 GPUs talk over NVSwitch: 8 GPUs x 150 GB/s per
// direction (NVLink2 300 GB/s bidirectional, formulas.md §4.2) = 9600 Gbit/s.
constexpr double k_dgx2_nvswitch_gbps = 9600;
// Vocabulary of the Megatron GPT rows for Eq. 3 (stated in the megatron21-1.7b row).
constexpr double k_megatron_vocab = 51200;
// Tokens computed per BERT phase-2 sample under LDDL's binning (dle_bert_binned_phase2: derived).
constexpr std::int64_t k_lddl_phase2_tokens = 298;
// Transformer shape when the row does not give it: hidden/layers = 128 (GPT-3 175B: 12288/96),
// N = 12·l·h² ⇒ h = (128·N/12)^(1/3); heads = h/128.
constexpr double k_aspect = 128;
// ResNet-50's stored activations per 224x224 image, elements (derived, docs/model.md §1: the
// outputs autograd keeps, summed from tiskw/pytorch-op-counter-layerwise@a64c87d0
// tests/benchmarks/resnet50.md).
constexpr double k_resnet50_activations = 20.92e6;
// ImageNet-1k training images (formulas.md §1.2).
constexpr double k_imagenet_train = 1281167;

std::vector<std::string> split_csv_line(const std::string& line)
{
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.push_back(field);
            field.clear();
        } else if (c != '\r') {
            field += c;
        }
    }
    fields.push_back(field);
    return fields;
}

// The CSV as rows of named fields (the header names them).
std::vector<std::map<std::string, std::string>> read_csv(const std::string& path)
{
    std::vector<std::map<std::string, std::string>> rows;
    std::ifstream in(path);
    std::string line;
    if (!std::getline(in, line)) {
        return rows;
    }
    const auto header = split_csv_line(line);
    while (std::getline(in, line)) {
        if (line.empty()) {
            continue;
        }
        const auto fields = split_csv_line(line);
        std::map<std::string, std::string> row;
        for (std::size_t i = 0; i < header.size(); ++i) {
            row[header[i]] = i < fields.size() ? fields[i] : "";
        }
        // calibration.csv's notes may hold unquoted commas: keep them with the last column.
        for (std::size_t i = header.size(); i < fields.size(); ++i) {
            row[header.back()] += "," + fields[i];
        }
        rows.push_back(row);
    }
    return rows;
}

bool contains(const std::string& text, const char* needle)
{
    return text.find(needle) != std::string::npos;
}

int match_int(const std::string& text, const char* pattern, int fallback)
{
    std::smatch match;
    const std::regex re(pattern);
    return std::regex_search(text, match, re) ? std::stoi(match[1].str()) : fallback;
}

double number(const std::string& text)
{
    return text.empty() ? 0.0 : std::stod(text);
}

std::string precision_of(const std::string& text)
{
    if (contains(text, "FP8") || text == "fp8") {
        return "fp8";
    }
    if (contains(text, "TF32") || text == "tf32") {
        return "tf32";
    }
    if (contains(text, "FP32") || text == "fp32") {
        return "fp32";
    }
    if (contains(text, "BF16") || contains(text, "bf16")) {
        return "bf16";
    }
    return "mixed";
}

// GPU → the AWS instance with that GPU (docs/accuracy.md "Mapping").
std::string instance_for(const std::string& gpu, int total_gpus)
{
    if (contains(gpu, "H100")) {
        return "p5.48xlarge";
    }
    if (contains(gpu, "A100")) {
        return contains(gpu, "40GB") ? "p4d.24xlarge" : "p4de.24xlarge";
    }
    if (contains(gpu, "V100-SXM2-16GB")) {
        return total_gpus == 1 ? "p3.2xlarge" : "p3.16xlarge";
    }
    if (contains(gpu, "V100-SXM2-32GB") || contains(gpu, "V100-32GB")) {
        return "p3dn.24xlarge";
    }
    return "";
}

std::string why_unmapped(const std::map<std::string, std::string>& row)
{
    const std::string& id = row.at("id");
    if (contains(row.at("metric"), "speedup")) {
        return "a speed-up of one communication library over another; the estimator models one stack";
    }
    if (contains(id, "mlperf")) {
        return "time to a target accuracy: the number of epochs to converge is not in the row";
    }
    if (contains(row.at("gpu"), "TPU")) {
        return "TPU v4: not an AWS accelerator";
    }
    if (row.at("nodes").empty() && row.at("metric") != "gpu_hours") {
        return "cluster size not given (and the row is marked UNVERIFIED)";
    }
    return "";
}

// The publication a calibration.csv row comes from (the unit left out together).
std::string source_of(const std::string& id)
{
    static const std::vector<std::pair<const char*, const char*>> prefixes = {{"rn50-pt-", "DLE ResNet-50"}, {"rn50-tf-", "DLE ResNet-50 TF"},
        {"bert-pt-", "DLE BERT PyTorch"}, {"bert-tf2-", "DLE BERT TF2"}, {"megatron21-", "Megatron-LM 2021"}, {"mcore-", "Megatron-Core"},
        {"korthikanti-", "Korthikanti 2022"}, {"mtnlg-", "MT-NLG"}, {"llama-", "LLaMA"}, {"mpt-", "llm-foundry"}, {"torchtitan-", "torchtitan on p5"}};
    for (const auto& [prefix, source] : prefixes) {
        if (id.rfind(prefix, 0) == 0) {
            return source;
        }
    }
    return id;
}

void set_shape(Workload& w, const ModelSpec* spec, std::vector<std::string>& notes)
{
    if (w.hidden > 0 && w.layers > 0) {
        return;
    }
    if (spec != nullptr && spec->hidden && spec->layers) {
        w.layers = *spec->layers;
        w.hidden = *spec->hidden;
        w.heads = spec->heads.value_or(0);
        w.vocab = spec->vocab.value_or(0);
        notes.push_back(fmt::format("shape of {} from profiles/models.json", spec->name));
        return;
    }
    const double h = std::cbrt(k_aspect * w.params / 12.0);
    w.hidden = static_cast<std::int64_t>(std::round(h / 128.0) * 128.0);
    w.layers = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::round(w.params / (12.0 * static_cast<double>(w.hidden * w.hidden)))));
    w.heads = w.hidden / 128;
    notes.push_back(fmt::format("shape derived (h {}, {} layers)", w.hidden, w.layers));
}

void set_transformer_flops(Workload& w)
{
    const double tokens = static_cast<double>(w.seq_len);
    w.linear_flops_per_sample = 2.0 * w.params * tokens;
    w.attention_flops_per_sample = 4.0 * static_cast<double>(w.layers * w.hidden) * tokens * tokens;
}

// A mixture of experts (published.csv's experts, experts_per_token, active_params_millions): the
// FLOPs follow the active parameters, the experts hold their share (moe_expert_params, as
// make_workload derives it, docs/model.md §1). Routing is balanced (capacity factor 1): the
// Model Zoo's published EP32 command forces it (best_practice/qwen3/run_235b.sh,
// --moe-router-force-load-balancing) and its guides force it "for benchmark only"; the other rows
// do not state their routing.
void set_experts(const std::map<std::string, std::string>& row, Workload& w, std::vector<std::string>& notes)
{
    const double experts = number(row.at("experts"));
    const double top_k = number(row.at("experts_per_token"));
    const double active = number(row.at("active_params_millions")) * 1e6;
    const double expert_params = moe_expert_params(w.params, active, experts, top_k);
    if (expert_params <= 0) {
        return;
    }
    w.experts = experts;
    w.experts_per_token = top_k;
    w.expert_params = expert_params;
    w.expert_capacity_factor = 1.0;
    w.expert_dispatch_per_node = row.at("moe_dispatcher") == "deepep";
    w.expert_exchange_overlap = row.count("moe_a2a_overlap") > 0 && row.at("moe_a2a_overlap") == "1";
    w.linear_flops_per_sample = 2.0 * active * static_cast<double>(w.seq_len);
    notes.push_back(fmt::format("{:g} experts, top-{:g}: FLOPs of the {:.1f} B active parameters; routing balanced (as the Model Zoo benchmarks: forced); {}",
        experts, top_k, active / 1e9, w.expert_dispatch_per_node ? "DeepEP: one crossing per destination node" : "NCCL all-to-all"));
}

// GPU generation cell of docs/accuracy.md.
std::string generation_cell(const InstanceSpec& instance)
{
    const GpuSpec* gpu = instance.gpu_spec;
    const std::string generation = gpu != nullptr ? gpu->generation : "";
    if (generation == "volta") {
        return "V100";
    }
    if (generation == "hopper") {
        return "H100/H200";
    }
    if (generation == "trainium") {
        return "Trainium";
    }
    if (gpu != nullptr && contains(gpu->name, "A100")) {
        return "A100";
    }
    return "L4/L40S/A10G";
}

std::string workload_cell(const Case& c, bool bert)
{
    if (c.collective_bytes > 0) {
        return "collective";
    }
    if (c.workload.family == "cnn") {
        return "CNN";
    }
    if (bert) {
        return "BERT";
    }
    if (c.workload.precision == "fp8") {
        return "FP8";
    }
    if (c.workload.seq_len >= 16384) {
        return "long context";
    }
    if (c.workload.experts > 0) {
        return "MoE";
    }
    return c.config.count > 1 ? "LLM multi-node" : "LLM one node";
}

std::string mapping_text(const Case& c, const InstanceSpec& instance, bool micro_published)
{
    const Config& config = c.config;
    const Parallelism& par = config.parallelism;
    std::string mapping = fmt::format("{} x {}", config.count, instance.name);
    if (config.gpus_per_instance < instance.gpu_count) {
        mapping += fmt::format(" ({} of {} GPUs)", config.gpus_per_instance, instance.gpu_count);
    }
    if (c.collective_bytes > 0) {
        return mapping + fmt::format(", all-reduce of {:g} MiB", c.collective_bytes / 1048576.0);
    }
    if (par.mode == "model") {
        mapping += fmt::format(", TP{} PP{}", par.tensor, par.pipeline);
        if (c.workload.virtual_pipeline > 1) {
            mapping += fmt::format(" VPP{}", c.workload.virtual_pipeline);
        }
        if (par.context > 1) {
            mapping += fmt::format(" CP{}", par.context);
        }
        if (par.expert > 1) {
            mapping += fmt::format(" EP{} ETP{}", par.expert, par.expert_tensor > 0 ? par.expert_tensor : par.tensor);
        }
        if (par.zero_stage > 0) {
            mapping += fmt::format(" + ZeRO-{}", par.zero_stage);
        }
    } else if (par.mode == "sharded") {
        mapping += par.tensor > 1 ? fmt::format(", ZeRO-{} + TP{}", par.zero_stage, par.tensor) : fmt::format(", ZeRO-{}", par.zero_stage);
    }
    mapping += fmt::format(", {}", c.workload.precision);
    if (c.workload.recompute) {
        mapping += ", recompute";
    }
    if (par.micro_batch > 0) {
        mapping += fmt::format(", micro-batch {} ({})", par.micro_batch, micro_published ? "published" : "the model's default");
    } else {
        mapping += ", micro-batch: the model's choice";
    }
    if (config.internode_gbps > 0) {
        mapping += fmt::format(", fabric {:g} Gbit/s", config.internode_gbps);
    }
    return mapping;
}

// Micro-batches of the calibration.csv llm-foundry rows, from the same README table the rows
// quote (mosaicml/llm-foundry scripts/train/benchmarking/README.md, MicroBatchSize column).
int foundry_micro_batch(const std::string& id)
{
    static const std::map<std::string, int> micro = {{"mpt-h100-70b-512", 8}, {"mpt-h100-70b-64", 8}, {"mpt-h100-30b-8", 3}, {"mpt-h100-7b-8", 6},
        {"mpt-h100-7b-512", 6}, {"mpt-h100-3b-8-fp8", 10}, {"mpt-a100-80-125m-8", 40}, {"mpt-a100-80-13b-8", 2}, {"mpt-a100-40-350m-8", 16}};
    const auto it = micro.find(id);
    return it != micro.end() ? it->second : 0;
}

// Shapes of the calibration.csv llm-foundry rows: the MPT recipes the README benchmarks
// (mosaicml/llm-foundry@8c8dd48f scripts/train/yamls/pretrain/mpt-*.yaml: n_layers, d_model,
// n_heads, vocab_size 50368).
void foundry_shape(const std::string& id, Workload& w, std::vector<std::string>& notes)
{
    static const std::vector<std::tuple<const char*, int, int, int>> shapes = {{"-70b-", 80, 8192, 64}, {"-30b-", 48, 7168, 56}, {"-13b-", 40, 5120, 40},
        {"-7b-", 32, 4096, 32}, {"-3b-", 32, 2560, 20}, {"-350m-", 24, 1024, 16}, {"-125m-", 12, 768, 12}};
    if (id.rfind("mpt-", 0) != 0) {
        return;
    }
    for (const auto& [tag, layers, hidden, heads] : shapes) {
        if (contains(id, tag)) {
            w.layers = layers;
            w.hidden = hidden;
            w.heads = heads;
            w.vocab = 50368;
            notes.push_back(fmt::format("shape of the MPT recipe ({} layers, d_model {})", layers, hidden));
            return;
        }
    }
}

// Megatron-family rows of calibration.csv: tensor/pipeline degrees as published.
void map_megatron(const std::string& id, const std::string& text, Case& c, bool& micro_published)
{
    Parallelism& par = c.config.parallelism;
    const int mp = match_int(text, R"(MP=(\d+))", 0);
    int tp = match_int(text, R"(TP(\d+))", mp > 0 ? std::min(8, mp) : 8);
    int pp = match_int(text, R"(PP(\d+))", mp > 0 ? std::max(1, mp / tp) : 1);
    if (contains(id, "megatron21-t2-175b")) { // MP=96 = TP8 x PP12, as stated in the 384-GPU row
        tp = 8;
        pp = 12;
    }
    if (contains(id, "mtnlg")) { // Smith et al. 2022: 8-way tensor, 35-way pipeline
        tp = 8;
        pp = 35;
    }
    if (contains(text, "ZeRO-3")) {
        par.mode = "sharded";
        par.zero_stage = 3;
        par.micro_batch = match_int(text, R"(microbatch (\d+))", 0);
        micro_published = par.micro_batch > 0;
        tp = 1;
        pp = 1;
    } else {
        par.mode = "model";
        // Megatron-Core's benchmarks run the distributed optimizer (ZeRO-1 across data parallel).
        par.zero_stage = contains(id, "mcore") ? 1 : 0;
    }
    // NVIDIA/Megatron-LM README, benchmark configuration of the Megatron-Core table: "Fine-grained
    // overlapping with DP (--overlap-grad-reduce, --overlap-param-gather), TP (--tp-comm-overlap)".
    c.workload.tp_comm_overlap = contains(id, "mcore");
    c.workload.overlap_param_gather = contains(id, "mcore");
    par.tensor = tp;
    par.pipeline = pp;
    c.workload.recompute = contains(id, "megatron21") || contains(id, "mtnlg");
}

// The fabric the row was measured on, when it is not the AWS instance's own (see the constants).
void set_fabric(const std::map<std::string, std::string>& row, Case& c, std::vector<std::string>& notes)
{
    const std::string& gpu = row.at("gpu");
    if (c.config.count <= 1 || contains(gpu, "H100") || contains(gpu, "p5.48xlarge") || contains(row.at("id"), "torchtitan")) {
        return;
    }
    if (contains(gpu, "DGX-2")) {
        const bool one_box = row.at("nodes") == "1";
        c.config.internode_gbps = one_box ? k_dgx2_nvswitch_gbps : k_dgx2_fabric_gbps_per_8_gpus;
        notes.push_back(one_box ? "one DGX-2: its two halves of 8 GPUs talk over NVSwitch" : "DGX-2H fabric: 8 x 100 Gbit/s EDR per 16 GPUs");
        return;
    }
    if (contains(gpu, "A100")) {
        c.config.internode_gbps = k_dgx_a100_fabric_gbps;
        if (contains(row.at("id"), "llama")) {
            notes.push_back("Meta's cluster fabric not stated: DGX A100's 1600 Gbit/s assumed");
        }
    }
}

// The workload of a calibration.csv row: ResNet-50 from the catalogue, transformers from the
// catalogue's shape, the MPT recipe's, or one derived from the parameter count.
void calibration_workload(const std::map<std::string, std::string>& row, const Catalogue& catalogue, Workload& w, std::vector<std::string>& notes)
{
    const std::string& id = row.at("id");
    const std::string& model = row.at("model");
    w.precision = precision_of(row.at("precision"));
    w.params = number(row.at("params_millions")) * 1e6;
    if (contains(model, "ResNet")) {
        const ModelSpec* spec = catalogue.find_model("resnet50");
        w.family = "cnn";
        w.linear_flops_per_sample = spec->forward_gflops.value_or(0) * 1e9;
        w.activation_elements_per_sample = k_resnet50_activations;
        w.optimizer = "sgd";
        return;
    }
    w.family = "transformer";
    w.optimizer = "adam";
    w.seq_len = match_int(row.at("workload"), R"(seq (\d+))", 2048);
    const ModelSpec* spec = contains(model, "BERT") ? catalogue.find_model("bert-large")
        : contains(model, "Llama-3-8B")             ? catalogue.find_model("llama-3-8b")
                                                    : nullptr;
    foundry_shape(id, w, notes);
    set_shape(w, spec, notes);
    if (spec != nullptr && contains(model, "Llama-3")) {
        w.seq_len = spec->seq_len.value_or(w.seq_len);
    }
    if (w.vocab == 0) {
        w.vocab = contains(id, "megatron21") || contains(id, "mtnlg") ? static_cast<std::int64_t>(k_megatron_vocab) : 50368;
    }
    set_transformer_flops(w);
}

// A row of ../shared/facts/calibration.csv as a Case (or the reason it does not map).
bool map_calibration_row(const std::map<std::string, std::string>& row, const Catalogue& catalogue, Case& c, std::string& why)
{
    const std::string& id = row.at("id");
    why = why_unmapped(row);
    if (!why.empty()) {
        return false;
    }
    const int per_node = static_cast<int>(number(row.at("gpus_per_node")));
    const int nodes = static_cast<int>(number(row.at("nodes")));
    const int total = std::max(1, per_node * std::max(nodes, 1));
    const std::string instance_name = instance_for(row.at("gpu"), total);
    const InstanceSpec* instance = instance_name.empty() ? nullptr : catalogue.find_instance(instance_name);
    if (instance == nullptr) {
        why = "GPU not offered on AWS";
        return false;
    }
    c.id = id;
    c.source = source_of(id);
    c.file = "calibration.csv";
    c.metric = row.at("metric");
    c.published = number(row.at("value"));
    Workload& w = c.workload;
    const std::string& model = row.at("model");
    const std::string text = row.at("notes") + " " + row.at("framework");
    std::vector<std::string> notes;
    const bool cnn = contains(model, "ResNet");
    bool micro_published = false;
    Config& config = c.config;
    config.instance = instance;
    config.gpus_per_instance = std::min(total, instance->gpu_count);
    config.count = std::max(1, total / instance->gpu_count);
    config.storage = "instance-store";
    Parallelism& par = config.parallelism;
    calibration_workload(row, catalogue, w, notes);
    w.global_batch = number(row.at("global_batch"));
    if (w.global_batch <= 0) {
        w.global_batch = cnn ? 256.0 * total : std::round(4194304.0 / static_cast<double>(w.seq_len));
    }
    if (cnn) {
        // DLE's global batches are the per-GPU batch (configs.yml) times the GPUs; no accumulation.
        par.micro_batch = static_cast<int>(w.global_batch / total);
        micro_published = true;
    } else if (contains(model, "BERT")) {
        par.micro_batch = match_int(text, R"(micro-batch (\d+))", 0);
        if (par.micro_batch == 0 && contains(id, "bert-tf2")) {
            // TensorFlow2/LanguageModeling/BERT/README.md, multi-node tables: batch size per GPU
            // (mixed precision) 60 on DGX-2H, 312 on DGX A100, seq 128.
            par.micro_batch = contains(row.at("gpu"), "V100") ? 60 : 312;
        }
        micro_published = par.micro_batch > 0;
        // NVIDIA's BERT code all-reduces the accumulated gradients after the last micro-batch:
        // PyTorch run_pretraining.py --allreduce_post_accumulation (scripts/run_pretraining.sh),
        // TensorFlow 2 official/modeling/model_training_utils.py step() (hvd.allreduce).
        par.sync_after_accumulation = true;
    } else if (contains(id, "megatron21") || contains(id, "mtnlg") || contains(id, "korthikanti") || contains(id, "mcore")) {
        map_megatron(id, text, c, micro_published);
    } else {
        par.mode = "sharded"; // FSDP FULL_SHARD (llm-foundry), Meta's and torchtitan's FSDP
        par.zero_stage = 3;
        w.recompute = contains(text, "act. ckpt") || contains(text, "activation ckpt") || contains(id, "mpt-h100-70b-64");
        par.micro_batch = foundry_micro_batch(id);
        micro_published = par.micro_batch > 0;
        if (contains(id, "llama-65b")) {
            par.tensor = 8;      // LLaMA: model and sequence parallelism besides sharding (Touvron et al. 2023)
            w.recompute = false; // its checkpointing is selective (keeps the linear layers' outputs)
            notes.push_back("LLaMA's selective checkpointing: no recompute of the matmuls");
        }
    }
    if (c.metric == "time_to_train_min" || c.metric == "gpu_hours") {
        const double epochs = match_int(row.at("workload"), R"((\d+) epochs)", 0);
        if (epochs > 0) {
            w.samples_per_run = epochs * k_imagenet_train;
        } else {
            const double trillions = contains(row.at("workload"), "1.0T") ? 1.0 : 1.4;
            w.samples_per_run = trillions * 1e12 / static_cast<double>(w.seq_len);
        }
        if (nodes == 0) {
            config.count = 32;
            notes.push_back("cluster size not given: 32 instances assumed (GPU-hours hardly depend on it)");
        }
    }
    set_fabric(row, c, notes);
    if (c.metric == "tflops_per_gpu") {
        notes.push_back("estimate converted with Megatron Eq. 3");
    }
    c.generation = generation_cell(*instance);
    c.workload_cell = workload_cell(c, contains(model, "BERT"));
    c.mapping = mapping_text(c, *instance, micro_published);
    if (c.metric == "time_to_train_min") {
        c.out_of_scope = "an approximate wall-clock time (\"~3 hours\") with evaluation, warm-up and checkpoints, which the model leaves out "
                         "(1.5x the steady-state time of the same README's throughput row, formulas.md §1.2); that throughput row is compared instead";
    } else if (contains(id, "zero3")) {
        c.out_of_scope = "DeepSpeed ZeRO-3 as of 2021: per-GPU throughput fell with the micro-batch (144, 88, 44 TFLOP/s at 4, 2, 1) at a "
                         "constant ~65 s step, a per-step cost neither its FLOPs nor NCCL's per-node traffic and ring latency explain; PyTorch "
                         "FSDP shows none (llm-foundry MPT-13B flat from 8 to 512 H100s), and the model describes FSDP";
    }
    for (const auto& note : notes) {
        c.note += (c.note.empty() ? "" : "; ") + note;
    }
    return true;
}

// A row of tests/accuracy/published.csv: every field of the configuration is in the row.
bool map_published_row(const std::map<std::string, std::string>& row, const Catalogue& catalogue, Case& c, std::string& why)
{
    const InstanceSpec* instance = catalogue.find_instance(row.at("instance"));
    if (instance == nullptr) {
        why = fmt::format("instance {} not in the catalogue", row.at("instance"));
        return false;
    }
    c.id = row.at("id");
    c.source = row.at("source");
    c.file = "published.csv";
    c.metric = row.at("metric");
    c.published = number(row.at("value"));
    Workload& w = c.workload;
    w.family = row.at("family");
    w.params = number(row.at("params_millions")) * 1e6;
    w.precision = precision_of(row.at("precision"));
    w.optimizer = w.family == "cnn" ? "sgd" : "adam";
    w.recompute = row.at("recompute") == "1";
    Config& config = c.config;
    config.instance = instance;
    const int per_node = static_cast<int>(number(row.at("gpus_per_node")));
    config.gpus_per_instance = std::min(per_node, instance->gpu_count);
    config.count = std::max(1, static_cast<int>(number(row.at("nodes"))));
    config.internode_gbps = number(row.at("fabric_gbps"));
    config.storage = "instance-store";
    std::vector<std::string> notes;
    if (w.family == "collective") {
        c.collective_bytes = number(row.at("global_batch"));
    } else if (w.family == "cnn") {
        w.linear_flops_per_sample = number(row.at("forward_gflops")) * 1e9;
        w.activation_elements_per_sample = number(row.at("activations_millions")) * 1e6;
    } else {
        w.seq_len = static_cast<std::int64_t>(number(row.at("seq_len")));
        w.layers = static_cast<std::int64_t>(number(row.at("layers")));
        w.hidden = static_cast<std::int64_t>(number(row.at("hidden")));
        w.heads = static_cast<std::int64_t>(number(row.at("heads")));
        w.vocab = static_cast<std::int64_t>(number(row.at("vocab")));
        set_shape(w, nullptr, notes);
        set_transformer_flops(w);
        // Attention scores over heads × head_dim, which is not always the residual width (Qwen3:
        // 64 heads of 128 on a 4096-wide residual, model_configs/benchmarking/Qwen3-235B-A22B.yaml).
        const double head_dim = row.count("head_dim") > 0 ? number(row.at("head_dim")) : 0.0;
        if (head_dim > 0 && w.heads > 0) {
            w.attention_flops_per_sample *= static_cast<double>(w.heads) * head_dim / static_cast<double>(w.hidden);
        }
        set_experts(row, w, notes);
        c.check_only = w.experts > 0;
    }
    w.global_batch = number(row.at("global_batch"));
    Parallelism& par = config.parallelism;
    par.expert = std::max(1, static_cast<int>(number(row.at("expert_parallel"))));
    // Megatron MoE Model Zoo model_configs/benchmarking/Qwen3-235B-A22B.yaml sets
    // --account-for-embedding-in-pipeline-split and --account-for-loss-in-pipeline-split.
    par.head_in_pipeline_split = contains(c.id, "moezoo");
    // The Model Zoo's runs overlap as Megatron-Core's table does: sbatch_benchmarking.sh adds
    // --tp-comm-overlap for PR=bf16, and Qwen3-235B-A22B.yaml sets --overlap-grad-reduce and
    // --overlap-param-gather with the distributed optimizer (yanring/Megatron-MoE-ModelZoo@e8650517).
    w.tp_comm_overlap = contains(c.id, "moezoo");
    w.overlap_param_gather = contains(c.id, "moezoo");
    const std::string& parallelism = row.at("parallelism");
    par.tensor = std::max(1, static_cast<int>(number(row.at("tensor"))));
    par.pipeline = std::max(1, static_cast<int>(number(row.at("pipeline"))));
    par.micro_batch = static_cast<int>(number(row.at("micro_batch")));
    // Optional columns: context parallelism and the interleaved schedule's model chunks per GPU
    // (training.context_parallel, training.virtual_pipeline).
    par.context = std::max(1, static_cast<int>(number(row.at("context_parallel"))));
    // The experts' own tensor split (the Model Zoo's ETP column); empty: the tensor degree, Megatron's default.
    par.expert_tensor = row.count("expert_tensor") > 0 ? static_cast<int>(number(row.at("expert_tensor"))) : 0;
    w.virtual_pipeline = std::max(1, static_cast<int>(number(row.at("virtual_pipeline"))));
    if (parallelism == "fsdp" || parallelism == "zero2") {
        par.mode = "sharded";
        par.zero_stage = parallelism == "fsdp" ? 3 : 2;
    } else if (parallelism == "megatron" || parallelism == "megatron-zero1") {
        par.mode = "model";
        par.zero_stage = parallelism == "megatron-zero1" ? 1 : 0;
    }
    c.generation = generation_cell(*instance);
    c.workload_cell = workload_cell(c, contains(row.at("model"), "BERT"));
    c.mapping = mapping_text(c, *instance, par.micro_batch > 0);
    c.note = row.at("notes");
    for (const auto& note : notes) {
        c.note += (c.note.empty() ? "" : "; ") + note;
    }
    return true;
}

double median(std::vector<double> values)
{
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

// Mean |log(estimated / published)| over `cases`: the fit's objective (symmetric in over- and
// under-estimates, robust to a single row).
double objective(const std::vector<const Case*>& cases, const Catalogue& catalogue, const EstimateOptions& options)
{
    double sum = 0;
    for (const Case* c : cases) {
        const double estimated = evaluate(*c, catalogue, options);
        sum += estimated > 0 && c->published > 0 ? std::fabs(std::log(estimated / c->published)) : 5.0;
    }
    return cases.empty() ? 0.0 : sum / static_cast<double>(cases.size());
}

// NVIDIA's PyTorch ConvNets benchmarks decode on the host CPU: the README's commands (launch.py
// --mode benchmark_training) take configs.yml's data_backend, pytorch (torchvision ImageFolder: PIL
// decode, RandomResizedCrop, flip), with 8 loader workers per GPU on DGX-1 and 16 on DGX A100
// (configs.yml at 7bdfc81d, 2021-04-20, the commit that published the performance tables). Their
// hosts: DGX-1 2 x Xeon E5-2698 v4 (DLE PyTorch/Recommendation/DLRM/triton/README.md; 20 cores
// each: Intel's specification, recalled, not in the stored sources), DGX A100 2 x EPYC 7742 (DLE
// TensorFlow2/Recommendation/DLRM_and_DCNv2/doc/DLRM.md; 128 cores in all: hardwaretimes.com and
// nextplatform.com on the DGX A100, 2020). Threads are derived: two per core (Hyper-Threading, SMT). The model's loader (§4) runs min(workers, hardware threads) workers
// at its default JPEG rate; the AWS instance of the mapping keeps its GPUs, the host its CPUs.
void dle_pytorch_loader(Case& c)
{
    const bool a100 = c.generation == "A100";
    auto host = std::make_shared<InstanceSpec>(*c.config.instance);
    host->vcpus = a100 ? 256 : 80;
    c.workload.loader_workers = a100 ? 16 : 8;
    c.workload.cpu_ms_per_sample = 1000.0 / k_jpeg_loader_images_per_vcpu_s;
    c.config.instance = host.get();
    c.host = std::move(host);
    const std::string note = fmt::format("images decoded on the {}'s {} hardware threads by {} PyTorch loader workers per GPU at {:g} "
                                         "images/s each (configs.yml data_backend pytorch)",
        a100 ? "DGX A100" : "DGX-1", c.host->vcpus, c.workload.loader_workers, k_jpeg_loader_images_per_vcpu_s);
    c.note += (c.note.empty() ? "" : "; ") + note;
}

// NVIDIA's PyTorch BERT (DLE README, pytorch:21.11 tables; changelog January 2022) loads phase 2
// with LDDL's sequence binning, bin size 64 (scripts/run_pretraining.sh: phase2/bin_size_64):
// each micro-batch holds samples of one 64-token bin and is padded only to its longest sample
// (NVIDIA/LDDL README, "Sequence Binning"); phase 1 is unbinned, every batch padded to 128. At
// 512, padding is 48 % of the tokens of English Wikipedia and BooksCorpus (OpenReview 3nzKUh9a4M)
// and over 50 % of Wikipedia (Krell and Kosec, Graphcore, arXiv 2107.02027): 52 % of 512 = 266
// real tokens per sample, plus half a bin of padding, 32 (an estimate: lengths spread evenly
// within a bin) = 298 tokens computed per sample (derived; model.mean_seq_len). Activations keep
// the 512 of the longest sample.
void dle_bert_binned_phase2(Case& c)
{
    Workload& w = c.workload;
    w.max_seq_len = w.seq_len;
    w.seq_len = k_lddl_phase2_tokens;
    set_transformer_flops(w);
    c.note += fmt::format("{}LDDL binning (bin 64): {} tokens computed per sample of at most 512 (derived: Wikipedia's padding at 512, "
                          "48-50 %, plus half a bin)",
        c.note.empty() ? "" : "; ", k_lddl_phase2_tokens);
}

} // namespace

Cases load_cases(const std::string& calibration_csv, const std::string& published_csv, const Catalogue& catalogue)
{
    Cases cases;
    auto add = [&](const std::map<std::string, std::string>& row, bool published) {
        Case c;
        std::string why;
        const bool mapped = published ? map_published_row(row, catalogue, c, why) : map_calibration_row(row, catalogue, c, why);
        if (mapped) {
            if (c.workload.family == "cnn") {
                // Layouts as published: NVIDIA's PyTorch ConvNets run AMP in channels_last and
                // TF32/FP32 in PyTorch's NCHW (configs.yml: memory_format nhwc on the AMP entries
                // only); TensorFlow's default layout is NHWC.
                c.workload.channels_last = c.source == "DLE ResNet-50 TF" || c.source == "DLE EfficientNet TF2" || c.workload.precision == "mixed";
                if (c.source == "DLE ResNet-50" || c.source == "DLE EfficientNet") {
                    dle_pytorch_loader(c);
                }
            }
            if (c.source == "DLE BERT PyTorch" && c.workload.seq_len == 512) {
                dle_bert_binned_phase2(c);
            }
            cases.mapped.push_back(std::move(c));
            return;
        }
        RowResult r;
        r.id = row.at("id");
        r.metric = row.at("metric");
        r.published = number(row.at("value"));
        r.note = why;
        cases.unmapped.push_back(r);
    };
    for (const auto& row : read_csv(calibration_csv)) {
        add(row, false);
    }
    for (const auto& row : read_csv(published_csv)) {
        add(row, true);
    }
    return cases;
}

double evaluate(const Case& c, const Catalogue& catalogue, const EstimateOptions& options)
{
    if (c.collective_bytes > 0) {
        const double seconds = allreduce_seconds(c.collective_bytes, *c.config.instance, c.config.count, c.config.internode_gbps);
        return seconds > 0 ? c.collective_bytes / seconds / 1e9 : 0.0;
    }
    const Estimate e = estimate(c.workload, c.config, catalogue, options);
    const Workload& w = c.workload;
    const double gpus = std::max(1, e.gpus);
    if (c.metric == "images_per_sec" || c.metric == "sequences_per_sec") {
        return e.samples_per_sec;
    }
    if (c.metric == "tokens_per_sec_per_gpu") {
        return e.tokens_per_sec / gpus;
    }
    if (c.metric == "mfu") {
        return e.mfu;
    }
    if (c.metric == "tflops_per_gpu") {
        // Megatron Eq. 3 counts the recompute forward: 96·l·h²·(1 + s/6h + V/16lh) per token.
        const double l = static_cast<double>(w.layers);
        const double h = static_cast<double>(w.hidden);
        const double s = static_cast<double>(w.seq_len);
        const double per_token = 96.0 * l * h * h * (1.0 + s / (6.0 * h) + k_megatron_vocab / (16.0 * l * h));
        return e.tokens_per_sec / gpus * per_token / 1e12;
    }
    if (c.metric == "time_to_train_min") {
        return e.hours * 60.0;
    }
    if (c.metric == "gpu_hours") {
        return e.gpu_hours;
    }
    return 0;
}

namespace {

void set_parameter(ModelConstants& k, const Parameter& p, double value)
{
    k.*(p.member) = value;
    for (const auto member : p.tied) {
        k.*member = value;
    }
}

} // namespace

ModelConstants fit(const std::vector<const Case*>& all, const Catalogue& catalogue, const std::vector<Parameter>& parameters)
{
    std::vector<const Case*> cases;
    std::copy_if(all.begin(), all.end(), std::back_inserter(cases), [](const Case* c) { return c->out_of_scope.empty() && !c->check_only; });
    EstimateOptions options;
    ModelConstants& k = options.constants;
    std::vector<bool> informed(parameters.size(), false);
    for (std::size_t i = 0; i < parameters.size(); ++i) {
        set_parameter(k, parameters[i], parameters[i].prior);
        informed[i] = std::any_of(cases.begin(), cases.end(), [&](const Case* c) { return parameters[i].informs(*c); });
    }
    constexpr int k_steps = 24;
    constexpr int k_sweeps = 3;
    for (int sweep = 0; sweep < k_sweeps; ++sweep) {
        for (std::size_t i = 0; i < parameters.size(); ++i) {
            if (!informed[i]) {
                continue;
            }
            const Parameter& p = parameters[i];
            std::vector<const Case*> relevant;
            std::copy_if(cases.begin(), cases.end(), std::back_inserter(relevant), [&](const Case* c) { return p.informs(*c); });
            // A coarse scan, then a finer one around the best value.
            double low = p.low;
            double high = p.high;
            for (int pass = 0; pass < 2; ++pass) {
                double best = k.*(p.member);
                double best_score = objective(relevant, catalogue, options);
                for (int step = 0; step <= k_steps; ++step) {
                    set_parameter(k, p, low + (high - low) * step / k_steps);
                    const double score = objective(relevant, catalogue, options);
                    if (score < best_score) {
                        best_score = score;
                        best = k.*(p.member);
                    }
                }
                set_parameter(k, p, best);
                const double width = (high - low) / k_steps;
                low = std::max(p.low, best - width);
                high = std::min(p.high, best + width);
            }
        }
    }
    // Constants no row informs: another fitted constant stands in, or the prior stays.
    for (std::size_t i = 0; i < parameters.size(); ++i) {
        if (informed[i] || parameters[i].fallback.empty()) {
            continue;
        }
        for (const auto& other : parameters) {
            if (other.name == parameters[i].fallback) {
                set_parameter(k, parameters[i], k.*(other.member));
            }
        }
    }
    return k;
}

std::vector<RowResult> run(
    const Cases& cases, const Catalogue& catalogue, const ModelConstants& in_force, bool with_loso, std::map<std::string, ModelConstants>* folds)
{
    std::vector<RowResult> results;
    EstimateOptions options;
    options.constants = in_force;
    std::map<std::string, ModelConstants> held_out; // source → constants fitted without it
    if (with_loso) {
        std::set<std::string> sources;
        for (const auto& c : cases.mapped) {
            sources.insert(c.source);
        }
        const auto parameters = model_parameters();
        for (const auto& source : sources) {
            std::vector<const Case*> training;
            for (const auto& c : cases.mapped) {
                if (c.source != source) {
                    training.push_back(&c);
                }
            }
            held_out[source] = fit(training, catalogue, parameters);
        }
    }
    for (const auto& c : cases.mapped) {
        RowResult r;
        r.id = c.id;
        r.source = c.source;
        r.generation = c.generation;
        r.workload_cell = c.workload_cell;
        r.metric = c.metric;
        r.published = c.published;
        r.mapped = true;
        r.out_of_scope = c.out_of_scope;
        r.mapping = c.mapping;
        r.note = c.note;
        r.estimated = evaluate(c, catalogue, options);
        r.error = c.published != 0 ? r.estimated / c.published - 1.0 : 0.0;
        if (with_loso) {
            EstimateOptions loso;
            loso.constants = held_out[c.source];
            r.loso_estimated = evaluate(c, catalogue, loso);
            r.loso_error = c.published != 0 ? r.loso_estimated / c.published - 1.0 : 0.0;
        }
        results.push_back(r);
    }
    results.insert(results.end(), cases.unmapped.begin(), cases.unmapped.end());
    if (folds != nullptr) {
        *folds = held_out;
    }
    return results;
}

namespace {

double peak_or_zero(const GpuSpec& gpu, const char* key)
{
    const auto it = gpu.peak_tflops.find(key);
    return it != gpu.peak_tflops.end() ? it->second : 0.0;
}

} // namespace

std::vector<Parameter> model_parameters()
{
    // The constants of docs/model.md §8, each with the rows that inform it and the prior it
    // keeps when a fit sees none of them.
    auto fp32_rows = [](const Case& c) {
        const GpuSpec* gpu = c.config.instance->gpu_spec;
        const bool tf32_convolutions = c.workload.family == "cnn" && gpu != nullptr && peak_or_zero(*gpu, "tf32") > 0;
        return c.collective_bytes == 0 && c.workload.precision == "fp32" && !tf32_convolutions;
    };
    auto cnn_rows = [](const Case& c) { return c.workload.family == "cnn"; };
    auto slow_path_rows = [](const Case& c) {
        const GpuSpec* gpu = c.config.instance->gpu_spec;
        const bool tf32 = c.workload.precision == "tf32" || (c.workload.precision == "fp32" && gpu != nullptr && peak_or_zero(*gpu, "tf32") > 0);
        const bool tensor_cores = c.workload.precision != "fp32" || tf32;
        return c.workload.family == "cnn" && tensor_cores && (!c.workload.channels_last || tf32);
    };
    auto transformer_rows = [](const Case& c) { return c.workload.family == "transformer"; };
    auto generation_rows = [](const char* generation) {
        return [generation](const Case& c) {
            const GpuSpec* gpu = c.config.instance->gpu_spec;
            return c.collective_bytes == 0 && gpu != nullptr && gpu->generation == generation &&
                (c.workload.precision != "fp32" || (c.workload.family == "cnn" && peak_or_zero(*gpu, "tf32") > 0));
        };
    };
    auto ampere_rows = [](const Case& c) {
        const GpuSpec* gpu = c.config.instance->gpu_spec;
        return c.collective_bytes == 0 && gpu != nullptr && gpu->generation == "ampere" && (c.workload.precision != "fp32" || c.workload.family == "cnn");
    };
    auto attention_rows = [](const Case& c) { return c.workload.attention_flops_per_sample > 0 && c.workload.seq_len >= 16384; };
    auto fp8_rows = [](const Case& c) { return c.workload.precision == "fp8"; };
    return {
        {"tensor_efficiency", &ModelConstants::tensor_efficiency, 0.25, 0.85, 0.5, ampere_rows, "", {}},
        {"tensor_efficiency_volta", &ModelConstants::tensor_efficiency_volta, 0.25, 0.85, 0.5, generation_rows("volta"), "tensor_efficiency", {}},
        {"tensor_efficiency_hopper", &ModelConstants::tensor_efficiency_hopper, 0.25, 0.85, 0.5, generation_rows("hopper"), "tensor_efficiency", {}},
        {"tensor_efficiency_trainium", &ModelConstants::tensor_efficiency_trainium, 0.15, 0.85, 0.5, generation_rows("trainium"), "tensor_efficiency", {}},
        {"simt_efficiency", &ModelConstants::simt_efficiency, 0.40, 1.00, 0.7, fp32_rows, "", {}},
        {"attention_efficiency", &ModelConstants::attention_efficiency, 0.2, 1.5, 1.0, attention_rows, "", {}},
        {"fp8_efficiency", &ModelConstants::fp8_efficiency, 0.3, 1.2, 1.0, fp8_rows, "", {}},
        {"cnn_traffic", &ModelConstants::cnn_traffic, 0.0, 40.0, 10.0, cnn_rows, "", {}},
        {"cnn_slow_path_traffic", &ModelConstants::cnn_slow_path_traffic, 0.0, 16.0, 6.0, slow_path_rows, "", {}},
        {"transformer_traffic", &ModelConstants::transformer_traffic, 0.0, 12.0, 4.0, transformer_rows, "", {}},
    };
}

Summary summarize(const std::vector<RowResult>& results)
{
    Summary summary;
    std::vector<double> errors;
    std::vector<double> loso;
    for (const auto& r : results) {
        if (!r.mapped) {
            ++summary.unmapped;
            continue;
        }
        if (!r.out_of_scope.empty()) {
            ++summary.out_of_scope;
            continue;
        }
        ++summary.mapped;
        errors.push_back(std::fabs(r.error));
        loso.push_back(std::fabs(r.loso_error));
        if (std::fabs(r.error) > summary.worst_abs_error) {
            summary.worst_abs_error = std::fabs(r.error);
            summary.worst_id = r.id;
        }
        if (std::fabs(r.loso_error) > summary.loso_worst_abs_error) {
            summary.loso_worst_abs_error = std::fabs(r.loso_error);
            summary.loso_worst_id = r.id;
        }
    }
    summary.median_abs_error = median(errors);
    summary.loso_median_abs_error = median(loso);
    return summary;
}

namespace {

// One table: median bias and median |error| (leave-one-source-out) per generation × workload cell.
std::string cell_table(const std::vector<RowResult>& results)
{
    const std::vector<std::string> generations = {"V100", "A100", "H100/H200", "L4/L40S/A10G", "Trainium"};
    const std::vector<std::string> workloads = {"CNN", "BERT", "LLM one node", "LLM multi-node", "long context", "MoE", "FP8", "collective"};
    std::string out = "| generation |";
    std::string rule = "|---|";
    for (const auto& w : workloads) {
        out += " " + w + " |";
        rule += "---:|";
    }
    out += " all |\n" + rule + "---:|\n";
    auto cell = [&](const std::string& g, const std::string& w) {
        std::vector<double> bias;
        std::vector<double> abs;
        for (const auto& r : results) {
            if (r.mapped && r.out_of_scope.empty() && (g.empty() || r.generation == g) && (w.empty() || r.workload_cell == w)) {
                bias.push_back(r.loso_error);
                abs.push_back(std::fabs(r.loso_error));
            }
        }
        return bias.empty() ? std::string("–") : fmt::format("{:+.0f} / {:.0f} ({})", 100.0 * median(bias), 100.0 * median(abs), bias.size());
    };
    for (const auto& g : generations) {
        out += "| " + g + " |";
        for (const auto& w : workloads) {
            out += " " + cell(g, w) + " |";
        }
        out += " " + cell(g, "") + " |\n";
    }
    out += "| all |";
    for (const auto& w : workloads) {
        out += " " + cell("", w) + " |";
    }
    out += " " + cell("", "") + " |\n";
    return out;
}

std::string constants_text(const ModelConstants& k)
{
    std::string out = "| constant | value |\n|---|---:|\n";
    for (const auto& p : model_parameters()) {
        out += fmt::format("| `{}` | {:.4g} |\n", p.name, k.*(p.member));
    }
    return out;
}

// The constants each leave-one-source-out fold found: how much each depends on one source.
std::string folds_text(const std::map<std::string, ModelConstants>& folds)
{
    if (folds.empty()) {
        return "";
    }
    const auto parameters = model_parameters();
    std::string out = "Fitted without each source in turn (the constants its rows were predicted with):\n\n| left out |";
    std::string rule = "|---|";
    for (const auto& p : parameters) {
        out += " `" + p.name + "` |";
        rule += "---:|";
    }
    out += "\n" + rule + "\n";
    for (const auto& [source, k] : folds) {
        out += "| " + source + " |";
        for (const auto& p : parameters) {
            out += fmt::format(" {:.3g} |", k.*(p.member));
        }
        out += "\n";
    }
    return out;
}

} // namespace

std::string accuracy_markdown(
    const std::vector<RowResult>& results, const ModelConstants& constants, const std::map<std::string, ModelConstants>& folds, const std::string& gbdt_section)
{
    const Summary s = summarize(results);
    std::ostringstream out;
    out << "# Accuracy of the estimator\n\n"
        << "Generated by `scripts/accuracy` from `../shared/facts/calibration.csv` and `tests/accuracy/published.csv`; do not\n"
        << "edit by hand (a test fails when this file is stale). The model and its calibration are described in docs/model.md.\n\n";
    out << fmt::format("**{} rows mapped to AWS ({} more estimated but outside the summary), {} not mapped. Leave-one-source-out: median |error| {:.1f} %, "
                       "worst {:.1f} % ({}).**\n"
                       "With the constants fitted on every row: median {:.1f} %, worst {:.1f} % ({}). Targets (issue 17): leave-one-source-out\n"
                       "median ≤ 15 %, worst ≤ 40 %, no cell's median bias beyond ±10 %.\n\n",
        s.mapped, s.out_of_scope, s.unmapped, 100.0 * s.loso_median_abs_error, 100.0 * s.loso_worst_abs_error, s.loso_worst_id, 100.0 * s.median_abs_error,
        100.0 * s.worst_abs_error, s.worst_id);
    out << "## Leave-one-source-out error by cell\n\n"
        << "Each source (one publication: a README table, a paper) is left out in turn: the constants are fitted on every other\n"
        << "source and the left-out rows are predicted. Cells give median bias / median |error| in % (rows).\n\n"
        << cell_table(results) << "\n";
    out << "## Constants in force\n\nFitted on every mapped row (docs/model.md §8 says what each means and how it is fitted):\n\n"
        << constants_text(constants) << "\n"
        << folds_text(folds) << "\n";
    out << "## Mapping\n\n"
        << "- GPU to instance: A100 80GB (and Selene / DGX A100 rows) → p4de.24xlarge, A100 40GB → p4d.24xlarge, H100 → p5.48xlarge,\n"
        << "  V100 16GB → p3.2xlarge (1 GPU) or p3.16xlarge, V100 32GB (DGX-1 and DGX-2) → p3dn.24xlarge, Trainium → trn1.32xlarge.\n"
        << "  A single-GPU row uses 1 GPU of the 8-GPU instance; a DGX-2 (16 GPUs on NVSwitch) becomes two p3dn.24xlarge.\n"
        << "- Network: each row runs on the fabric it was measured on. Rows measured on AWS (p5, trn1, the nccl-tests rows) use the\n"
        << "  instance's own EFA; DGX A100 clusters (Selene, MosaicML's RoCE cluster, assumed for Meta's) 1600 Gbit/s per 8 GPUs;\n"
        << "  DGX-2H 8 x 100 Gbit/s EDR per 16 GPUs (400 per 8; from NVIDIA's DGX-2 datasheet as recalled, not in the stored\n"
        << "  sources); the two halves of one DGX-2 talk over NVSwitch. H100 clusters (DGX H100, MosaicML) have 3200 Gbit/s like p5.\n"
        << "- Input: the published runs read from local disk or RAM, so storage is not modelled in these rows. NVIDIA's PyTorch\n"
        << "  ConvNets rows (DLE ResNet-50, DLE EfficientNet) decode JPEGs on the host CPU (configs.yml data_backend pytorch, 8\n"
        << "  loader workers per GPU on DGX-1, 16 on DGX A100 when the tables were published): they run the model's CPU loader\n"
        << "  (133 images/s per worker, §4) on the DGX's own hardware threads (80 and 256); every other row tests compute and\n"
        << "  communication only (TensorFlow's ConvNets read TFRecords through tf.data's C++ threads, DALI optional: a loader\n"
        << "  the model does not describe).\n"
        << "- Parallelism as published: Megatron tensor/pipeline degrees from the row (MP = TP × PP, TP ≤ 8; Megatron-Core with\n"
        << "  its distributed optimizer, ZeRO-1), ZeRO-3 / FSDP for the DeepSpeed, llm-foundry, LLaMA and torchtitan rows, ZeRO-2\n"
        << "  for llm-foundry's SHARD_GRAD_OP rows; recompute where the row says activation checkpointing. Micro-batch: the\n"
        << "  published one where the source gives it, else the model's choice (the largest that fits); each row says which.\n"
        << "  CNN layouts as published: NVIDIA's PyTorch ConvNets run AMP in channels_last and TF32/FP32 in NCHW (configs.yml),\n"
        << "  TensorFlow in NHWC.\n"
        << "  NVIDIA's BERT code (DLE BERT PyTorch and TF2) all-reduces the accumulated gradients after the last micro-batch,\n"
        << "  not during its backward, so those rows charge the all-reduce in full when they accumulate (docs/model.md §3).\n"
        << "- Mixtures of experts (Megatron MoE Model Zoo, Qwen3-235B-A22B on 256 H100): FLOPs of the active parameters, the\n"
        << "  experts' share E·(N − N_active)/(E − k), the published expert-parallel degree, balanced routing (the published\n"
        << "  EP32 command forces it, as the Model Zoo does \"for benchmark only\"; the other rows do not say), the published\n"
        << "  dispatcher (DeepEP: a token crosses to each node once, then NVLink; else NCCL all-to-all), the published pipeline\n"
        << "  split (the embedding and the output layer take a layer's place each: --account-for-embedding-in-pipeline-split,\n"
        << "  --account-for-loss-in-pipeline-split), attention scores over 64 heads of 128 (twice the 4096 residual width);\n"
        << "  selective recompute (norm, activation) is mapped to none; the published virtual pipeline stages (VPP, the\n"
        << "  interleaved schedule's smaller bubble, training.virtual_pipeline).\n"
        << "  The 1F1B all-to-all overlap row runs with training.moe_a2a_overlap.\n"
        << "  These rows are predicted and summarised but inform no constant:\n"
        << "  their MoE-specific costs would otherwise move the efficiency of every H100 plan.\n"
        << "- Trainium rows give tensor parallelism in NeuronCores; a Trainium chip has two, so TP=32 NeuronCores is 16 chips.\n"
        << "- Metrics: samples/s and tokens/s compare directly; `mfu` compares with the estimate's MFU (6N + attention FLOPs per token,\n"
        << "  llm-foundry's accounting; Megatron-Core counts slightly differently); `tflops_per_gpu` rows (Megatron, MT-NLG) are\n"
        << "  compared after converting the estimated tokens/s with the paper's Eq. 3 (which counts the recompute forward);\n"
        << "  `time_to_train_min` and `gpu_hours` are steady-state training time (no evaluation, warm-up or checkpoints);\n"
        << "  `allreduce_algbw_gb_s` is nccl-tests' algorithm bandwidth of one all-reduce.\n"
        << "- Transformer shapes not in profiles/models.json or the row are derived from the parameter count with hidden/layers = 128.\n\n";
    out << "## Rows\n\nLOSO: estimated with the constants fitted without the row's source.\n\n"
        << "| id | source | cell | metric | published | estimated | error | LOSO error | AWS configuration | notes |\n"
        << "|---|---|---|---|---:|---:|---:|---:|---|---|\n";
    for (const auto& r : results) {
        if (r.mapped && r.out_of_scope.empty()) {
            out << fmt::format("| {} | {} | {}, {} | {} | {:.4g} | {:.4g} | {:+.1f} % | {:+.1f} % | {} | {} |\n", r.id, r.source, r.generation, r.workload_cell,
                r.metric, r.published, r.estimated, 100.0 * r.error, 100.0 * r.loso_error, r.mapping, r.note);
        }
    }
    out << "\n## Rows estimated but outside the summary\n\nMapped and estimated like the others, shown with their error, and left out of the\n"
        << "medians, the worst row and the cells for the reason given.\n\n"
        << "| id | metric | published | estimated | error | LOSO error | AWS configuration | why outside |\n|---|---|---:|---:|---:|---:|---|---|\n";
    for (const auto& r : results) {
        if (r.mapped && !r.out_of_scope.empty()) {
            out << fmt::format("| {} | {} | {:.4g} | {:.4g} | {:+.1f} % | {:+.1f} % | {} | {} |\n", r.id, r.metric, r.published, r.estimated, 100.0 * r.error,
                100.0 * r.loso_error, r.mapping, r.out_of_scope);
        }
    }
    out << "\n## Rows that do not map\n\n| id | metric | published | why |\n|---|---|---:|---|\n";
    for (const auto& r : results) {
        if (!r.mapped) {
            out << fmt::format("| {} | {} | {:.4g} | {} |\n", r.id, r.metric, r.published, r.note);
        }
    }
    if (!gbdt_section.empty()) {
        out << "\n" << gbdt_section;
    }
    return out.str();
}

} // namespace mlscale::accuracy
