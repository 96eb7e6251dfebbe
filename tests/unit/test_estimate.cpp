// The estimator's formulas against hand-computed or published values, and telemetry winning.
#include <catch2/catch.hpp>

#include "mlscale/catalogue.hpp"
#include "mlscale/estimate.hpp"
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

Workload transformer(double params, std::int64_t seq_len)
{
    Workload w;
    w.family = "transformer";
    w.params = params;
    w.seq_len = seq_len;
    w.linear_flops_per_sample = 2.0 * params * static_cast<double>(seq_len);
    w.precision = "mixed";
    return w;
}

} // namespace

TEST_CASE("ZeRO stages reproduce the paper's 7.5B example: 120, 31.4, 16.6, 1.9 GB", "[estimate]")
{
    CHECK(model_state_gb_per_gpu(7.5e9, "mixed", "adam", 0, 64, 1) == Approx(120.0));
    CHECK(model_state_gb_per_gpu(7.5e9, "mixed", "adam", 1, 64, 1) == Approx(31.4).epsilon(0.002));
    CHECK(model_state_gb_per_gpu(7.5e9, "mixed", "adam", 2, 64, 1) == Approx(16.6).epsilon(0.005));
    CHECK(model_state_gb_per_gpu(7.5e9, "mixed", "adam", 3, 64, 1) == Approx(1.875));
    CHECK(model_state_gb_per_gpu(7.5e9, "mixed", "adam", 0, 1, 8) == Approx(15.0)); // tensor parallel splits the states
}

TEST_CASE("transformer activations follow Korthikanti et al.", "[estimate]")
{
    // s·b·h·(34 + 5·a·s/h) bytes per layer; GPT-3 175B, s 2048, b 1, h 12288, a 96, one layer.
    CHECK(transformer_activation_gb(2048, 1, 12288, 96, 1, 1, 1, false) == Approx(2048.0 * 12288 * (34 + 5.0 * 96 * 2048 / 12288) / 1e9));
    // Full recompute keeps 2·s·b·h per layer plus one layer's working set.
    CHECK(transformer_activation_gb(2048, 1, 12288, 96, 2, 1, 1, true, true) == Approx((2 * 2 * 2048.0 * 12288 + 34 * 2048.0 * 12288) / 1e9));
}

TEST_CASE("ring all-reduce sends 2(n-1)/n of the buffer per rank", "[estimate]")
{
    CHECK(ring_allreduce_bytes(1000, 8) == Approx(1750));
    CHECK(ring_allreduce_bytes(1000, 2) == Approx(1000));
    CHECK(ring_allreduce_bytes(1000, 1) == 0);
}

TEST_CASE("FSx for Lustre throughput is capacity times the per-TiB rate, as AWS's examples count it", "[estimate]")
{
    CHECK(fsx_throughput_mb_s(2400, 50) == Approx(120));  // BOTO: 2.4 TiB x 50 = 120 MB/s
    CHECK(fsx_throughput_mb_s(4800, 50) == Approx(240));  // FSXUG: 4.8 TiB x 50 = 240 MB/s
    CHECK(fsx_throughput_mb_s(1200, 200) == Approx(240)); // SCRATCH_2 minimum
}

TEST_CASE("File mode downloads 50 GB of 100 MB shards in about 5 minutes, as SageMaker's guide says", "[estimate]")
{
    const StorageFacts& storage = builtin_catalogue().storage_facts;
    CHECK(file_mode_download_minutes(50, 500, storage) == Approx(5.0).epsilon(0.05));
    // Many small files add each object's first-byte latency.
    CHECK(file_mode_download_minutes(50, 500000, storage) > 50);
}

TEST_CASE("Megatron Eq. 4: GPT-3 175B on 300B tokens, 1024 A100s at 140 TFLOP/s takes about 34 days", "[estimate]")
{
    const Catalogue& catalogue = builtin_catalogue();
    Workload w = transformer(175e9, 2048);
    w.recompute = true;         // Eq. 4 is 8·T·P/(n·X): the recompute forward included
    w.global_batch = 1536;
    w.samples_per_run = 300e9 / 2048;
    Config config;
    config.instance = catalogue.find_instance("p4de.24xlarge");
    config.count = 128;
    config.internode_gbps = 1e9; // communication out of the way: Eq. 4 has none
    EstimateOptions options;
    options.constants.tensor_efficiency = 140.0 / 312.0;
    options.constants.transformer_traffic = 0;
    const Estimate e = estimate(w, config, catalogue, options);
    const double days = 8.0 * 300e9 * 175e9 / (1024 * 140e12) / 86400;
    CHECK(days == Approx(33.9).epsilon(0.01));
    CHECK(e.hours / 24 == Approx(days).epsilon(0.01));
    CHECK(e.mfu == Approx(140.0 / 312.0 * 3 / 4).epsilon(0.01)); // model FLOPs exclude the recompute
}

TEST_CASE("the slowest stage names the bottleneck", "[estimate]")
{
    const Catalogue& catalogue = builtin_catalogue();
    Workload w;
    w.family = "cnn";
    w.params = 25.6e6;
    w.linear_flops_per_sample = 8.2e9;
    w.precision = "mixed";
    w.optimizer = "sgd";
    w.per_gpu_batch = 256;
    w.samples_per_run = 1.28e6;
    w.mb_per_sample = 0.25;
    w.dataset_gb = 320;
    w.num_files = 1281167;
    Config config;
    config.instance = catalogue.find_instance("p4d.24xlarge");
    config.storage = "efs";
    config.input_mode = "mount";
    Estimate e = estimate(w, config, catalogue);
    CHECK(e.bottleneck == Bottleneck::Io); // one EFS client (1,500 MiB/s) cannot feed 8 A100s
    CHECK(e.input_samples_per_sec == Approx(1500 * 1.048576 / 0.25));
    w.cpu_ms_per_sample = 20;
    e = estimate(w, config, catalogue);
    CHECK(e.bottleneck == Bottleneck::Cpu); // 88 free vCPUs at 20 ms
    CHECK(e.cpu_samples_per_sec == Approx(88 * 1000 / 20.0));
    w.cpu_ms_per_sample = 0;
    config.storage = "fsx-lustre";
    config.fsx_capacity_gib = 48000;
    e = estimate(w, config, catalogue);
    CHECK(e.bottleneck == Bottleneck::Gpu);
    CHECK(e.gpu_util_pct == Approx(100));
    CHECK(e.cost_known);
}

TEST_CASE("a model that does not fit is a memory bottleneck", "[estimate]")
{
    const Catalogue& catalogue = builtin_catalogue();
    Workload w = transformer(70e9, 4096);
    w.optimizer = "adam";
    w.global_batch = 1024;
    Config config;
    config.instance = catalogue.find_instance("p4d.24xlarge");
    Estimate e = estimate(w, config, catalogue);
    CHECK_FALSE(e.fits);
    CHECK(e.bottleneck == Bottleneck::Memory);
    config.parallelism.mode = "sharded";
    config.count = 16;
    e = estimate(w, config, catalogue);
    CHECK(e.fits); // 70B x 16 bytes / 128 GPUs = 8.75 GB
}

TEST_CASE("observed samples/s wins: the current-setup estimate agrees with it", "[estimate][profile]")
{
    const Profile profile = profile_of(R"({"name": "o", "dataset": {"size_gb": 150, "num_files": 1281167, "num_samples": 1281167,
        "format": "jpeg", "location": "s3", "input_mode": "file"}, "model": {"name": "resnet50"}, "training": {"epochs": 90},
        "current": {"instance_type": "ml.p3.2xlarge", "instance_count": 1,
        "observed": {"gpu_util_pct": 8, "cpu_util_pct": 97, "io_wait_pct": 1, "samples_per_sec": 300}}})");
    CHECK(profile.derived["estimate"]["samples_per_sec"].get<double>() == Approx(300));
    CHECK(profile.gpu_util_pct == 8.0); // observed, not estimated
    CHECK(profile.bottleneck == "cpu"); // Debugger: GPU < 10 % while CPU > 90 %
    CHECK(profile.bottleneck_basis == "observed");
    CHECK(profile.derived["total_hours"].get<double>() == Approx(90 * 1281167 / 300.0 / 3600 +
                                                                  profile.derived["estimate"]["startup_minutes"].get<double>() / 60));
}

TEST_CASE("observed utilisation calibrates the GPUs: rate / utilisation is what they could do", "[estimate][profile]")
{
    const Profile profile = profile_of(R"({"name": "o", "dataset": {"size_gb": 150, "num_samples": 1281167, "format": "jpeg"},
        "model": {"name": "resnet50"}, "current": {"instance_type": "ml.p3.2xlarge",
        "observed": {"gpu_util_pct": 50, "cpu_util_pct": 97, "samples_per_sec": 400}}})");
    CHECK(profile.derived["estimate"]["compute_samples_per_sec"].get<double>() == Approx(800).epsilon(0.001));
    CHECK(profile.derived["estimate"]["gpu_util_pct"].get<double>() == Approx(50).epsilon(0.001));
}

TEST_CASE("without telemetry the bottleneck is estimated", "[estimate][profile]")
{
    const Profile profile = profile_of(R"({"name": "e", "dataset": {"size_gb": 320, "num_samples": 1281167, "format": "jpeg",
        "location": "efs"}, "model": {"name": "resnet50", "input_resolution": [224, 224]},
        "current": {"instance_type": "ml.p4d.24xlarge"}})");
    CHECK(profile.bottleneck_basis == "estimated");
    CHECK(profile.bottleneck == "io");
    REQUIRE(profile.required_input_mb_s);
    CHECK(*profile.required_input_mb_s > 1000);
    CHECK(profile.derived["instance"]["gpus"] == 8);
    CHECK(profile.derived["estimate"].contains("mfu"));
}

