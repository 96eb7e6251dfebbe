// Mapping published measurements to AWS configurations and comparing the estimator with them.
// Every mapping rule is stated here once and printed with each row in docs/accuracy.md.
#include "calibration.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/format.h>

namespace mlscale::accuracy {

namespace {

// Inter-node bandwidth of the non-AWS clusters behind the A100/V100 rows (DGX A100 Selene,
// MosaicML's A100 cluster, DGX-2): 200 GB/s per node of 8 GPUs = 1600 Gbit/s
// (llm-analysis gpu_configs inter-node bandwidth, formulas.md §4.1; "1600 Gbps RoCE" in the
// MosaicML rows). H100 rows need none: p5 has 3200 Gbit/s like DGX H100.
constexpr double k_dgx_fabric_gbps = 1600;
// Vocabulary of the Megatron GPT rows for Eq. 3 (stated in the megatron21-1.7b row).
constexpr double k_megatron_vocab = 51200;
// Transformer shape when the row does not give it: hidden/layers = 128 (GPT-3 175B: 12288/96),
// N = 12·l·h² ⇒ h = (128·N/12)^(1/3); heads = h/128.
constexpr double k_aspect = 128;

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

struct Row {
    std::string id, model, workload, gpu, precision, metric, framework, notes;
    double params_millions = 0, value = 0, global_batch = 0;
    int gpus_per_node = 0, nodes = 0;
};

std::string precision_of(const std::string& text)
{
    if (contains(text, "FP8")) {
        return "fp8";
    }
    if (contains(text, "TF32")) {
        return "tf32";
    }
    if (contains(text, "FP32")) {
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

std::string why_unmapped(const Row& row)
{
    if (contains(row.metric, "speedup")) {
        return "a speed-up of one communication library over another; the estimator models one stack";
    }
    if (contains(row.id, "mlperf")) {
        return "time to a target accuracy: the number of epochs to converge is not in the row";
    }
    if (contains(row.gpu, "TPU")) {
        return "TPU v4: not an AWS accelerator";
    }
    if (row.nodes == 0 && row.metric != "gpu_hours") {
        return "cluster size not given (and the row is marked UNVERIFIED)";
    }
    return "";
}

} // namespace

std::vector<RowResult> run_calibration(const std::string& csv_path, const Catalogue& catalogue, const EstimateOptions& options)
{
    std::vector<RowResult> results;
    std::ifstream in(csv_path);
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
        if (line.empty()) {
            continue;
        }
        const auto f = split_csv_line(line);
        if (f.size() < 13) {
            continue;
        }
        Row row;
        row.id = f[0];
        row.model = f[1];
        row.params_millions = number(f[2]);
        row.workload = f[3];
        row.gpu = f[4];
        row.gpus_per_node = static_cast<int>(number(f[5]));
        row.nodes = static_cast<int>(number(f[6]));
        row.precision = f[7];
        row.global_batch = number(f[8]);
        row.metric = f[9];
        row.value = number(f[10]);
        row.framework = f[11];
        for (std::size_t i = 13; i < f.size(); ++i) {
            row.notes += (i > 13 ? "," : "") + f[i];
        }

        RowResult result;
        result.id = row.id;
        result.metric = row.metric;
        result.published = row.value;
        const int total = std::max(1, row.gpus_per_node * std::max(row.nodes, 1));
        const std::string instance_name = instance_for(row.gpu, total);
        result.note = why_unmapped(row);
        if (instance_name.empty() && result.note.empty()) {
            result.note = "GPU not offered on AWS";
        }
        if (!result.note.empty()) {
            results.push_back(result);
            continue;
        }
        const InstanceSpec* instance = catalogue.find_instance(instance_name);

        // The workload.
        Workload w;
        w.precision = precision_of(row.precision);
        w.optimizer = "adam";
        w.params = row.params_millions * 1e6;
        std::vector<std::string> notes;
        const bool cnn = contains(row.model, "ResNet");
        if (cnn) {
            const ModelSpec* spec = catalogue.find_model("resnet50");
            w.family = "cnn";
            w.linear_flops_per_sample = spec->forward_gflops.value_or(0) * 1e9;
            w.optimizer = "sgd";
        } else {
            w.family = "transformer";
            w.seq_len = match_int(row.workload, R"(seq (\d+))", 2048);
            const ModelSpec* spec = contains(row.model, "BERT")        ? catalogue.find_model("bert-large")
                                    : contains(row.model, "Llama-3-8B") ? catalogue.find_model("llama-3-8b")
                                                                         : nullptr;
            if (spec != nullptr) {
                w.layers = spec->layers.value_or(0);
                w.hidden = spec->hidden.value_or(0);
                w.heads = spec->heads.value_or(0);
                if (contains(row.model, "Llama-3")) {
                    w.seq_len = spec->seq_len.value_or(w.seq_len);
                }
                notes.push_back(fmt::format("shape of {} from profiles/models.json", spec->name));
            } else {
                const double h = std::cbrt(k_aspect * w.params / 12.0);
                w.hidden = static_cast<std::int64_t>(std::round(h / 128.0) * 128.0);
                w.layers = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::round(w.params / (12.0 * static_cast<double>(w.hidden * w.hidden)))));
                w.heads = w.hidden / 128;
                notes.push_back(fmt::format("shape derived (h {}, {} layers)", w.hidden, w.layers));
            }
            const double tokens = static_cast<double>(w.seq_len);
            w.linear_flops_per_sample = 2.0 * w.params * tokens;
            w.attention_flops_per_sample = 4.0 * static_cast<double>(w.layers * w.hidden) * tokens * tokens;
        }
        w.global_batch = row.global_batch;
        if (w.global_batch <= 0) {
            w.global_batch = cnn ? 256.0 * total : std::round(4194304.0 / static_cast<double>(w.seq_len));
        }

        // The configuration.
        Config config;
        config.instance = instance;
        config.gpus_per_instance = std::min(total, instance->gpu_count);
        config.count = std::max(1, total / instance->gpu_count);
        config.storage = "instance-store";
        const std::string text = row.notes + " " + row.framework;
        Parallelism& par = config.parallelism;
        if (contains(row.id, "megatron21") || contains(row.id, "mtnlg") || contains(row.id, "korthikanti") || contains(row.id, "mcore")) {
            int mp = match_int(text, R"(MP=(\d+))", 0);
            int tp = match_int(text, R"(TP(\d+))", mp > 0 ? std::min(8, mp) : 8);
            int pp = match_int(text, R"(PP(\d+))", mp > 0 ? std::max(1, mp / tp) : 1);
            if (contains(row.id, "megatron21-t2-175b")) { // MP=96 = TP8 x PP12, as stated in the 384-GPU row
                tp = 8;
                pp = 12;
            }
            if (contains(row.id, "mtnlg")) { // Smith et al. 2022: 8-way tensor, 35-way pipeline
                tp = 8;
                pp = 35;
            }
            if (contains(text, "ZeRO-3")) {
                par.mode = "sharded";
                par.zero_stage = 3;
                par.micro_batch = match_int(text, R"(microbatch (\d+))", 1);
                tp = 1;
                pp = 1;
            } else {
                par.mode = "model";
                par.micro_batch = 1;
            }
            par.tensor = tp;
            par.pipeline = pp;
            w.recompute = contains(row.id, "megatron21") || contains(row.id, "mtnlg");
        } else if (!cnn && !contains(row.model, "BERT")) {
            par.mode = "sharded"; // FSDP FULL_SHARD (llm-foundry), Meta's and torchtitan's FSDP
            par.zero_stage = 3;
            w.recompute = contains(text, "act. ckpt") || contains(text, "activation ckpt");
            if (contains(row.id, "llama-65b")) {
                par.tensor = 8; // LLaMA: model and sequence parallelism besides sharding (Touvron et al. 2023)
                w.recompute = false; // its checkpointing is selective (keeps the linear layers' outputs)
                notes.push_back("LLaMA's selective checkpointing: no recompute of the matmuls");
            }
        }
        if (contains(row.id, "mpt-h100-70b-64")) {
            par.micro_batch = 8; // llm-foundry README H100 table
        } else if (contains(row.id, "mpt-h100-30b-8")) {
            par.micro_batch = 3;
        } else if (contains(row.id, "mpt-h100-7b-8")) {
            par.micro_batch = 6;
        } else if (contains(row.id, "mpt-h100-3b-8-fp8")) {
            par.micro_batch = 10;
        }
        if (contains(row.id, "mpt-h100-70b-64")) {
            w.recompute = true; // README: Activation Checkpointing True
        }
        if (row.metric == "time_to_train_min" || row.metric == "gpu_hours") {
            const double epochs = match_int(row.workload, R"((\d+) epochs)", 0);
            if (epochs > 0) {
                w.samples_per_run = epochs * 1281167.0; // ImageNet-1k train images (formulas.md §1.2)
            } else {
                const double trillions = contains(row.workload, "1.0T") ? 1.0 : 1.4;
                w.samples_per_run = trillions * 1e12 / static_cast<double>(w.seq_len);
            }
            if (row.nodes == 0) {
                config.count = 32;
                notes.push_back("cluster size not given: 32 instances assumed (GPU-hours hardly depend on it)");
            }
        }

        const bool aws = contains(row.gpu, "p5.48xlarge") || contains(row.gpu, "p3dn") || contains(row.id, "torchtitan");
        const bool h100 = contains(row.gpu, "H100");
        if (!aws && !h100 && config.count > 1) {
            config.internode_gbps = k_dgx_fabric_gbps * config.gpus_per_instance / 8.0;
        }
        const Estimate e = estimate(w, config, catalogue, options);
        const double gpus = e.gpus;
        double estimated = 0;
        if (row.metric == "images_per_sec" || row.metric == "sequences_per_sec") {
            estimated = e.samples_per_sec;
        } else if (row.metric == "tokens_per_sec_per_gpu") {
            estimated = e.tokens_per_sec / gpus;
        } else if (row.metric == "mfu") {
            estimated = e.mfu;
        } else if (row.metric == "tflops_per_gpu") {
            // Megatron Eq. 3 counts the recompute forward: 96·l·h²·(1 + s/6h + V/16lh) per token.
            const double l = static_cast<double>(w.layers);
            const double h = static_cast<double>(w.hidden);
            const double s = static_cast<double>(w.seq_len);
            const double per_token = 96.0 * l * h * h * (1.0 + s / (6.0 * h) + k_megatron_vocab / (16.0 * l * h));
            estimated = e.tokens_per_sec / gpus * per_token / 1e12;
            notes.push_back("estimate converted with Megatron Eq. 3");
        } else if (row.metric == "time_to_train_min") {
            estimated = e.hours * 60.0;
        } else if (row.metric == "gpu_hours") {
            estimated = e.gpu_hours;
        }
        result.mapped = true;
        result.estimated = estimated;
        result.error = row.value != 0 ? estimated / row.value - 1.0 : 0.0;
        std::string mapping = fmt::format("{} x {}", config.count, instance_name);
        if (config.gpus_per_instance < instance->gpu_count) {
            mapping += fmt::format(" ({} of {} GPUs)", config.gpus_per_instance, instance->gpu_count);
        }
        if (par.mode == "model") {
            mapping += fmt::format(", TP{} PP{}", par.tensor, par.pipeline);
        } else if (par.mode == "sharded") {
            mapping += ", ZeRO-3";
        }
        mapping += fmt::format(", {}", w.precision);
        if (w.recompute) {
            mapping += ", recompute";
        }
        if (config.internode_gbps > 0) {
            mapping += fmt::format(", fabric {:g} Gbit/s", config.internode_gbps);
        }
        result.mapping = mapping;
        std::string joined;
        for (const auto& note : notes) {
            joined += (joined.empty() ? "" : "; ") + note;
        }
        result.note = joined;
        results.push_back(result);
    }
    return results;
}

Summary summarize(const std::vector<RowResult>& results)
{
    Summary summary;
    std::vector<double> errors;
    for (const auto& r : results) {
        if (!r.mapped) {
            ++summary.unmapped;
            continue;
        }
        ++summary.mapped;
        errors.push_back(std::fabs(r.error));
        if (std::fabs(r.error) > summary.worst_abs_error) {
            summary.worst_abs_error = std::fabs(r.error);
            summary.worst_id = r.id;
        }
    }
    if (!errors.empty()) {
        std::sort(errors.begin(), errors.end());
        const std::size_t n = errors.size();
        summary.median_abs_error = n % 2 == 1 ? errors[n / 2] : (errors[n / 2 - 1] + errors[n / 2]) / 2.0;
    }
    return summary;
}

std::string accuracy_markdown(const std::vector<RowResult>& results, const EstimateOptions& options)
{
    const Summary s = summarize(results);
    std::ostringstream out;
    out << "# Accuracy of the estimator\n\n"
        << "Generated by `scripts/accuracy` from `../shared/facts/calibration.csv`; do not edit by hand (a test fails when this\n"
        << "file is stale). The model and its calibration are described in docs/model.md.\n\n";
    out << fmt::format("**{} rows mapped to AWS, {} not mapped. Median |error| {:.1f} %, worst {:.1f} % ({}).** Limits: median ≤ 20 %,\n"
                       "every row ≤ 50 %.\n\n",
        s.mapped, s.unmapped, 100.0 * s.median_abs_error, 100.0 * s.worst_abs_error, s.worst_id);
    out << fmt::format("Constants in force: tensor efficiency {:g}, SIMT efficiency {:g}, CNN traffic {:g} B/FLOP per activation byte, "
                       "transformer traffic {:g} × 34·h bytes per token per layer.\n\n",
        options.constants.tensor_efficiency, options.constants.simt_efficiency, options.constants.cnn_bytes_per_flop,
        options.constants.transformer_traffic);
    out << "## Mapping\n\n"
        << "- GPU to instance: A100 80GB (and Selene / DGX A100 rows) → p4de.24xlarge, A100 40GB → p4d.24xlarge, H100 → p5.48xlarge,\n"
        << "  V100 16GB → p3.2xlarge (1 GPU) or p3.16xlarge, V100 32GB (DGX-1 and DGX-2) → p3dn.24xlarge. A single-GPU row uses 1 GPU of\n"
        << "  the 8-GPU instance; a DGX-2 (16 GPUs on NVSwitch) becomes two p3dn.24xlarge.\n"
        << "- Network: rows measured on InfiniBand/RoCE clusters with A100 or V100 use that fabric, 1600 Gbit/s per 8 GPUs\n"
        << "  (llm-analysis inter-node 200 GB/s; \"1600 Gbps RoCE\" in the MosaicML rows), not p4de's 400 Gbit/s EFA: the test checks\n"
        << "  the physics on the hardware that was measured. H100 rows need no override (p5: 3200 Gbit/s like DGX H100).\n"
        << "- Input: the published runs read from local disk or RAM with GPU decoding (DALI), so storage and CPU are not modelled in\n"
        << "  these rows: they test compute and communication.\n"
        << "- Parallelism as published: Megatron tensor/pipeline degrees from the row (MP = TP × PP, TP ≤ 8), micro-batch 1; ZeRO-3 /\n"
        << "  FSDP for the DeepSpeed, llm-foundry, LLaMA and torchtitan rows; recompute where the row says activation checkpointing\n"
        << "  (Megatron 2021 rows count it in their TFLOP/s).\n"
        << "- Metrics: samples/s and tokens/s compare directly; `mfu` compares with the estimate's MFU (6N + attention FLOPs per token,\n"
        << "  llm-foundry's accounting; Megatron-Core counts slightly differently); `tflops_per_gpu` rows (Megatron, MT-NLG) are\n"
        << "  compared after converting the estimated tokens/s with the paper's Eq. 3 (which counts the recompute forward);\n"
        << "  `time_to_train_min` and `gpu_hours` are steady-state training time (no evaluation, warm-up or checkpoints).\n"
        << "- Transformer shapes not in profiles/models.json are derived from the parameter count with hidden/layers = 128.\n\n";
    out << "## Rows\n\n| id | metric | published | estimated | error | AWS configuration | notes |\n|---|---|---:|---:|---:|---|---|\n";
    for (const auto& r : results) {
        if (r.mapped) {
            out << fmt::format("| {} | {} | {:.4g} | {:.4g} | {:+.1f} % | {} | {} |\n", r.id, r.metric, r.published, r.estimated, 100.0 * r.error,
                r.mapping, r.note);
        }
    }
    out << "\n## Rows that do not map\n\n| id | metric | published | why |\n|---|---|---:|---|\n";
    for (const auto& r : results) {
        if (!r.mapped) {
            out << fmt::format("| {} | {} | {:.4g} | {} |\n", r.id, r.metric, r.published, r.note);
        }
    }
    return out.str();
}

} // namespace mlscale::accuracy
