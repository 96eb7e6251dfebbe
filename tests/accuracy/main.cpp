// mlscale_accuracy: prints docs/accuracy.md from ../shared/facts/calibration.csv and the project's
// tests/accuracy/published.csv (and gbdt.csv), checks that the committed file is current
// (--check FILE), or prints the constants fitted on every row (--fit).
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "calibration.hpp"
#include "gbdt.hpp"

using namespace mlscale;

int main(int argc, char** argv)
{
    if (argc < 4) {
        std::cerr << "usage: mlscale_accuracy CALIBRATION.csv PUBLISHED.csv GBDT.csv [--check FILE | --fit]\n";
        return 2;
    }
    const std::string mode = argc > 4 ? argv[4] : "";
    const Catalogue& catalogue = builtin_catalogue();
    const auto cases = accuracy::load_cases(argv[1], argv[2], catalogue);
    std::vector<const accuracy::Case*> all;
    for (const auto& c : cases.mapped) {
        all.push_back(&c);
    }
    if (mode == "--row" && argc > 5) {
        // One row's estimate in full (for reading a mapping): the estimate contract's fields.
        for (const auto& c : cases.mapped) {
            if (c.id == argv[5] && c.collective_bytes == 0) {
                const Estimate e = estimate(c.workload, c.config, catalogue);
                std::cout << c.mapping << "\n" << estimate_json(e, *c.config.instance, c.workload).dump(2) << "\n";
                std::cout << fmt::format("published {} estimated {}\n", c.published, accuracy::evaluate(c, catalogue, EstimateOptions{}));
            }
        }
        return 0;
    }
    if (mode == "--fit") {
        // The constants fitted on every mapped row: what ModelConstants' defaults should hold.
        const ModelConstants fitted = accuracy::fit(all, catalogue, accuracy::model_parameters());
        for (const auto& p : accuracy::model_parameters()) {
            std::cout << fmt::format("{} {:.4g}\n", p.name, fitted.*(p.member));
        }
        const auto gbdt_fitted = accuracy::fit_gbdt(accuracy::load_gbdt_cases(argv[3]));
        std::cout << accuracy::gbdt_constants_text(gbdt_fitted);
        const auto summary = accuracy::summarize(accuracy::run(cases, catalogue, fitted, false));
        std::cout << fmt::format("in-sample median {:.3f} worst {:.3f} ({})\n", summary.median_abs_error, summary.worst_abs_error, summary.worst_id);
        return 0;
    }
    const ModelConstants in_force;
    std::map<std::string, ModelConstants> folds;
    const auto results = accuracy::run(cases, catalogue, in_force, true, &folds);
    const std::string text = accuracy::accuracy_markdown(results, in_force, folds, accuracy::gbdt_markdown(accuracy::load_gbdt_cases(argv[3])));
    if (mode == "--check" && argc > 5) {
        std::ifstream in(argv[5]);
        std::stringstream current;
        current << in.rdbuf();
        if (current.str() != text) {
            std::cerr << argv[5] << " is stale: run scripts/accuracy\n";
            return 1;
        }
        return 0;
    }
    std::cout << text;
    return 0;
}
