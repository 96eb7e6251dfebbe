// The calibration test: the estimator against every published measurement that maps to AWS
// (../shared/facts/calibration.csv): median |error| ≤ 20 %, no row worse than 50 %.
#include <catch2/catch.hpp>

#include "calibration.hpp"

using namespace mlscale;

TEST_CASE("the estimator reproduces published training measurements", "[calibration]")
{
    const auto results = accuracy::run_calibration(MLSCALE_CALIBRATION_CSV, builtin_catalogue());
    const auto summary = accuracy::summarize(results);
    INFO("median " << summary.median_abs_error << ", worst " << summary.worst_abs_error << " (" << summary.worst_id << ")");
    REQUIRE(summary.mapped >= 40);
    CHECK(summary.median_abs_error <= 0.20);
    for (const auto& row : results) {
        if (row.mapped) {
            INFO(row.id << ": published " << row.published << ", estimated " << row.estimated << " on " << row.mapping);
            CHECK(std::fabs(row.error) <= 0.50);
        } else {
            INFO(row.id);
            CHECK_FALSE(row.note.empty()); // every row that does not map says why
        }
    }
}
