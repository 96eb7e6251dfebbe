// `mlscale estimate JOB --instance TYPE --count N`: the performance model on one configuration.
#include <iostream>

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
    std::string instance;
    int count = 1;
    std::string storage;
    std::string input_mode;
    std::string parallelism;
    int tensor = 1;
    int pipeline = 1;
    std::string format = "text";
    std::string output;
};

ExitCode run_estimate(const EstimateCommandOptions& options, const Context& context)
{
    configure_logging(context);
    const Catalogue& catalogue = builtin_catalogue();
    if (options.count < 1) {
        std::cerr << fmt::format("mlscale: --count must be at least 1 (got {})\n", options.count);
        return ExitCode::BadInput;
    }
    const InstanceSpec* instance = catalogue.find_instance(options.instance);
    if (instance == nullptr) {
        std::cerr << fmt::format("mlscale: unknown instance type \"{}\"", options.instance);
        if (const auto match = closest_match(normalize_instance_type(options.instance), catalogue.instance_names())) {
            std::cerr << fmt::format(" (did you mean \"ml.{}\"?)", *match);
        }
        std::cerr << "\nRun 'mlscale profiles list --kind instances' for the instance types mlscale knows.\n";
        return ExitCode::BadInput;
    }
    Diagnostics diagnostics;
    spdlog::debug("loading {}", options.job);
    auto job = load_job_file(options.job, diagnostics);
    std::optional<Profile> profile;
    if (job) {
        profile = profile_job(*job, catalogue, diagnostics);
    }
    print_diagnostics(diagnostics, context);
    if (!job || diagnostics.has_errors()) {
        return ExitCode::BadInput;
    }
    std::vector<std::string> assumptions;
    const Workload workload = make_workload(*job, profile->model, catalogue, assumptions);
    Config config = current_config(*job, instance);
    config.count = options.count;
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
    for (const auto& assumption : assumptions) {
        spdlog::info("assumed: {}", assumption);
    }
    const Estimate result = estimate(workload, config, catalogue);
    std::string content;
    if (options.format == "json") {
        nlohmann::ordered_json out;
        out["schema_version"] = 1;
        out["estimate"] = estimate_json(result, *instance, workload);
        out["assumptions"] = assumptions;
        content = out.dump(2) + "\n";
    } else {
        content = estimate_text(result, *instance, workload);
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

void setup_estimate(CLI::App& app, Context& context)
{
    auto options = std::make_shared<EstimateCommandOptions>();
    auto* command = app.add_subcommand("estimate", "Estimate throughput, bottleneck, memory, time and cost on one configuration");
    command->add_option("job", options->job, "Job file (JSON, see docs/job.schema.json); - reads stdin")->required();
    command->add_option("--instance", options->instance, "Instance type, with or without ml. (see `mlscale profiles list`)")->required();
    command->add_option("--count", options->count, "Number of instances (at least 1)");
    command->add_option("--storage", options->storage, "Where the data is read from: s3, efs, fsx-lustre, ebs, instance-store")
        ->check(CLI::IsMember({"s3", "efs", "fsx-lustre", "ebs", "instance-store"}));
    command->add_option("--input-mode", options->input_mode, "SageMaker input mode for s3: file, fastfile, pipe")
        ->check(CLI::IsMember({"file", "fastfile", "pipe"}));
    command->add_option("--parallelism", options->parallelism, "data, sharded (ZeRO-3/FSDP) or model (with --tensor/--pipeline)")
        ->check(CLI::IsMember({"data", "sharded", "model"}));
    command->add_option("--tensor", options->tensor, "Tensor-parallel degree (within an instance)")->check(CLI::PositiveNumber);
    command->add_option("--pipeline", options->pipeline, "Pipeline-parallel stages")->check(CLI::PositiveNumber);
    command->add_option("-f,--format", options->format, "Output format: text or json")->check(format_validator({"text", "json"}));
    command->add_option("-o,--output", options->output, "Write to FILE atomically instead of stdout");
    add_example(command, "mlscale estimate examples/imagenet-resnet50.json --instance ml.p4d.24xlarge --count 2 --format json");
    command->callback([options, &context] { context.exit_code = run_estimate(*options, context); });
}

} // namespace mlscale::cli
