// mlscale_property: the generated-job harness as a tool. `run` is the ctest (a seeded run checked
// against tests/property/known-failures.txt); `show` prints one generated job; `shrink` shrinks a job
// that fails an invariant; `seeds` writes fuzz seeds; `fields` is the "nothing accepted and
// ignored" test (fields.cpp).
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <regex>
#include <set>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "fields.hpp"
#include "generate.hpp"
#include "invariants.hpp"
#include "known_failures.hpp"
#include "shrink.hpp"

namespace mlscale::property {

namespace {

struct RunOptions {
    std::uint64_t seed = 1;
    int count = 3000;
    std::string known;       ///< known-failures.txt to hold the run to
    std::string write_known; ///< rewrite the list and its reproducers from this run
    bool coverage = true;
    bool list = false;      ///< print every violation
    PipelineOptions stages; ///< what each job goes through (all of it by default)
};

struct Tally {
    int applicable = 0;
    int failed = 0;
    int first_job = -1;
    std::string first_detail;
    nlohmann::json first_failing_job;
};

struct RunResult {
    std::map<std::string, Tally> tallies;
    std::map<int, int> exit_codes;
    std::map<std::string, int> bad_input; ///< why advise refused a job (exit 2), numbers and names blanked
    Coverage coverage;
    double seconds = 0;
};

RunResult seeded_run(const RunOptions& options)
{
    RunResult result;
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < options.count; ++i) {
        SeededChoices choices = job_choices(options.seed, static_cast<std::uint64_t>(i));
        const nlohmann::json job = default_generator().generate(choices, &result.coverage);
        PipelineOptions pipeline = options.stages;
        const PipelineRun run = run_pipeline(job_text(job), pipeline);
        ++result.exit_codes[run.exit_code];
        for (const auto& d : run.diagnostics.items()) {
            if (d.level == Level::Error) {
                ++result.bad_input[std::regex_replace(d.message, std::regex(R"("[^"]*"|\b[0-9][0-9.,e+-]*)"), "_")];
                break;
            }
        }
        std::vector<std::string> applicable;
        std::set<std::string> failed_here;
        for (const auto& violation : check_invariants(run, &applicable)) {
            if (options.list) {
                std::cout << fmt::format("job {}: {}: {}\n", i, violation.invariant, violation.detail);
            }
            Tally& tally = result.tallies[violation.invariant];
            if (failed_here.insert(violation.invariant).second) {
                ++tally.failed;
            }
            if (tally.first_job < 0) {
                tally.first_job = i;
                tally.first_detail = violation.detail;
                tally.first_failing_job = job;
            }
        }
        for (const auto& name : applicable) {
            ++result.tallies[name].applicable;
        }
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

// The generator reaches every field, every enum value and every catalogue instance as today's.
int check_coverage(const Coverage& coverage)
{
    int gaps = 0;
    for (const auto& leaf : default_generator().leaves()) {
        if (coverage.fields.count(leaf.pointer) == 0) {
            std::cout << fmt::format("coverage: {} was never generated\n", leaf.pointer);
            ++gaps;
        }
        if (leaf.schema->contains("enum")) {
            for (const auto& value : (*leaf.schema)["enum"]) {
                if (!value.is_null() && coverage.enum_values.count(leaf.pointer) != 0 && coverage.enum_values.at(leaf.pointer).count(value.dump()) == 0) {
                    std::cout << fmt::format("coverage: {} = {} was never generated\n", leaf.pointer, value.dump());
                    ++gaps;
                }
            }
        }
    }
    for (const auto& instance : builtin_catalogue().instances) {
        if (coverage.current_instances.count(instance.name) == 0) {
            std::cout << fmt::format("coverage: ml.{} was never today's instance\n", instance.name);
            ++gaps;
        }
    }
    return gaps;
}

void print_table(const RunResult& result, const std::map<std::string, KnownFailure>& known, int count)
{
    std::cout << fmt::format("{} generated jobs in {:.1f} s: {:.0f} jobs/s; exit codes:", count, result.seconds, count / result.seconds);
    for (const auto& [code, n] : result.exit_codes) {
        std::cout << fmt::format(" {}: {}", code, n);
    }
    std::cout << "\n";
    for (const auto& [reason, n] : result.bad_input) {
        std::cout << fmt::format("  exit 2 ({} jobs): {}\n", n, reason);
    }
    std::cout << "\n" << fmt::format("{:<40} {:>10} {:>8}  {}\n", "invariant", "applicable", "failed", "known failure");
    for (const auto& info : invariants()) {
        const auto it = result.tallies.find(info.name);
        const Tally tally = it != result.tallies.end() ? it->second : Tally{};
        const auto k = known.find(info.name);
        std::cout << fmt::format("{:<40} {:>10} {:>8}  {}\n", info.name, tally.applicable, tally.failed,
            k != known.end() ? fmt::format("listed ({} when listed)", k->second.count) : "");
    }
    std::cout << "\n";
}

nlohmann::json read_json_file(const std::string& path)
{
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    return nlohmann::json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
}

// Holds the run to the list: nothing new fails, and everything listed still fails somewhere.
int hold_to_known(const RunResult& result, const std::map<std::string, KnownFailure>& known, const std::string& list_path)
{
    int problems = 0;
    for (const auto& [name, tally] : result.tallies) {
        if (tally.failed > 0 && known.count(name) == 0) {
            ++problems;
            std::cout << fmt::format("NEW FAILURE {} in {} jobs; the first, job {}: {}\n{}\n", name, tally.failed, tally.first_job, tally.first_detail,
                job_text(tally.first_failing_job));
        }
    }
    const std::filesystem::path directory = std::filesystem::path(list_path).parent_path();
    for (const auto& [name, entry] : known) {
        const auto it = result.tallies.find(name);
        const bool in_run = it != result.tallies.end() && it->second.failed > 0;
        std::string detail;
        const bool in_repro = fails_invariant(read_json_file((directory / entry.reproducer).string()), name, &detail);
        if (!in_run && !in_repro) {
            ++problems;
            std::cout << fmt::format("FIXED {}: it fails neither in the seeded run nor on {}; remove its line from {}\n", name, entry.reproducer, list_path);
        } else if (!in_repro) {
            ++problems;
            std::cout << fmt::format("STALE REPRODUCER {}: {} passes now but {} generated jobs still fail; shrink a new one "
                                     "(mlscale_property run --write-known)\n",
                name, entry.reproducer, it->second.failed);
        } else {
            std::cout << fmt::format("known: {} ({}): {}\n", name, entry.reproducer, detail);
        }
    }
    return problems;
}

void write_known(const RunResult& result, const std::map<std::string, KnownFailure>& known, const RunOptions& options)
{
    std::map<std::string, KnownFailure> out;
    const std::filesystem::path directory = std::filesystem::path(options.write_known).parent_path();
    std::filesystem::create_directories(directory / "regressions");
    for (const auto& [name, tally] : result.tallies) {
        if (tally.failed == 0) {
            continue;
        }
        KnownFailure entry;
        entry.invariant = name;
        entry.count = tally.failed;
        entry.reproducer = "regressions/" + name + ".json";
        entry.note = known.count(name) != 0 ? known.at(name).note : "";
        const nlohmann::json small = shrink(tally.first_failing_job, [&](const nlohmann::json& job) { return fails_invariant(job, name); });
        std::ofstream(directory / entry.reproducer) << job_text(small);
        std::cout << fmt::format("{}: {} jobs; reproducer {}\n", name, tally.failed, entry.reproducer);
        out[name] = entry;
    }
    // Listed failures the seeded run does not reach (found by the fuzzer) stay while their reproducer fails.
    for (const auto& [name, entry] : known) {
        if (out.count(name) == 0 && fails_invariant(read_json_file((directory / entry.reproducer).string()), name)) {
            out[name] = entry;
            out[name].count = 0;
            std::cout << fmt::format("{}: not in the seeded run; {} still fails\n", name, entry.reproducer);
        }
    }
    write_known_failures(options.write_known, out, options.count, options.seed);
}

int run_command(const RunOptions& options)
{
    const RunResult result = seeded_run(options);
    std::map<std::string, KnownFailure> known;
    std::string list = !options.known.empty() ? options.known : options.write_known;
    if (!list.empty() && std::filesystem::exists(list)) {
        std::string error;
        auto read = read_known_failures(list, error);
        if (!read) {
            std::cout << error << "\n";
            return 1;
        }
        known = std::move(*read);
    }
    print_table(result, known, options.count);
    int problems = options.coverage ? check_coverage(result.coverage) : 0;
    if (!options.write_known.empty()) {
        write_known(result, known, options);
        return problems == 0 ? 0 : 1;
    }
    problems += options.known.empty() ? 0 : hold_to_known(result, known, options.known);
    std::cout << (problems == 0 ? "OK\n" : fmt::format("{} problem(s)\n", problems));
    return problems == 0 ? 0 : 1;
}

} // namespace

} // namespace mlscale::property

int main(int argc, char** argv)
{
    using namespace mlscale::property;
    CLI::App app("The generated-job harness of mlscale (tests/property)");
    app.require_subcommand(1);
    RunOptions run;
    auto* run_cmd = app.add_subcommand("run", "A seeded run of generated jobs through the whole pipeline, checked against the invariants");
    run_cmd->add_option("--seed", run.seed, "Seed of the run");
    run_cmd->add_option("--count", run.count, "Jobs to generate");
    run_cmd->add_option("--known", run.known, "known-failures.txt to hold the run to");
    run_cmd->add_option("--write-known", run.write_known, "Rewrite this known-failures list and shrink its reproducers");
    run_cmd->add_flag("!--no-check", run.stages.check, "Do not check the proposals made from each plan");
    run_cmd->add_flag("!--no-estimate", run.stages.estimate, "Do not estimate each plan's configuration");
    run_cmd->add_flag("!--no-second-run", run.stages.determinism, "Do not advise each job twice");
    run_cmd->add_flag("!--no-renderers", run.stages.renderers, "Render JSON only");
    run_cmd->add_flag("--list", run.list, "Print every violation with its job index");
    run_cmd->add_flag("!--no-coverage", run.coverage, "Do not require every field, enum value and instance to be generated");

    std::uint64_t seed = 1;
    std::uint64_t index = 0;
    auto* show_cmd = app.add_subcommand("show", "Print generated job INDEX of the seeded run with SEED");
    show_cmd->add_option("--seed", seed, "Seed of the run");
    show_cmd->add_option("--job", index, "Job index");
    std::string bytes_file;
    show_cmd->add_option("--bytes", bytes_file, "Print instead the job a fuzz input (tests/fuzz/regressions/fuzz_pipeline/...) generates");

    std::string invariant;
    std::string file;
    auto* shrink_cmd = app.add_subcommand("shrink", "Shrink a job that fails INVARIANT to the smallest that still fails");
    shrink_cmd->add_option("--invariant", invariant, "Invariant name")->required();
    shrink_cmd->add_option("file", file, "Job file")->required();

    std::string seeds_dir;
    int seeds_count = 64;
    auto* seeds_cmd = app.add_subcommand("seeds", "Write the byte streams of the first N seeded jobs as fuzz seeds into DIR");
    seeds_cmd->add_option("dir", seeds_dir, "Directory")->required();
    seeds_cmd->add_option("--count", seeds_count, "How many");

    FieldOptions fields;
    auto* fields_cmd = app.add_subcommand("fields", "Every field of the job schema is read, informational (docs/job.md) or pending");
    fields_cmd->add_option("--pending", fields.pending, "pending-fields.txt")->required();
    fields_cmd->add_option("--job-doc", fields.job_doc, "docs/job.md")->required();
    fields_cmd->add_option("--bases", fields.bases, "Base jobs per field");
    fields_cmd->add_option("--field", fields.only, "Check only this field (JSON pointer)");

    CLI11_PARSE(app, argc, argv);
    try {
        if (run_cmd->parsed()) {
            return run_command(run);
        }
        if (show_cmd->parsed() && !bytes_file.empty()) {
            std::ifstream in(bytes_file, std::ios::binary);
            const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            ByteChoices choices(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
            std::cout << job_text(default_generator().generate(choices));
            return 0;
        }
        if (show_cmd->parsed()) {
            SeededChoices choices = job_choices(seed, index);
            std::cout << job_text(default_generator().generate(choices));
            return 0;
        }
        if (shrink_cmd->parsed()) {
            const nlohmann::json job = read_json_file(file);
            std::string detail;
            if (!fails_invariant(job, invariant, &detail)) {
                std::cerr << file << " does not fail " << invariant << "\n";
                return 1;
            }
            std::cerr << detail << "\n";
            std::cout << job_text(shrink(job, [&](const nlohmann::json& j) { return fails_invariant(j, invariant); }));
            return 0;
        }
        if (seeds_cmd->parsed()) {
            std::filesystem::create_directories(seeds_dir);
            for (int i = 0; i < seeds_count; ++i) {
                SeededChoices inner = job_choices(1, static_cast<std::uint64_t>(i));
                RecordingChoices recording(inner);
                (void)default_generator().generate(recording);
                std::ofstream(std::filesystem::path(seeds_dir) / fmt::format("seed-{:03}", i), std::ios::binary) << recording.bytes();
            }
            return 0;
        }
        return run_fields(fields);
    } catch (const std::exception& error) {
        std::cerr << "mlscale_property: " << error.what() << "\n";
        return 2;
    }
}
