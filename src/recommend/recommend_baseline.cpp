// The walk's first passes: what the job asks (workload, target, budget, runs, where the data
// lives), today's setup as it actually runs, and the data-pipeline fixes. docs/recommender.md §1, §3.1.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "walk.hpp"

namespace mlscale::walk {

namespace {

// Resizing offline pays only when the stored images are clearly larger than what is kept: a
// stated default (the whitepaper's example is a 31x pixel ratio).
constexpr double k_resize_min_ratio = 1.5;
// Images are resized offline to a little above the model's input, so random crops
// (RandomResizedCrop) still have pixels to choose from: the shorter side to 256 for a 224 input,
// torchvision's ImageNet convention (resize 256, crop 224), i.e. 8/7 per side.
constexpr double k_resize_margin_per_side = 256.0 / 224.0;
// A model that disagrees with a measurement by more than this is reported (observed beats modelled).
constexpr double k_model_disagreement = 0.25;

double json_number(const nlohmann::json& object, const char* key, double fallback)
{
    return object.is_object() && object.contains(key) && object[key].is_number() ? object[key].get<double>() : fallback;
}

// Today's storage as the job describes it: where the data is, and today's file system's size.
StorageChoice today_storage(const Walk& walk, Config& config)
{
    StorageChoice storage;
    storage.service = config.storage;
    storage.input_mode = config.input_mode;
    (void)walk; // today's file system is on the configuration already (apply_storage_today)
    return storage;
}

// Today's parallelism: as the job says (training.distribution), else what fits, as it must to run.
void today_parallelism(const Walk& walk, Option& today)
{
    if (walk.job.training.distribution && *walk.job.training.distribution != "none") {
        today.parallelism.parallelism = today.config.parallelism;
        today.parallelism.mode = today.config.parallelism.mode;
        // The job names mlscale's mode ("data-parallel"); the plan names the SageMaker setting that runs it.
        today.parallelism.distribution = distribution_for(today.parallelism.mode, *walk.current, walk.current_count, walk.framework);
        return;
    }
    today.parallelism = choose_parallelism(walk.base, *walk.current, walk.current_count, walk.framework, walk.catalogue, walk.options);
    today.config.parallelism = today.parallelism.parallelism;
}

// Where the job does not say how today's several GPUs split the work, the split the plan would run
// them with is today's (the fastest that fits): said, since the profile estimates the job as
// written (plain data parallel), which may not fit.
void state_today_parallelism(Walk& walk, const Option& today)
{
    const int gpus = today.count * std::max(1, walk.current->gpu_count);
    if (walk.job.training.distribution || gpus < 2 || today.parallelism.mode.empty() || today.parallelism.mode == "none") {
        return;
    }
    walk.out.assumptions.push_back(fmt::format("training.distribution not given: today's {} {} taken to run {}, the split the plan would run them "
                                               "with (the fastest that fits); give training.distribution (and tensor_parallel, pipeline_parallel) "
                                               "for today's own",
        gpus, device(*walk.current, true), parallelism_label(today.config.parallelism)));
    // A global batch below the GPUs leaves no data-parallel split with a sample for each: the split
    // above is the batch's doing, and a per-GPU batch written as the global one is the usual cause.
    const auto batch = walk.job.model.batch_size;
    if (batch && *batch < gpus && today.config.parallelism.mode == "model") {
        walk.out.assumptions.push_back(fmt::format("model.batch_size {} is the global batch (samples per step), fewer than today's {} {}: plain data "
                                                   "parallelism has no sample for each, hence the split above; if {} is the batch per {}, give "
                                                   "the global batch ({} x {} = {})",
            *batch, gpus, device(*walk.current, true), *batch, device(*walk.current, false), *batch, gpus, *batch * gpus));
    }
}

} // namespace

std::string parallelism_label(const Parallelism& p)
{
    if (p.mode == "sharded") {
        return fmt::format("sharded, ZeRO-{}", p.zero_stage == 0 ? 3 : p.zero_stage);
    }
    if (p.mode == "model") {
        return fmt::format("tensor {} x pipeline {}{}", p.tensor, p.pipeline, p.zero_stage > 0 ? fmt::format(", ZeRO-{}", p.zero_stage) : "");
    }
    return p.zero_stage > 0 ? fmt::format("data parallel, ZeRO-{}", p.zero_stage) : "data parallel";
}

namespace {

// What the efficiency is calibrated to: the measured rate, or where the GPUs were partly idle, their
// own rate (a calibration up from a slower measured rate reads as a contradiction without it).
std::string gpus_own_rate(const Walk& walk, double observed, std::optional<double> utilisation)
{
    if (!utilisation || *utilisation <= 0 || *utilisation >= 100) {
        return "it";
    }
    return fmt::format("the GPUs' own rate, {} at {:.3g} % busy ({} ÷ {:.3g} %)", rate_text(walk, observed / (*utilisation / 100.0)), *utilisation,
        rate_text(walk, observed), *utilisation);
}

// Telemetry calibrates the GPUs' efficiency: the job's code, not the GPU, sets it, so every
// candidate is estimated with it. The model's own figure is kept to report a disagreement.
EstimateOptions calibrate(Walk& walk, const Config& config)
{
    const Estimate modelled = estimate(walk.base, config, walk.catalogue, walk.options);
    std::vector<std::string> stated_by_the_profiler;
    const EstimateOptions today_options = telemetry_options(walk.base, config, walk.catalogue, walk.job.current.observed, walk.options, stated_by_the_profiler);
    walk.options.efficiency_scale = today_options.efficiency_scale;
    walk.fixed = walk.base; // telemetry may have measured the workload (a CPU-bound loader's cost): the fixes start from it
    // The profiler estimates today's setup as the job describes it; the plan runs it with a
    // parallelism that fits. Where that changes what the telemetry gives, both are said.
    const auto& profiled = walk.profile.assumptions;
    const std::string label = fmt::format("with the parallelism the plan runs today's setup with ({}): ", parallelism_label(config.parallelism));
    bool differs = false;
    for (const auto& sentence : stated_by_the_profiler) {
        differs = differs || std::find(profiled.begin(), profiled.end(), sentence) == profiled.end();
    }
    const auto observed = walk.job.current.observed.samples_per_sec;
    const bool disagrees = observed && modelled.throughput_known && std::fabs(modelled.samples_per_sec / *observed - 1.0) > k_model_disagreement;
    if (differs && !disagrees) {
        for (const auto& sentence : stated_by_the_profiler) {
            if (std::find(profiled.begin(), profiled.end(), sentence) == profiled.end()) {
                walk.out.assumptions.push_back(label + sentence);
            }
        }
    }
    const auto utilisation = walk.job.current.observed.gpu_util_pct;
    const bool gpus_agree = calibration_agrees(walk.options.efficiency_scale) && utilisation && *utilisation > 0;
    if (disagrees && gpus_agree) {
        // The GPUs' own rate is the model's: the gap is a wait, which the first rung addresses (the
        // profiler says so already where it estimated today's setup the same way).
        if (differs) {
            walk.out.assumptions.push_back(label +
                fmt::format("the model puts today's setup at {} where {} was measured at {} % GPU utilisation: the GPUs' own rate ({} ÷ {} %, {}) is "
                            "the model's, so their efficiency stands and the gap is a wait (the ladder's first rung)",
                    rate_text(walk, modelled.samples_per_sec), rate_text(walk, *observed), *utilisation, rate_text(walk, *observed), *utilisation,
                    rate_text(walk, *observed / (*utilisation / 100.0))));
        }
    } else if (disagrees && (differs || walk.options.efficiency_scale != 1.0)) {
        // Uncalibrated with the profiler's own parallelism, the profiler's sentence has said it.
        walk.out.assumptions.push_back((differs ? label : std::string()) +
            (walk.options.efficiency_scale != 1.0
                    ? fmt::format("the model puts today's setup at {} where {} was measured: the measurement is used, and the GPUs' efficiency is "
                                  "calibrated to {} for every configuration (x{:.2f}){}",
                          rate_text(walk, modelled.samples_per_sec), rate_text(walk, *observed), gpus_own_rate(walk, *observed, utilisation),
                          walk.options.efficiency_scale, above_peak_clause(walk.base, config, walk.options))
                    : fmt::format("the model puts today's setup at {} where {} was measured: the measurement is today's rate, but no efficiency the "
                                  "model allows these GPUs reaches it, so every other configuration keeps the model's own (check the measured "
                                  "rate and GPU utilisation)",
                          rate_text(walk, modelled.samples_per_sec), rate_text(walk, *observed))));
    }
    return today_options;
}

} // namespace

void start(Walk& walk)
{
    const Job& job = walk.job;
    std::vector<std::string> assumptions;
    walk.base = make_workload(job, walk.profile.model, walk.catalogue, assumptions);
    for (auto& assumption : assumptions) { // the profiler states them when it estimated today's setup
        if (std::find(walk.profile.assumptions.begin(), walk.profile.assumptions.end(), assumption) == walk.profile.assumptions.end()) {
            walk.out.assumptions.push_back(std::move(assumption));
        }
    }
    walk.fixed = walk.base;
    walk.runs = std::max(1.0, walk.base.runs);
    walk.options.platform = price_platform(job);
    walk.target = job.training.target_hours;
    walk.budget = job.training.budget_usd;
    walk.framework = job.model.framework.value_or("pytorch");
    const std::string location = job.dataset.location.value_or("s3");
    walk.location = location == "on-premises" ? "s3" : location;
    walk.builtin = job.model.builtin_algorithm.has_value();
    walk.sagemaker_job = job.training.platform.value_or("sagemaker") == "sagemaker";
    walk.tokens = walk.base.seq_len > 0 && job.training.tokens_billions.has_value();
    if (job.current.instance_type) {
        walk.current = walk.catalogue.find_instance(*job.current.instance_type);
        walk.current_count = static_cast<int>(job.current.instance_count.value_or(1));
    }
    if (!walk.sagemaker_job && job.dataset.input_mode && job.dataset.input_mode != std::optional<std::string>("mount")) {
        // Off SageMaker only data in S3 is read one way or another; a file system is mounted and a
        // volume read in place, whatever the channel setting says.
        if (walk.location != "s3") {
            walk.out.assumptions.push_back(fmt::format("dataset.input_mode \"{}\" is a SageMaker channel setting, which does not apply with training.platform "
                                                       "\"{}\": the data on {} is read in place (mounted), as the plan times it",
                *job.dataset.input_mode, *job.training.platform, walk.location));
        } else {
            walk.out.assumptions.push_back(
                fmt::format("dataset.input_mode \"{}\" is a SageMaker channel setting; with training.platform \"{}\" it is read as {}", *job.dataset.input_mode,
                    *job.training.platform,
                    *job.dataset.input_mode == "file" ? "a download to the instance before training"
                                                      : "a stream from S3 (Mountpoint for Amazon S3, or a loader that reads S3)"));
        }
    }
    if (!walk.sagemaker_job && walk.builtin) {
        walk.out.assumptions.push_back(fmt::format("model.builtin_algorithm \"{}\" is a SageMaker built-in algorithm, which runs only as a SageMaker "
                                                   "training job, not on training.platform \"{}\": the plan times it as the same algorithm run there",
            *job.model.builtin_algorithm, *job.training.platform));
    }
    if (location == "on-premises") {
        walk.out.assumptions.push_back("dataset.location is on-premises: the plan assumes it is copied to S3 first (hybrid-private-link)");
    }
    // A file system described without saying the data is read from it: S3 is the default, said.
    const auto& fsx = job.storage.fsx;
    const auto& efs = job.storage.efs;
    const bool fsx_given = fsx.deployment_type || fsx.storage_type || fsx.capacity_gib || fsx.per_unit_mb_s_per_tib || fsx.import_path;
    const bool efs_given = efs.throughput_mode || efs.provisioned_mib_s || efs.performance_mode || efs.encrypted;
    if (!job.dataset.location && (fsx_given || efs_given)) {
        const char* service = fsx_given ? "fsx" : "efs";
        walk.out.assumptions.push_back(fmt::format("storage.{} describes a file system, but dataset.location is not given: the data is taken to be read "
                                                   "from S3, the default; set dataset.location to \"{}\" if the job reads it from the file system",
            service, fsx_given ? "fsx-lustre" : "efs"));
    }
    if (walk.budget && walk.runs > 1) {
        walk.out.assumptions.push_back(fmt::format(
            "budget_usd is compared with the cost of all {:.0f} runs ({})", walk.runs, job.training.runs ? "training.runs" : "training.tuning_jobs"));
    }
}

namespace {

// Today's setup, timed: its cost at its hours, judged, bought on spot where the job accepts it, the
// output's `current`, and, without a target ("am I over-provisioned?"), the time to keep.
void settle_today(Walk& walk, Option& today)
{
    if (const auto price = hourly_price(walk, *today.instance); price && today.hours > 0) {
        today.run_cost = today.hours * today.count * *price;
        // Storage included, as for every configuration the plan compares it with.
        today.storage.cost_usd = storage_cost(walk, walk.fixed, today.storage, today.count, today.hours, today.e.page_cache);
        today.total_cost = *today.run_cost * walk.runs + today.storage.cost_usd.value_or(0);
    }
    judge(walk, today);
    buy_spot(walk, nullptr, today);
    if (today.known) {
        walk.out.current_hours = today.hours;
        walk.out.current_cost_usd = today.run_cost;
        if (today.e.memory_known) {
            walk.out.current_fits = today.e.fits;
        }
        walk.out.current_purchase = purchase_of(today);
    }
    if (!walk.target && today.usable()) {
        walk.target = today.hours;
        walk.target_implicit = true;
        judge(walk, today);
    }
}

// A deep model trained on CPUs today: the measurement (a run's hours, or samples/s) is its time;
// the estimator has no CPU compute model to time it otherwise.
void measure_today_on_cpus(Walk& walk)
{
    const Observed& observed = walk.job.current.observed;
    Option today;
    today.instance = walk.current;
    today.count = walk.current_count;
    today.rung = Rung::Cpu;
    today.config = current_config(walk.job, walk.current);
    today.e = estimate(walk.base, today.config, walk.catalogue, walk.options);
    Estimate& e = today.e;
    if (observed.hours && *observed.hours > 0) {
        e.hours = *observed.hours;
        const double seconds = (e.hours - e.startup_minutes / 60.0) * 3600.0;
        e.samples_per_sec = walk.base.samples_per_run > 0 && seconds > 0 ? walk.base.samples_per_run / seconds : 0;
    } else if (observed.samples_per_sec && *observed.samples_per_sec > 0 && walk.base.samples_per_run > 0) {
        e.samples_per_sec = *observed.samples_per_sec;
        e.hours = walk.base.samples_per_run / e.samples_per_sec / 3600.0 + e.startup_minutes / 60.0;
    } else {
        return;
    }
    e.throughput_known = true; // measured
    today.hours = e.hours;
    settle_today(walk, today);
    walk.today_on_cpus = today;
}

} // namespace

void estimate_today(Walk& walk)
{
    if (walk.current != nullptr && walk.profile.model.deep && walk.current->gpu_count == 0) {
        measure_today_on_cpus(walk);
        return;
    }
    if (walk.current == nullptr || !walk.profile.model.deep) {
        return;
    }
    Option today;
    today.instance = walk.current;
    today.count = walk.current_count;
    today.rung = today.count > 1 ? Rung::MultiNode : (walk.current->gpu_count > 1 ? Rung::MultiGpuNode : Rung::SingleGpu);
    today.config = current_config(walk.job, walk.current);
    today.storage = today_storage(walk, today.config);
    today_parallelism(walk, today);
    state_today_parallelism(walk, today);
    const EstimateOptions options = calibrate(walk, today.config);
    today.e = estimate(walk.base, today.config, walk.catalogue, options);
    if (walk.job.model.batch_size && today.e.data_parallel > *walk.job.model.batch_size) {
        // Each data-parallel rank takes at least one sample a step (choose_parallelism keeps plans within the batch).
        walk.out.assumptions.push_back(fmt::format("model.batch_size {} (the global batch, samples per step) is fewer than today's {} data-parallel "
                                                   "ranks, each of which takes at least one sample a step: today is estimated at {} a step; if {} is "
                                                   "the batch per GPU, give the global batch ({} x the ranks)",
            *walk.job.model.batch_size, today.e.data_parallel, today.e.data_parallel, *walk.job.model.batch_size, *walk.job.model.batch_size));
    }
    today.hours = today.e.hours;
    if (const auto measured = walk.job.current.observed.hours; measured && *measured > 0) {
        today.hours = *measured; // a measured run beats any estimate of it
    }
    settle_today(walk, today);
    walk.today = today;
}

namespace {

// The data-pipeline fix that packs small files: "pack N files of K KB into S uniform shards of ~M MB"
// (fill_plan restates what follows " into " with the plan's shard count).
std::string pack_text(double files, double mean_mb, double shards, double shard_mb)
{
    return fmt::format("pack {} files of {} KB into {} uniform shards of ~{:.3g} MB", grouped(files), grouped(mean_mb * 1000.0), grouped(shards), shard_mb);
}

} // namespace

// SageMaker's "Parameters for Built-in Algorithms" table: which built-ins read RecordIO-protobuf
// (DeepAR reads JSON Lines or Parquet, XGBoost CSV/LibSVM/Parquet, IP Insights CSV, Object2Vec JSON
// Lines, BlazingText text: converting their data would break them; MLS-ETL-016 lists the readers),
// which supervised ones read CSV as the target first with no header (MLS-ETL-017; the unsupervised
// take label_size=0, MLS-ETL-018), and whose only training input mode is File.
BuiltinInput builtin_input(const std::string& algorithm)
{
    static const std::vector<std::pair<std::string, BuiltinInput>> table{{"linear-learner", {true, true, false}}, {"knn", {true, true, false}},
        {"xgboost", {false, true, false}}, {"factorization-machines", {true, false, false}}, {"kmeans", {true, false, false}}, {"pca", {true, false, false}},
        {"ntm", {true, false, false}}, {"random-cut-forest", {true, false, false}}, {"lda", {true, false, false}}, {"deepar", {false, false, true}},
        {"ip-insights", {false, false, true}}, {"object2vec", {false, false, true}}, {"lightgbm", {false, false, true}}, {"catboost", {false, false, true}},
        {"autogluon-tabular", {false, false, true}}};
    const auto it = std::find_if(table.begin(), table.end(), [&](const auto& row) { return row.first == algorithm; });
    return it != table.end() ? it->second : BuiltinInput{};
}

// Packing is planned from as many files as MLS-ETL-010 flags (its min_files, an mlscale heuristic):
// the plan does not prescribe an ETL run its own rule finds unnecessary (1,000 images for a LoRA
// were to be packed into 14 shards by a Glue job before a 9-minute run).
constexpr double k_pack_min_files = 10000;

void fix_data_pipeline(Walk& walk)
{
    Workload& w = walk.fixed;
    const Job& job = walk.job;
    if (job.training.loader_workers) {
        const InstanceSpec* at = walk.current != nullptr && walk.current->gpu_count > 0 ? walk.current : nullptr;
        const int headroom = at != nullptr ? (at->vcpus - at->gpu_count) / at->gpu_count : 0;
        if (at == nullptr || *job.training.loader_workers < headroom) {
            w.loader_workers = 0; // every vCPU but one per GPU
            walk.fixes.push_back(at != nullptr
                    ? fmt::format("raise the loader workers from {} to {} per GPU (the vCPUs left after one per GPU)", *job.training.loader_workers, headroom)
                    : fmt::format("give the loader every vCPU but one per GPU (today {} workers per GPU)", *job.training.loader_workers));
            walk.fix_concepts.push_back("more-loader-workers");
        }
    }
    const double ratio = json_number(walk.profile.derived, "pixel_ratio", 1.0) / (k_resize_margin_per_side * k_resize_margin_per_side);
    if (ratio >= k_resize_min_ratio && job.dataset.source_resolution && w.cpu_ms_per_sample > 0) {
        const auto& source = *job.dataset.source_resolution;
        const double before = w.cpu_ms_per_sample;
        w.cpu_ms_per_sample /= ratio;
        // The decode shrinks with the pixels, a loader's per-image overhead does not: the JPEG
        // default is not credited below ImageNet's photos, as when the job is loaded.
        if (!w.cpu_ms_given && job.dataset.format == std::optional<std::string>("jpeg")) {
            w.cpu_ms_per_sample = std::max(w.cpu_ms_per_sample, 1000.0 / k_jpeg_loader_images_per_vcpu_s);
        }
        w.mb_per_sample /= ratio;
        w.dataset_gb /= ratio;
        // Where the default's floor holds the decode where it was, the step says so rather than "7.52 -> 7.5".
        const std::string decode = w.cpu_ms_per_sample < before * 0.99
            ? fmt::format("decode {:.3g} -> {:.3g} ms per image", before, w.cpu_ms_per_sample)
            : fmt::format("decode stays {:.3g} ms per image (the JPEG default, a loader's cost at ImageNet's size, is not credited below it: "
                          "measure dataset.cpu_ms_per_sample on the resized images to time the gain)",
                  before);
        walk.fixes.push_back(fmt::format("resize {}x{} images offline to a little above the model's input (shorter side 8/7 of it, so random "
                                         "crops still work): {}, {:.3g}x fewer pixels and bytes",
            source[0], source[1], decode, ratio));
        walk.fix_concepts.push_back("offline-resize");
        walk.etl.resize = true;
    }
    const double small_mb = walk.catalogue.storage_facts.s3_small_file_threshold_mb;
    const double container_mb = walk.catalogue.storage_facts.s3_container_target_mb;
    if (w.num_files > 0 && w.dataset_gb > 0) {
        const double mean_mb = w.dataset_gb * 1000.0 / w.num_files;
        const double shards = std::ceil(w.dataset_gb * 1000.0 / container_mb);
        if (mean_mb < small_mb && shards < w.num_files && w.num_files > k_pack_min_files) {
            walk.pack_fix = pack_text(w.num_files, mean_mb, shards, container_mb);
            walk.fixes.push_back(walk.pack_fix);
            walk.fix_concepts.push_back("uniform-partitions");
            walk.etl.shard = true;
            walk.etl.shard_mb = container_mb;
            walk.etl.shards = shards;
            w.num_files = shards;
        }
    }
    const auto format = job.dataset.format;
    const std::string algorithm = job.model.builtin_algorithm.value_or("");
    // Pipe mode is a SageMaker training job's (built-in algorithms run only there; start() states it).
    if (walk.builtin && walk.sagemaker_job && (format == std::optional<std::string>("csv") || format == std::optional<std::string>("json"))) {
        if (w.dataset_gb > walk.catalogue.storage_facts.file_mode_max_dataset_gb && builtin_input(algorithm).recordio) {
            walk.fixes.push_back("convert to RecordIO-protobuf and stream it in Pipe mode");
            walk.fix_concepts.insert(walk.fix_concepts.end(), {"recordio-builtin", "pipe-mode-recordio"});
            walk.etl.recordio = true;
        } else if (format == std::optional<std::string>("csv") && builtin_input(algorithm).csv_target_first) {
            walk.fixes.push_back("CSV with the target in the first column and no header");
            walk.fix_concepts.push_back("csv-target-first");
            walk.etl.csv_target_first = true;
        }
    }
}

} // namespace mlscale::walk
