// Telemetry: `nvidia-smi --query-gpu=... --format=csv` and `vmstat -n 1` captures, reduced to
// p5/p50/p95 per metric after a warm-up, and turned into the job's `current.observed` values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mlscale/dataprof.hpp"
#include "mlscale/diagnostics.hpp"
#include "mlscale/job.hpp"

namespace mlscale {

/// How much evidence a metric needs. SageMaker Debugger waits out a warm-up before it judges
/// (its rules' `patience`, thresholds.md PREP-005) and reports "insufficient data" instead of a
/// verdict on too few samples; these are the same ideas counted in samples of a 1 s capture.
struct TelemetryOptions {
    std::size_t warmup_samples = 60; ///< first samples of each series dropped (one minute at -l 1)
    std::size_t min_samples = 120;   ///< samples each series needs after the warm-up (two minutes)
};

struct Percentiles {
    double p5 = 0;
    double p50 = 0;
    double p95 = 0;
    double mean = 0; ///< of samples at equal intervals: the share of the time for a busy-time percentage
};

/// Linear-interpolated percentiles (numpy's default) and the mean of `values`; all zero when empty.
Percentiles percentiles(std::vector<double> values);

/// One metric as measured: an `observed` field, where it came from, and its statistics.
struct MetricSummary {
    std::string field; ///< gpu_util_pct|gpu_mem_used_gb|cpu_util_pct|io_wait_pct
    std::string file;
    std::string tool;        ///< nvidia-smi|vmstat
    std::size_t series = 1;  ///< GPUs (nvidia-smi) or 1
    std::size_t samples = 0; ///< per series after the warm-up (the smallest series)
    std::size_t warmup = 0;
    std::optional<Percentiles> stats; ///< nothing: insufficient data
    std::string statistic;            ///< which percentile fills `observed`: "p50" (typical) or "p95" (peak)

    /// The value `observed` gets (the chosen percentile); only with stats.
    [[nodiscard]] double value() const;
};

/// Reads an nvidia-smi CSV capture (header required; any column order; with or without units;
/// several GPUs told apart by index, uuid or pci.bus_id; [N/A] is missing).
std::vector<MetricSummary> read_nvidia_smi(ByteReader& reader, const std::string& name, const TelemetryOptions& options, Diagnostics& diagnostics);
/// Reads a `vmstat -n 1` capture (the first row, averages since boot, is dropped).
std::vector<MetricSummary> read_vmstat(ByteReader& reader, const std::string& name, const TelemetryOptions& options, Diagnostics& diagnostics);
/// Reads each file (nvidia-smi or vmstat, told apart by the first line); "insufficient data"
/// is a warning naming the metric and file.
std::vector<MetricSummary> read_telemetry(const std::vector<std::string>& paths, const TelemetryOptions& options, Diagnostics& diagnostics);

/// Puts the metrics with enough data into `observed` (telemetry wins over typed values) and
/// records in observed.sources, for every observed field involved, whether telemetry or the job
/// supplied it.
void apply_telemetry(const std::vector<MetricSummary>& metrics, Observed& observed);

} // namespace mlscale
