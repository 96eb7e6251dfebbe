// The profiler: completes the model from the catalogue, computes training-state memory and
// classifies the bottleneck from telemetry with SageMaker Debugger's thresholds.
#include "mlscale/profile.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "mlscale/estimate.hpp"
#include "mlscale/plausibility.hpp"
#include "mlscale/suggest.hpp"

namespace mlscale {

double state_bytes_per_param(const std::string& precision, const std::string& optimizer)
{
    // ZeRO (Rajbhandari et al. 2019) accounting, ../shared/facts/formulas.md §3.1:
    // mixed precision keeps 16-bit weights and gradients plus fp32 master weights; fp32 keeps
    // fp32 weights and gradients. Optimizer states: Adam-family 2 fp32 moments, momentum SGD 1,
    // Adafactor factored (≈ 0 per parameter), plain SGD none. bitsandbytes' 8-bit Adam/AdamW
    // (adamw-8bit) keeps its 2 moments in 8 bits: "8-bit Optimizers use an 8-bit instead of 32-bit
    // state and thus save 75% of memory" (bitsandbytes README; Dettmers et al. 2022, arXiv:2110.02861);
    // its per-block scales (one fp32 per 2,048 values) and the 32-bit state it keeps for tensors under
    // min_8bit_size (4,096 elements) are left out (under 0.01 byte a parameter in a large model).
    const bool low_precision = precision != "fp32" && precision != "tf32";
    const double weights_and_grads = low_precision ? 2.0 + 2.0 + 4.0 /* fp32 master copy */ : 4.0 + 4.0;
    double moments = 8.0;
    if (optimizer == "adamw-8bit") {
        moments = 2.0;
    } else if (optimizer == "sgd") {
        moments = 0.0;
    } else if (optimizer == "momentum" || optimizer == "lion") {
        moments = 4.0;
    } else if (optimizer == "adafactor") {
        moments = 0.0;
    }
    return weights_and_grads + moments;
}

namespace {

// Frameworks whose models are not networks: scikit-learn's estimators, XGBoost, LightGBM.
bool is_classical_framework(const std::optional<std::string>& framework)
{
    return framework == std::optional<std::string>("sklearn") || framework == std::optional<std::string>("xgboost") ||
        framework == std::optional<std::string>("lightgbm");
}

// Families with no parameters or FLOPs to speak of: time follows rows, features and trees.
bool is_classical_family(const std::string& family)
{
    return family == "gbdt" || family == "linear" || family == "kmeans";
}

bool is_deep_family(const std::string& family)
{
    return family == "cnn" || family == "transformer" || family == "rnn" || family == "encoder-decoder" || family == "diffusion" || family == "recsys";
}

// A vision transformer's tokens per image (ViT, Dosovitskiy et al. 2021): one per patch of
// patch_size x patch_size pixels of the model's input, plus the class token. Without them a ViT
// would have no sequence: no activation memory, no attention, no per-token traffic (docs/model.md §1).
void vision_tokens(const Job& job, const ModelSpec* spec, ResolvedModel& model, Profile& profile)
{
    const std::int64_t patch = job.model.patch_size.value_or(spec != nullptr ? spec->patch_size.value_or(0) : 0);
    const std::array<std::int64_t, 2> input =
        job.model.input_resolution.value_or(spec != nullptr ? spec->input_resolution.value_or(std::array<std::int64_t, 2>{}) : std::array<std::int64_t, 2>{});
    const std::string family = job.model.family.value_or(spec != nullptr ? spec->family : "transformer");
    if (model.seq_len || patch <= 0 || family != "transformer") {
        return;
    }
    const std::int64_t patches = (input[0] / patch) * (input[1] / patch);
    if (patches <= 0) {
        return;
    }
    model.seq_len = patches + 1;
    profile.assumptions.push_back(fmt::format("model.seq_len not given: {} tokens per image, ({}/{}) x ({}/{}) patches and the class token (a vision "
                                              "transformer; derived)",
        patches + 1, input[0], patch, input[1], patch));
}

// The parameters a token's FLOPs follow: a mixture of experts' active ones where given (fewer than
// all), else all of them (formulas.md §1.1).
double flop_params_millions(double active_millions, double params_millions)
{
    return active_millions > 0 && active_millions < params_millions ? active_millions : params_millions;
}

// A transformer given its parameters and forward FLOPs but no tokens (a video or image model named
// by its FLOPs, VideoMAE-B's "180 GFLOPs"): the tokens a sample passes through the blocks follow
// from forward FLOPs ≈ 2 x (active) parameters x tokens (formulas.md §1.1, the relation used the
// other way when seq_len is given; attention left out, so an upper bound). Without them it had no
// activation memory at all, and 256 clips "fit" 1.4 of 24 GB. Fewer than 2 tokens reads as FLOPs
// per token, and is left alone.
void tokens_from_flops(double active_millions, ResolvedModel& model, Profile& profile)
{
    if (model.seq_len || model.family != "transformer" || !model.forward_gflops || !model.params_millions || *model.params_millions <= 0) {
        return;
    }
    const double params = flop_params_millions(active_millions, *model.params_millions) * 1e6;
    const double tokens = std::round(*model.forward_gflops * 1e9 / (2.0 * params));
    if (!(tokens >= 2) || tokens > 1e7) {
        return;
    }
    model.seq_len = static_cast<std::int64_t>(tokens);
    profile.assumptions.push_back(fmt::format("model.seq_len not given: {} tokens per sample, the forward FLOPs over 2 x the {:.4g} M parameters a "
                                              "token passes through (derived; attention left out), for the activation memory and the per-token "
                                              "traffic; give model.seq_len (for a ViT, model.patch_size and model.input_resolution) for the model's own",
        model.seq_len.value(), params / 1e6));
}

// Gradient boosting, linear models and k-means: named by family, framework or built-in algorithm.
bool non_network_model(const Job& job)
{
    static constexpr std::array<std::string_view, 3> algorithms{"xgboost", "linear-learner", "kmeans"};
    const auto& algorithm = job.model.builtin_algorithm;
    return (job.model.family && is_classical_family(*job.model.family)) || is_classical_framework(job.model.framework) ||
        (algorithm && std::find(algorithms.begin(), algorithms.end(), *algorithm) != algorithms.end());
}

// The catalogue entry the job names, if any: a name not in the catalogue is a label where the job
// describes the model itself, else an error with the nearest name.
const ModelSpec* named_model(const Job& job, const Catalogue& catalogue, Profile& profile, Diagnostics& diagnostics)
{
    const ModelSpec* spec = nullptr;
    if (job.model.name) {
        spec = catalogue.find_model(*job.model.name);
        // A model the job describes itself (its parameters, and its FLOPs or a sequence to derive them
        // from) needs no catalogue entry: the name is then a label.
        // So does a model that is not a network (gradient boosting, a linear model, k-means): its time
        // follows rows, features and trees, not parameters and FLOPs.
        const bool described = job.model.params_millions && (job.model.forward_gflops || job.model.seq_len);
        const bool not_a_network = non_network_model(job);
        if (spec == nullptr && !catalogue.models.empty() && (described || not_a_network)) {
            profile.assumptions.push_back(fmt::format("model.name \"{}\" is not in the catalogue: the model is taken as the job describes it ({})",
                *job.model.name, described ? "params_millions, forward_gflops or seq_len" : "its family or framework, rows and features"));
        } else if (spec != nullptr && spec->name != *job.model.name) {
            profile.assumptions.push_back(fmt::format("model.name \"{}\" read as the catalogue's \"{}\"", *job.model.name, spec->name));
        } else if (spec == nullptr && !catalogue.models.empty()) {
            const auto match = closest_match(*job.model.name, catalogue.model_names());
            diagnostics.add(job.document.diagnostic_at("/model/name", fmt::format("unknown model \"{}\"", *job.model.name),
                match ? fmt::format("did you mean \"{}\"? (`mlscale catalogue list` shows the catalogue; a model not in it is described by "
                                    "params_millions with seq_len or forward_gflops)",
                            *match)
                      : std::string("describe the model instead: params_millions, with seq_len (a transformer's FLOPs follow from them) or "
                                    "forward_gflops; a mixture of experts also with experts, experts_per_token and active_params_millions "
                                    "(docs/job.md); `mlscale catalogue list` shows the catalogue")));
        }
    }
    return spec;
}

ResolvedModel resolve_model(const Job& job, const Catalogue& catalogue, bool gpu_instance, Profile& profile, Diagnostics& diagnostics)
{
    ResolvedModel model;
    const ModelSpec* spec = named_model(job, catalogue, profile, diagnostics);
    model.family = job.model.family.value_or(spec != nullptr ? spec->family : "");
    model.params_millions = job.model.params_millions;
    if (!model.params_millions && spec != nullptr) {
        model.params_millions = spec->params_millions;
    }
    model.seq_len = job.model.seq_len;
    if (!model.seq_len && spec != nullptr) {
        model.seq_len = spec->seq_len;
    }
    vision_tokens(job, spec, model, profile);
    model.forward_gflops = job.model.forward_gflops;
    if (!model.forward_gflops && spec != nullptr && spec->forward_gflops) {
        // The catalogue gives language models per token; the profile counts per sample (sequence).
        model.forward_gflops = spec->forward_per_token ? *spec->forward_gflops * static_cast<double>(model.seq_len.value_or(1)) : *spec->forward_gflops;
        const double scale = catalogue_cnn_pixel_scale(job, spec);
        if (scale != 1.0) {
            *model.forward_gflops *= scale;
            profile.assumptions.push_back(fmt::format("model.input_resolution {}x{}: the catalogue's {} is {}x{}, so its forward FLOPs ({:.4g} GFLOP "
                                                      "an image) and stored activations scale with the pixels, x{:.3g} (derived: a convolution's "
                                                      "work is per output pixel)",
                (*job.model.input_resolution)[0], (*job.model.input_resolution)[1], spec->name, (*spec->input_resolution)[0], (*spec->input_resolution)[1],
                *model.forward_gflops, scale));
        }
    }
    if (model.family.empty()) {
        if (job.model.builtin_algorithm == std::optional<std::string>("xgboost") || job.model.framework == std::optional<std::string>("xgboost") ||
            job.model.framework == std::optional<std::string>("lightgbm")) {
            model.family = "gbdt";
        } else if (model.seq_len) {
            model.family = "transformer";
        } else {
            model.family = "other";
        }
        profile.assumptions.push_back(fmt::format("model.family not given: assumed \"{}\"", model.family));
    }
    // Transformers: forward FLOPs per token ≈ 2·N (formulas.md §1.1); per sequence × seq_len.
    // A mixture of experts computes with its active parameters (make_workload does the same).
    const double active = job.model.active_params_millions.value_or(spec != nullptr ? spec->active_params_millions.value_or(0.0) : 0.0);
    tokens_from_flops(active, model, profile);
    if (!model.forward_gflops && model.family == "transformer" && model.params_millions) {
        const bool moe = flop_params_millions(active, *model.params_millions) < *model.params_millions;
        const double per_token = 2.0 * flop_params_millions(active, *model.params_millions) * 1e6 / 1e9;
        model.forward_gflops = per_token * static_cast<double>(model.seq_len.value_or(1));
        profile.assumptions.push_back(
            fmt::format("model.forward_gflops derived as 2 x {}parameters per token ({:.3g} GFLOP per token)", moe ? "active " : "", per_token));
    } else if (!model.forward_gflops && model.family == "encoder-decoder" && model.params_millions) {
        // Each input token passes the encoder, each target token the decoder: half the weights each
        // (docs/model.md §1, derived from T5's blocks).
        const double per_token = *model.params_millions * 1e6 / 1e9;
        const std::int64_t input = model.seq_len.value_or(1);
        model.forward_gflops = per_token * static_cast<double>(input + job.model.target_seq_len.value_or(input));
        profile.assumptions.push_back(
            fmt::format("model.forward_gflops derived as 2 x half the parameters per input or target token ({:.3g} GFLOP per token)", per_token));
    }
    // A network of no listed family that gives its size or FLOPs (a GNN, a speech model) trains like
    // one: on accelerators, its memory counted, its loader's cost asked for (the recommender plans it so).
    model.deep = is_deep_family(model.family) || (model.family == "other" && (model.params_millions || model.forward_gflops));
    // Trees, and anything scikit-learn fits, have no training precision or optimizer to choose.
    // Nor does k-means or a linear model, and a SageMaker built-in algorithm chooses its own: no
    // assumption is stated about them (the defaults below are still taken where memory is counted).
    const bool classical = !model.deep && (is_classical_family(model.family) || is_classical_framework(job.model.framework));
    const bool chosen_by_algorithm = classical || job.model.builtin_algorithm.has_value();
    if (job.model.precision) {
        model.precision = *job.model.precision;
    } else {
        // A deep network trains on accelerators whatever runs today (no-cpu-deep-learning: the plan
        // moves it there), and on them in mixed precision unless the job says otherwise; fp32 was
        // assumed for every job without a GPU today, which timed its GPU plans at the fp32 rate.
        model.precision = gpu_instance || (model.deep && !job.model.builtin_algorithm) ? "mixed" : "fp32";
        if (!chosen_by_algorithm) {
            profile.assumptions.push_back(fmt::format("model.precision not given: assumed \"{}\"{}", model.precision,
                model.precision == "mixed" && !gpu_instance ? " (a deep network, planned on accelerators)" : ""));
        }
    }
    if (job.model.optimizer) {
        model.optimizer = *job.model.optimizer;
    } else if (!classical && (model.deep || model.family == "other")) { // "other" without a size: still a network
        model.optimizer = "adam";
        if (!chosen_by_algorithm) {
            profile.assumptions.push_back("model.optimizer not given: assumed \"adam\" (the most memory-hungry common choice)");
        }
    } else {
        model.optimizer = "none";
    }
    return model;
}

// SageMaker Debugger's rules (../shared/facts/thresholds.md PREP-001, PREP-002, GPU-001):
// GPU < 10 % with CPU > 90 % is CPU-bound; GPU < 10 % with I/O wait > 50 % is I/O-bound;
// GPU ≥ 70 % means the GPUs are the limit.
std::string classify_observed(const Observed& observed)
{
    const double gpu = observed.gpu_util_pct.value_or(-1);
    if (gpu < 0) {
        return "none";
    }
    if (gpu >= 70) {
        return "gpu";
    }
    if (observed.io_wait_pct && *observed.io_wait_pct > 50) {
        return "io";
    }
    if (observed.cpu_util_pct && *observed.cpu_util_pct > 90) {
        return "cpu";
    }
    if (observed.io_wait_pct && *observed.io_wait_pct > 20) {
        return "io";
    }
    return observed.cpu_util_pct && *observed.cpu_util_pct > 70 ? "cpu" : "io";
}

void add_assumption(Profile& profile, const std::string& sentence)
{
    if (std::find(profile.assumptions.begin(), profile.assumptions.end(), sentence) == profile.assumptions.end()) {
        profile.assumptions.push_back(sentence);
    }
}

nlohmann::json instance_facts(const InstanceSpec& instance, const Catalogue& catalogue, Platform platform)
{
    nlohmann::json out;
    out["name"] = instance.name;
    out["family"] = instance.family;
    out["is_gpu"] = instance.gpu_count > 0;
    out["gpus"] = instance.gpu_count;
    if (instance.gpu_spec != nullptr) {
        out["gpu_name"] = instance.gpu_spec->name;
        out["gpu_generation"] = instance.gpu_spec->generation;
    }
    out["vcpus"] = instance.vcpus;
    out["memory_gib"] = instance.memory_gib;
    out["network_gbps"] = instance.network_gbps;
    out["efa"] = instance.efa;
    out["local_nvme_gb"] = instance.local_nvme_gb;
    if (const auto price = instance.hourly_price(platform, catalogue.sagemaker_markup)) {
        out["price_usd_per_hour"] = *price;
    }
    if (const auto bracket = instance.spot_interruption_bounds(); bracket && instance.spot_savings_pct) {
        out["spot_savings_pct"] = *instance.spot_savings_pct;
        out["spot_interruption"] = instance.spot_interruption;
        out["spot_interruption_pct_min"] = bracket->low * 100.0;
        out["spot_as_of"] = catalogue.spot_as_of;
    }
    return out;
}

// A measured run fits, whatever the count says: the job describes it otherwise than it runs, or the
// code holds less than the model counts. Only where the job gives today's split (or one GPU has
// none): without it, the recommender times today with the split that fits and says so.
void note_measured_beyond_memory(const Job& job, const InstanceSpec& instance, int count, const Estimate& e, Profile& profile)
{
    const Observed& observed = job.current.observed;
    const bool runs = observed.samples_per_sec.value_or(0) > 0 || observed.hours.value_or(0) > 0 || observed.gpu_util_pct.value_or(0) > 0;
    const bool split_given = job.training.distribution.has_value() || instance.gpu_count * count == 1;
    if (e.fits || !runs || !split_given || instance.gpu_count == 0) {
        return;
    }
    profile.measured_beyond_memory = true; // the plan's notes leave it to this assumption
    add_assumption(profile,
        fmt::format("today's run is measured (current.observed), yet by the memory model it does not fit ({:.1f} GB on each {:.0f} GB accelerator): "
                    "either the job describes it otherwise than it runs (model size, precision, sequence length, training.distribution) or "
                    "the training code holds less than counted here (an 8-bit optimizer: model.optimizer \"adamw-8bit\"; frozen parameters: "
                    "model.trainable_params_millions; activation checkpointing: model.activation_checkpointing; CPU offload); until the job "
                    "says which, every memory figure here is an upper bound, which may rule out configurations that run",
            e.memory_per_gpu_gb, instance.gpu_memory_gb));
}

// The current setup through the estimator: profile.estimate.*, the input the GPUs need, the
// estimated bottleneck, and memory with activations. With observed samples/s the compute
// efficiency is calibrated so the estimate agrees with the measurement.
void estimate_current(const Job& job, const Catalogue& catalogue, const InstanceSpec& instance, Profile& profile)
{
    std::vector<std::string> assumptions;
    Workload workload = make_workload(job, profile.model, catalogue, assumptions);
    const Config config = current_config(job, &instance);
    EstimateOptions options;
    options.platform = price_platform(job);
    options = telemetry_options(workload, config, catalogue, job.current.observed, options, assumptions);
    for (const auto& sentence : assumptions) {
        add_assumption(profile, sentence);
    }
    const Estimate e = estimate(workload, config, catalogue, options);

    nlohmann::json& derived = profile.derived;
    derived["instance"] = instance_facts(instance, catalogue, options.platform);
    nlohmann::json& out = derived["estimate"];
    // Gradient boosting on Trainium or Inferentia builds its trees on the host's CPUs: no accelerator is used.
    out["gpus"] = workload.family == "gbdt" && e.gpus == 0 ? 0 : instance.gpu_count * config.count;
    if (e.throughput_known) {
        out["samples_per_sec"] = e.samples_per_sec;
        out["step_time_ms"] = e.step_time_ms;
        if (workload.samples_per_run > 0) {
            out["hours"] = e.hours;
            derived["total_hours"] = e.hours * workload.runs;
        }
        if (e.cost_known) {
            out["cost_usd"] = e.cost_usd;
        }
    }
    if (e.compute_samples_per_sec > 0) {
        out["compute_samples_per_sec"] = e.compute_samples_per_sec;
        out["gpu_util_pct"] = e.gpu_util_pct;
        out["mfu"] = e.mfu;
    }
    if (e.input_known) {
        out["input_samples_per_sec"] = e.input_samples_per_sec;
    }
    if (e.cpu_known) {
        out["cpu_samples_per_sec"] = e.cpu_samples_per_sec;
    }
    if (e.storage_mb_s > 0) {
        out["storage_mb_s"] = e.storage_mb_s;
        out["page_cache"] = e.page_cache;
    }
    if (e.memory_known) {
        out["memory_per_gpu_gb"] = e.memory_per_gpu_gb;
        out["fits"] = e.fits;
        note_measured_beyond_memory(job, instance, config.count, e, profile);
    }
    out["startup_minutes"] = e.startup_minutes;
    out["download_minutes"] = e.download_minutes;
    if (e.bottleneck != Bottleneck::None) {
        out["bottleneck"] = bottleneck_name(e.bottleneck);
    }
    if (out.empty()) {
        derived.erase("estimate");
    }

    if (e.required_input_mb_s > 0) {
        profile.required_input_mb_s = e.required_input_mb_s;
    }
    if (e.bottleneck != Bottleneck::None) {
        profile.bottleneck = bottleneck_name(e.bottleneck);
        profile.bottleneck_basis = "estimated";
    }
    if (e.compute_samples_per_sec > 0 && e.throughput_known && e.gpus > 0) { // gradient boosting on Trainium: the chips idle, unused
        profile.gpu_util_pct = e.gpu_util_pct;
    }
    // One GPU holds the whole model: states without sharding plus activations of one sample.
    if (profile.model_state_gb && instance.gpu_count > 0) {
        double activations = 0;
        if (workload.transformer_blocks() && workload.hidden > 0 && workload.layers > 0 && workload.seq_len > 0) {
            activations = transformer_activation_gb(
                workload.memory_seq_len(), 1, workload.hidden, workload.heads, workload.layers, 1, 1, workload.recompute, workload.flash_attention);
            if (workload.vocab > 0) { // the logits in fp32, as the estimator counts them (docs/model.md §5)
                activations += 4.0 * static_cast<double>(workload.memory_seq_len()) * static_cast<double>(workload.vocab) / 1e9;
            }
        }
        profile.fits_single_gpu = *profile.model_state_gb + activations <= 0.9 * instance.gpu_memory_gb;
        if (activations > 0) {
            profile.derived["sample_activation_gb"] = activations;
        }
    }

    // Stored pixels per model input pixel (images are decoded at the stored size, then resized).
    const auto resolution = job.model.input_resolution;
    std::optional<std::array<std::int64_t, 2>> input = resolution;
    if (!input && job.model.name) {
        if (const ModelSpec* spec = catalogue.find_model(*job.model.name)) {
            input = spec->input_resolution;
        }
    }
    if (job.dataset.source_resolution && input && (*input)[0] > 0 && (*input)[1] > 0) {
        derived["pixel_ratio"] =
            static_cast<double>((*job.dataset.source_resolution)[0] * (*job.dataset.source_resolution)[1]) / static_cast<double>((*input)[0] * (*input)[1]);
    }
}

} // namespace

Profile profile_job(const Job& job, const Catalogue& catalogue, Diagnostics& diagnostics)
{
    Profile profile;
    const InstanceSpec* instance = nullptr;
    if (job.current.instance_type) {
        instance = catalogue.find_instance(*job.current.instance_type);
        if (instance == nullptr && !catalogue.instances.empty()) {
            const auto match = closest_match(*job.current.instance_type, catalogue.instance_names());
            diagnostics.add(job.document.diagnostic_at("/current/instance_type", fmt::format("unknown instance type \"{}\"", *job.current.instance_type),
                match ? fmt::format("did you mean \"ml.{}\"? (`mlscale catalogue list` shows the catalogue)", *match)
                      : std::string("see `mlscale catalogue list` for the instance types mlscale knows")));
        }
    }
    const bool gpu_instance = instance != nullptr && instance->gpu_count > 0;
    profile.model = resolve_model(job, catalogue, gpu_instance, profile, diagnostics);
    check_plausibility(job, profile.model, instance, catalogue, diagnostics); // impossible input is an error (src/model/plausibility.cpp)
    if (!job.current.instance_type) {
        // Today's degrees describe the setup that runs today; with none, nothing uses them (the plan
        // chooses its own split; `estimate` applies them to its --instance).
        const auto& t = job.training;
        for (const auto& [name, degree] : {std::pair{"tensor_parallel", t.tensor_parallel}, std::pair{"pipeline_parallel", t.pipeline_parallel},
                 std::pair{"context_parallel", t.context_parallel}, std::pair{"expert_parallel", t.expert_parallel},
                 std::pair{"expert_tensor_parallel", t.expert_tensor_parallel}}) {
            if (degree && *degree > 1) {
                profile.assumptions.push_back(fmt::format(
                    "training.{} {} is a degree of today's setup, but the job gives no current.instance_type: not used (the plan chooses its own split)", name,
                    *degree));
            }
        }
    }

    if (profile.model.params_millions && profile.model.deep) {
        // The unsharded training state, as the estimator counts it (PEFT: the frozen base at its own
        // width plus the adapters' full state). The workload's assumptions are stated where it is
        // estimated, once.
        std::vector<std::string> stated_elsewhere;
        const Workload workload = make_workload(job, profile.model, catalogue, stated_elsewhere);
        profile.model_state_gb = training_state_gb_per_gpu(workload, 0, 1, 1);
    } else if (!profile.model.params_millions && !is_classical_family(profile.model.family) &&
        !is_classical_framework(job.model.framework)) { // trees, scikit-learn: the data's size is the memory (docs/recommender.md §3.2)
        profile.assumptions.push_back("model size unknown (no model.name or model.params_millions): memory not estimated");
    }
    if (gpu_instance) {
        profile.gpu_memory_gb = instance->gpu_memory_gb;
        if (profile.model_state_gb) {
            // 90 % of HBM is usable (llm-analysis; thresholds.md GPU-006).
            profile.fits_single_gpu = *profile.model_state_gb <= 0.9 * instance->gpu_memory_gb;
        }
    }

    if (job.dataset.num_samples) {
        profile.num_samples = job.dataset.num_samples;
    } else if (job.dataset.num_files && !job.training.tokens_billions && !many_samples_per_file(job.dataset.format)) {
        // Token-trained models count tokens, not samples: no assumption is needed for them. A packed
        // format's files are no count of samples (the workload says what it assumed instead).
        profile.num_samples = job.dataset.num_files;
        profile.assumptions.push_back("dataset.num_samples not given: assumed one sample per file (dataset.num_files)");
    }
    if (job.dataset.size_gb && job.dataset.num_files && *job.dataset.num_files > 0) {
        profile.mean_file_mb = *job.dataset.size_gb * 1000.0 / static_cast<double>(*job.dataset.num_files);
    }

    if (instance != nullptr) {
        estimate_current(job, catalogue, *instance, profile);
    }
    if (job.current.observed.gpu_util_pct) {
        // Observed telemetry wins over the estimate.
        profile.gpu_util_pct = job.current.observed.gpu_util_pct;
        profile.bottleneck = classify_observed(job.current.observed);
        profile.bottleneck_basis = "observed";
    }
    // Which observed values came from telemetry and which from the job (advise --telemetry).
    profile.assumptions.insert(profile.assumptions.end(), job.current.observed.sources.begin(), job.current.observed.sources.end());
    return profile;
}

// Declared with the estimator (estimate.hpp); here, where the sentences are written.
namespace {

// A rate as written in the assumptions: whole samples from 1,000 up, four figures below.
std::string rate_figure(double rate)
{
    return rate >= 1000 ? fmt::format("{:.0f}", rate) : fmt::format("{:.4g}", rate);
}

// CPU-bound by the telemetry: the CPU time a sample takes is the busy vCPUs over today's rate
// (derived: vCPUs x CPU utilisation x instances ÷ samples/s). It counts whatever the CPUs do for a
// sample, the loader's decoding of a format the model has no cost for, augmentation, the training
// processes' own share, which is the point: a faster GPU on fewer vCPUs would wait the same, and
// more loader workers cannot add CPUs that are already busy.
void measure_cpu_cost(Workload& workload, const Config& config, const Observed& observed, double rate, std::vector<std::string>& assumptions)
{
    if (workload.cpu_ms_given || !workload.deep || config.instance == nullptr || config.instance->gpu_count == 0 || !(rate > 0) || !observed.cpu_util_pct ||
        classify_observed(observed) != "cpu") {
        return;
    }
    const InstanceSpec& instance = *config.instance;
    const double busy = instance.vcpus * std::min(*observed.cpu_util_pct, 100.0) / 100.0;
    if (!(busy > 0)) {
        return;
    }
    const double before = workload.cpu_ms_per_sample;
    workload.cpu_ms_per_sample = busy * config.count * 1000.0 / rate;
    workload.cpu_ms_measured = true;
    const double ms = workload.cpu_ms_per_sample;
    assumptions.push_back(fmt::format("the telemetry shows the CPUs as the limit (CPUs {:.3g} %, GPUs {:.3g} %): preparing a sample takes about {} ms "
                                      "of one vCPU (derived: {:.3g} busy vCPUs x {} ÷ {} samples/s), and every configuration is estimated "
                                      "with it ({}); give dataset.cpu_ms_per_sample where it is measured",
        *observed.cpu_util_pct, observed.gpu_util_pct.value_or(0), ms >= 100 ? fmt::format("{:.0f}", ms) : fmt::format("{:.3g}", ms), busy, config.count,
        rate_figure(rate), before > 0 ? fmt::format("the model's default is {:.3g} ms", before) : std::string("the model has no CPU cost for this format")));
}

// A calibration below this share of the model's rate (a stated judgement, docs/model.md §8) says the
// measured run is held back by more than the GPUs' arithmetic, so scaling it to other GPUs by their
// peaks is worth checking.
constexpr double k_far_below_model = 0.25;

// Why a measured rate calibrates nothing: the rate the GPUs would have while busy against the
// model's for today's setup, where they differ by more than rounding (empty otherwise). Beyond what
// any efficiency up to the peak gives, one of the job's figures is wrong, and the clause names them.
std::string uncalibrated_clause(
    const Workload& workload, const Config& config, const Catalogue& catalogue, const EstimateOptions& options, const Observed& observed, double gpu_rate)
{
    const double modelled = estimate(workload, config, catalogue, options).network_samples_per_sec;
    if (!(modelled > 0) || std::fabs(modelled / gpu_rate - 1.0) <= 0.01) {
        return "";
    }
    const auto& utilisation = observed.gpu_util_pct;
    const std::string busy = utilisation ? fmt::format(" while the GPUs are busy ({} % of the time)", *utilisation) : std::string();
    std::vector<std::string> measured;
    for (const auto& [name, given] : {std::pair{"samples_per_sec", observed.samples_per_sec.has_value()}, std::pair{"hours", observed.hours.has_value()},
             std::pair{"gpu_util_pct", utilisation.has_value()}}) {
        if (given) {
            measured.emplace_back(name);
        }
    }
    return fmt::format(": the measurement means {} samples/s{}, {:.2g}x the model's {} for today's setup, {} any efficiency it allows, so every other "
                       "configuration keeps the model's own rate; check current.observed ({}) and the job's model size, FLOPs and dataset",
        rate_figure(gpu_rate), busy, gpu_rate / modelled, rate_figure(modelled), gpu_rate > modelled ? "beyond" : "below", fmt::join(measured, ", "));
}

} // namespace

std::string above_peak_clause(const Workload& workload, const Config& config, const EstimateOptions& options)
{
    // A calibration that puts the matmuls above the GPU's peak explains the measurement by computing
    // faster than the GPU can: said, so the job's FLOPs or the measurement get checked.
    const double share = matmul_share_of_peak(workload, config, options);
    if (!(share > 1.0)) {
        return "";
    }
    return fmt::format(", which has the GPUs' matmuls at {:.0f} % of their peak: more than they can reach, so the job's FLOPs are likely too "
                       "high (check model.params_millions, forward_gflops and the tokens a sample computes) or the measurement is not of this job",
        share * 100.0);
}

EstimateOptions telemetry_options(Workload& workload, const Config& config, const Catalogue& catalogue, const Observed& observed, EstimateOptions options,
    std::vector<std::string>& assumptions)
{
    const auto utilisation = observed.gpu_util_pct;
    auto measured = observed.samples_per_sec;
    if (!measured && observed.hours && *observed.hours > 0 && workload.samples_per_run > 0) {
        // A measured run gives the rate too: its samples over its hours less the start-up (the
        // observed one, else the model's), so every configuration is estimated with the job's own
        // efficiency rather than compared, unscaled, with a measured time.
        const double startup = observed.startup_minutes.value_or(estimate(workload, config, catalogue, options).startup_minutes);
        if (const double rate = rate_from_hours(observed, workload, startup); rate > 0) {
            measured = rate;
            assumptions.push_back(
                fmt::format("current.observed.samples_per_sec not given: today's rate is the run's {:.0f} samples over its observed {:.3g} h{}, "
                            "{} samples/s (derived)",
                    workload.samples_per_run, *observed.hours, startup >= 0.5 ? fmt::format(" less {:.2g} min of start-up", startup) : std::string(),
                    rate_figure(*measured)));
        }
    }
    if (observed.samples_per_sec && *observed.samples_per_sec > 0 && observed.hours && *observed.hours > 0 && workload.samples_per_run > 0) {
        // Both measured: the hours are today's time, the rate calibrates the GPUs; where they disagree
        // the gap (evaluation, checkpoints, a slow start) is in neither model and is said.
        const double startup = observed.startup_minutes.value_or(estimate(workload, config, catalogue, options).startup_minutes);
        const double at_rate = workload.samples_per_run / *observed.samples_per_sec / 3600.0 + startup / 60.0;
        if (std::fabs(*observed.hours / at_rate - 1.0) > 0.25) {
            assumptions.push_back(fmt::format("current.observed.hours ({:.3g} h) and samples_per_sec ({}/s) disagree: the run's {:.0f} samples at that rate "
                                              "take {:.3g} h with start-up; the hours are today's time and the rate calibrates the GPUs, so the other "
                                              "{:.2g} h ({}) are not in any other configuration's time: check both",
                *observed.hours, rate_figure(*observed.samples_per_sec), workload.samples_per_run, at_rate, std::fabs(*observed.hours - at_rate),
                *observed.hours > at_rate ? "evaluation, checkpoints or waits outside the measured steps?" : "the rate was measured over part of the run?"));
        }
    }
    if (measured) {
        const double gpu_rate = utilisation && *utilisation > 0 ? *measured / (*utilisation / 100.0) : *measured;
        options.efficiency_scale = calibrate_to_observed(workload, config, catalogue, gpu_rate);
        options.observed_samples_per_sec = *measured;
        if (workload.family == "gbdt") {
            assumptions.push_back(options.efficiency_scale != 1.0 && !calibration_agrees(options.efficiency_scale)
                    ? fmt::format("the gradient-boosting rate calibrated to the observed {} rows/s (x{:.2f} the model's for {}; docs/model.md §10): "
                                  "every configuration on {} is timed at that share of the model's rate",
                          rate_figure(*measured), options.efficiency_scale, config.instance->name, config.instance->gpu_count > 0 ? "GPUs" : "CPUs")
                    : fmt::format("the observed {} rows/s {}", rate_figure(*measured),
                          options.efficiency_scale != 1.0 ? "agree with the model's gradient-boosting rate: it is not changed"
                                                          : "used as today's rate; the gradient-boosting rate is not calibrated: it is more than 10x from the "
                                                            "model's, so check the job's rows, features, trees and depth"));
            return options;
        }
        if (calibration_agrees(options.efficiency_scale)) {
            assumptions.push_back(fmt::format("the observed {} samples/s{} agree with the model's rate for these GPUs{}: their efficiency is not changed",
                rate_figure(*measured), utilisation ? fmt::format(" at {} % GPU utilisation", *utilisation) : std::string(),
                utilisation ? fmt::format(" ({} samples/s while busy)", rate_figure(gpu_rate)) : std::string()));
        } else if (options.efficiency_scale != 1.0) {
            assumptions.push_back(fmt::format("compute efficiency calibrated to the observed {} samples/s{} (x{:.2f} the model's default){}",
                rate_figure(*measured), utilisation ? fmt::format(" at {} % GPU utilisation", *utilisation) : std::string(), options.efficiency_scale,
                above_peak_clause(workload, config, options)));
        } else if (config.instance != nullptr && config.instance->gpu_count == 0) {
            assumptions.push_back(fmt::format("observed {} samples/s used as today's rate (on CPUs: no GPU efficiency to calibrate)", rate_figure(*measured)));
        } else {
            assumptions.push_back(fmt::format("observed {} samples/s used as the current throughput; GPU efficiency not calibrated{}", rate_figure(*measured),
                uncalibrated_clause(workload, config, catalogue, options, observed, gpu_rate)));
        }
        if (options.efficiency_scale < k_far_below_model) {
            assumptions.push_back(
                fmt::format("the measured rate is {:.0f} % of what the model gives these GPUs: every configuration is estimated at that share of its own "
                            "peak, which holds where the GPUs' arithmetic sets the pace; a run held back by something else (memory-bound or small kernels, "
                            "host overhead, a wait the telemetry does not show, a model described with too many FLOPs) gains less from faster GPUs, so time "
                            "an epoch on the planned configuration before committing to it",
                    options.efficiency_scale * 100.0));
        }
        measure_cpu_cost(workload, config, observed, *measured, assumptions);
        return options;
    }
    if (!utilisation || *utilisation <= 0 || *utilisation >= 100) {
        return options;
    }
    const Estimate modelled = estimate(workload, config, catalogue, options);
    if (!(modelled.network_samples_per_sec > 0) || !std::isfinite(modelled.network_samples_per_sec)) {
        return options;
    }
    options.observed_samples_per_sec = modelled.network_samples_per_sec * *utilisation / 100.0;
    assumptions.push_back(fmt::format("current.observed.samples_per_sec not given: today's rate is the GPUs' modelled {} samples/s x the observed {} % "
                                      "GPU utilisation, {} samples/s (derived: the GPUs compute that share of the time)",
        rate_figure(modelled.network_samples_per_sec), *utilisation, rate_figure(options.observed_samples_per_sec)));
    measure_cpu_cost(workload, config, observed, options.observed_samples_per_sec, assumptions);
    return options;
}

EstimateOptions measured_options(const Job& job, Workload& workload, const Config& config, const Catalogue& catalogue, EstimateOptions options,
    std::vector<std::string>& assumptions, bool& as_today)
{
    as_today = false;
    const InstanceSpec* current = job.current.instance_type ? catalogue.find_instance(*job.current.instance_type) : nullptr;
    if (current == nullptr) {
        return options;
    }
    const Config today = current_config(job, current);
    const EstimateOptions measured = telemetry_options(workload, today, catalogue, job.current.observed, options, assumptions);
    options.efficiency_scale = measured.efficiency_scale;
    as_today = config.instance == today.instance && config.count == today.count && config.storage == today.storage && config.input_mode == today.input_mode &&
        config.parallelism.mode == today.parallelism.mode && config.parallelism.tensor == today.parallelism.tensor &&
        config.parallelism.pipeline == today.parallelism.pipeline && config.parallelism.context == today.parallelism.context &&
        config.parallelism.expert == today.parallelism.expert;
    if (as_today) {
        options.observed_samples_per_sec = measured.observed_samples_per_sec;
    }
    return options;
}

} // namespace mlscale
