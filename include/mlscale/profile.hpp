// Stage 2, the profiler: derives what matters from the job and the catalogue — model memory,
// what the GPUs consume, what storage and CPUs supply, the bottleneck — and lists every
// assumption it made for a missing value.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mlscale/catalogue.hpp"
#include "mlscale/diagnostics.hpp"
#include "mlscale/job.hpp"

namespace mlscale {

/// The model as the advisor understands it: the job's fields, completed from the catalogue.
struct ResolvedModel {
    std::string family; ///< cnn|transformer|rnn|encoder-decoder|diffusion|recsys|gbdt|linear|kmeans|other
    std::optional<double> params_millions;
    std::optional<double> forward_gflops; ///< per sample (per sequence for transformers)
    std::optional<std::int64_t> seq_len;
    std::string precision; ///< fp32|tf32|fp16|bf16|fp8|mixed
    std::string optimizer;
    bool deep = true; ///< a deep network (never trained on CPUs)
};

/// Bytes per parameter of training state (weights + gradients + optimizer) for a precision and
/// optimizer, per the ZeRO paper's accounting (../shared/facts/formulas.md §3.1).
double state_bytes_per_param(const std::string& precision, const std::string& optimizer);

struct Profile {
    ResolvedModel model;
    std::string bottleneck = "none"; ///< gpu|io|cpu|network|memory|none
    std::string bottleneck_basis;    ///< "observed" (telemetry) or "estimated"
    std::optional<double> gpu_util_pct;
    std::optional<double> model_state_gb; ///< weights + gradients + optimizer states
    std::optional<double> gpu_memory_gb;  ///< memory of one GPU of the current instance
    std::optional<bool> fits_single_gpu;
    std::optional<double> required_input_mb_s;
    std::optional<double> mean_file_mb;
    std::optional<std::int64_t> num_samples;
    bool measured_beyond_memory = false;               ///< today's measured run exceeds the memory model (said in an assumption)
    std::vector<std::string> assumptions;              ///< every default assumed for a missing value
    nlohmann::json derived = nlohmann::json::object(); ///< further figures (estimate of the current setup), for rules
};

/// Profiles `job`. Unknown instance types and models are diagnostics (with "did you mean").
Profile profile_job(const Job& job, const Catalogue& catalogue, Diagnostics& diagnostics);

} // namespace mlscale
