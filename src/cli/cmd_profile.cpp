// `mlscale profile SOURCE...`: describe a dataset from where it lives (a tree, an `aws s3 ls`
// listing, an S3 Inventory CSV, an Athena result), print the query for Athena, or merge the
// dataset section into a job file.
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "cli.hpp"
#include "mlscale/dataprof.hpp"
#include "mlscale/job.hpp"
#include "mlscale/source.hpp"

namespace mlscale::cli {

namespace {

struct ProfileCommandOptions {
    std::vector<std::string> sources;
    std::string format = "text";
    std::string output;
    std::string merge;
    std::string source_kind = "auto";
    std::string manifest;
    std::string athena_table;
    bool athena_url_encoded_keys = false;
    bool athena_all_snapshots = false;
    std::size_t prefix_depth = DataprofLimits{}.prefix_depth;
    std::size_t top = DataprofLimits{}.top_prefixes;
    unsigned threads = 0;
};

struct SourceKindRow {
    const char* name;
    SourceKind kind;
};

constexpr std::array k_source_kinds{
    SourceKindRow{"auto", SourceKind::Auto},
    SourceKindRow{"directory", SourceKind::Directory},
    SourceKindRow{"s3-ls", SourceKind::S3Listing},
    SourceKindRow{"s3-inventory", SourceKind::Inventory},
    SourceKindRow{"athena-result", SourceKind::AthenaResult},
};

/// The job file with its `dataset` section updated from the profile; other fields and the order
/// of keys are kept. Returns the new text, or nothing after adding diagnostics.
std::optional<std::string> merged_job(const std::string& path, const Dataset& dataset, Diagnostics& diagnostics)
{
    auto job = load_job_file(path, diagnostics);
    if (!job) {
        return std::nullopt;
    }
    auto value = nlohmann::ordered_json::parse(job->document.text);
    auto& section = value["dataset"];
    if (!section.is_object()) {
        section = nlohmann::ordered_json::object();
    }
    section["size_gb"] = *dataset.size_gb;
    section["num_files"] = *dataset.num_files;
    if (dataset.format) {
        section["format"] = *dataset.format;
    }
    if (dataset.modality) {
        section["modality"] = *dataset.modality;
    }
    std::string text = value.dump(2) + "\n";
    // The result must still be a valid job: check it the way `validate` would.
    if (!load_job(SourceFile{path, text}, diagnostics)) {
        return std::nullopt;
    }
    return text;
}

ExitCode run_profile(const ProfileCommandOptions& options, const Context& context)
{
    Diagnostics diagnostics;
    DataprofLimits limits;
    limits.prefix_depth = options.prefix_depth;
    limits.top_prefixes = options.top;
    limits.threads = options.threads;

    if (!options.athena_table.empty()) {
        AthenaQueryOptions query;
        query.table = options.athena_table;
        query.url_encoded_keys = options.athena_url_encoded_keys;
        query.latest_snapshot = !options.athena_all_snapshots;
        query.limits = limits;
        const std::string sql = athena_profile_sql(query, diagnostics);
        print_diagnostics(diagnostics, context);
        if (sql.empty()) {
            return ExitCode::BadInput;
        }
        return write_output(options.output, sql) ? ExitCode::Clean : ExitCode::BadInput;
    }

    ProfileRequest request;
    request.inputs = options.sources;
    request.limits = limits;
    for (const auto& row : k_source_kinds) {
        if (options.source_kind == row.name) {
            request.kind = row.kind;
        }
    }
    if (!options.manifest.empty()) {
        request.manifest = options.manifest;
    }
    spdlog::debug("profiling {}", fmt::join(request.inputs, ", "));
    auto outcome = profile_dataset(request, diagnostics);
    if (!outcome) {
        print_diagnostics(diagnostics, context);
        return ExitCode::BadInput;
    }

    if (!options.merge.empty()) {
        const auto text = merged_job(options.merge, outcome->summary.dataset(), diagnostics);
        print_diagnostics(diagnostics, context);
        if (!text) {
            return ExitCode::BadInput;
        }
        const std::string target = options.output.empty() ? options.merge : options.output;
        if (!write_output(target, *text)) {
            return ExitCode::BadInput;
        }
        if (!context.quiet && target != "-") {
            const Dataset d = outcome->summary.dataset();
            std::cerr << fmt::format("mlscale: wrote {}: dataset.size_gb {}, num_files {}, format {}, modality {}\n", target, *d.size_gb, *d.num_files,
                d.format.value_or("(unchanged)"), d.modality.value_or("(unchanged)"));
        }
        return ExitCode::Clean;
    }

    print_diagnostics(diagnostics, context);
    const std::string content = options.format == "json" ? render_dataset_json(*outcome) : render_dataset_text(*outcome);
    return write_output(options.output, content) ? ExitCode::Clean : ExitCode::BadInput;
}

} // namespace

Command profile_command(const Context& context)
{
    auto options = std::make_shared<ProfileCommandOptions>();
    std::vector<std::string> kinds;
    for (const auto& row : k_source_kinds) {
        kinds.emplace_back(row.name);
    }
    Command command{.name = "profile",
        .summary = "Describe a dataset from where it lives: a directory, an S3 listing or inventory",
        .example = "aws s3 ls s3://bucket/train/ --recursive | mlscale profile - --merge job.json"};
    command.options = {
        {.names = "source",
            .help = "A directory, an `aws s3 ls --recursive` listing, S3 Inventory CSV files (plain or .gz), an Athena result; - reads stdin",
            .target = &options->sources},
        format_option(options->format, {"text", "json"}, "Output format: text or json"),
        output_option(options->output, "Write to FILE atomically instead of stdout (with --merge: the job, instead of updating JOB in place)"),
        {.names = "--merge",
            .help = "Write the profile into JOB's dataset section (atomically; in place unless -o)",
            .target = &options->merge,
            .type_name = "JOB"},
        {.names = "--source", .help = "What SOURCE is: auto, directory, s3-ls, s3-inventory, athena-result", .target = &options->source_kind, .choices = kinds},
        {.names = "--manifest",
            .help = "The inventory's manifest.json: its fileSchema gives the CSV's columns",
            .target = &options->manifest,
            .type_name = "FILE"},
        {.names = "--emit-athena-sql",
            .help = "Print the Athena query that computes this profile over the S3 Inventory table TABLE",
            .target = &options->athena_table,
            .type_name = "TABLE"},
        {.names = "--athena-url-encoded-keys",
            .help = "The table reads a CSV inventory, whose keys are URL-encoded: decode them in the query",
            .target = &options->athena_url_encoded_keys},
        {.names = "--athena-all-snapshots",
            .help = "Do not filter the newest dt partition (for a table over one snapshot without dt)",
            .target = &options->athena_all_snapshots},
        {.names = "--prefix-depth",
            .help = "Key components in a prefix (default 2)",
            .target = &options->prefix_depth,
            .range = std::pair<long long, long long>{0, 64}},
        {.names = "--top", .help = "Prefixes to show (default 10)", .target = &options->top, .range = std::pair<long long, long long>{0, 1000}},
        {.names = "--threads",
            .help = "Worker threads (default: the number of cores, at least 2)",
            .target = &options->threads,
            .range = std::pair<long long, long long>{1, 256}},
    };
    command.run = [options, &context] {
        ProfileCommandOptions given = *options;
        if (given.sources.empty() && given.athena_table.empty()) {
            given.sources.emplace_back("-");
        }
        return run_profile(given, context);
    };
    return command;
}

} // namespace mlscale::cli
