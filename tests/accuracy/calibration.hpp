// The accuracy harness: maps each published measurement (../shared/facts/calibration.csv and the
// project's tests/accuracy/published.csv) to an AWS configuration, runs the estimator on it,
// fits the model's constants and reports leave-one-source-out error (docs/accuracy.md,
// docs/model.md §8).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mlscale/catalogue.hpp"
#include "mlscale/estimate.hpp"

namespace mlscale::accuracy {

/// One published measurement mapped to a workload and a configuration.
struct Case {
    std::string id;
    std::string source;        ///< the publication the row comes from: the unit left out in leave-one-source-out
    std::string file;          ///< calibration.csv or published.csv
    std::string generation;    ///< V100 | A100 | H100/H200 | L4/L40S/A10G | Trainium
    std::string workload_cell; ///< CNN | BERT | LLM one node | LLM multi-node | long context | FP8 | collective
    std::string metric;
    double published = 0;
    Workload workload;
    Config config;
    std::shared_ptr<const InstanceSpec> host; ///< the machine the row ran on, where its CPU decides (config.instance points here)
    double collective_bytes = 0;              ///< all-reduce rows: message size
    std::string mapping;                      ///< e.g. "4 x p4de.24xlarge, TP8 PP12, recompute"
    std::string note;                         ///< what the mapping assumes
    std::string out_of_scope;                 ///< why the row is estimated but kept out of the summary (empty: in scope)
    /// Predicted and summarised, never fitted: the row tests an extension of the model (a mixture of
    /// experts) whose own costs would otherwise move the constants of dense layers.
    bool check_only = false;
};

struct RowResult {
    std::string id;
    std::string source;
    std::string generation;
    std::string workload_cell;
    std::string metric;
    double published = 0;
    double estimated = 0;      ///< with the constants in force (fitted on every row)
    double error = 0;          ///< estimated / published − 1
    double loso_estimated = 0; ///< with constants fitted without this row's source
    double loso_error = 0;
    bool mapped = false;
    std::string out_of_scope; ///< estimated, shown, but outside the summary and the cells, with the reason
    std::string mapping;
    std::string note; ///< why a row does not map, or what the mapping assumes
};

struct Cases {
    std::vector<Case> mapped;
    std::vector<RowResult> unmapped; ///< with the reason in `note`
};

/// Reads both files; rows that cannot map are returned with the reason.
Cases load_cases(const std::string& calibration_csv, const std::string& published_csv, const Catalogue& catalogue);

/// The estimate of one case in the row's own metric.
double evaluate(const Case& c, const Catalogue& catalogue, const EstimateOptions& options);

/// One fitted constant: its name, where it lives, its search range, and which rows inform it.
struct Parameter {
    std::string name;
    double ModelConstants::*member = nullptr;
    double low = 0;
    double high = 0;
    double prior = 0; ///< the value when no row of the fit informs it (docs/model.md §8)
    std::function<bool(const Case&)> informs;
    std::string fallback;                       ///< another parameter whose fitted value stands in when no row informs this one
    std::vector<double ModelConstants::*> tied; ///< constants that always take this one's value
};

/// The constants the current model fits, in fitting order.
std::vector<Parameter> model_parameters();

/// Fits the parameters on `cases` (coordinate descent over each parameter's range, minimising
/// the mean |log(estimated / published)|); parameters no case informs take their fallback or prior.
ModelConstants fit(const std::vector<const Case*>& cases, const Catalogue& catalogue, const std::vector<Parameter>& parameters);

/// Every row with the constants `in_force`, and its leave-one-source-out estimate (constants
/// fitted on every other source).
std::vector<RowResult> run(const Cases& cases, const Catalogue& catalogue, const ModelConstants& in_force, bool with_loso = true,
    std::map<std::string, ModelConstants>* folds = nullptr);

struct Summary {
    int mapped = 0;
    int unmapped = 0;
    int out_of_scope = 0;
    double median_abs_error = 0;
    double worst_abs_error = 0;
    std::string worst_id;
    double loso_median_abs_error = 0;
    double loso_worst_abs_error = 0;
    std::string loso_worst_id;
};

Summary summarize(const std::vector<RowResult>& results);

/// docs/accuracy.md, generated: the table by cell, every row, the constants and the mapping rules.
std::string accuracy_markdown(const std::vector<RowResult>& results, const ModelConstants& constants, const std::map<std::string, ModelConstants>& folds,
    const std::string& gbdt_section);

} // namespace mlscale::accuracy
