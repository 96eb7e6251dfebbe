// The profiler: training-state memory by precision and optimizer, fit, bottleneck from telemetry.
#include <catch2/catch.hpp>

#include "mlscale/catalogue.hpp"
#include "mlscale/profile.hpp"

using namespace mlscale;

namespace {

Profile profile_of(const std::string& text)
{
    Diagnostics diagnostics;
    auto job = load_job(SourceFile{"job.json", text}, diagnostics);
    REQUIRE(job);
    Profile profile = profile_job(*job, builtin_catalogue(), diagnostics);
    for (const auto& d : diagnostics.items()) {
        FAIL_CHECK(format_diagnostic(d));
    }
    return profile;
}

} // namespace

TEST_CASE("bytes of training state per parameter follow the ZeRO accounting", "[profile]")
{
    CHECK(state_bytes_per_param("mixed", "adam") == 16.0); // 2 + 2 + 12 (fp32 master, m, v)
    CHECK(state_bytes_per_param("bf16", "adamw") == 16.0);
    CHECK(state_bytes_per_param("fp32", "adam") == 16.0);      // 4 + 4 + 8
    CHECK(state_bytes_per_param("fp32", "sgd") == 8.0);        // 4 + 4
    CHECK(state_bytes_per_param("mixed", "momentum") == 12.0); // 2 + 2 + 4 master + 4 momentum
    CHECK(state_bytes_per_param("fp16", "adafactor") == 8.0);
    CHECK(state_bytes_per_param("bf16", "adamw-8bit") == 10.0); // 2 + 2 + 4 master + 2 (two 8-bit moments)
    CHECK(state_bytes_per_param("fp32", "adamw-8bit") == 10.0); // 4 + 4 + 2
}

TEST_CASE("model state of a 7.5B model with Adam is 120 GB, as in the ZeRO paper", "[profile]")
{
    const Profile profile = profile_of(R"({"name": "z", "model": {"family": "transformer", "params_millions": 7500,
        "precision": "mixed", "optimizer": "adam"}, "current": {"instance_type": "ml.p4d.24xlarge"}})");
    REQUIRE(profile.model_state_gb);
    CHECK(*profile.model_state_gb == Approx(120.0));
    CHECK(profile.fits_single_gpu == false);
}

TEST_CASE("a small model fits one GPU and missing values are stated as assumptions", "[profile]")
{
    const Profile profile = profile_of(R"({"name": "s", "model": {"family": "cnn", "params_millions": 25.6},
        "current": {"instance_type": "p3.2xlarge"}})");
    CHECK(*profile.model_state_gb == Approx(25.6e6 * 16 / 1e9));
    CHECK(profile.fits_single_gpu == true);
    CHECK(std::find(profile.assumptions.begin(), profile.assumptions.end(), "model.precision not given: assumed \"mixed\"") != profile.assumptions.end());
}

TEST_CASE("telemetry classifies the bottleneck with Debugger's thresholds", "[profile]")
{
    const auto bottleneck = [](const std::string& observed) { return profile_of(R"({"name": "t", "current": {"observed": )" + observed + "}}").bottleneck; };
    CHECK(bottleneck(R"({"gpu_util_pct": 8, "cpu_util_pct": 97, "io_wait_pct": 1})") == "cpu");
    CHECK(bottleneck(R"({"gpu_util_pct": 8, "cpu_util_pct": 30, "io_wait_pct": 60})") == "io");
    CHECK(bottleneck(R"({"gpu_util_pct": 95, "cpu_util_pct": 40})") == "gpu");
    CHECK(bottleneck(R"({"cpu_util_pct": 40})") == "none");
}
