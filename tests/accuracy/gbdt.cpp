// Gradient boosting against published training times (docs/model.md §10).
#include "gbdt.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>

#include "mlscale/catalogue.hpp"

namespace mlscale::accuracy {

namespace {

std::vector<std::string> split(const std::string& line)
{
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false;
    for (const char c : line) {
        if (c == '"') {
            quoted = !quoted;
        } else if (c == ',' && !quoted) {
            fields.push_back(field);
            field.clear();
        } else if (c != '\r') {
            field += c;
        }
    }
    fields.push_back(field);
    return fields;
}

struct GbdtParameter {
    const char* name;
    double ModelConstants::*member;
    double low;
    double high;
    bool log_scale;
};

const std::vector<GbdtParameter>& parameters()
{
    static const std::vector<GbdtParameter> list = {
        {"gbdt_xgboost_core_rate", &ModelConstants::gbdt_xgboost_core_rate, 5e7, 5e9, true},
        {"gbdt_lightgbm_core_rate", &ModelConstants::gbdt_lightgbm_core_rate, 5e7, 5e9, true},
        {"gbdt_cpu_tree_s", &ModelConstants::gbdt_cpu_tree_s, 0.0, 0.05, false},
        {"gbdt_gpu_rate", &ModelConstants::gbdt_gpu_rate, 1e9, 1e11, true},
        {"gbdt_gpu_tree_s", &ModelConstants::gbdt_gpu_tree_s, 0.0, 0.05, false},
    };
    return list;
}

double predict(const GbdtCase& c, const ModelConstants& k)
{
    const Catalogue& catalogue = builtin_catalogue();
    const InstanceSpec* instance = c.device == "gpu" ? catalogue.find_instance(c.instance) : nullptr;
    const GpuSpec* gpu = instance != nullptr ? instance->gpu_spec : nullptr;
    return gbdt_train_seconds(c.workload, c.physical_cores, gpu, gpu != nullptr ? 1 : 0, 1, k);
}

double objective(const std::vector<const GbdtCase*>& cases, const ModelConstants& k)
{
    double sum = 0;
    for (const GbdtCase* c : cases) {
        const double estimated = predict(*c, k);
        sum += estimated > 0 ? std::fabs(std::log(estimated / c->published_s)) : 5.0;
    }
    return cases.empty() ? 0.0 : sum / static_cast<double>(cases.size());
}

ModelConstants fit_subset(const std::vector<const GbdtCase*>& cases)
{
    ModelConstants k;
    const bool has_cpu = std::any_of(cases.begin(), cases.end(), [](const GbdtCase* c) { return c->device == "cpu"; });
    const bool has_gpu = std::any_of(cases.begin(), cases.end(), [](const GbdtCase* c) { return c->device == "gpu"; });
    constexpr int k_steps = 40;
    for (int sweep = 0; sweep < 3; ++sweep) {
        for (const auto& p : parameters()) {
            const bool gpu_parameter = std::string(p.name).find("gpu") != std::string::npos;
            if ((gpu_parameter && !has_gpu) || (!gpu_parameter && !has_cpu)) {
                continue; // no row informs it: the default stays
            }
            double best = k.*(p.member);
            double best_score = objective(cases, k);
            for (int step = 0; step <= k_steps; ++step) {
                const double t = static_cast<double>(step) / k_steps;
                k.*(p.member) = p.log_scale ? p.low * std::pow(p.high / p.low, t) : p.low + (p.high - p.low) * t;
                const double score = objective(cases, k);
                if (score < best_score) {
                    best_score = score;
                    best = k.*(p.member);
                }
            }
            k.*(p.member) = best;
        }
    }
    return k;
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

} // namespace

std::vector<GbdtCase> load_gbdt_cases(const std::string& csv_path)
{
    std::vector<GbdtCase> cases;
    std::ifstream in(csv_path);
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
        const auto f = split(line);
        if (f.size() < 14) {
            continue;
        }
        GbdtCase c;
        c.id = f[0];
        c.source = f[1];
        c.workload.family = "gbdt";
        c.workload.gbdt_library = f[4];
        c.device = f[5];
        c.instance = f[6];
        c.physical_cores = std::stod(f[7]);
        c.workload.samples_per_epoch = std::stod(f[8]);
        c.workload.gbdt_features = std::stod(f[9]);
        c.workload.gbdt_trees = std::stod(f[10]);
        c.workload.gbdt_depth = std::stod(f[11]);
        c.published_s = std::stod(f[12]);
        c.note = f[13];
        cases.push_back(c);
    }
    return cases;
}

ModelConstants fit_gbdt(const std::vector<GbdtCase>& cases)
{
    std::vector<const GbdtCase*> all;
    for (const auto& c : cases) {
        all.push_back(&c);
    }
    return fit_subset(all);
}

std::string gbdt_constants_text(const ModelConstants& k)
{
    std::string out;
    for (const auto& p : parameters()) {
        out += fmt::format("{} {:.4g}\n", p.name, k.*(p.member));
    }
    return out;
}

std::string gbdt_markdown(const std::vector<GbdtCase>& cases)
{
    std::set<std::string> sources;
    for (const auto& c : cases) {
        sources.insert(c.source);
    }
    std::map<std::string, ModelConstants> held_out;
    for (const auto& source : sources) {
        std::vector<const GbdtCase*> training;
        for (const auto& c : cases) {
            if (c.source != source) {
                training.push_back(&c);
            }
        }
        held_out[source] = fit_subset(training);
    }
    const ModelConstants in_force;
    std::string rows;
    std::vector<double> errors;
    std::vector<double> loso;
    for (const auto& c : cases) {
        const double estimated = predict(c, in_force);
        const double held = predict(c, held_out[c.source]);
        errors.push_back(std::fabs(estimated / c.published_s - 1.0));
        loso.push_back(std::fabs(held / c.published_s - 1.0));
        rows += fmt::format("| {} | {} | {} {} | {:g} x {:g} x {:g} trees x {:g} levels | {:.4g} | {:.4g} | {:+.1f} % | {:+.1f} % |\n", c.id, c.source,
            c.device, c.device == "gpu" ? c.instance : fmt::format("{:g} cores", c.physical_cores), c.workload.samples_per_epoch, c.workload.gbdt_features,
            c.workload.gbdt_trees, c.workload.gbdt_depth, c.published_s, estimated, 100.0 * (estimated / c.published_s - 1.0),
            100.0 * (held / c.published_s - 1.0));
    }
    std::string out = "## Gradient boosting\n\n";
    out += fmt::format(
        "Training time of XGBoost (hist, gpu_hist) and LightGBM against `tests/accuracy/gbdt.csv` (docs/model.md §10).\n"
        "**{} rows. Leave-one-source-out median |error| {:.1f} %, worst {:.1f} %; with the constants in force median {:.1f} %, worst {:.1f} %.**\n\n",
        cases.size(), 100.0 * median(loso), 100.0 * *std::max_element(loso.begin(), loso.end()), 100.0 * median(errors),
        100.0 * *std::max_element(errors.begin(), errors.end()));
    out += "| constant | value |\n|---|---:|\n";
    for (const auto& p : parameters()) {
        out += fmt::format("| `{}` | {:.4g} |\n", p.name, in_force.*(p.member));
    }
    out += "\n| id | source | hardware | rows x features x trees x levels | published s | estimated s | error | LOSO error |\n"
           "|---|---|---|---|---:|---:|---:|---:|\n" +
        rows;
    return out;
}

} // namespace mlscale::accuracy
