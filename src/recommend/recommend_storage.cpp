// Storage co-scaled with compute (docs/recommender.md §4): each configuration reads its data in
// place, or through the storage change that lifts an I/O bound (FSx for Lustre sized to what the
// GPUs consume, today's file system resized, EFS provisioned throughput), priced; the cheapest
// in total (instances and storage, every run) wins, and data moves only when that pays.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "walk.hpp"

namespace mlscale::walk {

namespace {

// A moved dataset must save at least this share of the total cost, or be what meets the target
// (data-movement-cost): a stated default.
constexpr double k_move_min_saving = 0.05;
// "Many runs over the same data" (practices.md fsx-repeated-runs): a stated default.
constexpr double k_repeated_runs = 3;
// Repeated runs over a dataset larger than File mode suits belong on FSx linked to S3
// (fsx-repeated-runs): what it saves, S3's per-request charges (no sourced rate: not priced) and
// every run's re-reads at S3 latency, is not in the total, so it is worth up to this premium on the
// total cost of all runs, as long as no run is slower (a stated default).
constexpr double k_repeated_runs_premium = 0.10;
constexpr double k_gib = 1024.0 * 1024.0 * 1024.0;

// gp3 as an in-place lift of today's EBS volume (Elastic Volumes: ModifyVolume changes type, IOPS
// and throughput without a copy), within Gp3Limits, in steps of 25 MiB/s (a rounding of ours).
constexpr double k_gp3_step_mib_s = 25;

// One way to read the data: the storage, and the estimator's configuration for it.
struct Way {
    StorageChoice storage;
    Config config;
};

// The in-place ways: S3 through File mode (when the dataset or each instance's share is within
// what File mode suits), FastFile, Pipe for built-in algorithms; data elsewhere stays there.
std::vector<Way> in_place(const Walk& walk, const Workload& w, const Option& option)
{
    std::vector<Way> ways;
    auto add = [&](const std::string& service, const std::string& mode) {
        Way way{StorageChoice{}, option.config};
        way.storage.service = service;
        way.storage.input_mode = mode;
        way.config.storage = service;
        way.config.input_mode = mode;
        ways.push_back(way);
    };
    if (walk.location == "s3") {
        const double share = w.dataset_gb / (w.sharded_by_key ? option.count : 1);
        if (share <= walk.catalogue.storage_facts.file_mode_max_dataset_gb) {
            add("s3", "file");
        }
        add("s3", "fastfile");
        if (walk.builtin && walk.sagemaker_job) {
            add("s3", "pipe");
        }
        return ways;
    }
    add(walk.location, walk.location == "efs" || walk.location == "fsx-lustre" ? "mount" : "file");
    apply_storage_today(walk.job, ways.back().config); // today's storage as configured
    if (walk.location == "efs") {
        // A Bursting or Provisioned EFS may also switch to Elastic throughput in place
        // (UpdateFileSystem ThroughputMode), billed per GB read.
        const EfsToday& today = walk.job.storage.efs;
        if (today.throughput_mode && *today.throughput_mode != "elastic") {
            add("efs", "mount");
            ways.back().config.efs_throughput_mode = "elastic";
            ways.back().storage.efs_to_elastic = true;
            // Elastic needs General Purpose performance mode, which UpdateFileSystem cannot set
            // (it carries only ThroughputMode and ProvisionedThroughputInMibps): from Max I/O,
            // Elastic is a new file system.
            ways.back().storage.new_file_system = ways.back().storage.moves_data = today.performance_mode == std::optional<std::string>("max-io");
            ways.back().storage.concepts.push_back("storage-throughput-match");
        }
    }
    return ways;
}

// Today's FSx for Lustre file system as the job describes it (none when it is Intelligent-Tiering).
const FsxDeployment* today_fsx(const Walk& walk)
{
    const FsxToday& today = walk.job.storage.fsx;
    return fsx_deployment_for(
        walk.catalogue.storage_facts, today.deployment_type.value_or(""), today.storage_type.value_or(""), today.per_unit_mb_s_per_tib.value_or(0));
}

// FSx for Lustre sized to what the GPUs consume: SCRATCH_2 for a single run, PERSISTENT_2 for
// repeated runs; from S3 it moves the data (lazy-loaded through a data repository association),
// on today's FSx it is a resize.
std::optional<Way> fsx_lift(const Walk& walk, const Workload& w, const Option& option, double required_mb_s)
{
    if (walk.location != "s3" && walk.location != "fsx-lustre") {
        return std::nullopt;
    }
    const bool persistent = walk.runs >= k_repeated_runs || walk.job.storage.fsx.deployment_type.value_or("").rfind("PERSISTENT", 0) == 0;
    FsxSize size = size_fsx(walk.catalogue.storage_facts, w.dataset_gb, required_mb_s, persistent);
    // StorageCapacity is the FSx API's 32-bit integer: up to 2,147,483,647 GiB (formats.md); a file
    // system beyond it cannot be created (a generated 1 EB dataset was sized to 1.2e19 GiB).
    constexpr double k_fsx_api_max_gib = 2147483647.0;
    if (size.capacity_gib <= 0 || size.capacity_gib > k_fsx_api_max_gib) {
        return std::nullopt;
    }
    Way way{StorageChoice{}, option.config};
    way.storage.service = "fsx-lustre";
    way.storage.input_mode = "mount";
    // Today's file system grows in place within its deployment type on SSD; a scratch one cannot
    // become persistent (re:Post, fsx-for-lustre-scratch-file-system) and HDD's throughput tier
    // cannot be raised (UpdateFileSystemLustreConfiguration PerUnitStorageThroughput: SSD only),
    // so those need a new file system.
    const FsxDeployment* today_row = today_fsx(walk);
    const bool in_place =
        walk.location == "fsx-lustre" && today_row != nullptr && size.deployment_type == today_row->deployment_type && today_row->storage_type == "SSD";
    // In place, the file system keeps at least today's capacity: FSx for Lustre capacity can only be
    // increased ("Increase only", FSx for Lustre User Guide, Managing storage capacity); its
    // throughput tier may still rise (persistent SSD).
    if (const auto today_gib = walk.job.storage.fsx.capacity_gib; in_place && today_gib && static_cast<double>(*today_gib) > size.capacity_gib) {
        size = size_fsx(walk.catalogue.storage_facts, w.dataset_gb, required_mb_s, persistent, static_cast<double>(*today_gib));
    }
    way.storage.fsx = size;
    way.storage.resizes_today = in_place;
    way.storage.new_file_system = walk.location == "fsx-lustre" && !in_place;
    way.storage.moves_data = !in_place;
    way.config.storage = "fsx-lustre";
    way.config.input_mode = "mount";
    way.config.fsx_deployment = size.deployment_type;
    way.config.fsx_per_unit_mb_s_per_tib = size.per_unit_mb_s_per_tib;
    way.config.fsx_capacity_gib = size.capacity_gib;
    way.config.fsx_holds_data = in_place; // grown in place, it keeps the data; a new one loads it from S3
    way.storage.concepts = {"storage-throughput-match"};
    if (walk.runs >= k_repeated_runs) {
        way.storage.concepts.push_back("fsx-repeated-runs");
    }
    return way;
}

// The storage's cost over every run, when the catalogue prices it (else unknown).
// `page_cache`: the dataset fits the instances' memory, so only the first epoch reads storage.
// Today's EBS volumes (one per instance) modified to gp3: what the IOPS and throughput above
// today's provisioning (at least gp3's included 3,000 IOPS and 125 MiB/s) add for the hours of the
// runs (AWS prorates provisioned performance by the hour); the volumes' own GB are today's cost.
std::optional<double> gp3_lift_cost(const Walk& walk, const StorageRates& rates, const StorageChoice& storage, int volumes, double alive_hours)
{
    if (!rates.gp3_iops_month || !rates.gp3_mib_s_month) {
        return std::nullopt;
    }
    const EbsToday& today = walk.job.storage.ebs;
    const bool gp3 = today.volume_type == std::optional<std::string>("gp3");
    const double paid_mib_s = std::max(Gp3Limits::baseline_mib_s, gp3 ? today.throughput_mib_s.value_or(0) : 0.0);
    const double paid_iops = std::max(Gp3Limits::baseline_iops, gp3 ? static_cast<double>(today.iops.value_or(0)) : 0.0);
    const double per_month =
        std::max(0.0, *storage.ebs_gp3_mib_s - paid_mib_s) * *rates.gp3_mib_s_month + std::max(0.0, storage.ebs_gp3_iops - paid_iops) * *rates.gp3_iops_month;
    return per_month * volumes * alive_hours / k_hours_per_month;
}

} // namespace

std::string fsx_in_place_change(const Walk& walk, const FsxSize& size)
{
    const auto today_gib = walk.job.storage.fsx.capacity_gib;
    const FsxDeployment* row = today_fsx(walk);
    const bool grows = !today_gib || size.capacity_gib > static_cast<double>(*today_gib);
    const bool raises = row != nullptr && size.per_unit_mb_s_per_tib > row->per_unit_mb_s_per_tib;
    if (grows && raises) {
        return fmt::format("grow today's FSx for Lustre to {} GiB at {} MB/s/TiB", grouped(size.capacity_gib), grouped(size.per_unit_mb_s_per_tib));
    }
    if (raises) {
        return fmt::format("raise today's FSx for Lustre to {} MB/s/TiB at its {} GiB", grouped(size.per_unit_mb_s_per_tib), grouped(size.capacity_gib));
    }
    return fmt::format("grow today's FSx for Lustre to {} GiB", grouped(size.capacity_gib));
}

std::optional<double> storage_cost(const Walk& walk, const Workload& w, const StorageChoice& storage, int volumes, double hours, bool page_cache)
{
    const StorageRates rates = storage_rates(walk.catalogue);
    const double alive_hours = hours * walk.runs;
    if (storage.ebs_gp3_mib_s) {
        return gp3_lift_cost(walk, rates, storage, volumes, alive_hours);
    }
    if (storage.service == "fsx-lustre" && storage.fsx) {
        const auto rate = rates.fsx_rate(storage.fsx->deployment_type, storage.fsx->per_unit_mb_s_per_tib);
        if (!rate) {
            return std::nullopt;
        }
        return storage.fsx->capacity_gib * k_gib / 1e9 * *rate * alive_hours / k_hours_per_month;
    }
    if (storage.service == "fsx-lustre" && walk.location == "fsx-lustre") {
        // Today's file system kept as it is: priced at the size and tier the job gives; without its
        // capacity, at the smallest that holds the dataset, the size its throughput is estimated at
        // (stated in the assumptions).
        const FsxDeployment* row = today_fsx(walk);
        const auto& given = walk.job.storage.fsx.capacity_gib;
        const auto rate = row != nullptr ? rates.fsx_rate(row->deployment_type, row->per_unit_mb_s_per_tib) : std::nullopt;
        if (!rate) {
            return std::nullopt;
        }
        const double capacity = given && *given > 0 ? static_cast<double>(*given) : fsx_capacity_for(*row, w.dataset_gb);
        return capacity * k_gib / 1e9 * *rate * alive_hours / k_hours_per_month;
    }
    if (storage.service == "s3") {
        // Requests: every object once per epoch (streamed) or once per run (downloaded).
        if (!rates.s3_get_per_1000) {
            return std::nullopt;
        }
        const double epochs = w.samples_per_epoch > 0 ? std::max(1.0, w.samples_per_run / w.samples_per_epoch) : 1.0;
        const double gets = w.num_files * (storage.input_mode == "file" ? 1.0 : epochs) * walk.runs;
        return gets / 1000.0 * *rates.s3_get_per_1000;
    }
    const std::string efs_mode = walk.job.storage.efs.throughput_mode.value_or("elastic");
    if (storage.service == "efs" && (storage.efs_to_elastic || efs_mode == "elastic") && rates.efs_elastic_read_per_gb) {
        const double epochs = page_cache ? 1.0 : (w.samples_per_epoch > 0 ? std::max(1.0, w.samples_per_run / w.samples_per_epoch) : 1.0);
        return w.dataset_gb * epochs * walk.runs * *rates.efs_elastic_read_per_gb;
    }
    return std::nullopt;
}

namespace {

Option with_way(const Walk& walk, const Workload& w, const Option& option, const Way& way)
{
    Option out = option;
    out.storage = way.storage;
    out.config = way.config;
    out.e = estimate(w, out.config, walk.catalogue, walk.options);
    out.hours = out.e.hours;
    if (way.storage.fsx && way.storage.moves_data) {
        // The lazy load from S3 is paid once and serves every run (fsx-repeated-runs).
        out.hours = out.e.hours - out.e.lazy_load_minutes / 60.0 * (1.0 - 1.0 / walk.runs);
    }
    out.run_cost.reset();
    out.total_cost.reset();
    if (const auto price = hourly_price(walk, *out.instance); price && out.hours > 0) {
        out.run_cost = out.hours * out.count * *price;
        out.storage.cost_usd = storage_cost(walk, w, out.storage, out.count, out.hours, out.e.page_cache);
        out.total_cost = *out.run_cost * walk.runs + out.storage.cost_usd.value_or(0);
    }
    judge(walk, out);
    return out;
}

// Is `lift` worth moving (or resizing) the data for, over `stay`? `repeated`: many runs over a
// large dataset (see k_repeated_runs_premium).
bool worth_it(const Walk& walk, const Option& stay, const Option& lift, bool repeated)
{
    if (!lift.usable()) {
        return false;
    }
    if (!stay.usable()) {
        return true;
    }
    if (walk.target && lift.in_time && !stay.in_time) {
        return true; // only the lift meets the deadline
    }
    if (lift.total_cost && stay.total_cost) {
        if (repeated && stay.storage.service == "s3" && lift.hours <= stay.hours * (1.0 + 1e-9) && lift.within_budget >= stay.within_budget &&
            *lift.total_cost <= *stay.total_cost * (1.0 + k_repeated_runs_premium)) {
            return true;
        }
        return *lift.total_cost < *stay.total_cost * (1.0 - k_move_min_saving);
    }
    // Storage not priced: by time, and only where speed matters (a missed target, repeated runs).
    const bool speed_matters = walk.runs >= k_repeated_runs || (walk.target && !stay.in_time);
    return speed_matters && lift.hours < stay.hours * (1.0 - k_move_min_saving);
}

// Today's EBS volume modified in place to gp3 with the throughput the GPUs consume, on platforms
// where the job owns its volume (SageMaker's ML storage volume has no type or throughput setting).
std::optional<Way> ebs_lift(const Walk& walk, const Option& option, double required_mb_s)
{
    if (walk.location != "ebs" || walk.sagemaker_job || required_mb_s <= 0) {
        return std::nullopt;
    }
    const double mib_s = std::min(Gp3Limits::max_mib_s, std::ceil(required_mb_s / k_mb_per_mib / k_gp3_step_mib_s) * k_gp3_step_mib_s);
    const double iops = std::min(Gp3Limits::max_iops, std::max(Gp3Limits::baseline_iops, std::ceil(mib_s / Gp3Limits::mib_s_per_iops)));
    const EbsToday& today = walk.job.storage.ebs;
    if (today.volume_type == std::optional<std::string>("gp3") && today.throughput_mib_s.value_or(Gp3Limits::baseline_mib_s) >= mib_s) {
        return std::nullopt; // already provisioned for it: the instance's EBS bandwidth binds
    }
    Way way{option.storage, option.config};
    way.config.ebs_volume_type = "gp3";
    way.config.ebs_iops = iops;
    way.config.ebs_throughput_mib_s = mib_s;
    way.storage.ebs_gp3_mib_s = mib_s;
    way.storage.ebs_gp3_iops = iops;
    way.storage.concepts.push_back("storage-throughput-match");
    return way;
}

// Where a new FSx for Lustre file system gets today's data: its S3 data repository, else a copy.
std::string fsx_source(const Walk& walk)
{
    const auto& path = walk.job.storage.fsx.import_path;
    return path ? fmt::format("loaded from {}, today's data repository", *path) : "the data copied from today's file system (it has no S3 data repository)";
}

std::string in_place_why(const Walk& walk, const Workload& w, const Option& option)
{
    if (option.storage.efs_to_elastic && option.storage.new_file_system) {
        return fmt::format("a new General Purpose EFS with Elastic throughput, the data copied: Elastic needs General Purpose performance mode "
                           "and today's Max I/O cannot be changed (reads billed per GB)");
    }
    if (option.storage.efs_to_elastic) {
        return fmt::format(
            "the data stays on EFS, switched from {} to Elastic throughput (reads billed per GB)", walk.job.storage.efs.throughput_mode.value_or("bursting"));
    }
    if (option.storage.service == "fsx-lustre") {
        const FsxToday& today = walk.job.storage.fsx;
        const FsxDeployment* row = today_fsx(walk);
        std::string why = row != nullptr ? fmt::format("the data stays on FSx for Lustre {} {}", row->deployment_type, row->storage_type)
                                         : fmt::format("the data stays on FSx for Lustre {}", today.storage_type.value_or(""));
        if (today.import_path) {
            why += fmt::format(", linked to {}: files load from S3 on first access unless preloaded (hsm_restore)", *today.import_path);
        }
        return why;
    }
    if (option.storage.service != "s3") {
        return fmt::format("the data stays on {}", option.storage.service);
    }
    const double share_gb = w.dataset_gb / (w.sharded_by_key ? option.count : 1);
    if (!walk.sagemaker_job) {
        // Off SageMaker the same physics go by other names: a copy to the instance before training, or
        // a stream through Mountpoint for Amazon S3 (awslabs/mountpoint-s3 README: reads large objects
        // "without downloading them to local storage first") or a loader that reads S3 directly.
        return option.storage.input_mode == "file"
            ? fmt::format("downloaded before training: {} GB copied to the instance's volume in {:.0f} min", grouped(share_gb), option.e.download_minutes)
            : fmt::format("streams from S3 without a download ({})", k_s3_stream_off_sagemaker);
    }
    if (option.storage.input_mode == "file") {
        return fmt::format("File mode: {} GB downloads in {:.0f} min before training", grouped(share_gb), option.e.download_minutes);
    }
    return fmt::format("{} streams from S3 without a download", option.storage.input_mode == "pipe" ? "Pipe mode" : "FastFile");
}

// Objects spread over more key prefixes: S3 serves 5,500 GET/s per prefix and scales with prefixes
// (aws_storage.md §1), so a request-bound stream needs only a naming change (s3-sharding).
void spread_prefixes(const Walk& walk, const Workload& w, Option& best)
{
    const double get_limit = walk.catalogue.storage_facts.s3_get_per_prefix_per_s;
    if (best.storage.service != "s3" || best.storage.input_mode == "file" || w.num_files <= 0 || w.dataset_gb <= 0 || get_limit <= 0) {
        return;
    }
    const double mean_file_mb = w.dataset_gb * 1000.0 / w.num_files;
    // No more prefixes than files (one object each), and within an int (fuzz_pipeline found 8.7e11).
    const double needed = std::min({std::ceil(best.e.required_input_mb_s / mean_file_mb / get_limit), w.num_files, 2147483647.0});
    if (!(needed >= 1)) {
        return;
    }
    const int prefixes = static_cast<int>(needed);
    if (prefixes <= best.config.s3_prefixes) {
        return;
    }
    Way way{best.storage, best.config};
    way.config.s3_prefixes = prefixes;
    Option spread = with_way(walk, w, best, way);
    if (spread.usable() && spread.hours < best.hours * (1.0 - k_move_min_saving)) {
        spread.storage.why = in_place_why(walk, w, spread) +
            fmt::format("; spread the objects over {} key prefixes (S3 serves {} GET/s per prefix)", prefixes, grouped(get_limit));
        spread.storage.concepts.push_back("s3-sharding");
        best = spread;
    }
}

} // namespace

void choose_storage(const Walk& walk, const Workload& w, Option& option)
{
    std::optional<Option> best;
    for (const auto& way : in_place(walk, w, option)) {
        Option candidate = with_way(walk, w, option, way);
        if (!best ||
            (candidate.usable() &&
                (!best->usable() || candidate.cost_or_max() < best->cost_or_max() ||
                    (candidate.cost_or_max() == best->cost_or_max() && candidate.hours < best->hours)))) {
            best = candidate;
        }
    }
    best->storage.why = in_place_why(walk, w, *best);
    const std::string mode = best->storage.input_mode;
    if (best->storage.service == "s3") {
        best->storage.concepts.push_back(mode == "file" ? "file-mode-startup" : (mode == "pipe" ? "pipe-mode-recordio" : "fastfile-mode"));
    }
    if (best->e.bottleneck == Bottleneck::Io) {
        spread_prefixes(walk, w, *best);
    }
    const bool starved = best->e.bottleneck == Bottleneck::Io;
    if (starved && best->e.required_input_mb_s > 0) {
        if (const auto way = ebs_lift(walk, *best, best->e.required_input_mb_s)) {
            Option lifted = with_way(walk, w, *best, *way);
            if (worth_it(walk, *best, lifted, false)) {
                lifted.storage.why = fmt::format("the data stays on EBS, today's volume modified in place to gp3 with {} MiB/s and {} IOPS "
                                                 "(Elastic Volumes, no copy) for the {} MB/s the GPUs consume; {}",
                    grouped(*way->storage.ebs_gp3_mib_s), grouped(way->storage.ebs_gp3_iops), grouped(best->e.required_input_mb_s),
                    lifted.storage.cost_usd ? fmt::format("the extra throughput and IOPS cost {} for the hours of the runs (per MiB/s- and "
                                                          "IOPS-month above what the volume has, prorated by the hour)",
                                                  usd(*lifted.storage.cost_usd))
                                            : std::string("gp3's extra throughput and IOPS are not priced (no rate in profiles/storage.json)"));
                best = lifted;
            }
        }
    }
    const bool repeated = walk.runs >= k_repeated_runs && w.dataset_gb > walk.catalogue.storage_facts.file_mode_max_dataset_gb;
    if ((starved || repeated) && best->e.required_input_mb_s > 0) {
        if (const auto way = fsx_lift(walk, w, option, best->e.required_input_mb_s)) {
            Option lifted = with_way(walk, w, option, *way);
            if (worth_it(walk, *best, lifted, repeated)) {
                lifted.storage.why =
                    fmt::format("FSx for Lustre {} {} GiB delivers {} MB/s for the {} MB/s the GPUs consume{}{}", way->storage.fsx->deployment_type,
                        grouped(way->storage.fsx->capacity_gib), grouped(way->storage.fsx->throughput_mb_s), grouped(best->e.required_input_mb_s),
                        lifted.storage.resizes_today ? " (" + fsx_in_place_change(walk, *way->storage.fsx) + ", in place)"
                            : lifted.storage.new_file_system
                            ? fmt::format(" (a new file system: today's {} cannot become it in place; {})",
                                  walk.job.storage.fsx.storage_type == std::optional<std::string>("HDD") ? "HDD storage" : "deployment type", fsx_source(walk))
                            : "",
                        walk.runs > 1 && lifted.storage.moves_data
                            ? fmt::format("; loaded {}once for {:.0f} runs",
                                  lifted.storage.new_file_system && !walk.job.storage.fsx.import_path ? "" : "from S3 ", walk.runs)
                            : "");
                best = lifted;
            } else if (lifted.usable() && lifted.hours < best->hours * (1.0 - k_move_min_saving)) {
                best->storage.why +=
                    fmt::format("; FSx for Lustre ({} GiB) would save {} per run, but the data stays: {}", grouped(way->storage.fsx->capacity_gib),
                        hours_text(best->hours - lifted.hours), walk.target && best->in_time ? "the deadline does not need it" : "it costs more than it saves");
                best->storage.concepts.push_back("data-movement-cost");
            }
        }
    }
    option = *best;
}

} // namespace mlscale::walk
