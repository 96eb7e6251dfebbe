// mlscale_accuracy: prints docs/accuracy.md from ../shared/facts/calibration.csv, checks that the
// committed file is current (--check FILE), or re-runs the calibration grid search (--fit).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "calibration.hpp"

using namespace mlscale;

namespace {

// The calibration (docs/model.md §8): a grid over the four constants, minimising the median
// |error| plus half the worst |error| over the mapped rows.
EstimateOptions fit(const std::string& csv)
{
    const Catalogue& catalogue = builtin_catalogue();
    EstimateOptions best;
    double best_score = 1e9;
    EstimateOptions trial;
    for (double tensor = 0.40; tensor <= 0.601; tensor += 0.01) {
        for (double simt = 0.60; simt <= 0.951; simt += 0.05) {
            for (double cnn = 0.004; cnn <= 0.0161; cnn += 0.001) {
                for (double transformer = 0.0; transformer <= 6.01; transformer += 0.5) {
                    trial.constants = {tensor, simt, cnn, transformer};
                    const auto summary = accuracy::summarize(accuracy::run_calibration(csv, catalogue, trial));
                    const double score = summary.median_abs_error + 0.5 * summary.worst_abs_error;
                    if (score < best_score) {
                        best_score = score;
                        best = trial;
                    }
                }
            }
        }
    }
    return best;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::cerr << "usage: mlscale_accuracy CALIBRATION.csv [--check FILE | --fit]\n";
        return 2;
    }
    const std::string csv = argv[1];
    const std::string mode = argc > 2 ? argv[2] : "";
    if (mode == "--fit") {
        const EstimateOptions best = fit(csv);
        const auto summary = accuracy::summarize(accuracy::run_calibration(csv, builtin_catalogue(), best));
        std::cout << fmt::format("tensor_efficiency {:.2f} simt_efficiency {:.2f} cnn_bytes_per_flop {:.3f} transformer_traffic {:.1f}: median {:.3f} worst {:.3f} ({})\n",
            best.constants.tensor_efficiency, best.constants.simt_efficiency, best.constants.cnn_bytes_per_flop,
            best.constants.transformer_traffic, summary.median_abs_error, summary.worst_abs_error, summary.worst_id);
        return 0;
    }
    const EstimateOptions options;
    const std::string text = accuracy::accuracy_markdown(accuracy::run_calibration(csv, builtin_catalogue(), options), options);
    if (mode == "--check" && argc > 3) {
        std::ifstream in(argv[3]);
        std::stringstream current;
        current << in.rdbuf();
        if (current.str() != text) {
            std::cerr << argv[3] << " is stale: run scripts/accuracy\n";
            return 1;
        }
        return 0;
    }
    std::cout << text;
    return 0;
}
