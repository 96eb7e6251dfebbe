// `mlscale catalogue list|show` (formerly `profiles`, still accepted): the catalogue, kept in
// profiles/, and where each figure came from. "Profile" is kept for what the profiler derives
// (a job's profile, `mlscale profile` for a dataset).
#include <cmath>
#include <iostream>
#include <set>

#include <fmt/format.h>

#include "cli.hpp"
#include "mlscale/catalogue.hpp"
#include "mlscale/job.hpp"
#include "mlscale/suggest.hpp"

namespace mlscale::cli {

namespace {

using ordered = nlohmann::ordered_json;

// The catalogue files and the key of their entry list, in listing order.
struct Kind {
    const char* name;
    const char* list;
    const char* summary;
};
constexpr Kind k_kinds[] = {
    {"instances", "instances", "EC2/SageMaker instance types"},
    {"gpus", "gpus", "accelerators"},
    {"models", "models", "well-known models"},
    {"storage", "storage", "storage services"},
};

struct ListOptions {
    std::string kind;
    std::string format = "text";
};

struct ShowOptions {
    std::string name;
    std::string format = "text";
};

const nlohmann::json& entries_of(const Catalogue& catalogue, const Kind& kind)
{
    static const nlohmann::json empty = nlohmann::json::array();
    const auto file = catalogue.files().find(kind.name);
    if (file == catalogue.files().end() || !file->second.contains(kind.list)) {
        return empty;
    }
    return file->second[kind.list];
}

std::string value_text(const nlohmann::json& value)
{
    return value.is_string() ? value.get<std::string>() : value.dump();
}

// One line per entry: the figures that tell entries of a kind apart.
std::string summary_of(const std::string& kind, const nlohmann::json& entry)
{
    auto get = [&](const char* key) { return entry.contains(key) && !entry[key].is_null() ? value_text(entry[key]) : std::string("-"); };
    if (kind == "instances") {
        const std::string accelerators = entry.value("gpu_count", 0) > 0 ? fmt::format("{} x {}", get("gpu_count"), get("gpu")) : "no GPU";
        return fmt::format("{}, {} vCPUs, {} Gbit/s, {} USD/h (EC2)", accelerators, get("vcpus"), get("network_gbps"), get("price_usd_per_hour"));
    }
    if (kind == "gpus") {
        const auto peaks = entry.value("peak_tflops", nlohmann::json::object());
        const std::string bf16 = peaks.contains("bf16") && !peaks["bf16"].is_null() ? value_text(peaks["bf16"]) : "-";
        return fmt::format("{}, {} GB, {} GB/s, {} TFLOPS bf16 dense", get("generation"), get("memory_gb"), get("mem_bandwidth_gb_s"), bf16);
    }
    if (kind == "models") {
        if (!entry.contains("forward_gflops") || entry["forward_gflops"].is_null()) { // an encoder-decoder: from the job's two lengths
            return fmt::format("{}, {} M parameters, FLOPs from the job's seq_len and target_seq_len", get("family"), get("params_millions"));
        }
        return fmt::format(
            "{}, {} M parameters, {} GFLOP forward per {}", get("family"), get("params_millions"), get("forward_gflops"), get("forward_gflops_per"));
    }
    return get("kind");
}

ExitCode run_list(const ListOptions& options, const Context&)
{
    const Catalogue& catalogue = builtin_catalogue();
    ordered json = ordered::object();
    std::string text;
    for (const auto& kind : k_kinds) {
        if (!options.kind.empty() && options.kind != kind.name) {
            continue;
        }
        const auto& entries = entries_of(catalogue, kind);
        const auto file = catalogue.files().find(kind.name);
        const std::string as_of = file != catalogue.files().end() ? file->second.value("as_of", "") : "";
        text += fmt::format("{} ({}, {} entries, as of {})\n", kind.name, kind.summary, entries.size(), as_of);
        ordered list = ordered::array();
        for (const auto& entry : entries) {
            const std::string name = entry.value("name", "");
            text += fmt::format("  {:<18} {}\n", name, summary_of(kind.name, entry));
            list.push_back(ordered{{"name", name}, {"summary", summary_of(kind.name, entry)}});
        }
        json[kind.name] = ordered{{"as_of", as_of}, {"entries", list}};
        text += "\n";
    }
    if (options.format == "json") {
        ordered out;
        out["schema_version"] = 1;
        out["catalogue"] = json;
        std::cout << out.dump(2) << "\n";
    } else {
        std::cout << text << "Run 'mlscale catalogue show NAME' for an entry's figures and their sources.\n";
    }
    return ExitCode::Clean;
}

// The source key of `field` in `entry` ("source" is one key, or a map with "*" as the default).
std::string source_key(const nlohmann::json& entry, const std::string& field)
{
    const auto source = entry.find("source");
    if (source == entry.end()) {
        return "";
    }
    if (source->is_string()) {
        return source->get<std::string>();
    }
    if (source->is_object()) {
        if (source->contains(field) && (*source)[field].is_string()) {
            return (*source)[field].get<std::string>();
        }
        if (source->contains("*") && (*source)["*"].is_string()) {
            return (*source)["*"].get<std::string>();
        }
    }
    return "";
}

// Every figure of an entry with its source and, when it is one, how it was estimated. Nested
// objects with their own "source" (storage sub-entries) are shown as one value with that source.
void add_fields(const nlohmann::json& entry, const std::string& prefix, const nlohmann::json& parent, ordered& fields)
{
    const auto& estimates = entry.contains("estimates") && entry["estimates"].is_object() ? entry["estimates"] : parent;
    for (const auto& [field, value] : entry.items()) {
        if (field == "source" || field == "estimates" || field == "notes" || field == "name" || field == "aliases") {
            continue; // aliases are names, not figures: shown apart, with no source
        }
        const std::string path = prefix.empty() ? field : prefix + "." + field;
        ordered row;
        row["field"] = path;
        row["value"] = ordered::parse(value.dump());
        const std::string key = value.is_object() && value.contains("source") ? source_key(value, "*") : source_key(entry, field);
        row["source"] = key.empty() ? ordered(nullptr) : ordered(key);
        const auto estimate = estimates.is_object() && estimates.contains(field) ? estimates[field] : nlohmann::json();
        row["estimate"] = estimate.is_string() ? ordered(estimate.get<std::string>()) : ordered(nullptr);
        fields.push_back(row);
    }
}

ExitCode run_show(const ShowOptions& options, const Context&)
{
    const Catalogue& catalogue = builtin_catalogue();
    std::string wanted = normalize_instance_type(options.name);
    if (const ModelSpec* model = catalogue.find_model(options.name)) { // "bert-base-uncased", "meta-llama/Meta-Llama-3-8B": as a job's model.name
        wanted = model->name;
    }
    std::vector<std::string> names;
    for (const auto& kind : k_kinds) {
        const auto& entries = entries_of(catalogue, kind);
        for (const auto& entry : entries) {
            const std::string name = entry.value("name", "");
            names.push_back(name);
            if (name != wanted) {
                continue;
            }
            const auto& file = catalogue.files().at(kind.name);
            ordered fields = ordered::array();
            add_fields(entry, "", nlohmann::json::object(), fields);
            if (std::string(kind.name) == "instances" && !entry.contains("sagemaker_price_usd_per_hour")) {
                if (const InstanceSpec* instance = catalogue.find_instance(name)) {
                    if (const auto price = instance->sagemaker_price(catalogue.sagemaker_markup)) {
                        fields.push_back(
                            ordered{{"field", "sagemaker_price_usd_per_hour"}, {"value", std::round(*price * 10000.0) / 10000.0}, {"source", "derived"},
                                {"estimate", fmt::format("EC2 price x sagemaker_markup {} (median ml./EC2 ratio; an estimate)", catalogue.sagemaker_markup)}});
                    }
                }
            }
            std::set<std::string> cited;
            for (const auto& row : fields) {
                if (row["source"].is_string()) {
                    cited.insert(row["source"].get<std::string>());
                }
            }
            const auto& sources = file.value("sources", nlohmann::json::object());
            if (options.format == "json") {
                ordered out;
                out["schema_version"] = 1;
                out["kind"] = kind.name;
                out["name"] = name;
                if (entry.contains("aliases")) {
                    out["aliases"] = ordered::parse(entry["aliases"].dump());
                }
                out["as_of"] = file.value("as_of", "");
                out["fields"] = fields;
                ordered citations = ordered::object();
                for (const auto& key : cited) {
                    citations[key] = sources.contains(key) ? value_text(sources[key]) : std::string();
                }
                out["sources"] = citations;
                out["notes"] = entry.contains("notes") ? ordered::parse(entry["notes"].dump()) : ordered(nullptr);
                std::cout << out.dump(2) << "\n";
                return ExitCode::Clean;
            }
            std::string text = fmt::format("{} ({}, profiles/{}.json as of {})\n", name, kind.name, kind.name, file.value("as_of", ""));
            if (entry.contains("aliases") && entry["aliases"].is_array()) {
                std::vector<std::string> aliases;
                for (const auto& alias : entry["aliases"]) {
                    aliases.push_back(alias.is_string() ? alias.get<std::string>() : alias.dump());
                }
                text += fmt::format("  also read for model.name: {}\n", fmt::join(aliases, ", "));
            }
            for (const auto& row : fields) {
                const std::string source = row["source"].is_string() ? row["source"].get<std::string>() : "no source";
                text += fmt::format("  {:<34} {:<24} [{}]{}\n", row["field"].get<std::string>(), value_text(nlohmann::json::parse(row["value"].dump())), source,
                    row["estimate"].is_string() ? " (estimate)" : "");
            }
            text += "\nSources\n";
            for (const auto& key : cited) {
                text += fmt::format("  [{}] {}\n", key, sources.contains(key) ? value_text(sources[key]) : std::string("(not defined)"));
            }
            if (entry.contains("notes") && entry["notes"].is_string()) {
                text += fmt::format("\nNotes\n  {}\n", entry["notes"].get<std::string>());
            }
            std::cout << text;
            return ExitCode::Clean;
        }
    }
    std::cerr << fmt::format("mlscale: nothing named \"{}\" in the catalogue", options.name);
    if (const auto match = closest_match(wanted, names)) {
        std::cerr << fmt::format(" (did you mean \"{}\"?)", *match);
    }
    std::cerr << "\nRun 'mlscale catalogue list' for the catalogue.\n";
    return ExitCode::BadInput;
}

} // namespace

Command catalogue_command(const Context& context)
{
    auto list_options = std::make_shared<ListOptions>();
    auto show_options = std::make_shared<ShowOptions>();
    Command list{.name = "list", .summary = "List the catalogue's entries", .example = "mlscale catalogue list --kind gpus"};
    list.options = {
        {.names = "--kind",
            .help = "Only this kind: instances, gpus, models, storage",
            .target = &list_options->kind,
            .choices = {"instances", "gpus", "models", "storage"}},
        format_option(list_options->format, {"text", "json"}, "Output format: text or json"),
    };
    list.run = [list_options, &context] { return run_list(*list_options, context); };
    Command show{.name = "show",
        .summary = "Show one entry: every figure, its source and whether it is an estimate",
        .example = "mlscale catalogue show ml.p4d.24xlarge"};
    show.options = {
        {.names = "name", .help = "Instance type, GPU, model or storage name", .target = &show_options->name, .required = true},
        format_option(show_options->format, {"text", "json"}, "Output format: text or json"),
    };
    show.run = [show_options, &context] { return run_show(*show_options, context); };
    return Command{.name = "catalogue",
        .summary = "List the catalogue (instances, GPUs, models, storage) or show one entry with its sources",
        .example = "mlscale catalogue show ml.p4d.24xlarge",
        .subcommands = {list, show},
        .aliases = {"profiles"}};
}

} // namespace mlscale::cli
