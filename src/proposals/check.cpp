// The check pipeline: inputs -> read + map -> profile -> rules -> locate -> suppress, per file,
// on a small pool of threads; plus fingerprints and baselines.
#include "mlscale/check.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <numeric>
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

/// Found files, with the excluded ones (and excluded directories, not descended) reported apart.
struct Walk {
    const std::vector<std::string>& exclude;
    const std::string& root;
    std::vector<SkippedFile>* excluded;

    bool leave_out(const std::string& path) const
    {
        std::string pattern;
        if (exclude.empty() || !excluded_by(path, normalise_check_path(path, root), exclude, &pattern)) {
            return false;
        }
        if (excluded != nullptr) {
            excluded->push_back({path, fmt::format("excluded by \"{}\"", pattern), normalise_check_path(path, root)});
        }
        return true;
    }
};

void walk(const fs::path& start, std::vector<std::string>& out, const std::function<bool(const std::string&)>& keep, const Walk& rules)
{
    std::error_code error;
    for (auto it = fs::recursive_directory_iterator(start, fs::directory_options::skip_permission_denied, error); it != fs::recursive_directory_iterator();
         it.increment(error)) {
        if (error) {
            break;
        }
        if (it->is_directory(error)) {
            if (skipped_directory(it->path()) || rules.leave_out(it->path().string() + "/")) {
                it.disable_recursion_pending();
            }
            continue;
        }
        // Hidden files (.mlscale.json, editor settings) are left out like hidden directories.
        const std::string name = it->path().filename().string();
        if (it->is_regular_file(error) && name.front() != '.' && keep(it->path().string()) && !rules.leave_out(it->path().string())) {
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

std::string strip_dot_slash(std::string path)
{
    while (path.rfind("./", 0) == 0) {
        path.erase(0, 2);
    }
    return path;
}

/// fnmatch with `**` crossing directories and `*` not (FNM_PATHNAME) otherwise.
bool glob_match(const std::string& pattern, const std::string& path)
{
    return fnmatch(pattern.c_str(), path.c_str(), pattern.find("**") != std::string::npos ? 0 : FNM_PATHNAME) == 0;
}

} // namespace

std::string find_check_root(const std::string& start)
{
    std::error_code error;
    fs::path dir = fs::absolute(start.empty() ? fs::path(".") : fs::path(start), error).lexically_normal();
    if (!dir.has_filename() && dir.has_parent_path() && dir != dir.root_path()) {
        dir = dir.parent_path(); // "/a/b/" -> "/a/b"
    }
    for (fs::path candidate = dir;; candidate = candidate.parent_path()) {
        if (fs::exists(candidate / ".git", error)) {
            return candidate.generic_string();
        }
        if (candidate == candidate.root_path() || candidate.parent_path() == candidate) {
            break;
        }
    }
    return dir.generic_string();
}

namespace {

/// The real location of a directory (symbolic links resolved). Resolving costs a few system
/// calls per path component, so each directory is resolved once per thread.
const std::string& real_directory(const std::string& directory)
{
    thread_local std::map<std::string, std::string> real_directories;
    auto [it, added] = real_directories.try_emplace(directory);
    if (added) {
        std::error_code error;
        const fs::path real = fs::weakly_canonical(directory.empty() ? fs::path("/") : fs::path(directory), error);
        it->second = error ? directory : real.generic_string();
    }
    return it->second;
}

/// `path` relative to `root` when it is under it (both absolute, normalised, '/'-separated).
std::optional<std::string> under(const std::string& path, const std::string& root)
{
    if (root == "/") {
        return path.size() > 1 ? std::optional(path.substr(1)) : std::nullopt;
    }
    if (path.size() > root.size() + 1 && path.compare(0, root.size(), root) == 0 && path[root.size()] == '/') {
        return path.substr(root.size() + 1);
    }
    return std::nullopt;
}

/// No "." or ".." segment, no doubled or trailing '/': nothing lexical normalisation would change.
bool clean_path(std::string_view p)
{
    return !p.empty() && p.find("//") == std::string_view::npos && p.find("/./") == std::string_view::npos && p.find("/../") == std::string_view::npos &&
        p.rfind("./", 0) != 0 && p.rfind("../", 0) != 0 && p != "." && p != ".." && !p.ends_with("/.") && !p.ends_with("/..") && !p.ends_with("/");
}

} // namespace

std::string normalise_check_path(const std::string& path, const std::string& root, const std::string& stdin_name)
{
    if (path == "-" || path == "<stdin>") {
        return stdin_name.empty() ? std::string("<stdin>") : normalise_check_path(stdin_name, root);
    }
    if (root.empty()) {
        const std::string normal = fs::path(path).lexically_normal().generic_string();
        return strip_dot_slash(normal.empty() ? path : normal);
    }
    // Absolute and normalised, without building fs::path objects when the path is already
    // clean (every file of a directory walk is): this runs once per file.
    std::string absolute = path;
    if (!clean_path(path) || path.front() != '/') {
        std::error_code error;
        absolute = fs::absolute(fs::path(path), error).lexically_normal().generic_string();
        while (absolute.size() > 1 && absolute.back() == '/') {
            absolute.pop_back();
        }
    }
    if (auto relative = under(absolute, root)) {
        return *relative;
    }
    // Outside the root as written; through a symbolic link, perhaps: compare the real locations.
    const auto slash = absolute.rfind('/');
    const std::string real = real_directory(absolute.substr(0, slash)) + absolute.substr(slash);
    if (auto relative = under(real, real_directory(root))) {
        return *relative;
    }
    return absolute == root ? absolute : real;
}

bool excluded_by(const std::string& path, const std::string& normalised, const std::vector<std::string>& patterns, std::string* pattern)
{
    const std::string found = strip_dot_slash(path);
    for (const auto& raw : patterns) {
        std::string p = strip_dot_slash(raw);
        const bool directory = !p.empty() && p.back() == '/';
        while (!p.empty() && p.back() == '/') {
            p.pop_back();
        }
        if (p.empty()) {
            continue;
        }
        bool match = false;
        if (p.find('/') == std::string::npos) {
            // A name: any segment of the path (a directory anywhere, or the file's name).
            for (const auto& candidate : {found, normalised}) {
                const fs::path segments(candidate);
                for (auto it = segments.begin(); it != segments.end() && !match; ++it) {
                    const bool last = std::next(it) == segments.end();
                    match = (!directory || !last || (!candidate.empty() && candidate.back() == '/')) && fnmatch(p.c_str(), it->string().c_str(), 0) == 0 &&
                        !it->string().empty();
                }
            }
        } else {
            for (const auto& candidate : {found, normalised}) {
                std::string c = candidate;
                while (!c.empty() && c.back() == '/') {
                    c.pop_back();
                }
                // The path itself, or a directory above it.
                for (fs::path prefix(c); !match && !prefix.empty(); prefix = prefix.parent_path()) {
                    match = glob_match(p, prefix.generic_string());
                    if (prefix.parent_path() == prefix) {
                        break;
                    }
                }
            }
        }
        if (match) {
            if (pattern != nullptr) {
                *pattern = raw;
            }
            return true;
        }
    }
    return false;
}

std::vector<CheckInput> expand_check_paths(const std::vector<std::string>& paths, Diagnostics& diagnostics, const std::vector<std::string>& exclude,
    const std::string& root, std::vector<SkippedFile>* excluded)
{
    const Walk rules{exclude, root, excluded};
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
                walk(
                    base, found,
                    [&](const std::string& candidate) {
                        const std::string relative = slash == std::string::npos && candidate.rfind("./", 0) == 0 ? candidate.substr(2) : candidate;
                        return fnmatch(path.c_str(), relative.c_str(), any_depth ? 0 : FNM_PATHNAME) == 0;
                    },
                    rules);
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
            if (!rules.leave_out(path.back() == '/' ? path : path + "/")) {
                walk(
                    path, found, [](const std::string& candidate) { return proposal_extension(candidate); }, rules);
            }
            std::sort(found.begin(), found.end());
            for (auto& file : found) {
                inputs.push_back({std::move(file), false});
            }
        } else if (fs::exists(path, error)) {
            if (!rules.leave_out(path)) {
                inputs.push_back({path, true});
            }
        } else if (error) {
            // It is there but cannot be looked at: a symlink loop, a directory without permission.
            diagnostics.add(path_error(path, fmt::format("cannot read: {}", error.message())));
        } else {
            diagnostics.add(path_error(path, "no such file or directory"));
        }
    }
    if (excluded != nullptr) {
        std::stable_sort(excluded->begin(), excluded->end(), [](const SkippedFile& a, const SkippedFile& b) { return a.file < b.file; });
    }
    return inputs;
}

std::string finding_fingerprint(const std::string& path, const std::string& rule, const std::string& resource, const std::string& property_path)
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
    feed(path);
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

void apply_suppressions(
    const ProposalUnit& unit, std::vector<Finding>& findings, const CheckOptions& options, const SourceFile& source, Diagnostics& diagnostics)
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

namespace {

bool production_name(const std::string& environment)
{
    std::string lower;
    for (const char c : environment) {
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return lower == "prod" || lower == "production";
}

/// Endpoint units (the reader puts deployment.production = false on them) learn whether they
/// serve production: --environment wins, then the resource's environment tag, then the config.
void apply_environment(ProposalUnit& unit, const CheckOptions& options)
{
    const nlohmann::json::json_pointer pointer("/deployment/production");
    if (!unit.job.contains(pointer)) {
        return;
    }
    std::string declared;
    std::string how;
    SourceRef where = unit.resource_ref;
    if (options.environment) {
        declared = *options.environment;
        how = fmt::format("--environment {}", declared);
    } else if (unit.environment) {
        declared = unit.environment->value;
        how = fmt::format("{} {}={}", unit.environment->noun, unit.environment->key, declared);
        where = unit.environment->where;
    } else if (options.default_environment) {
        declared = *options.default_environment;
        how = fmt::format("the configuration's environment \"{}\"", declared);
    } else {
        return;
    }
    const bool production = production_name(declared);
    unit.job[pointer] = production;
    unit.sources["/deployment/production"] = where;
    if (production) {
        unit.assumptions["/deployment/production"] = fmt::format("production per {}", how);
    }
}

/// The assumptions behind a finding (the fields it names or reads that were not written in
/// place), appended to its message so that a reviewer sees what was judged.
void quote_assumptions(Finding& finding, const ProposalUnit& unit)
{
    if (unit.assumptions.empty()) {
        return;
    }
    std::vector<std::string> pointers{finding.location.pointer};
    for (auto it = finding.evidence.begin(); it != finding.evidence.end(); ++it) {
        std::string pointer = "/" + it.key();
        std::replace(pointer.begin(), pointer.end(), '.', '/');
        pointers.push_back(std::move(pointer));
    }
    std::vector<std::string> notes;
    for (const auto& pointer : pointers) {
        const auto it = unit.assumptions.find(pointer);
        if (it != unit.assumptions.end() && std::find(notes.begin(), notes.end(), it->second) == notes.end()) {
            notes.push_back(it->second);
        }
    }
    if (!notes.empty()) {
        finding.message += fmt::format(" ({})", fmt::join(notes, "; "));
    }
}

/// Why a file that yields no proposal is skipped rather than reported, or nothing when it is an
/// error: any file that is no proposal format; from a walk, an empty one; one that does not
/// parse and shows no sign of a proposal (a Helm template, JSON with comments).
std::optional<std::string> skip_reason(
    const SourceFile& source, ReadFailure failure, const Diagnostics& diagnostics, bool explicit_path, const CheckOptions& options)
{
    switch (failure) {
    case ReadFailure::UnknownFormat:
        return std::string("not a proposal: no format fits (--input-format forces one)");
    case ReadFailure::Empty:
        return explicit_path ? std::nullopt : std::optional<std::string>("empty");
    case ReadFailure::Syntax: {
        std::string why;
        if (options.input_format || looks_like_proposal(source, &why)) {
            return std::nullopt;
        }
        const Diagnostic* first = diagnostics.items().empty() ? nullptr : &diagnostics.items().front();
        return fmt::format("does not parse ({}), and {}",
            first == nullptr
                ? std::string("syntax error")
                : fmt::format("{}:{}: {}", first->location ? first->location->line : 0, first->location ? first->location->column : 0, first->message),
            why);
    }
    default:
        return std::nullopt;
    }
}

} // namespace

CheckedFile check_source(const SourceFile& source, bool explicit_path, const CheckOptions& options)
{
    CheckedFile checked;
    checked.file = source.name;
    checked.path = normalise_check_path(source.name, options.root, options.stdin_name);
    Diagnostics read_diagnostics;

    // An unrendered template (Helm, Jinja) is not checked, whether or not it happens to parse.
    if (!options.input_format && is_template(source)) {
        std::string why;
        looks_like_proposal(source, &why);
        checked.skipped = why;
        return checked;
    }
    // Read and map: every resource becomes a job-shaped unit with a position for each field.
    ReadFailure failure = ReadFailure::None;
    auto proposal = read_proposal(source, options.input_format, read_diagnostics, &failure);
    if (!proposal) {
        if (auto reason = skip_reason(source, failure, read_diagnostics, explicit_path, options)) {
            checked.skipped = std::move(reason); // some other kind of file: counted, not reported
            return checked;
        }
    }
    for (const auto& d : read_diagnostics.items()) {
        checked.diagnostics.add(d);
    }
    if (!proposal) {
        return checked;
    }
    checked.format = proposal->format;
    checked.uninterpreted = std::move(proposal->uninterpreted);
    const Catalogue& catalogue = options.catalogue != nullptr ? *options.catalogue : builtin_catalogue();

    for (auto& unit : proposal->units) {
        apply_environment(unit, options);
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
            quote_assumptions(finding, unit);
            const auto exact = unit.sources.find(finding.location.pointer);
            finding.location.field = finding.location.pointer;
            finding.location.pointer = where.path;
            finding.location.file = checked.path;
            finding.location.line = where.location.line;
            finding.location.column = where.location.column;
            finding.location.resource = unit.resource;
            // Absent from the proposal (an API default, or nothing): located at the resource.
            finding.location.field_absent = exact == unit.sources.end() || exact->second.path == unit.resource_ref.path;
            finding.location.located_at = finding.location.field_absent ? where.path : std::string();
            finding.fingerprint = finding_fingerprint(checked.path, finding.rule, unit.resource, where.path);
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
                auto source = read_source(inputs[i].path, read_diagnostics);
                if (source && inputs[i].path == "-" && !options.stdin_name.empty()) {
                    source->name = options.stdin_name;
                }
                if (source) {
                    checked = check_source(*source, inputs[i].explicit_path, options);
                } else {
                    checked.file = inputs[i].path == "-" ? (options.stdin_name.empty() ? "<stdin>" : options.stdin_name) : inputs[i].path;
                    checked.path = normalise_check_path(inputs[i].path, options.root, options.stdin_name);
                    checked.diagnostics = std::move(read_diagnostics);
                }
            } catch (const std::exception& e) {
                checked = CheckedFile{};
                checked.file = inputs[i].path;
                checked.path = inputs[i].path;
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
    for (const auto& file : result.files) {
        if (file.skipped) {
            result.skipped.push_back({file.file, *file.skipped, file.path});
        }
    }
    std::erase_if(result.files, [](const CheckedFile& f) { return f.skipped.has_value(); });
    return result;
}

std::map<std::string, std::size_t> CheckResult::uninterpreted_by_kind() const
{
    std::map<std::string, std::size_t> kinds;
    for (const auto& file : files) {
        for (const auto& resource : file.uninterpreted) {
            ++kinds[resource.kind];
        }
    }
    return kinds;
}

std::string write_baseline(const CheckResult& result)
{
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& file : result.files) {
        for (const auto& finding : file.findings) {
            if (!finding.suppressed) {
                entries.push_back({{"file", file.path}, {"rule", finding.rule}, {"resource", finding.location.resource}, {"fingerprint", finding.fingerprint}});
            }
        }
    }
    const nlohmann::json baseline{{"mlscale_baseline", 2}, {"findings", entries}};
    return baseline.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"; // file names need not be UTF-8
}

std::optional<Baseline> read_baseline(const SourceFile& source, Diagnostics& diagnostics, const std::string& root)
{
    auto document = parse_json(source, diagnostics);
    if (!document) {
        return std::nullopt;
    }
    const auto& value = document->value;
    const int version =
        value.is_object() && value.contains("mlscale_baseline") && value["mlscale_baseline"].is_number_integer() ? value["mlscale_baseline"].get<int>() : 0;
    if ((version != 1 && version != 2) || !value.contains("findings") || !value["findings"].is_array()) {
        diagnostics.add(document->diagnostic_at("", "not an mlscale baseline", "write one with `mlscale check --write-baseline FILE`"));
        return std::nullopt;
    }
    if (version == 1) {
        Diagnostic d = document->diagnostic_at("/mlscale_baseline",
            "baseline format 1 (before fingerprints included the file): "
            "its findings are matched by file, rule and resource",
            "write it again with `mlscale check --write-baseline FILE`");
        d.level = Level::Warning;
        diagnostics.add(std::move(d));
    }
    // Entry paths are relative to the root they were written under; absolute ones are made so.
    const auto entry_path = [&](const std::string& file) {
        return fs::path(file).is_absolute() ? normalise_check_path(file, root) : normalise_check_path(file, "");
    };
    Baseline baseline;
    for (std::size_t i = 0; i < value["findings"].size(); ++i) {
        const auto& entry = value["findings"][i];
        const auto text = [&](const char* key) { return entry.is_object() && entry.contains(key) && entry[key].is_string(); };
        if (!text("file") || (version == 2 && !text("fingerprint")) || (version == 1 && (!text("rule") || !text("resource")))) {
            diagnostics.add(document->diagnostic_at(fmt::format("/findings/{}", i),
                version == 2 ? "a baseline entry needs \"file\" and \"fingerprint\"" : "a baseline entry needs \"file\", \"rule\" and \"resource\""));
            continue;
        }
        const std::string path = entry_path(entry["file"].get<std::string>());
        if (version == 2) {
            baseline.entries.emplace(path, entry["fingerprint"].get<std::string>());
        } else {
            baseline.legacy.emplace(path, entry["rule"].get<std::string>() + "\n" + entry["resource"].get<std::string>());
        }
    }
    return baseline;
}

std::size_t apply_baseline(CheckResult& result, const Baseline& baseline)
{
    std::size_t matched = 0;
    result.baseline_applied = true;
    for (auto& file : result.files) {
        for (auto& finding : file.findings) {
            finding.baselined = baseline.entries.count({file.path, finding.fingerprint}) != 0 ||
                baseline.legacy.count({file.path, finding.rule + "\n" + finding.location.resource}) != 0;
            matched += finding.baselined ? 1 : 0;
        }
    }
    return matched;
}

bool blocking_finding(const Finding& finding, const std::string& fail_on)
{
    const int threshold = severity_rank(fail_on);
    return threshold >= 0 && !finding.suppressed && !finding.baselined && severity_rank(finding.severity) >= threshold;
}

std::size_t failing_findings(const CheckResult& result, const std::string& fail_on)
{
    std::size_t count = 0;
    for (const auto& file : result.files) {
        for (const auto& finding : file.findings) {
            count += blocking_finding(finding, fail_on) ? 1 : 0;
        }
    }
    return count;
}

std::vector<RankedFinding> ranked_findings(const CheckResult& result, const std::string& fail_on)
{
    std::vector<RankedFinding> ranked;
    for (const auto& file : result.files) {
        for (const auto& finding : file.findings) {
            ranked.push_back({&file, &finding});
        }
    }
    std::stable_sort(ranked.begin(), ranked.end(), [&](const RankedFinding& a, const RankedFinding& b) {
        const auto key = [&](const RankedFinding& r) {
            return std::make_tuple(!blocking_finding(*r.finding, fail_on), -severity_rank(r.finding->severity), std::cref(r.file->path),
                r.finding->location.line, r.finding->location.column, std::cref(r.finding->rule));
        };
        return key(a) < key(b);
    });
    return ranked;
}

std::string check_summary_line(const CheckResult& result)
{
    std::size_t resources = 0;
    for (const auto& file : result.files) {
        resources += file.units.size();
    }
    std::string line = fmt::format("{} file{} checked, {} skipped, {} resource{}", result.files.size(), result.files.size() == 1 ? "" : "s",
        result.skipped.size(), resources, resources == 1 ? "" : "s");
    const auto kinds = result.uninterpreted_by_kind();
    if (!kinds.empty()) {
        std::vector<std::string> parts;
        for (const auto& [kind, count] : kinds) {
            parts.push_back(fmt::format("{} {}", count, kind));
        }
        line += fmt::format(" ({} not interpreted: {})",
            std::accumulate(kinds.begin(), kinds.end(), std::size_t{0}, [](std::size_t n, const auto& entry) { return n + entry.second; }),
            fmt::join(parts, ", "));
    }
    return line;
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
            nlohmann::json entry{{"resource", unit.resource}, {"type", unit.resource_type},
                {"at", fmt::format("{}:{}", unit.resource_ref.location.line, unit.resource_ref.location.column)}, {"job", unit.job}, {"sources", sources},
                {"suppressions", suppressions}};
            if (!unit.assumptions.empty()) {
                entry["assumptions"] = unit.assumptions;
            }
            units.push_back(std::move(entry));
        }
        nlohmann::json uninterpreted = nlohmann::json::array();
        for (const auto& r : file.uninterpreted) {
            uninterpreted.push_back(fmt::format("{} ({}): {}", r.resource, r.kind, r.reason));
        }
        files.push_back({{"file", file.file}, {"format", file.format ? nlohmann::json(proposal_format_info(*file.format).name) : nlohmann::json()},
            {"units", units}, {"skipped", uninterpreted}});
    }
    return files.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"; // file names need not be UTF-8
}

} // namespace mlscale
