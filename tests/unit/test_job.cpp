// The job loader: the schema drives it, errors are collected and located, values are typed.
#include <catch2/catch.hpp>

#include "mlscale/job.hpp"
#include "mlscale/schema.hpp"

using namespace mlscale;

namespace {

std::vector<std::string> errors_of(const std::string& text)
{
    Diagnostics diagnostics;
    auto job = load_job(SourceFile{"job.json", text}, diagnostics);
    std::vector<std::string> messages;
    for (const auto& d : diagnostics.items()) {
        messages.push_back(d.pointer + ": " + d.message + (d.help.empty() ? "" : " [" + d.help + "]"));
    }
    if (!messages.empty()) {
        CHECK_FALSE(job);
    }
    return messages;
}

} // namespace

TEST_CASE("a complete job loads into typed fields", "[job]")
{
    Diagnostics diagnostics;
    auto job = load_job(SourceFile{"job.json", R"({
      "name": "j",
      "dataset": {"size_gb": 150, "num_files": 1281167, "input_mode": "file", "source_resolution": [1920, 1080]},
      "model": {"name": "resnet50", "precision": "mixed", "batch_size": 256},
      "training": {"epochs": 90, "target_hours": 12, "spot": true},
      "current": {"instance_type": "ml.p3.2xlarge", "instance_count": 2, "observed": {"gpu_util_pct": 45}},
      "constraints": {"instance_families": ["ml.p4d", "g5"]},
      "suppress": [{"rule": "MLS-SEC-003", "reason": "public data", "expires": "2027-01-01"}],
      "x-owner": "team"
    })"},
        diagnostics);
    REQUIRE(job);
    CHECK(diagnostics.empty());
    CHECK(job->name == "j");
    CHECK(job->dataset.size_gb == 150.0);
    CHECK(job->dataset.num_files == 1281167);
    CHECK(job->dataset.source_resolution == Resolution{1920, 1080});
    CHECK(job->model.batch_size == 256);
    CHECK(job->training.spot == true);
    CHECK(job->current.instance_type == "p3.2xlarge"); // the ml. prefix is optional and normalised away
    CHECK(job->current.observed.gpu_util_pct == 45.0);
    CHECK(job->constraints.instance_families == std::vector<std::string>{"p4d", "g5"});
    REQUIRE(job->suppress.size() == 1);
    CHECK(job->suppress[0].pointer == "/suppress/0");
    CHECK_FALSE(job->dataset.num_samples); // absent stays absent: the profiler states the assumption
}

TEST_CASE("null means not given", "[job]")
{
    Diagnostics diagnostics;
    auto job = load_job(SourceFile{"job.json", R"({"name": "j", "model": {"seq_len": null}, "deployment": {"mode": null}})"}, diagnostics);
    REQUIRE(job);
    CHECK_FALSE(job->model.seq_len);
    CHECK_FALSE(job->deployment.mode);
}

TEST_CASE("every violation in a job is reported, each with its pointer", "[job]")
{
    CHECK(errors_of(R"({"name": "j", "dataset": {"size_gb": -1, "num_files": 2.5, "input_mode": "File", "size_gbb": 1}})") ==
        std::vector<std::string>{
            "/dataset/size_gb: must be at least 0, got -1",
            "/dataset/num_files: expected a whole number, got number 2.5 [counts are whole numbers]",
            "/dataset/input_mode: expected one of \"file\", \"fastfile\", \"pipe\", got string \"File\" [did you mean \"file\"? values are case-sensitive]",
            "/dataset/size_gbb: unknown field \"size_gbb\" [did you mean \"size_gb\"? (fields starting with \"x-\" are free for notes)]",
        });
    CHECK(errors_of(R"({"dataset": {}})") == std::vector<std::string>{"/: missing required field \"name\""});
    CHECK(errors_of(R"({"name": "j", "current": {"observed": {"cpu_util_pct": 101}}})") ==
        std::vector<std::string>{"/current/observed/cpu_util_pct: must be at most 100, got 101"});
    CHECK(errors_of(R"({"name": "j", "current": {"instance_type": "p3"}})").size() == 1);
    CHECK(errors_of(R"({"name": "j", "suppress": [{"rule": "MLS-SEC-003"}]})") == std::vector<std::string>{"/suppress/0: missing required field \"reason\""});
    CHECK(errors_of(R"({"name": "j", "dataset": {"modality": "imgae"}})").front().find("did you mean \"image\"?") != std::string::npos);
    // Names from other tools (x-aliases), in any case: the message names the value mlscale uses.
    CHECK(errors_of(R"({"name": "j", "training": {"distribution": "FSDP"}})").front().find("did you mean \"sharded\"? (mlscale's name for FSDP)") !=
        std::string::npos);
    // A field named as the AWS API or Terraform names it: the field its description opens with.
    CHECK(errors_of(R"({"name": "j", "storage": {"fsx": {"per_unit_storage_throughput": 250, "StorageCapacity": 2400}}})") ==
        std::vector<std::string>{
            "/storage/fsx/per_unit_storage_throughput: unknown field \"per_unit_storage_throughput\" [did you mean "
            "\"per_unit_throughput_mb_s_per_tib\"? It is PerUnitStorageThroughput (PERSISTENT_*), in MB/s per TiB (fields starting with \"x-\" are "
            "free for notes)]",
            "/storage/fsx/StorageCapacity: unknown field \"StorageCapacity\" [did you mean \"capacity_gib\"? It is StorageCapacity, in GiB (fields "
            "starting with \"x-\" are free for notes)]",
        });
    CHECK(errors_of(R"({"name": "j", "training": {"MaxRuntimeInSeconds": 86400}})")
              .front()
              .find("did you mean \"max_runtime_hours\"? It is "
                    "StoppingCondition.MaxRuntimeInSeconds, in hours") != std::string::npos);
    CHECK(errors_of(R"([1])") == std::vector<std::string>{"/: expected a job object, got an array [a job file is one JSON object with at least a \"name\"]"});
}

TEST_CASE("the embedded schema uses only keywords the validator understands", "[job][schema]")
{
    CHECK_NOTHROW(JsonSchema(job_schema_json()));
    CHECK(job_schema_json().at("properties").contains("dataset"));
    CHECK_THROWS_WITH(JsonSchema(nlohmann::json::parse(R"({"oneOf": []})")), "schema at #: unsupported keyword \"oneOf\"");
    CHECK_THROWS_WITH(JsonSchema(nlohmann::json::parse(R"({"enum": ["sharded"], "x-aliases": {"ddp": "data-parallel"}})")),
        "schema at #: x-aliases maps \"ddp\" to \"data-parallel\", which is not one of its enum values");
    // Local references into $defs (docs/output.schema.json shares the finding's shape with check's).
    CHECK_NOTHROW(JsonSchema(nlohmann::json::parse(R"({"properties": {"a": {"$ref": "#/$defs/a"}}, "$defs": {"a": {"type": "string"}}})")));
    CHECK_THROWS_WITH(JsonSchema(nlohmann::json::parse(R"({"$ref": "#/$defs/missing"})")), "schema at #: reference #/$defs/missing points at nothing");
    CHECK_THROWS_WITH(JsonSchema(nlohmann::json::parse(R"({"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"})")),
        "schema at #/$defs/a: references nest deeper than 32 (a cycle?)");
}

TEST_CASE("every field of spec/job.md's example is accepted", "[job][schema]")
{
    // The example of ../shared/spec/job.md, comments removed: the contract users rely on.
    Diagnostics diagnostics;
    auto job = load_job(SourceFile{"job.json", R"({
      "name": "imagenet-resnet50",
      "dataset": {"size_gb": 150, "num_files": 1281167, "num_samples": 1281167, "format": "jpeg", "modality": "image",
        "location": "s3", "input_mode": "file", "distribution": "fully-replicated", "source_resolution": [1920, 1080],
        "cpu_ms_per_sample": 6.0, "missing_pct": 0.5, "temporal": false, "group_key": "speaker_id",
        "split": {"strategy": "random", "train_pct": 80, "validation_pct": 10, "test_pct": 10}},
      "model": {"name": "resnet50", "family": "cnn", "builtin_algorithm": null, "framework": "pytorch", "params_millions": 25.6,
        "forward_gflops": 8.2, "seq_len": null, "input_resolution": [224, 224], "precision": "mixed", "optimizer": "adam", "batch_size": 256},
      "training": {"epochs": 90, "tokens_billions": null, "target_hours": 12, "budget_usd": 2000, "runs": 1, "spot": false,
        "checkpoint_s3_uri": null, "max_runtime_hours": null, "max_wait_hours": null, "distribution": "none",
        "image": "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3-gpu-py311"},
      "current": {"instance_type": "ml.p3.2xlarge", "instance_count": 1, "volume_gb": 100,
        "observed": {"gpu_util_pct": 45, "cpu_util_pct": 98, "io_wait_pct": 2, "samples_per_sec": 800, "gpu_mem_used_gb": 11}},
      "deployment": {"mode": null, "traffic": "steady", "requests_per_sec": 50, "p99_latency_ms": 100, "payload_mb": 0.2,
        "processing_seconds": 0.05, "instance_count": 2, "edge_devices": 0},
      "security": {"vpc": true, "network_isolation": true, "inter_container_encryption": false, "kms": true,
        "notebook_direct_internet": false, "data_residency": "cloud"},
      "constraints": {"region": "us-east-1", "instance_families": ["p4d", "p5", "g5"], "max_instances": 16, "max_gpus": 64},
      "suppress": [{"rule": "MLS-SEC-003", "reason": "public dataset, no PII"}]
    })"},
        diagnostics);
    for (const auto& d : diagnostics.items()) {
        FAIL_CHECK(format_diagnostic(d));
    }
    CHECK(job);
}
