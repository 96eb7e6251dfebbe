// The calibration test: the estimator against every published measurement that maps to AWS
// (../shared/facts/calibration.csv and tests/accuracy/published.csv), each predicted with the
// constants fitted without its own source: median |error| ≤ 15 %, no row worse than 40 %, no
// generation-by-workload cell with a median bias beyond ±10 % (issue 17).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "calibration.hpp"
#include "gbdt.hpp"

using namespace mlscale;

namespace {

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

} // namespace

// Rows and cells the model still misses by more than the limits, each with its known
// cause (docs/accuracy.md, the report of issue 17). Each must still miss: when the model learns to
// predict one, the test fails until it is taken off this list.
const std::map<std::string, const char*> k_known_row_misses = {
    {"effb4-pt-a100-1-amp",
        "PyTorch 21.03 trains EfficientNet-B4 in channels_last AMP on A100 at 331 img/s, TensorFlow 2 (NHWC, XLA) at 470, the HBM "
        "model 450 (effb4-tf2-a100-1-amp fits): the framework's kernels, not the hardware; suspected cuDNN's fp16 NHWC depthwise "
        "kernels, to which PyTorch hands every channels_last depthwise convolution (aten Convolution.cpp use_cudnn_depthwise)"},
    {"effb4-pt-a100-8-amp", "as effb4-pt-a100-1-amp"},
    {"moezoo-qwen3-235b-h100-ep8-tp4",
        "the other pipelined Qwen3-235B rows (TP2) are within 4 %; with TP4 EP8 and no recompute Megatron runs 67 % below the model (with its "
        "--tp-comm-overlap). "
        "Not the token exchange: Megatron's flex dispatcher replicates tokens only over expert tensor parallelism, 1 here "
        "(token_dispatcher.py _initialize_metadata). Suspected: per-micro-batch costs at 512 tokens per expert (each rank routes "
        "4096/4 tokens to 16 local experts of its EP8 group). It does the EP32 row's work per step in twice the micro-batches, "
        "each half as large, and takes 29.0 s against 19.7 s: a fixed cost of about 0.07 s per micro-batch and stage, 6 ms per "
        "layer (derived, docs/model.md §3), more than the host's kernel launches alone would take. Not dropless routing alone: "
        "its routing is not stated (the Long Context table measures this layout 1.24x slower dropless than forced at 16k), and "
        "with capacity factor 1.25 the row is still +51 %"},
};
// Empty since the DLE PyTorch BERT rows of DGX-1 joined the V100 BERT cell (it was +13 % on the two
// TF2 rows alone); add a cell here, with its suspected cause, only while it is being worked on.
const std::map<std::string, const char*> k_known_cell_misses = {};

TEST_CASE("the estimator predicts published training measurements it was not fitted to", "[calibration]")
{
    const Catalogue& catalogue = builtin_catalogue();
    const auto cases = accuracy::load_cases(MLSCALE_CALIBRATION_CSV, MLSCALE_PUBLISHED_CSV, catalogue);
    const auto results = accuracy::run(cases, catalogue, ModelConstants{});
    const auto summary = accuracy::summarize(results);
    INFO("LOSO median " << summary.loso_median_abs_error << ", worst " << summary.loso_worst_abs_error << " (" << summary.loso_worst_id << ")");
    REQUIRE(summary.mapped >= 140);
    CHECK(summary.loso_median_abs_error <= 0.15);
    std::map<std::string, std::vector<double>> cells;
    for (const auto& row : results) {
        if (!row.mapped) {
            INFO(row.id);
            CHECK_FALSE(row.note.empty()); // every row that does not map says why
            continue;
        }
        if (!row.out_of_scope.empty()) {
            continue; // shown in docs/accuracy.md with the reason, outside the summary
        }
        INFO(row.id << ": published " << row.published << ", LOSO estimate " << row.loso_estimated << " on " << row.mapping);
        if (k_known_row_misses.count(row.id) > 0) {
            CHECK(std::fabs(row.loso_error) > 0.40); // now within the limit: take it off k_known_row_misses
        } else {
            CHECK(std::fabs(row.loso_error) <= 0.40);
        }
        cells[row.generation + " / " + row.workload_cell].push_back(row.loso_error);
    }
    for (const auto& [cell, errors] : cells) {
        INFO(cell << ": " << errors.size() << " rows, median bias " << median(errors));
        if (k_known_cell_misses.count(cell) > 0) {
            CHECK(std::fabs(median(errors)) > 0.10);
        } else {
            CHECK(std::fabs(median(errors)) <= 0.10);
        }
    }
}

TEST_CASE("gradient-boosting times on GPUs are predicted within 40 % by leave-one-source-out", "[calibration]")
{
    // The CPU rows are reported, not asserted: a 2024 m7i core is twice an r4 core and the
    // catalogue has no CPU speed (docs/model.md §10).
    const auto cases = accuracy::load_gbdt_cases(MLSCALE_GBDT_CSV);
    REQUIRE(cases.size() >= 16);
    const std::string section = accuracy::gbdt_markdown(cases);
    CHECK(section.find("## Gradient boosting") != std::string::npos);
    const ModelConstants fitted = accuracy::fit_gbdt(cases);
    const ModelConstants in_force;
    CHECK(in_force.gbdt_gpu_rate == Approx(fitted.gbdt_gpu_rate).epsilon(0.02));
    CHECK(in_force.gbdt_xgboost_core_rate == Approx(fitted.gbdt_xgboost_core_rate).epsilon(0.02));
    CHECK(in_force.gbdt_lightgbm_core_rate == Approx(fitted.gbdt_lightgbm_core_rate).epsilon(0.02));
}

TEST_CASE("the constants in force are the ones the fit finds on every row", "[calibration]")
{
    // ModelConstants' defaults are what `scripts/accuracy --fit` printed; a fit that moved since
    // (new rows, new physics) must be copied there (docs/model.md §8).
    const Catalogue& catalogue = builtin_catalogue();
    const auto cases = accuracy::load_cases(MLSCALE_CALIBRATION_CSV, MLSCALE_PUBLISHED_CSV, catalogue);
    std::vector<const accuracy::Case*> all;
    for (const auto& c : cases.mapped) {
        all.push_back(&c);
    }
    const ModelConstants fitted = accuracy::fit(all, catalogue, accuracy::model_parameters());
    const ModelConstants in_force;
    for (const auto& p : accuracy::model_parameters()) {
        INFO(p.name);
        CHECK(in_force.*(p.member) == Approx(fitted.*(p.member)).epsilon(0.02).margin(1e-3));
    }
}
