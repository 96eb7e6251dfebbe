// The catalogue (profiles/): instances, GPUs, storage services and well-known models, every
// figure with its source. Read from the copy embedded in the binary, or from a directory.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mlscale/diagnostics.hpp"

namespace mlscale {

struct GpuSpec {
    std::string name;
    std::string vendor;
    std::string generation;
    double memory_gb = 0;
    double mem_bandwidth_gb_s = 0;
    std::map<std::string, double> peak_tflops; ///< dense peak by precision (fp32, tf32, fp16, bf16, fp8)
    double nvlink_gb_s = 0;
};

struct InstanceSpec {
    std::string name; ///< without the "ml." prefix
    std::string family;
    std::string gpu;  ///< key into the GPU list; empty for CPU instances
    const GpuSpec* gpu_spec = nullptr;
    int gpu_count = 0;
    double gpu_memory_gb = 0;
    int vcpus = 0;
    double memory_gib = 0;
    double network_gbps = 0;
    double network_burst_gbps = 0;
    bool efa = false;
    int efa_interfaces = 0;
    std::string nvlink;
    double local_nvme_gb = 0;
    double ebs_mb_s = 0;
    std::optional<double> price_usd_per_hour; ///< EC2 on-demand, us-east-1; none when not sold on demand
    std::optional<double> sagemaker_price_usd_per_hour;
    bool sagemaker_price_estimated = false;
    std::optional<bool> sagemaker_training; ///< offered for SageMaker training (unknown when null)

    /// The SageMaker training price per hour: the sourced `ml.` price, else EC2 × the catalogue's
    /// stated mark-up (an estimate: `estimated` is set).
    [[nodiscard]] std::optional<double> sagemaker_price(double markup, bool* estimated = nullptr) const;
};

struct ModelSpec {
    std::string name;
    std::string family;
    double params_millions = 0;
    std::optional<double> forward_gflops;
    std::optional<std::int64_t> seq_len;
    std::optional<std::int64_t> layers;
    std::optional<std::int64_t> hidden;
    std::optional<std::int64_t> heads;
    std::optional<std::int64_t> vocab;
    std::optional<std::array<std::int64_t, 2>> input_resolution;
    bool forward_per_token = false; ///< forward_gflops is per token (language models), else per sample
    std::optional<double> attention_forward_gflops_per_token;
    std::optional<double> activations_millions; ///< CNNs: tensor elements autograd keeps per sample for the backward pass
};

/// One FSx for Lustre deployment type (and throughput tier) from profiles/storage.json.
struct FsxDeployment {
    std::string deployment_type; ///< SCRATCH_1|SCRATCH_2|PERSISTENT_1|PERSISTENT_2
    std::string storage_type;    ///< SSD|HDD
    double per_unit_mb_s_per_tib = 0;
    double disk_baseline_mb_s_per_tib = 0; ///< 0 when not tabulated (then per_unit applies)
    double min_capacity_gib = 0;
    std::vector<double> capacity_steps_gib;
    double capacity_increment_gib = 0;
};

/// The storage figures the estimator uses, read once from profiles/storage.json so the hot path
/// does no JSON lookups. Defaults are never used with the shipped catalogue (each is read from it).
struct StorageFacts {
    double s3_connection_mb_s = 0;          ///< per connection (low end of 85-90)
    double s3_connections_to_fill_10gbps = 0;
    double s3_get_per_prefix_per_s = 0;
    double s3_single_instance_max_gbps = 0;
    double s3_first_byte_ms = 0;            ///< low end of 100-200 ms
    double file_mode_mb_s = 0;              ///< SageMaker's File-mode example: 50 GB in ~5 min
    double efs_elastic_client_mib_s = 0;
    double efs_elastic_fs_read_gib_s = 0;   ///< low end of the Region range
    double gp3_baseline_mib_s = 0;
    double nvme_device_read_gb_s = 0;       ///< p4d's NVMe device (the only one sourced)
    // What the recommender reads; the defaults stand only for a user's storage.json without them.
    double s3_small_file_threshold_mb = 50; ///< File mode: files below this are worth packing
    double s3_container_target_mb = 150;    ///< the shard size to pack them into
    double file_mode_max_dataset_gb = 100;  ///< File mode's recommended dataset size, high end
    std::map<std::string, double> limits;   ///< every number under "limits": "sagemaker_async.max_payload_gb" -> 1
    std::vector<FsxDeployment> fsx;
    std::map<std::string, int> nvme_devices; ///< instance -> NVMe device count
};

/// The whole catalogue. GPU pointers in instances point into `gpus` (stable: not resized after load).
struct Catalogue {
    std::vector<GpuSpec> gpus;
    std::vector<InstanceSpec> instances;
    std::vector<ModelSpec> models;
    StorageFacts storage_facts;      ///< the figures of storage.json the estimator reads
    double sagemaker_markup = 1.25;  ///< from profiles/instances.json: median ml./EC2 price ratio
    std::map<std::string, std::string> as_of; ///< kind -> the file's "as_of" date (what reports cite)

    /// kind ("gpus", "instances", "models", "storage") -> the file as written, each entry's
    /// "extends" resolved (for `profiles show` and `version`). A catalogue compiled at build time
    /// reads them on first use; safe to call from several threads.
    [[nodiscard]] const std::map<std::string, nlohmann::json>& files() const;
    /// Sets the files (load_catalogue does), or says how to read them when first asked for.
    void set_files(std::map<std::string, nlohmann::json> files);
    void set_files_loader(std::map<std::string, nlohmann::json> (*loader)());

    [[nodiscard]] const InstanceSpec* find_instance(const std::string& name) const;
    [[nodiscard]] const ModelSpec* find_model(const std::string& name) const;
    [[nodiscard]] const GpuSpec* find_gpu(const std::string& name) const;
    [[nodiscard]] std::vector<std::string> instance_names() const;
    [[nodiscard]] std::vector<std::string> model_names() const;

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
std::optional<Catalogue> load_catalogue(const std::string& directory, Diagnostics& diagnostics,
    EmbeddedSourceCheck embedded = EmbeddedSourceCheck::Check);

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
/// Call before the first builtin_catalogue(); a --profiles directory still replaces it.
void use_compiled_catalogue(Catalogue (*factory)());

/// The embedded profiles/*.json as Catalogue::files() holds them (parsed, "extends" resolved).
std::map<std::string, nlohmann::json> embedded_catalogue_files();

} // namespace mlscale
