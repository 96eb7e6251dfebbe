// The gradient-boosting part of the accuracy harness: published XGBoost/LightGBM training times
// (tests/accuracy/gbdt.csv) against gbdt_train_seconds(), with leave-one-source-out error.
#pragma once

#include <string>
#include <vector>

#include "mlscale/estimate.hpp"

namespace mlscale::accuracy {

struct GbdtCase {
    std::string id;
    std::string source;
    std::string device; ///< cpu|gpu
    std::string instance;
    double physical_cores = 0;
    Workload workload;
    double published_s = 0;
    std::string note;
};

std::vector<GbdtCase> load_gbdt_cases(const std::string& csv_path);

/// The GBDT constants fitted on `cases` (the other constants keep their defaults).
ModelConstants fit_gbdt(const std::vector<GbdtCase>& cases);

std::string gbdt_constants_text(const ModelConstants& constants);

/// The section of docs/accuracy.md: every row with its error and leave-one-source-out error.
std::string gbdt_markdown(const std::vector<GbdtCase>& cases);

} // namespace mlscale::accuracy
