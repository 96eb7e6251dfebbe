// Shrinking: the smallest job that still breaks an invariant. Greedy, to a fixed point: drop a
// section, a field or an array element; then make a value simpler (0, 1, a round number, "x",
// false). Each step is kept only when the job still loads and still fails the same way.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "pipeline.hpp"

namespace mlscale::property {

using StillFails = std::function<bool(const nlohmann::json& job)>;

/// Shrinks `job` while `still_fails` holds; `budget` bounds the number of tries.
nlohmann::json shrink(nlohmann::json job, const StillFails& still_fails, int budget = 20000);

/// The job's text as the harness feeds it to the pipeline (and writes reproducers): two-space JSON.
std::string job_text(const nlohmann::json& job);

/// The options a run needs to check `invariant`.
PipelineOptions options_for(const std::string& invariant);

/// Whether `job` loads (unless the invariant is the loader's) and fails `invariant`.
bool fails_invariant(const nlohmann::json& job, const std::string& invariant, std::string* detail = nullptr);

} // namespace mlscale::property
