// The catalogue (profiles/): instances, GPUs, storage services and well-known models, every
// figure with its source. Read from the copy embedded in the binary, or from a directory.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mlscale/diagnostics.hpp"

namespace mlscale {

/// What a field list (each struct's `fields()`) says about a field beside its name, which is both
/// the C++ member and the key in profiles/*.json.
enum class FieldSource {
    Json,    ///< read from the entry's key of the same name
    Derived, ///< computed by the loader from other fields (never read by name)
};

/// One field of a catalogue struct: its C++ name, where its value comes from and, when it is not
/// the name, its key in the file (for storage figures, a path: "s3/input_modes/file/...").
struct Field {
    const char* name;
    FieldSource source = FieldSource::Json;
    const char* key = nullptr;

    [[nodiscard]] const char* json_key() const
    {
        return key != nullptr ? key : name;
    }
};

// Every catalogue struct lists its fields once, in `fields(visit)`, as (Field, member pointer)
// pairs. The loader (src/core/catalogue.cpp) reads them, the build step
// (src/tools/compile_tables.cpp) writes them as C++, and the tests compare them, all from this
// one list: a field added to a struct and its list needs no other code.

struct GpuSpec {
    std::string name;
    std::string vendor;
    std::string generation;
    double memory_gb = 0;  ///< decimal GB (10^9 bytes): memory_gib x 1.073741824
    double memory_gib = 0; ///< as the vendor or EC2 states it (binary GiB)
    double mem_bandwidth_gb_s = 0;
    std::map<std::string, double> peak_tflops; ///< dense peak by precision (fp32, tf32, fp16, bf16, fp8)
    double nvlink_gb_s = 0;
    double measured_matmul_tflops = 0; ///< 16-bit dense matmul TFLOP/s measured on the GPU (bf16; fp16 without bf16), where sourced (0: none), docs/model.md §2

    bool operator==(const GpuSpec&) const = default;
    template <typename Visit> static void fields(Visit&& visit)
    {
        visit(Field{"name"}, &GpuSpec::name);
        visit(Field{"vendor"}, &GpuSpec::vendor);
        visit(Field{"generation"}, &GpuSpec::generation);
        visit(Field{"memory_gb"}, &GpuSpec::memory_gb);
        visit(Field{"memory_gib"}, &GpuSpec::memory_gib);
        visit(Field{"mem_bandwidth_gb_s"}, &GpuSpec::mem_bandwidth_gb_s);
        visit(Field{"peak_tflops"}, &GpuSpec::peak_tflops);
        visit(Field{"nvlink_gb_s"}, &GpuSpec::nvlink_gb_s);
        visit(Field{"measured_matmul_tflops"}, &GpuSpec::measured_matmul_tflops);
    }
};

/// Where a job's instances run, for pricing: SageMaker training jobs (`ml.` rates), EC2 (also
/// EKS nodes and AWS Batch), or SageMaker HyperPod clusters.
enum class Platform { SageMaker, Ec2, HyperPod };

/// The platform that prices a job's `training.platform` ("sagemaker", "ec2", "eks", "aws-batch",
/// "hyperpod"); none for "on-premises" or an unknown name.
std::optional<Platform> platform_named(std::string_view job_platform);
/// "SageMaker training", "EC2", "SageMaker HyperPod".
const char* platform_label(Platform platform);
/// An instance type as the platform names it: "ml.p5.48xlarge" on SageMaker (training and HyperPod),
/// "p5.48xlarge" on EC2 (and EKS, AWS Batch). `name` without the prefix.
std::string instance_type_name(Platform platform, const std::string& name);

/// An hourly price on one basis: On-Demand, Linux, the catalogue's region (Catalogue::region).
struct Price {
    double usd_per_hour = 0;
    bool derived = false; ///< computed from other sourced figures (see `how`), not read from a price list
    std::string source;   ///< source key in profiles/instances.json "sources" ("derived" when derived)
    std::string as_of;    ///< date of the price, or of the prices it was derived from (YYYY-MM-DD)
    std::string how;      ///< for a derived price: the formula and its inputs

    bool operator==(const Price&) const = default;
    template <typename Visit> static void fields(Visit&& visit)
    {
        visit(Field{"usd_per_hour"}, &Price::usd_per_hour);
        visit(Field{"derived"}, &Price::derived);
        visit(Field{"source"}, &Price::source);
        visit(Field{"as_of"}, &Price::as_of);
        visit(Field{"how"}, &Price::how);
    }
};

struct InstanceSpec {
    std::string name; ///< without the "ml." prefix
    std::string family;
    std::string gpu;                   ///< key into the GPU list; empty for CPU instances
    const GpuSpec* gpu_spec = nullptr; ///< set by the loader from `gpu` (not a field)
    int gpu_count = 0;
    double gpu_memory_gb = 0; ///< decimal GB per accelerator (EC2's MiB x 1.048576 / 1000)
    int vcpus = 0;
    double memory_gib = 0;
    double network_gbps = 0;
    double network_burst_gbps = 0; ///< the burst ceiling; network_gbps when the instance does not burst
    bool efa = false;
    int efa_interfaces = 0;
    std::string nvlink;
    double local_nvme_gb = 0;
    double ebs_mb_s = 0;
    std::optional<double> price_usd_per_hour;                ///< EC2 On-Demand in the catalogue's region; none when not sold on demand
    std::optional<double> sagemaker_price_usd_per_hour;      ///< SageMaker training, on the catalogue's one basis (see Price)
    bool sagemaker_price_estimated = false;                  ///< the SageMaker price is derived (from estimates)
    std::optional<bool> sagemaker_training;                  ///< in SageMaker's TrainingInstanceType list (unknown when null)
    std::optional<bool> sagemaker_hyperpod;                  ///< in SageMaker's ClusterInstanceType list (HyperPod)
    bool inference_only = false;                             ///< an inference part (Inferentia): never a training choice
    bool on_demand = true;                                   ///< sold On-Demand; false for Capacity Blocks / training plans only
    std::optional<bool> ec2_offered;                         ///< returned by EC2 DescribeInstanceTypes today (p3: no, since 2026-06)
    std::optional<bool> smddp;                               ///< SageMaker's data parallelism library (SMDDP) runs on it
    std::optional<bool> smp;                                 ///< SageMaker's model parallelism library (smdistributed.modelparallel) runs on it
    double network_efficiency = 0;                           ///< NCCL inter-node bandwidth / NIC bandwidth, from nccl-tests (or the catalogue default)
    double network_latency_ms = 0;                           ///< one inter-node collective between 2 nodes (nccl-tests alpha-beta fit, or the default)
    double network_hop_us = 0;                               ///< each further node a collective crosses
    std::optional<double> capacity_block_price_usd_per_hour; ///< EC2 Capacity Blocks effective rate (region and date in the file)
    std::string capacity_block_region;                       ///< the region that rate is for
    std::optional<double> spot_savings_pct;                  ///< EC2 Spot's saving over On-Demand, % (AWS Spot Instance Advisor, trailing 30 days)
    std::string spot_interruption;                           ///< the Advisor's frequency-of-interruption bracket: <5%|5-10%|10-15%|15-20%|>20%
    std::optional<Price> ec2_price;                          ///< price_usd_per_hour with its source and date
    std::optional<Price> sagemaker_training_price;           ///< sagemaker_price_usd_per_hour with its source and date
    std::optional<Price> hyperpod_price;                     ///< HyperPod's own rate where sourced, else the SageMaker basis (derived)

    bool operator==(const InstanceSpec&) const = default; ///< gpu_spec compared as a pointer

    /// The hourly price on `platform`'s basis (EC2 also for EKS and AWS Batch), with its source and date.
    [[nodiscard]] std::optional<Price> price(Platform platform) const;
    /// The hourly price on `platform`: price(platform), or for SageMaker a user catalogue's EC2
    /// price x `markup` (an estimate: `estimated` is set).
    [[nodiscard]] std::optional<double> hourly_price(Platform platform, double markup, bool* estimated = nullptr) const;

    /// The SageMaker training price per hour on the catalogue's one basis; EC2 x `markup` only for a
    /// user's catalogue without SageMaker prices. `estimated` is set when the price is derived.
    [[nodiscard]] std::optional<double> sagemaker_price(double markup, bool* estimated = nullptr) const;

    /// The bounds of `spot_interruption` as shares of a month's Spot capacity reclaimed: {0, 0.05}
    /// for "<5%" ... {0.2, none} for ">20%"; none when the bracket is unknown.
    struct SpotInterruption {
        double low = 0;
        std::optional<double> high;
    };
    [[nodiscard]] std::optional<SpotInterruption> spot_interruption_bounds() const;

    template <typename Visit> static void fields(Visit&& visit)
    {
        using F = FieldSource;
        visit(Field{"name"}, &InstanceSpec::name);
        visit(Field{"family"}, &InstanceSpec::family);
        visit(Field{"gpu"}, &InstanceSpec::gpu);
        visit(Field{"gpu_count"}, &InstanceSpec::gpu_count);
        visit(Field{"gpu_memory_gb"}, &InstanceSpec::gpu_memory_gb);
        visit(Field{"vcpus"}, &InstanceSpec::vcpus);
        visit(Field{"memory_gib"}, &InstanceSpec::memory_gib);
        visit(Field{"network_gbps"}, &InstanceSpec::network_gbps);
        visit(Field{"network_burst_gbps"}, &InstanceSpec::network_burst_gbps);
        visit(Field{"efa"}, &InstanceSpec::efa);
        visit(Field{"efa_interfaces"}, &InstanceSpec::efa_interfaces);
        visit(Field{"nvlink"}, &InstanceSpec::nvlink);
        visit(Field{"local_nvme_gb"}, &InstanceSpec::local_nvme_gb);
        visit(Field{"ebs_mb_s"}, &InstanceSpec::ebs_mb_s);
        visit(Field{"price_usd_per_hour"}, &InstanceSpec::price_usd_per_hour);
        visit(Field{"sagemaker_price_usd_per_hour"}, &InstanceSpec::sagemaker_price_usd_per_hour);
        visit(Field{"sagemaker_price_estimated", F::Derived}, &InstanceSpec::sagemaker_price_estimated);
        visit(Field{"sagemaker_training"}, &InstanceSpec::sagemaker_training);
        visit(Field{"sagemaker_hyperpod"}, &InstanceSpec::sagemaker_hyperpod);
        visit(Field{"inference_only"}, &InstanceSpec::inference_only);
        visit(Field{"on_demand"}, &InstanceSpec::on_demand);
        visit(Field{"ec2_offered"}, &InstanceSpec::ec2_offered);
        visit(Field{"smddp"}, &InstanceSpec::smddp);
        visit(Field{"smp"}, &InstanceSpec::smp);
        visit(Field{"network_efficiency"}, &InstanceSpec::network_efficiency);
        visit(Field{"network_latency_ms"}, &InstanceSpec::network_latency_ms);
        visit(Field{"network_hop_us"}, &InstanceSpec::network_hop_us);
        visit(Field{"capacity_block_price_usd_per_hour"}, &InstanceSpec::capacity_block_price_usd_per_hour);
        visit(Field{"capacity_block_region"}, &InstanceSpec::capacity_block_region);
        visit(Field{"spot_savings_pct"}, &InstanceSpec::spot_savings_pct);
        visit(Field{"spot_interruption"}, &InstanceSpec::spot_interruption);
        visit(Field{"ec2_price", F::Derived}, &InstanceSpec::ec2_price);
        visit(Field{"sagemaker_training_price", F::Derived}, &InstanceSpec::sagemaker_training_price);
        visit(Field{"hyperpod_price", F::Derived}, &InstanceSpec::hyperpod_price);
    }
};

struct ModelSpec {
    std::string name;
    std::string family;
    double params_millions = 0;
    std::optional<double> active_params_millions;  ///< mixture-of-experts: parameters each token passes through
    std::optional<std::int64_t> experts;           ///< mixture-of-experts: experts per MoE layer
    std::optional<std::int64_t> experts_per_token; ///< mixture-of-experts: experts each token is routed to (top-k)
    std::optional<double> forward_gflops;
    std::optional<std::int64_t> seq_len;
    std::optional<std::int64_t> layers;
    std::optional<std::int64_t> hidden;
    std::optional<std::int64_t> heads;
    std::optional<std::int64_t> vocab;
    std::optional<std::array<std::int64_t, 2>> input_resolution;
    std::optional<std::int64_t> patch_size; ///< vision transformer: patch side in pixels
    bool forward_per_token = false;         ///< forward_gflops is per token (language models), else per sample
    std::optional<double> attention_forward_gflops_per_token;
    std::optional<double> activations_millions; ///< CNNs: tensor elements autograd keeps per sample for the backward pass
    std::vector<std::string> aliases;           ///< other names people give it (Hugging Face ids, torchvision names); not a figure

    bool operator==(const ModelSpec&) const = default;
    template <typename Visit> static void fields(Visit&& visit)
    {
        visit(Field{"name"}, &ModelSpec::name);
        visit(Field{"family"}, &ModelSpec::family);
        visit(Field{"params_millions"}, &ModelSpec::params_millions);
        visit(Field{"active_params_millions"}, &ModelSpec::active_params_millions);
        visit(Field{"experts"}, &ModelSpec::experts);
        visit(Field{"experts_per_token"}, &ModelSpec::experts_per_token);
        visit(Field{"forward_gflops"}, &ModelSpec::forward_gflops);
        visit(Field{"seq_len"}, &ModelSpec::seq_len);
        visit(Field{"layers"}, &ModelSpec::layers);
        visit(Field{"hidden"}, &ModelSpec::hidden);
        visit(Field{"heads"}, &ModelSpec::heads);
        visit(Field{"vocab"}, &ModelSpec::vocab);
        visit(Field{"input_resolution"}, &ModelSpec::input_resolution);
        visit(Field{"patch_size"}, &ModelSpec::patch_size);
        visit(Field{"forward_per_token", FieldSource::Derived}, &ModelSpec::forward_per_token); // "forward_gflops_per": "token"
        visit(Field{"attention_forward_gflops_per_token"}, &ModelSpec::attention_forward_gflops_per_token);
        visit(Field{"activations_millions"}, &ModelSpec::activations_millions);
        visit(Field{"aliases", FieldSource::Derived}, &ModelSpec::aliases); // read by read_model: a list, not a figure
    }
};

/// One FSx for Lustre deployment type (and throughput tier) from profiles/storage.json.
struct FsxDeployment {
    std::string deployment_type;           ///< SCRATCH_1|SCRATCH_2|PERSISTENT_1|PERSISTENT_2
    std::string storage_type;              ///< SSD|HDD
    double per_unit_mb_s_per_tib = 0;      ///< PerUnitStorageThroughput (file key per_unit_storage_throughput_mb_s_per_tib)
    double disk_baseline_mb_s_per_tib = 0; ///< 0 when not tabulated (then per_unit applies)
    double min_capacity_gib = 0;
    std::vector<double> capacity_steps_gib;
    double capacity_increment_gib = 0;
    std::optional<double> price_usd_per_gb_month; ///< storage and its throughput tier, the catalogue's region; none when not sourced

    bool operator==(const FsxDeployment&) const = default;
    template <typename Visit> static void fields(Visit&& visit)
    {
        visit(Field{"deployment_type"}, &FsxDeployment::deployment_type);
        visit(Field{"storage_type"}, &FsxDeployment::storage_type);
        visit(Field{"per_unit_mb_s_per_tib", FieldSource::Json, "per_unit_storage_throughput_mb_s_per_tib"}, &FsxDeployment::per_unit_mb_s_per_tib);
        visit(Field{"disk_baseline_mb_s_per_tib"}, &FsxDeployment::disk_baseline_mb_s_per_tib);
        visit(Field{"min_capacity_gib"}, &FsxDeployment::min_capacity_gib);
        visit(Field{"capacity_steps_gib"}, &FsxDeployment::capacity_steps_gib);
        visit(Field{"capacity_increment_gib"}, &FsxDeployment::capacity_increment_gib);
        visit(Field{"price_usd_per_gb_month"}, &FsxDeployment::price_usd_per_gb_month);
    }
};

/// Storage prices in the catalogue's region, each on its service's entry in profiles/storage.json
/// with its source and date; none where no source was found. FSx for Lustre prices are per
/// deployment type and throughput tier (FsxDeployment::price_usd_per_gb_month).
struct StoragePrices {
    std::optional<double> s3_standard_usd_per_gb_month;
    std::optional<double> s3_get_usd_per_1000; ///< GET, SELECT and other reads
    std::optional<double> s3_put_usd_per_1000; ///< PUT, COPY, POST, LIST
    std::optional<double> efs_standard_usd_per_gb_month;
    std::optional<double> efs_elastic_read_usd_per_gb;  ///< Elastic throughput, per GB read
    std::optional<double> efs_elastic_write_usd_per_gb; ///< Elastic throughput, per GB written
    std::optional<double> efs_provisioned_usd_per_mb_s_month;
    std::optional<double> ebs_gp2_usd_per_gb_month;
    std::optional<double> ebs_gp3_usd_per_gb_month;
    std::optional<double> ebs_gp3_usd_per_iops_month; ///< above the 3,000 included
    std::optional<double> ebs_gp3_usd_per_mb_s_month; ///< above the 125 MiB/s included
    std::string as_of;                                ///< the newest price's date (storage.json "prices_as_of"); each price's own date is in its source

    bool operator==(const StoragePrices&) const = default;
    template <typename Visit> static void fields(Visit&& visit)
    {
        visit(Field{"s3_standard_usd_per_gb_month", FieldSource::Json, "s3/standard_usd_per_gb_month"}, &StoragePrices::s3_standard_usd_per_gb_month);
        visit(Field{"s3_get_usd_per_1000", FieldSource::Json, "s3/get_usd_per_1000"}, &StoragePrices::s3_get_usd_per_1000);
        visit(Field{"s3_put_usd_per_1000", FieldSource::Json, "s3/put_usd_per_1000"}, &StoragePrices::s3_put_usd_per_1000);
        visit(Field{"efs_standard_usd_per_gb_month", FieldSource::Json, "efs/standard_usd_per_gb_month"}, &StoragePrices::efs_standard_usd_per_gb_month);
        visit(Field{"efs_elastic_read_usd_per_gb", FieldSource::Json, "efs/elastic_read_usd_per_gb"}, &StoragePrices::efs_elastic_read_usd_per_gb);
        visit(Field{"efs_elastic_write_usd_per_gb", FieldSource::Json, "efs/elastic_write_usd_per_gb"}, &StoragePrices::efs_elastic_write_usd_per_gb);
        visit(Field{"efs_provisioned_usd_per_mb_s_month", FieldSource::Json, "efs/provisioned_usd_per_mb_s_month"},
            &StoragePrices::efs_provisioned_usd_per_mb_s_month);
        visit(Field{"ebs_gp2_usd_per_gb_month", FieldSource::Json, "ebs-gp2/usd_per_gb_month"}, &StoragePrices::ebs_gp2_usd_per_gb_month);
        visit(Field{"ebs_gp3_usd_per_gb_month", FieldSource::Json, "ebs-gp3/usd_per_gb_month"}, &StoragePrices::ebs_gp3_usd_per_gb_month);
        visit(Field{"ebs_gp3_usd_per_iops_month", FieldSource::Json, "ebs-gp3/usd_per_iops_month"}, &StoragePrices::ebs_gp3_usd_per_iops_month);
        visit(Field{"ebs_gp3_usd_per_mb_s_month", FieldSource::Json, "ebs-gp3/usd_per_mb_s_month"}, &StoragePrices::ebs_gp3_usd_per_mb_s_month);
        visit(Field{"as_of", FieldSource::Json, "/prices_as_of"}, &StoragePrices::as_of);
    }
};

/// The storage figures the estimator uses, read once from profiles/storage.json so the hot path
/// does no JSON lookups. Each scalar's place in the file is its field's key: the storage entry's
/// name, then object keys. The defaults stand only for a user's storage.json without them.
struct StorageFacts {
    double s3_connection_mb_s = 0; ///< per connection (low end of 85-90)
    double s3_connections_to_fill_10gbps = 0;
    double s3_get_per_prefix_per_s = 0;
    double s3_single_instance_max_gbps = 0;
    double s3_first_byte_ms = 0; ///< low end of 100-200 ms
    double file_mode_mb_s = 0;   ///< SageMaker's File-mode example: 50 GB in ~5 min
    double efs_elastic_client_mib_s = 0;
    double efs_elastic_fs_read_gib_s = 0;           ///< low end of the Region range
    double efs_bursting_baseline_mib_s_per_tib = 0; ///< Bursting's sustained rate per TiB stored
    double efs_bursting_min_mib_s = 0;              ///< Bursting without credits, at the least
    double efs_bursting_client_mib_s = 0;
    double efs_provisioned_client_mib_s = 0;
    double efs_provisioned_fs_read_gib_s = 0; ///< low end of the Region range
    double gp3_baseline_mib_s = 0;
    double nvme_device_read_gb_s = 0;       ///< p4d's NVMe device (the only one sourced)
    double s3_small_file_threshold_mb = 50; ///< File mode: files below this are worth packing
    double s3_container_target_mb = 150;    ///< the shard size to pack them into
    double file_mode_max_dataset_gb = 100;  ///< File mode's recommended dataset size, high end
    std::map<std::string, double> limits;   ///< every number under "limits": "sagemaker_async.max_payload_gb" -> 1
    std::vector<FsxDeployment> fsx;
    std::map<std::string, int> nvme_devices; ///< instance -> NVMe device count
    StoragePrices prices;

    bool operator==(const StorageFacts&) const = default;
    template <typename Visit> static void fields(Visit&& visit)
    {
        using F = FieldSource;
        visit(Field{"s3_connection_mb_s", F::Json, "s3/per_connection_mb_s_low"}, &StorageFacts::s3_connection_mb_s);
        visit(Field{"s3_connections_to_fill_10gbps", F::Json, "s3/connections_to_fill_10gbps"}, &StorageFacts::s3_connections_to_fill_10gbps);
        visit(Field{"s3_get_per_prefix_per_s", F::Json, "s3/request_rate_get_per_prefix_per_s"}, &StorageFacts::s3_get_per_prefix_per_s);
        visit(Field{"s3_single_instance_max_gbps", F::Json, "s3/single_instance_max_gbps"}, &StorageFacts::s3_single_instance_max_gbps);
        visit(Field{"s3_first_byte_ms", F::Json, "s3/first_byte_latency_ms_low"}, &StorageFacts::s3_first_byte_ms);
        visit(Field{"file_mode_mb_s", F::Json, "s3/input_modes/file/example_download_mb_s"}, &StorageFacts::file_mode_mb_s);
        visit(Field{"efs_elastic_client_mib_s", F::Json, "efs/throughput_modes/elastic/per_client_mib_s"}, &StorageFacts::efs_elastic_client_mib_s);
        visit(Field{"efs_elastic_fs_read_gib_s", F::Json, "efs/throughput_modes/elastic/fs_read_gib_s_low"}, &StorageFacts::efs_elastic_fs_read_gib_s);
        visit(Field{"efs_bursting_baseline_mib_s_per_tib", F::Json, "efs/throughput_modes/bursting/baseline_mib_s_per_tib"},
            &StorageFacts::efs_bursting_baseline_mib_s_per_tib);
        visit(Field{"efs_bursting_min_mib_s", F::Json, "efs/throughput_modes/bursting/min_mib_s_without_credits"}, &StorageFacts::efs_bursting_min_mib_s);
        visit(Field{"efs_bursting_client_mib_s", F::Json, "efs/throughput_modes/bursting/per_client_mib_s"}, &StorageFacts::efs_bursting_client_mib_s);
        visit(Field{"efs_provisioned_client_mib_s", F::Json, "efs/throughput_modes/provisioned/per_client_mib_s"}, &StorageFacts::efs_provisioned_client_mib_s);
        visit(Field{"efs_provisioned_fs_read_gib_s", F::Json, "efs/throughput_modes/provisioned/fs_read_gib_s_low"},
            &StorageFacts::efs_provisioned_fs_read_gib_s);
        visit(Field{"gp3_baseline_mib_s", F::Json, "ebs-gp3/baseline_mib_s"}, &StorageFacts::gp3_baseline_mib_s);
        visit(Field{"nvme_device_read_gb_s", F::Derived}, &StorageFacts::nvme_device_read_gb_s); // from instance-nvme devices
        visit(Field{"s3_small_file_threshold_mb", F::Json, "s3/input_modes/file/small_file_threshold_mb"}, &StorageFacts::s3_small_file_threshold_mb);
        visit(Field{"s3_container_target_mb", F::Json, "s3/input_modes/file/container_target_mb"}, &StorageFacts::s3_container_target_mb);
        visit(Field{"file_mode_max_dataset_gb", F::Json, "s3/input_modes/file/recommended_max_dataset_gb_high"}, &StorageFacts::file_mode_max_dataset_gb);
        visit(Field{"limits", F::Derived}, &StorageFacts::limits);
        visit(Field{"fsx", F::Derived}, &StorageFacts::fsx);
        visit(Field{"nvme_devices", F::Derived}, &StorageFacts::nvme_devices);
        visit(Field{"prices", F::Derived}, &StorageFacts::prices);
    }
};

/// The whole catalogue. GPU pointers in instances point into `gpus` (stable: not resized after load).
struct Catalogue {
    std::vector<GpuSpec> gpus;
    std::vector<InstanceSpec> instances;
    std::vector<ModelSpec> models;
    StorageFacts storage_facts;               ///< the figures of storage.json the estimator reads
    double sagemaker_markup = 1.25;           ///< from profiles/instances.json: median ml./EC2 price ratio
    std::string region = "us-east-1";         ///< the region every price is for (profiles/instances.json "region")
    std::optional<Price> eks_cluster_price;   ///< EKS control plane, per cluster-hour (standard support)
    std::string spot_as_of;                   ///< when the instances' spot figures were read (profiles/instances.json "spot_as_of")
    std::map<std::string, std::string> as_of; ///< kind -> the file's "as_of" date (what reports cite)

    template <typename Visit> static void fields(Visit&& visit)
    {
        using F = FieldSource;
        visit(Field{"gpus", F::Derived}, &Catalogue::gpus);
        visit(Field{"instances", F::Derived}, &Catalogue::instances);
        visit(Field{"models", F::Derived}, &Catalogue::models);
        visit(Field{"storage_facts", F::Derived}, &Catalogue::storage_facts);
        visit(Field{"sagemaker_markup", F::Derived}, &Catalogue::sagemaker_markup);
        visit(Field{"region", F::Derived}, &Catalogue::region);
        visit(Field{"eks_cluster_price", F::Derived}, &Catalogue::eks_cluster_price);
        visit(Field{"spot_as_of", F::Derived}, &Catalogue::spot_as_of);
        visit(Field{"as_of", F::Derived}, &Catalogue::as_of);
    }

    /// kind ("gpus", "instances", "models", "storage") -> the file as written, each entry's
    /// "extends" resolved (for `catalogue show` and `version`). A catalogue compiled at build time
    /// reads them on first use; safe to call from several threads.
    [[nodiscard]] const std::map<std::string, nlohmann::json>& files() const;
    /// Sets the files (load_catalogue does), or says how to read them when first asked for.
    void set_files(std::map<std::string, nlohmann::json> files);
    void set_files_loader(std::map<std::string, nlohmann::json> (*loader)());

    [[nodiscard]] const InstanceSpec* find_instance(const std::string& name) const;
    /// The entry of this name, else the one whose name or an alias has the same key ("ResNet-50" finds
    /// resnet50, "bert-base-uncased" bert-base), else the same for a Hugging Face id without its owner.
    [[nodiscard]] const ModelSpec* find_model(const std::string& name) const;
    [[nodiscard]] const GpuSpec* find_gpu(const std::string& name) const;
    [[nodiscard]] std::vector<std::string> instance_names() const;
    [[nodiscard]] std::vector<std::string> model_names() const; ///< names and aliases, for suggestions

private:
    struct Files;
    std::shared_ptr<Files> m_files; ///< shared by copies: the files never change once read
};

/// Whether load_catalogue checks the sources of the files it takes from the embedded copy. A
/// user's files are always checked. The embedded ones are checked by a test at every build
/// (tests/unit/test_estimate.cpp, "the embedded catalogue passes every check") and need not be again on every run of the program.
enum class EmbeddedSourceCheck { Check, Trust };

/// Loads the catalogue from `directory` (profiles/*.json), or from the embedded copy when empty.
/// Problems (bad JSON, a GPU that does not exist, a figure without source) are diagnostics.
/// A model name's letters and digits in lower case: how find_model matches a name written another way.
[[nodiscard]] std::string model_name_key(std::string_view name);

std::optional<Catalogue> load_catalogue(const std::string& directory, Diagnostics& diagnostics, EmbeddedSourceCheck embedded = EmbeddedSourceCheck::Check);

/// Makes `directory` the catalogue for this process (its files replace the embedded ones of the
/// same kind). Call before the first builtin_catalogue(); returns false with diagnostics when the
/// directory or its files are broken.
bool use_catalogue_directory(const std::string& directory, Diagnostics& diagnostics);

/// The catalogue in use (embedded, or the directory given to use_catalogue_directory), loaded once (throws std::runtime_error if the build shipped a broken one).
const Catalogue& builtin_catalogue();

/// The embedded catalogue compiled to C++ at build time (src/tools/compile_tables.cpp writes it
/// from profiles/, after checking every file in full; the mlscale_tables library holds
/// it). Its files() are read from the embedded JSON on first use.
Catalogue compiled_catalogue();

/// Makes builtin_catalogue() take the embedded catalogue from `factory` (compiled_catalogue)
/// instead of parsing the embedded JSON: about 12 million instructions less at every start.
/// Call before the first builtin_catalogue(); a --catalogue directory still replaces it.
void use_compiled_catalogue(Catalogue (*factory)());

/// The embedded profiles/*.json as Catalogue::files() holds them (parsed, "extends" resolved).
std::map<std::string, nlohmann::json> embedded_catalogue_files();

} // namespace mlscale
