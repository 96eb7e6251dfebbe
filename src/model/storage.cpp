// Input supply (docs/model.md §4): S3 File/FastFile/Pipe, EFS, FSx for Lustre, EBS (gp2 under
// SageMaker), instance store, and the page cache. Every figure is from profiles/storage.json or
// cited where it is defined.
#include "storage.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace mlscale {

namespace {

constexpr double k_mib = k_mb_per_mib;
constexpr double k_gib_in_gb = 1.073741824;
// SageMaker's ML storage volume on instances without instance store is gp2 ("Amazon SageMaker
// supports only the General Purpose SSD (gp2) ML storage volume type", ResourceConfig
// VolumeSizeInGB, AWS SDK documentation). gp2 throughput by size (awsdocs/amazon-ec2-user-guide
// @0147f878 doc_source/general-purpose.md): ≤ 170 GiB 128 MiB/s; larger volumes 250 MiB/s
// (between 170 and 334 GiB while burst credits last). Throughput = IOPS × I/O size: baseline
// 3 IOPS per GiB (at least 100), burst to 3,000 IOPS below 1 TiB, 5.4 million I/O credits.
constexpr double k_gp2_small_mib_s = 128;
constexpr double k_gp2_large_mib_s = 250;
constexpr double k_gp2_small_limit_gib = 170;
constexpr double k_gp2_iops_per_gib = 3;
constexpr double k_gp2_min_iops = 100;
constexpr double k_gp2_burst_iops = 3000;
constexpr double k_gp2_burst_credits = 5.4e6;
// Sequential reads of a data loader: 256 KiB I/Os (EBS counts I/O up to 256 KiB as one
// operation on SSD volumes; same user guide, ebs-io-characteristics).
constexpr double k_io_kib = 256;
// SageMaker's default ML storage volume when none is given and the dataset does not set it: 30 GB
// (ResourceConfig VolumeSizeInGB default in the SageMaker Python SDK).
constexpr double k_default_volume_gb = 30;
// Share of the instance's memory the page cache can keep: an assumption (stated in docs/model.md
// §4), the rest being left to the training processes, pinned buffers and loader workers.
constexpr double k_page_cache_share = 0.5;
// FSx for Lustre Intelligent-Tiering provisions throughput apart from capacity: "4000 MBps or
// multiples of 4000 MBps" (CreateFileSystemLustreConfiguration ThroughputCapacity, AWS SDK
// documentation); the job format carries no throughput capacity, so the smallest is assumed.
constexpr double k_fsx_tiering_min_mb_s = 4000;

// gp2 throughput in MB/s for reading `read_gb` from a volume of `volume_gb`: burst while the
// I/O credits last, then the baseline, capped by the size-dependent maximum.
double gp2_read_mb_s(double volume_gb, double read_gb)
{
    const double gib = volume_gb / k_gib_in_gb;
    const double cap_mib_s = gib <= k_gp2_small_limit_gib ? k_gp2_small_mib_s : k_gp2_large_mib_s;
    const double baseline_iops = std::max(k_gp2_min_iops, k_gp2_iops_per_gib * gib);
    const double io_mb = k_io_kib / 1024.0 * k_mib;
    const double baseline = std::min(cap_mib_s * k_mib, baseline_iops * io_mb);
    if (baseline_iops >= k_gp2_burst_iops || read_gb <= 0) {
        return baseline;
    }
    const double burst = std::min(cap_mib_s * k_mib, k_gp2_burst_iops * io_mb);
    const double burst_seconds = k_gp2_burst_credits / (k_gp2_burst_iops - baseline_iops);
    const double read_mb = read_gb * 1000.0;
    const double burst_mb = std::min(read_mb, burst * burst_seconds);
    return read_mb / (burst_mb / burst + (read_mb - burst_mb) / baseline);
}

// Throughput Optimized (st1) and Cold (sc1) HDD volumes (awsdocs/amazon-ec2-user-guide@0147f878
// doc_source/hdd-vols.md): baseline and burst MiB/s per TiB of volume, capped per volume; the
// burst bucket holds one TiB of credits per TiB, "enough tokens for a full volume scan", and
// refills at the baseline. 125 GiB is the smallest volume (aws_storage.md §4).
struct HddVolume {
    double baseline_mib_s_per_tib;
    double burst_mib_s_per_tib;
    double cap_mib_s;
};
constexpr HddVolume k_st1{40, 250, 500};
constexpr HddVolume k_sc1{12, 80, 250};
constexpr double k_hdd_min_gib = 125;
// Provisioned IOPS SSD (same guide, provisioned-iops.md): io1 (and io2 off Block Express) up to
// 32,000 IOPS moves 256 KiB per I/O up to 500 MiB/s, above that 16 KiB per IOPS up to 1,000 MiB/s;
// io2 Block Express 0.256 MiB/s per IOPS up to 4,000 MiB/s (every io2 volume on a Nitro instance
// runs on Block Express: profiles/storage.json ebs-io2). gp3 delivers its 125 MiB/s baseline or the
// throughput provisioned, up to 0.25 MiB/s per provisioned IOPS (profiles/storage.json ebs-gp3
// mib_s_per_iops_max_2023: the 2023 ratio, kept because no source says it was lifted).
constexpr double k_io1_small_cap_mib_s = 500;
constexpr double k_io1_small_max_iops = 32000;
constexpr double k_io1_large_kib_per_iops = 16;
constexpr double k_io1_cap_mib_s = 1000;
constexpr double k_io2_mib_s_per_iops = 0.256;
constexpr double k_io2_cap_mib_s = 4000;
// Provisioned IOPS when a job names io1/io2 or gp3 without them: gp3's included 3,000 (an
// assumption the profile states; profiles/storage.json ebs-gp3 baseline_iops).
constexpr double k_default_iops = 3000;

// Mean MB/s of an HDD volume over a run that reads `read_gb` in all: burst while the bucket (one
// full volume) lasts, then what the bucket refills at the baseline.
double hdd_read_mb_s(const HddVolume& type, double volume_gb, double read_gb)
{
    const double tib = std::max(k_hdd_min_gib, volume_gb / k_gib_in_gb) / 1024.0;
    const double burst = std::min(type.cap_mib_s, type.burst_mib_s_per_tib * tib) * k_mib;
    const double baseline = std::min(type.cap_mib_s, type.baseline_mib_s_per_tib * tib) * k_mib;
    const double credits_mb = volume_gb * 1000.0;
    const double read_mb = read_gb * 1000.0;
    if (read_mb <= credits_mb) {
        return burst;
    }
    return std::min(burst, read_mb * baseline / (read_mb - credits_mb));
}

double provisioned_iops_mb_s(const std::string& type, double iops)
{
    if (type == "io2") {
        return std::min(k_io2_cap_mib_s, k_io2_mib_s_per_iops * iops) * k_mib;
    }
    const double mib_s = iops <= k_io1_small_max_iops ? std::min(k_io1_small_cap_mib_s, iops * k_io_kib / 1024.0)
                                                      : std::min(k_io1_cap_mib_s, iops * k_io1_large_kib_per_iops / 1024.0);
    return mib_s * k_mib;
}

// MB/s one instance reads from its EBS volume: gp2 under SageMaker, or the job's volume type on EC2
// (storage.ebs), sized to hold its share of the dataset unless VolumeSizeInGB is given; capped by
// the instance's EBS bandwidth.
double ebs_read_mb_s(const InstanceSpec& instance, const Workload& workload, const Config& config)
{
    const double share_gb = workload.dataset_gb / (workload.sharded_by_key ? std::max(1, config.count) : 1);
    const double volume_gb = config.ebs_volume_gb > 0 ? config.ebs_volume_gb : std::max(k_default_volume_gb, share_gb);
    const double epochs = workload.samples_per_epoch > 0 ? std::max(1.0, workload.samples_per_run / workload.samples_per_epoch) : 1.0;
    const std::string& type = config.ebs_volume_type;
    const double iops = config.ebs_iops > 0 ? config.ebs_iops : k_default_iops;
    double volume = 0;
    if (type == "st1" || type == "sc1") {
        volume = hdd_read_mb_s(type == "st1" ? k_st1 : k_sc1, volume_gb, share_gb * epochs);
    } else if (type == "io1" || type == "io2") {
        volume = provisioned_iops_mb_s(type, iops);
    } else if (type == "gp3") {
        const double provisioned = config.ebs_throughput_mib_s > 0 ? config.ebs_throughput_mib_s : Gp3Limits::baseline_mib_s;
        volume = std::min(provisioned, iops * Gp3Limits::mib_s_per_iops) * k_mib;
    } else {
        volume = gp2_read_mb_s(volume_gb, share_gb);
    }
    return instance.ebs_mb_s > 0 ? std::min(volume, instance.ebs_mb_s) : volume;
}

// MB/s one instance reads from its NVMe instance store (p4d's device, the only sourced figure).
double nvme_read_mb_s(const InstanceSpec& instance, const StorageFacts& storage)
{
    const auto it = storage.nvme_devices.find(instance.name);
    const int devices = it != storage.nvme_devices.end() ? it->second : 1;
    return devices * storage.nvme_device_read_gb_s * 1000.0;
}

const FsxDeployment* fsx_deployment(const StorageFacts& storage, const Config& config)
{
    return fsx_deployment_for(storage, config.fsx_deployment, config.fsx_storage_type, config.fsx_per_unit_mb_s_per_tib);
}

double mean_file_mb(const Workload& workload)
{
    return workload.num_files > 0 ? workload.dataset_gb * 1000.0 / workload.num_files : 0.0;
}

} // namespace

// The smallest capacity the deployment allows that holds `dataset_gb` (GiB steps, then increments).
double fsx_capacity_for(const FsxDeployment& deployment, double dataset_gb)
{
    const double needed = dataset_gb / k_gib_in_gb;
    for (const double step : deployment.capacity_steps_gib) {
        if (step >= needed) {
            return step;
        }
    }
    const double base = deployment.capacity_steps_gib.empty() ? deployment.min_capacity_gib : deployment.capacity_steps_gib.back();
    if (needed <= base || deployment.capacity_increment_gib <= 0) {
        return std::max(base, deployment.min_capacity_gib);
    }
    return base + std::ceil((needed - base) / deployment.capacity_increment_gib) * deployment.capacity_increment_gib;
}

int loader_workers_per_instance(const Workload& workload, const InstanceSpec& instance, int gpus_per_instance)
{
    const int gpus = std::max(1, gpus_per_instance);
    return workload.loader_workers > 0 ? std::min(workload.loader_workers * gpus, std::max(1, instance.vcpus)) : std::max(1, instance.vcpus - gpus);
}

namespace model_detail {

double s3_stream_mb_s(const InstanceSpec& instance, const Workload& workload, const StorageFacts& storage, bool per_file_requests)
{
    const double connections = loader_workers_per_instance(workload, instance, instance.gpu_count);
    const double nic = instance.network_gbps * 125.0;
    double rate = std::min({connections * storage.s3_connection_mb_s, nic, storage.s3_single_instance_max_gbps * 125.0});
    const double file_mb = mean_file_mb(workload);
    if (per_file_requests && file_mb > 0 && storage.s3_connection_mb_s > 0) {
        // Each file is a GET: first-byte latency, then the transfer, on each connection in turn
        // (S3 guide: 100-200 ms first-byte latency; 85-90 MB/s per connection).
        const double seconds_per_file = storage.s3_first_byte_ms / 1000.0 + file_mb / storage.s3_connection_mb_s;
        rate = std::min(rate, connections / seconds_per_file * file_mb);
    }
    return rate;
}

bool fits_page_cache(const Workload& workload, const Config& config)
{
    if (config.instance == nullptr || workload.dataset_gb <= 0) {
        return false;
    }
    const double share_gb = workload.dataset_gb / (workload.sharded_by_key ? std::max(1, config.count) : 1);
    return share_gb <= k_page_cache_share * config.instance->memory_gib * k_gib_in_gb;
}

StorageSupply storage_supply(const Workload& workload, const Config& config, const StorageFacts& storage)
{
    const InstanceSpec& instance = *config.instance;
    const double count = std::max(1, config.count);
    const double nic = instance.network_gbps * 125.0;
    const bool nvme = instance.local_nvme_gb > 0 && storage.nvme_device_read_gb_s > 0;
    StorageSupply supply;
    if (config.storage == "instance-store" || (config.storage == "s3" && config.input_mode == "file")) {
        // File mode copies the dataset to the instance store where there is one, else to the gp2
        // ML storage volume.
        if (config.storage == "instance-store" && !nvme) {
            supply.available = false;
            supply.note = fmt::format("ml.{} has no instance store (EBS only): the data cannot be read from one", instance.name);
            return supply;
        }
        // "When using an ML instance with NVMe SSD volumes, SageMaker doesn't provision Amazon EBS
        // General Purpose SSD (gp2) storage. Available storage is fixed to the NVMe-type instance's
        // storage capacity" (SageMaker API, ResourceConfig.VolumeSizeInGB): a share that does not
        // fit it cannot be copied there.
        const double share_gb = workload.dataset_gb / (workload.sharded_by_key ? count : 1.0);
        if (instance.local_nvme_gb > 0 && share_gb > instance.local_nvme_gb) {
            supply.available = false;
            supply.note = fmt::format("{:.0f} GB per instance do not fit ml.{}'s {:.0f} GB of NVMe instance storage, the only storage SageMaker gives "
                                      "an NVMe instance (no EBS volume)",
                share_gb, instance.name, instance.local_nvme_gb);
            return supply;
        }
        supply.mb_s = count * (nvme ? nvme_read_mb_s(instance, storage) : ebs_read_mb_s(instance, workload, config));
        return supply;
    }
    if (config.storage == "s3") {
        // FastFile reads each file with its own GET; Pipe streams objects one after another.
        supply.mb_s = count * s3_stream_mb_s(instance, workload, storage, config.input_mode == "fastfile");
        const double file_mb = mean_file_mb(workload);
        if (file_mb > 0) { // 5,500 GET/s per prefix; prefixes scale (S3 guide)
            supply.mb_s = std::min(supply.mb_s, storage.s3_get_per_prefix_per_s * std::max(1, config.s3_prefixes) * file_mb);
        }
        return supply;
    }
    if (config.storage == "efs") {
        // Elastic scales with the load; Bursting sustains its baseline per TiB stored (its bursts,
        // on credits, last at most 12 h a day and are not counted on); Provisioned delivers what
        // was bought, within the mode's file-system maximum (profiles/storage.json).
        if (config.efs_throughput_mode == "bursting") {
            const double tib = workload.dataset_gb * 1e9 / 1099511627776.0;
            const double fs = std::max(storage.efs_bursting_min_mib_s, storage.efs_bursting_baseline_mib_s_per_tib * tib) * k_mib;
            supply.mb_s = std::min(count * std::min(storage.efs_bursting_client_mib_s * k_mib, nic), fs);
        } else if (config.efs_throughput_mode == "provisioned" && config.efs_provisioned_mib_s > 0) {
            const double fs = std::min(config.efs_provisioned_mib_s, storage.efs_provisioned_fs_read_gib_s * 1024.0) * k_mib;
            supply.mb_s = std::min(count * std::min(storage.efs_provisioned_client_mib_s * k_mib, nic), fs);
        } else {
            const double client = std::min(storage.efs_elastic_client_mib_s * k_mib, nic);
            supply.mb_s = std::min(count * client, storage.efs_elastic_fs_read_gib_s * 1024.0 * k_mib);
        }
        return supply;
    }
    if (config.storage == "fsx-lustre") {
        if (config.fsx_storage_type == "INTELLIGENT_TIERING") {
            supply.mb_s = std::min(k_fsx_tiering_min_mb_s, count * nic); // stated among the profile's assumptions
            return supply;
        }
        const FsxDeployment* deployment = fsx_deployment(storage, config);
        if (deployment != nullptr) {
            const double capacity = config.fsx_capacity_gib > 0 ? config.fsx_capacity_gib : fsx_capacity_for(*deployment, workload.dataset_gb);
            const double per_tib = deployment->disk_baseline_mb_s_per_tib > 0 ? deployment->disk_baseline_mb_s_per_tib : deployment->per_unit_mb_s_per_tib;
            supply.mb_s = std::min(fsx_throughput_mb_s(capacity, per_tib), count * nic);
        }
        return supply;
    }
    if (config.storage == "ebs") {
        supply.mb_s = count * ebs_read_mb_s(instance, workload, config);
    }
    return supply;
}

} // namespace model_detail

const FsxDeployment* fsx_deployment_for(const StorageFacts& storage, const std::string& deployment_type, const std::string& storage_type, double per_unit)
{
    // The storage type when not said: SSD, or HDD where only HDD offers the per-unit tier.
    auto find = [&](const std::string& wanted) -> const FsxDeployment* {
        for (const char* type : {"SSD", "HDD"}) {
            for (const auto& deployment : storage.fsx) {
                if (deployment.deployment_type == wanted && deployment.storage_type == (storage_type.empty() ? type : storage_type) &&
                    (per_unit <= 0 || deployment.per_unit_mb_s_per_tib == per_unit)) {
                    return &deployment;
                }
            }
        }
        return nullptr;
    };
    if (!deployment_type.empty()) {
        return find(deployment_type);
    }
    // Not said: SCRATCH_2 where it offers the tier, else the deployment that does.
    for (const char* wanted : {"SCRATCH_2", "PERSISTENT_2", "PERSISTENT_1", "SCRATCH_1"}) {
        if (const FsxDeployment* found = find(wanted)) {
            return found;
        }
    }
    return nullptr;
}

double fsx_throughput_mb_s(double capacity_gib, double mb_s_per_tib)
{
    // AWS counts a 1,200 GiB file system as 1.2 TiB in its throughput examples (4.8 TiB × 50 = 240 MB/s).
    return capacity_gib / 1000.0 * mb_s_per_tib;
}

double file_mode_download_minutes(double dataset_gb, double num_files, const StorageFacts& storage)
{
    if (storage.file_mode_mb_s <= 0) {
        return 0;
    }
    // Bytes at SageMaker's example rate (50 GB of 100 MB shards in ~5 min), plus each object's
    // first-byte latency spread over the connections that fill a 10 Gb/s NIC.
    const double transfer_s = dataset_gb * 1000.0 / storage.file_mode_mb_s;
    const double connections = std::max(1.0, storage.s3_connections_to_fill_10gbps);
    const double latency_s = num_files * storage.s3_first_byte_ms / 1000.0 / connections;
    return (transfer_s + latency_s) / 60.0;
}

} // namespace mlscale
