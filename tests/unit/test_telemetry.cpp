// Telemetry: nvidia-smi and vmstat captures, warm-up, minimum samples, percentiles, and which
// observed values win.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "mlscale/telemetry.hpp"

using namespace mlscale;

namespace {

const MetricSummary* find(const std::vector<MetricSummary>& metrics, const std::string& field)
{
    for (const auto& metric : metrics) {
        if (metric.field == field) {
            return &metric;
        }
    }
    return nullptr;
}

} // namespace

TEST_CASE("percentiles interpolate linearly", "[telemetry]")
{
    const auto p = percentiles({10, 0, 20, 30, 40});
    CHECK(p.p50 == Approx(20));
    CHECK(p.p5 == Approx(2));
    CHECK(p.p95 == Approx(38));
    CHECK(p.mean == Approx(20));
}

TEST_CASE("a data-starved GPU busy in bursts: the busy share is the mean, not the median", "[telemetry]")
{
    // utilization.gpu is the share of each sample period with a kernel running (nvidia-smi
    // --help-query-gpu). A loop that computes for one period in three and waits for two reads
    // 100, 0, 0, ...: its median is 0, the share of time it computes 33 %.
    std::string text = "utilization.gpu [%]\n";
    for (int t = 0; t < 30; ++t) {
        text += t % 3 == 0 ? "100\n" : "0\n";
    }
    Diagnostics diagnostics;
    auto reader = string_reader(text);
    const auto metrics = read_nvidia_smi(*reader, "gpu.csv", TelemetryOptions{0, 30}, diagnostics);
    const auto* util = find(metrics, "gpu_util_pct");
    REQUIRE(util != nullptr);
    REQUIRE(util->stats);
    CHECK(util->statistic == "mean");
    CHECK(util->stats->p50 == Approx(0));
    CHECK(util->value() == Approx(100.0 / 3.0));
}

TEST_CASE("nvidia-smi with units, several GPUs and the warm-up", "[telemetry]")
{
    std::string text = "timestamp, index, name, utilization.gpu [%], memory.used [MiB]\n";
    for (int t = 0; t < 6; ++t) {
        for (int gpu = 0; gpu < 2; ++gpu) {
            // The first two samples of each GPU are the warm-up (100 %), then 10 % and 30 %.
            const int util = t < 2 ? 100 : (gpu == 0 ? 10 : 30);
            text += fmt::format("2024/09/08 13:03:3{}.000, {}, NVIDIA H100 80GB HBM3, {} %, {} MiB\n", t, gpu, util, 1000 * (t + 1));
        }
    }
    text += "2024/09/08 13:03:39.000, 1, NVIDIA H100 80GB HBM3, [N/A], [Not Supported]\n";
    Diagnostics diagnostics;
    auto reader = string_reader(text);
    const auto metrics = read_nvidia_smi(*reader, "gpu.csv", TelemetryOptions{2, 4}, diagnostics);
    CHECK(diagnostics.empty());
    const auto* util = find(metrics, "gpu_util_pct");
    REQUIRE(util != nullptr);
    REQUIRE(util->stats);
    CHECK(util->series == 2);
    CHECK(util->samples == 4);
    CHECK(util->value() == Approx(20));
    CHECK(util->stats->p5 == Approx(10));
    const auto* memory = find(metrics, "gpu_mem_used_gb");
    REQUIRE(memory != nullptr);
    CHECK(memory->statistic == "p95");
    CHECK(memory->value() == Approx(6000 * 1048576.0 / 1e9));
}

TEST_CASE("nvidia-smi without units, in another column order", "[telemetry]")
{
    Diagnostics diagnostics;
    auto reader = string_reader("memory.used [MiB], utilization.gpu [%]\n100, 50\n100, 70\n100, 90\n");
    const auto metrics = read_nvidia_smi(*reader, "gpu.csv", TelemetryOptions{0, 3}, diagnostics);
    CHECK(diagnostics.empty());
    CHECK(find(metrics, "gpu_util_pct")->value() == Approx(70));
}

TEST_CASE("too few samples is insufficient data, and the job's value stays", "[telemetry]")
{
    Diagnostics diagnostics;
    auto reader = string_reader("index, utilization.gpu [%]\n0, 5 %\n0, 5 %\n0, 5 %\n");
    const auto metrics = read_nvidia_smi(*reader, "gpu.csv", TelemetryOptions{1, 3}, diagnostics);
    REQUIRE(metrics.size() == 1);
    CHECK_FALSE(metrics[0].stats);
    CHECK(metrics[0].samples == 2);
    Observed observed;
    observed.gpu_util_pct = 45;
    apply_telemetry(metrics, observed);
    CHECK(observed.gpu_util_pct == 45);
    REQUIRE(observed.sources.size() == 1);
    CHECK(observed.sources[0] == "observed_source: gpu_util_pct = 45 from the job (telemetry in gpu.csv had insufficient data)");
}

TEST_CASE("a bad nvidia-smi value is an error with line and column", "[telemetry]")
{
    Diagnostics diagnostics;
    auto reader = string_reader("index, utilization.gpu [%]\n0, lots\n");
    read_nvidia_smi(*reader, "gpu.csv", TelemetryOptions{0, 1}, diagnostics);
    REQUIRE(diagnostics.items().size() == 1);
    CHECK(diagnostics.items()[0].location->line == 2);
    CHECK(diagnostics.items()[0].location->column == 3);
    CHECK(diagnostics.items()[0].message == "expected a number for utilization.gpu, found \"lots\"");
}

TEST_CASE("vmstat: the boot row is dropped, us+sy is CPU, wa is I/O wait", "[telemetry]")
{
    const std::string text = "procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu-----\n"
                             " r  b   swpd   free   buff  cache   si   so    bi    bo   in   cs us sy id wa st\n"
                             " 4  0      0 21992716   6284 846224    0    0   552  1372  155  175 31  7 60  2  0\n"
                             " 1  2      0 21992716   6284 846224    0    0     0     0  541  317 10  5 25 60  0\n"
                             " 1  2      0 21992716   6284 846224    0    0     0     0  541  317 20  5 15 60  0\n"
                             " 1  2      0 21992716   6284 846224    0    0     0     0  541  317 30  5  5 60  0\n";
    Diagnostics diagnostics;
    auto reader = string_reader(text);
    const auto metrics = read_vmstat(*reader, "vmstat.txt", TelemetryOptions{0, 3}, diagnostics);
    CHECK(diagnostics.empty());
    CHECK(find(metrics, "cpu_util_pct")->value() == Approx(25));
    CHECK(find(metrics, "io_wait_pct")->value() == Approx(60));
    Observed observed;
    observed.cpu_util_pct = 98;
    apply_telemetry(metrics, observed);
    CHECK(observed.cpu_util_pct == Approx(25));
    CHECK(observed.io_wait_pct == Approx(60));
    REQUIRE(observed.sources.size() == 2);
    CHECK(observed.sources[0].find("observed_source: cpu_util_pct = 25 from telemetry") == 0);
    CHECK(observed.sources[0].find("the job's 98 was overridden") != std::string::npos);
}
