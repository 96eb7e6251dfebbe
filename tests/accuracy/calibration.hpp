// The accuracy harness: maps each published measurement of ../shared/facts/calibration.csv to an
// AWS configuration, runs the estimator on it and compares (docs/accuracy.md, docs/model.md §8).
#pragma once

#include <string>
#include <vector>

#include "mlscale/catalogue.hpp"
#include "mlscale/estimate.hpp"

namespace mlscale::accuracy {

struct RowResult {
    std::string id;
    std::string metric;
    double published = 0;
    double estimated = 0;
    double error = 0;        ///< estimated / published − 1
    bool mapped = false;
    std::string mapping;     ///< e.g. "4 x p4de.24xlarge, TP8 PP12, recompute"
    std::string note;        ///< why a row does not map, or what the mapping assumes
};

/// Runs every row of `csv_path`; rows that cannot map are returned with mapped = false and a reason.
std::vector<RowResult> run_calibration(const std::string& csv_path, const Catalogue& catalogue, const EstimateOptions& options = {});

struct Summary {
    int mapped = 0;
    int unmapped = 0;
    double median_abs_error = 0;
    double worst_abs_error = 0;
    std::string worst_id;
};

Summary summarize(const std::vector<RowResult>& results);

/// docs/accuracy.md, generated: published vs estimated per row, and the summary.
std::string accuracy_markdown(const std::vector<RowResult>& results, const EstimateOptions& options);

} // namespace mlscale::accuracy
