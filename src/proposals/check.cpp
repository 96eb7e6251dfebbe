// The check pipeline: inputs -> read + map -> profile -> rules -> locate -> suppress, per file,
// on a small pool of threads; plus fingerprints and baselines.
#include "mlscale/check.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fnmatch.h>
#include <thread>

#include <fmt/format.h>

#include "mlscale/facts.hpp"
#include "mlscale/profile.hpp"

namespace mlscale {

namespace fs = std::filesystem;

namespace {

bool proposal_extension(const fs::path& path)
{
    const std::string ext = path.extension().string();
    return ext == ".json" || ext == ".yaml" || ext == ".yml" || ext == ".tf" || ext == ".template";
}

bool skipped_directory(const fs::path& path)
{
    const std::string name = path.filename().string();
    return (name.size() > 1 && name[0] == '.') || name == "node_modules";
}

void walk(const fs::path& root, std::vector<std::string>& out, const std::function<bool(const std::string&)>& keep)
{
    std::error_code error;
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, error);
         it != fs::recursive_directory_iterator(); it.increment(error)) {
        if (error) {
            break;
        }
        if (it->is_directory(error) && skipped_directory(it->path())) {
            it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file(error) && keep(it->path().string())) {
            out.push_back(it->path().string());
        }
    }
}

Diagnostic path_error(const std::string& path, std::string message)
{
    Diagnostic d;
    d.file = path;
    d.message = std::move(message);
    return d;
}

} // namespace

std::vector<CheckInput> expand_check_paths(const std::vector<std::string>& paths, Diagnostics& diagnostics)
{
    std::vector<CheckInput> inputs;
    for (const auto& path : paths) {
        std::error_code error;
        if (path == "-") {
            inputs.push_back({path, true});
        } else if (path.find_first_of("*?[") != std::string::npos) {
            // A glob: walk from the longest directory prefix without wildcards.
            const auto wildcard = path.find_first_of("*?[");
            const auto slash = path.rfind('/', wildcard);
            const std::string base = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
            const bool any_depth = path.find("**") != std::string::npos;
            std::vector<std::string> found;
            if (fs::is_directory(base, error)) {
                walk(base, found, [&](const std::string& candidate) {
                    const std::string relative = slash == std::string::npos && candidate.rfind("./", 0) == 0 ? candidate.substr(2) : candidate;
                    return fnmatch(path.c_str(), relative.c_str(), any_depth ? 0 : FNM_PATHNAME) == 0;
                });
            }
            std::sort(found.begin(), found.end());
            if (found.empty()) {
                diagnostics.add(path_error(path, "no file matches this pattern"));
            }
            for (auto& file : found) {
                inputs.push_back({std::move(file), false});
            }
        } else if (fs::is_directory(path, error)) {
            std::vector<std::string> found;
            walk(path, found, [](const std::string& candidate) { return proposal_extension(candidate); });
            std::sort(found.begin(), found.end());
            for (auto& file : found) {
                inputs.push_back({std::move(file), false});
            }
        } else if (fs::exists(path, error)) {
            inputs.push_back({path, true});
        } else if (error) {
            // It is there but cannot be looked at: a symlink loop, a directory without permission.
            diagnostics.add(path_error(path, fmt::format("cannot read: {}", error.message())));
        } else {
            diagnostics.add(path_error(path, "no such file or directory"));
        }
    }
    return inputs;
}

std::string finding_fingerprint(const std::string& rule, const std::string& resource, const std::string& property_path)
{
    // FNV-1a, 64 bits: stable across runs, platforms and versions (unlike std::hash).
    std::uint64_t hash = 14695981039346656037ULL;
    const auto feed = [&](const std::string& text) {
        for (const char c : text) {
            hash ^= static_cast<unsigned char>(c);
            hash *= 1099511628211ULL;
        }
        hash ^= 0x1f;
        hash *= 1099511628211ULL;
    };
    feed(rule);
    feed(resource);
    feed(property_path);
    return fmt::format("{:016x}", hash);
}

namespace {

/// Profile diagnostics (an instance type the catalogue lacks) are advice about the unit, not
/// errors in the proposal: warnings located through the unit's map.
void relocate_profile_diagnostics(const Diagnostics& from, const ProposalUnit& unit, const SourceFile& source, Diagnostics& to)
{
    for (Diagnostic d : from.items()) {
        const SourceRef& where = unit.locate(d.pointer);
        d.level = Level::Warning;
        d.file = source.name;
        d.location = where.location;
        d.source_line = line_of(source.text, where.location.line);
        d.message = fmt::format("{}: {}", unit.resource, d.message);
        d.pointer = where.path;
        to.add(std::move(d));
    }
}

void apply_suppressions(const ProposalUnit& unit, std::vector<Finding>& findings, const CheckOptions& options, const SourceFile& source,
    Diagnostics& diagnostics)
{
    for (const auto& s : unit.suppressions) {
        Diagnostic d;
        d.file = source.name;
        d.location = s.where.location;
        d.source_line = line_of(source.text, s.where.location.line);
        if (s.rule.empty() || s.reason.size() < 3) {
            d.message = s.rule.empty() ? "a suppression must name a rule" : fmt::format("the suppression of {} needs a reason", s.rule);
            d.help = "write why the finding is accepted, e.g. {rule: MLS-SEC-003, reason: \"sandbox account, no customer data\"}";
            diagnostics.add(std::move(d));
            continue;
        }
        if (options.locked.count(s.rule) != 0) {
            d.message = fmt::format("{} is locked by the configuration and cannot be suppressed (resource {})", s.rule, unit.resource);
            d.help = "remove the suppression, or fix what the rule reports; locked rules are listed under \"locked\" in .mlscale.json";
            diagnostics.add(std::move(d));
            continue;
        }
        if (s.expires && !options.today.empty() && *s.expires < options.today) {
            d.level = Level::Warning;
            d.message = fmt::format("the suppression of {} on {} expired on {}", s.rule, unit.resource, *s.expires);
            diagnostics.add(std::move(d));
            continue;
        }
        for (auto& finding : findings) {
            if (finding.rule == s.rule) {
                finding.suppressed = true;
                finding.suppression_reason = s.reason;
            }
        }
    }
}

} // namespace

CheckedFile check_source(const SourceFile& source, bool explicit_path, const CheckOptions& options)
{
    CheckedFile checked;
    checked.file = source.name;
    Diagnostics read_diagnostics;

    // Read and map: every resource becomes a job-shaped unit with a position for each field.
    auto proposal = read_proposal(source, options.input_format, read_diagnostics);
    if (!proposal && !explicit_path && read_diagnostics.items().size() == 1 &&
        (read_diagnostics.items().front().message == k_unknown_format_message ||
            read_diagnostics.items().front().message == k_empty_proposal_message)) {
        checked.ignored = true; // a JSON or YAML file in a walked directory that is no proposal
        return checked;
    }
    for (const auto& d : read_diagnostics.items()) {
        checked.diagnostics.add(d);
    }
    if (!proposal) {
        return checked;
    }
    checked.format = proposal->format;
    checked.skipped = std::move(proposal->skipped);
    const Catalogue& catalogue = options.catalogue != nullptr ? *options.catalogue : builtin_catalogue();

    for (auto& unit : proposal->units) {
        // Profile each unit as advise does: rules read profile.* as well as the job's fields.
        Job job = job_from_json(unit.job);
        job.document.value = unit.job;
        job.document.file = source.name;
        Diagnostics profile_diagnostics;
        const Profile profile = profile_job(job, catalogue, profile_diagnostics);
        relocate_profile_diagnostics(profile_diagnostics, unit, source, checked.diagnostics);

        // Rules: the same evaluator advise uses, on the unit's facts.
        std::vector<Finding> findings;
        if (options.evaluate) {
            findings = options.evaluate(build_facts(job, profile, nullptr), unit);
        }

        // Locate each finding at the property it names, or at the resource when it is absent.
        for (auto& finding : findings) {
            const SourceRef& where = unit.locate(finding.location.pointer);
            finding.location.file = source.name;
            finding.location.line = where.location.line;
            finding.location.column = where.location.column;
            finding.location.resource = unit.resource;
            finding.fingerprint = finding_fingerprint(finding.rule, unit.resource, where.path);
        }
        apply_suppressions(unit, findings, options, source, checked.diagnostics);
        checked.findings.insert(checked.findings.end(), findings.begin(), findings.end());
    }
    checked.units = std::move(proposal->units);
    std::stable_sort(checked.findings.begin(), checked.findings.end(), [](const Finding& a, const Finding& b) {
        return std::tie(a.location.line, a.location.column, a.rule, a.location.resource) <
               std::tie(b.location.line, b.location.column, b.rule, b.location.resource);
    });
    return checked;
}

CheckResult check_inputs(const std::vector<CheckInput>& inputs, const CheckOptions& options)
{
    CheckResult result;
    result.files.resize(inputs.size());
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    const auto work = [&] {
        while (true) {
            const std::size_t i = next.fetch_add(1);
            if (i >= inputs.size()) {
                return;
            }
            CheckedFile& checked = result.files[i];
            try {
                Diagnostics read_diagnostics;
                const auto source = read_source(inputs[i].path, read_diagnostics);
                if (source) {
                    checked = check_source(*source, inputs[i].explicit_path, options);
                } else {
                    checked.file = inputs[i].path == "-" ? "<stdin>" : inputs[i].path;
                    checked.diagnostics = std::move(read_diagnostics);
                }
            } catch (const std::exception& e) {
                checked = CheckedFile{};
                checked.file = inputs[i].path;
                checked.internal_error = true;
                Diagnostic d;
                d.file = inputs[i].path;
                d.message = fmt::format("internal error: {}", e.what());
                checked.diagnostics.add(std::move(d));
            }
            done.fetch_add(1);
        }
    };
    const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
    const std::size_t threads = std::min<std::size_t>(options.jobs == 0 ? cores : options.jobs, std::max<std::size_t>(1, inputs.size()));
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t) {
        pool.emplace_back(work);
    }
    if (options.progress) {
        // The calling thread reports progress while the pool works.
        while (done.load() < inputs.size()) {
            options.progress(done.load(), inputs.size());
            if (threads == 1) {
                work();
            } else {
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
            }
        }
        options.progress(inputs.size(), inputs.size());
    } else {
        work();
    }
    for (auto& thread : pool) {
        thread.join();
    }
    std::erase_if(result.files, [](const CheckedFile& f) { return f.ignored; });
    return result;
}

std::string write_baseline(const CheckResult& result)
{
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& file : result.files) {
        for (const auto& finding : file.findings) {
            if (!finding.suppressed) {
                entries.push_back({{"file", file.file}, {"rule", finding.rule}, {"resource", finding.location.resource},
                    {"fingerprint", finding.fingerprint}});
            }
        }
    }
    const nlohmann::json baseline{{"mlscale_baseline", 1}, {"findings", entries}};
    return baseline.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"; // file names need not be UTF-8
}

std::optional<Baseline> read_baseline(const SourceFile& source, Diagnostics& diagnostics)
{
    auto document = parse_json(source, diagnostics);
    if (!document) {
        return std::nullopt;
    }
    const auto& value = document->value;
    if (!value.is_object() || value.value("mlscale_baseline", 0) != 1 || !value.contains("findings") || !value["findings"].is_array()) {
        diagnostics.add(document->diagnostic_at("", "not an mlscale baseline", "write one with `mlscale check --write-baseline FILE`"));
        return std::nullopt;
    }
    Baseline baseline;
    for (std::size_t i = 0; i < value["findings"].size(); ++i) {
        const auto& entry = value["findings"][i];
        if (!entry.is_object() || !entry.contains("fingerprint") || !entry["fingerprint"].is_string() || !entry.contains("file") ||
            !entry["file"].is_string()) {
            diagnostics.add(document->diagnostic_at(fmt::format("/findings/{}", i), "a baseline entry needs \"file\" and \"fingerprint\""));
            continue;
        }
        baseline.entries.emplace(entry["file"].get<std::string>(), entry["fingerprint"].get<std::string>());
    }
    return baseline;
}

std::size_t apply_baseline(CheckResult& result, const Baseline& baseline)
{
    std::size_t removed = 0;
    for (auto& file : result.files) {
        removed += std::erase_if(file.findings, [&](const Finding& finding) {
            return baseline.entries.count({file.file, finding.fingerprint}) != 0;
        });
    }
    return removed;
}

std::size_t failing_findings(const CheckResult& result, const std::string& fail_on)
{
    const int threshold = severity_rank(fail_on);
    if (threshold < 0) {
        return 0;
    }
    std::size_t count = 0;
    for (const auto& file : result.files) {
        for (const auto& finding : file.findings) {
            count += !finding.suppressed && severity_rank(finding.severity) >= threshold ? 1 : 0;
        }
    }
    return count;
}

std::map<std::string, RuleInfo> rules_of(const CheckResult& result)
{
    std::map<std::string, RuleInfo> rules;
    for (const auto& file : result.files) {
        for (const auto& f : file.findings) {
            rules.emplace(f.rule, RuleInfo{f.rule, f.slug, f.title, f.severity, f.category, f.recommendation, f.source});
        }
    }
    return rules;
}

std::string render_check_units(const CheckResult& result)
{
    nlohmann::json files = nlohmann::json::array();
    for (const auto& file : result.files) {
        nlohmann::json units = nlohmann::json::array();
        for (const auto& unit : file.units) {
            nlohmann::json sources = nlohmann::json::object();
            for (const auto& [pointer, ref] : unit.sources) {
                sources[pointer] = fmt::format("{}:{} {}", ref.location.line, ref.location.column, ref.path);
            }
            nlohmann::json suppressions = nlohmann::json::array();
            for (const auto& s : unit.suppressions) {
                suppressions.push_back({{"rule", s.rule}, {"reason", s.reason}, {"line", s.where.location.line}});
            }
            units.push_back({{"resource", unit.resource}, {"type", unit.resource_type},
                {"at", fmt::format("{}:{}", unit.resource_ref.location.line, unit.resource_ref.location.column)}, {"job", unit.job},
                {"sources", sources}, {"suppressions", suppressions}});
        }
        files.push_back({{"file", file.file}, {"format", file.format ? nlohmann::json(proposal_format_info(*file.format).name) : nlohmann::json()},
            {"units", units}, {"skipped", file.skipped}});
    }
    return files.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"; // file names need not be UTF-8
}

} // namespace mlscale
