#include "fields.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "generate.hpp"
#include "mlscale/expr.hpp"
#include "mlscale/render.hpp"
#include "mlscale/rules.hpp"
#include "pipeline.hpp"
#include "shrink.hpp"

namespace mlscale::property {

using nlohmann::json;

namespace {

std::string dotted(const std::string& pointer)
{
    std::string out = pointer.substr(1);
    std::replace(out.begin(), out.end(), '/', '.');
    return out;
}

// The fields a rule's applies_when or condition reads (dotted, as the rules write them).
std::set<std::string> rule_reads()
{
    Diagnostics diagnostics;
    const auto rules = load_rules({}, diagnostics, true, RuleDetail::Full);
    std::set<std::string> out;
    if (!rules) {
        throw std::runtime_error("the embedded rules do not load");
    }
    for (const auto& rule : rules->rules()) {
        for (const auto* e : {rule.applies_when ? &*rule.applies_when : nullptr, rule.condition ? &*rule.condition : nullptr}) {
            if (e != nullptr) {
                for (const auto& path : expr::referenced_paths(*e)) {
                    out.insert(path);
                }
            }
        }
    }
    return out;
}

// `- `field.name`: why` lines under docs/job.md's "## Informational fields".
std::set<std::string> informational(const std::string& path)
{
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    std::set<std::string> out;
    std::string line;
    bool inside = false;
    const std::regex item(R"(^- `([a-z_$.*]+)`)");
    while (std::getline(in, line)) {
        if (line.rfind("## ", 0) == 0) {
            inside = line == "## Informational fields";
            continue;
        }
        std::smatch m;
        if (inside && std::regex_search(line, m, item)) {
            out.insert(m[1]);
        }
    }
    return out;
}

// pending-fields.txt: `field.name  # reason` per line.
std::map<std::string, std::string> pending(const std::string& path)
{
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    std::map<std::string, std::string> out;
    std::string line;
    while (std::getline(in, line)) {
        const auto hash = line.find('#');
        std::string field = line.substr(0, hash);
        field.erase(field.find_last_not_of(" \t") + 1);
        field.erase(0, field.find_first_not_of(" \t"));
        if (!field.empty()) {
            out[field] = hash == std::string::npos ? "" : line.substr(hash + 1);
        }
    }
    return out;
}

struct Projection {
    std::string plan;       ///< plan, ladder, frontier, today: what the recommender decided ("" when refused)
    std::string everything; ///< that, the profile and the findings (without positions, which move with the text), or "refused"
};

Projection project(const json& job)
{
    PipelineOptions options;
    options.renderers = options.determinism = options.estimate = options.check = false;
    const PipelineRun run = run_pipeline(job_text(job), options);
    if (!run.report) {
        return Projection{"", "refused"}; // the loader or the profiler refused the value: it was read
    }
    json out = json::parse(run.json);
    Projection p;
    p.plan = json{out["plan"], out["ladder"], out["candidates"], out["current"]}.dump();
    for (auto& finding : out["findings"]) {
        finding.erase("location");
    }
    out.erase("file");
    p.everything = out.dump();
    return p;
}

// The base jobs: the examples, and generated jobs that advise accepts.
std::vector<json> base_jobs(int generated)
{
    std::vector<json> out;
    // The examples, and pinned plans whose data lives on today's FSx, EFS and EBS (their storage.*
    // fields matter only there).
    for (const char* name : {"examples/imagenet-resnet50.json", "examples/llm-pretraining.json", "examples/tabular-xgboost.json",
             "tests/data/plans/fsx-today.json", "tests/data/plans/fsx-hdd-today.json", "tests/data/plans/efs-bursting.json",
             "tests/data/plans/ebs-io1-today.json", "examples/t5-large-summarise.json", "examples/diffusion-sd-finetune.json", "examples/recsys-dlrm.json",
             "examples/vit-large-imagenet21k.json", "tests/data/plans/moe-mixtral-today.json"}) {
        std::ifstream in(std::string(MLSCALE_PROPERTY_SOURCE_DIR "/") + name);
        out.push_back(json::parse(std::string(std::istreambuf_iterator<char>(in), {})));
    }
    const int fixed = static_cast<int>(out.size());
    for (std::uint64_t i = 0; static_cast<int>(out.size()) < generated + fixed && i < 1000; ++i) {
        SeededChoices choices = job_choices(20260101, i);
        json job = default_generator().generate(choices);
        job["name"] = fmt::format("generated-{}", i);
        if (project(job).everything != "refused") {
            out.push_back(std::move(job));
        }
    }
    return out;
}

// `job` with the field at `pointer` set to `value` (parents made; "*" as a one-element array whose
// entry names a rule that fires on the base, so a suppression has something to suppress).
json with_value(json job, const std::string& pointer, const json& value, const std::string& firing_rule)
{
    const auto star = pointer.find("/*/");
    if (star != std::string::npos) {
        json entry{{"rule", firing_rule.empty() ? "MLS-SEC-001" : firing_rule}, {"reason", "accepted for the test"}};
        entry[pointer.substr(star + 3)] = value;
        job[json::json_pointer(pointer.substr(0, star))] = json::array({entry});
    } else {
        job[json::json_pointer(pointer)] = value;
    }
    return job;
}

json without(json job, const std::string& pointer)
{
    const auto star = pointer.find("/*/");
    const json::json_pointer at(star != std::string::npos ? pointer.substr(0, star) : pointer);
    if (job.contains(at)) {
        job.at(at.parent_pointer()).erase(at.back());
    }
    return job;
}

struct FieldResult {
    bool changes_output = false;
    bool changes_plan = false;
    std::string example;
};

// Varies one field over absent and its legal values on every base: read when two variants of one
// base differ; for a pending field, also whether two accepted variants differ in the plan.
FieldResult vary(const LeafField& leaf, const std::vector<json>& bases, bool pending)
{
    FieldResult result;
    const auto values = default_generator().legal_values(leaf);
    for (const auto& base_job : bases) {
        const json base = without(base_job, leaf.pointer);
        const Projection reference = project(base);
        const json reference_output = reference.everything == "refused" ? json::object() : json::parse(reference.everything);
        const std::string firing = reference_output.value("findings", json::array()).empty() ? "" : reference_output["findings"][0]["rule"].get<std::string>();
        // A required field cannot be absent (the base without it is refused): its first value is the reference then.
        const bool absent_usable = reference.everything != "refused";
        std::optional<Projection> first;
        for (const auto& value : values) {
            const Projection varied = project(with_value(base, leaf.pointer, value, firing));
            if (!absent_usable && !first) {
                first = varied;
                continue;
            }
            const Projection& against = absent_usable ? reference : *first;
            if (varied.everything != against.everything && !result.changes_output) {
                result.changes_output = true;
                result.example = fmt::format("{} = {} on base \"{}\"", dotted(leaf.pointer), value.dump(), base.value("name", ""));
            }
            if (!varied.plan.empty() && !against.plan.empty() && varied.plan != against.plan) {
                result.changes_plan = true;
            }
            if (result.changes_output && (!pending || result.changes_plan)) {
                return result;
            }
        }
    }
    return result;
}

} // namespace

int run_fields(const FieldOptions& options)
{
    const auto started = std::chrono::steady_clock::now();
    const std::set<std::string> by_rules = rule_reads();
    const std::set<std::string> info = informational(options.job_doc);
    const std::map<std::string, std::string> waiting = pending(options.pending);
    const std::vector<json> bases = base_jobs(options.bases);
    int problems = 0;
    std::set<std::string> seen;
    for (const auto& leaf : default_generator().leaves()) {
        const std::string name = dotted(leaf.pointer);
        if (!options.only.empty() && options.only != leaf.pointer) {
            continue;
        }
        seen.insert(name);
        const bool rule = by_rules.count(name) != 0;
        const bool is_pending = waiting.count(name) != 0;
        const FieldResult result = vary(leaf, bases, is_pending);
        const char* verdict = result.changes_output ? "read (changes the advice)"
            : rule                                  ? "read (by a rule's condition)"
            : info.count(name) != 0                 ? "informational"
                                                    : "UNREAD";
        if (is_pending && result.changes_plan) {
            ++problems;
            std::cout << fmt::format(
                "{:<48} PENDING BUT READ: varying it changes the plan now ({}); remove it from {}\n", name, result.example, options.pending);
        } else if (is_pending) {
            std::cout << fmt::format("{:<48} pending:{} [{}]\n", name, waiting.at(name), verdict);
        } else if (std::string(verdict) == "UNREAD") {
            ++problems;
            std::cout << fmt::format("{:<48} UNREAD: accepted, changes nothing and no rule reads it; read it, list it under "
                                     "\"## Informational fields\" in docs/job.md, or in {}\n",
                name, options.pending);
        } else {
            std::cout << fmt::format("{:<48} {}{}\n", name, verdict, result.example.empty() ? "" : ": " + result.example);
        }
    }
    for (const auto& [name, reason] : waiting) {
        if (seen.count(name) == 0 && options.only.empty()) {
            ++problems;
            std::cout << fmt::format("{}: {} is no field of the job schema\n", options.pending, name);
        }
    }
    for (const auto& name : info) {
        if (seen.count(name) == 0 && options.only.empty()) {
            ++problems;
            std::cout << fmt::format("{}: informational field {} is no field of the job schema\n", options.job_doc, name);
        }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << fmt::format(
        "{} fields, {} base jobs, {:.1f} s; {}\n", seen.size(), bases.size(), seconds, problems == 0 ? "OK" : fmt::format("{} problem(s)", problems));
    return problems == 0 ? 0 : 1;
}

} // namespace mlscale::property
