// `mlscale estimate JOB [--instance TYPE --count N]`: the performance model on one configuration
// (today's, as the job describes it, without --instance).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli.hpp"
#include "mlscale/estimate.hpp"
#include "mlscale/job.hpp"
#include "mlscale/profile.hpp"
#include "mlscale/suggest.hpp"

namespace mlscale::cli {

namespace {

struct EstimateCommandOptions {
    std::string job;
    std::string instance; ///< empty: today's (current.instance_type)
    int count = 0;        ///< 0: today's count with today's type, else 1
    std::string storage;
    std::string input_mode;
    std::string parallelism;
    int tensor = 1;
    int pipeline = 1;
    int context = 1;
    int expert = 1;
    std::string format = "text";
    std::string output;
};

// The instance named by --instance, or a diagnostic with "did you mean".
const InstanceSpec* find_instance_option(const std::string& name, const Catalogue& catalogue, Diagnostics& diagnostics)
{
    const InstanceSpec* instance = catalogue.find_instance(name);
    if (instance == nullptr) {
        const auto match = closest_match(normalize_instance_type(name), catalogue.instance_names());
        diagnostics.add_file_error("--instance", fmt::format("unknown instance type \"{}\"", name),
            match ? fmt::format("did you mean \"ml.{}\"? (`mlscale catalogue list --kind instances` lists the catalogue)", *match)
                  : std::string("`mlscale catalogue list --kind instances` lists the instance types mlscale knows"));
    }
    return instance;
}

ExitCode run_estimate(const EstimateCommandOptions& options, const Context& context)
{
    const Catalogue& catalogue = builtin_catalogue();
    Diagnostics diagnostics;
    auto job = load_job_file(options.job, diagnostics);
    // Without --instance, today's setup as the job describes it (current.instance_type and count).
    const bool today = options.instance.empty();
    const InstanceSpec* instance = nullptr;
    if (!today) {
        instance = find_instance_option(options.instance, catalogue, diagnostics);
    } else if (job && job->current.instance_type) {
        instance = catalogue.find_instance(*job->current.instance_type); // the loader has checked it
    } else if (job) {
        diagnostics.add_file_error("--instance", "no --instance given and the job has no current.instance_type to estimate",
            "give --instance TYPE (and --count N), or describe today's setup in the job's \"current\"");
    }
    std::optional<Profile> profile;
    if (job) {
        profile = profile_job(*job, catalogue, diagnostics);
    }
    print_diagnostics(diagnostics, context);
    if (!job || instance == nullptr || diagnostics.has_errors()) {
        return ExitCode::BadInput;
    }
    std::vector<std::string> assumptions;
    Workload workload = make_workload(*job, profile->model, catalogue, assumptions);
    Config config = current_config(*job, instance);
    config.count = options.count > 0 ? options.count : (today ? static_cast<int>(job->current.instance_count.value_or(1)) : 1);
    if (!options.storage.empty()) {
        config.storage = options.storage;
        config.input_mode = config.storage == "s3" ? job->dataset.input_mode.value_or("file") : "mount";
    }
    if (!options.input_mode.empty()) {
        config.input_mode = options.input_mode;
    }
    if (!options.parallelism.empty()) {
        config.parallelism = Parallelism{};
        config.parallelism.mode = options.parallelism;
    }
    config.parallelism.tensor = std::max(config.parallelism.tensor, options.tensor);
    config.parallelism.pipeline = std::max(config.parallelism.pipeline, options.pipeline);
    config.parallelism.context = std::max(config.parallelism.context, options.context);
    config.parallelism.expert = std::max(config.parallelism.expert, options.expert);
    for (const auto& assumption : assumptions) {
        spdlog::info("assumed: {}", assumption);
    }
    EstimateOptions estimate_options;
    estimate_options.platform = price_platform(*job); // one price basis with advise (training.platform)
    bool as_today = false;
    estimate_options = measured_options(*job, workload, config, catalogue, estimate_options, assumptions, as_today);
    Estimate result = estimate(workload, config, catalogue, estimate_options);
    if (as_today && profile->bottleneck_basis == "observed") {
        // Today's setup as measured: the telemetry's utilisation and bottleneck, as the profile reads them.
        for (const Bottleneck b : {Bottleneck::Gpu, Bottleneck::Io, Bottleneck::Cpu, Bottleneck::Network, Bottleneck::Memory, Bottleneck::None}) {
            if (profile->bottleneck == bottleneck_name(b)) {
                result.bottleneck = b;
            }
        }
        if (job->current.observed.gpu_util_pct) {
            result.gpu_util_pct = *job->current.observed.gpu_util_pct;
        }
    }
    std::string content;
    if (options.format == "json") {
        nlohmann::ordered_json out;
        out["schema_version"] = 1;
        out["estimate"] = estimate_json(result, *instance, workload, estimate_options.platform);
        out["assumptions"] = assumptions;
        content = out.dump(2) + "\n";
    } else {
        content = estimate_text(result, *instance, workload, estimate_options.platform);
        if (!assumptions.empty()) {
            content += "\nAssumed\n";
            for (const auto& assumption : assumptions) {
                content += fmt::format("  - {}\n", assumption);
            }
        }
    }
    return write_output(options.output, content) ? ExitCode::Clean : ExitCode::BadInput;
}

} // namespace

Command estimate_command(const Context& context)
{
    auto options = std::make_shared<EstimateCommandOptions>();
    Command command{.name = "estimate",
        .summary = "Estimate throughput, bottleneck, memory, time and cost on one configuration",
        .example = "mlscale estimate examples/imagenet-resnet50.json --instance ml.p4d.24xlarge --count 2 --format json"};
    command.options = {
        {.names = "job",
            .help = "Job file (JSON, see docs/job.schema.json); - reads stdin. Its current.observed telemetry calibrates every configuration, as advise does",
            .target = &options->job,
            .required = true},
        {.names = "--instance",
            .help = "Instance type, with or without ml. (see `mlscale catalogue list`); default: the job's current.instance_type",
            .target = &options->instance,
            .type_name = "TYPE"},
        {.names = "--count",
            .help = "Number of instances (at least 1); default: current.instance_count without --instance, else 1",
            .target = &options->count,
            .range = std::pair<long long, long long>{1, 100000}},
        {.names = "--storage",
            .help = "Where the data is read from: s3, efs, fsx-lustre, ebs, instance-store",
            .target = &options->storage,
            .choices = {"s3", "efs", "fsx-lustre", "ebs", "instance-store"}},
        {.names = "--input-mode",
            .help = "SageMaker input mode for s3: file, fastfile, pipe",
            .target = &options->input_mode,
            .choices = {"file", "fastfile", "pipe"}},
        {.names = "--parallelism",
            .help = "data, sharded (ZeRO-3/FSDP) or model (with --tensor/--pipeline)",
            .target = &options->parallelism,
            .choices = {"data", "sharded", "model"}},
        {.names = "--tensor",
            .help = "Tensor-parallel degree (within an instance)",
            .target = &options->tensor,
            .range = std::pair<long long, long long>{1, 1024}},
        {.names = "--pipeline", .help = "Pipeline-parallel stages", .target = &options->pipeline, .range = std::pair<long long, long long>{1, 1024}},
        {.names = "--context-parallel",
            .help = "Context-parallel degree: each sequence split over this many GPUs (long context; default training.context_parallel, else 1)",
            .target = &options->context,
            .range = std::pair<long long, long long>{1, 65536}},
        {.names = "--expert-parallel",
            .help = "Expert-parallel degree: each MoE layer's experts split over this many GPUs (needs model.experts and experts_per_token; default "
                    "training.expert_parallel, else 1)",
            .target = &options->expert,
            .range = std::pair<long long, long long>{1, 65536}},
        format_option(options->format, {"text", "json"}, "Output format: text or json"),
        output_option(options->output),
    };
    command.run = [options, &context] { return run_estimate(*options, context); };
    return command;
}

} // namespace mlscale::cli
