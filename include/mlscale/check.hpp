// `mlscale check`: proposals in CI. Every file is read, mapped onto the job model, evaluated by
// the same stages as `advise` (profile, then the rules), and its findings are located at the
// property (or resource) in the proposal, with in-place suppressions and baselines applied.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mlscale/catalogue.hpp"
#include "mlscale/diagnostics.hpp"
#include "mlscale/findings.hpp"
#include "mlscale/proposals.hpp"

namespace mlscale {

/// The rule stage as check sees it: the facts of one unit in (the job's fields plus profile.*),
/// findings out, each with `location.pointer` set to a job JSON pointer. The rule engine plugs
/// in here; tests plug in doubles.
using RuleEvaluator = std::function<std::vector<Finding>(nlohmann::json facts, const ProposalUnit& unit)>;

struct CheckOptions {
    std::optional<ProposalFormat> input_format; ///< --input-format; detected per file when empty
    RuleEvaluator evaluate;                     ///< the rule stage; no findings when empty
    const Catalogue* catalogue = nullptr;       ///< defaults to the embedded catalogue
    std::set<std::string> locked;               ///< rules whose suppressions are refused (config `locked`)
    std::string today;                          ///< ISO date for suppression expiry; empty = never expires
    unsigned jobs = 0;                          ///< worker threads; 0 = one per core
    std::function<void(std::size_t done, std::size_t total)> progress; ///< called on the calling thread, ~5 times a second
};

/// One input as the user named it (or as a directory walk found it).
struct CheckInput {
    std::string path;   ///< "-" is standard input
    bool explicit_path = true; ///< named by the user; found by a directory walk or glob otherwise
};

/// The outcome for one file.
struct CheckedFile {
    std::string file;
    std::optional<ProposalFormat> format;
    std::vector<ProposalUnit> units;
    std::vector<Finding> findings;  ///< sorted by line, column, rule
    Diagnostics diagnostics;
    std::vector<std::string> skipped; ///< resources not interpreted, and why
    bool ignored = false;           ///< found by a walk and not a proposal: not reported
    bool internal_error = false;

    [[nodiscard]] bool bad() const { return diagnostics.has_errors() || internal_error; }
};

struct CheckResult {
    std::vector<CheckedFile> files; ///< in input order (paths sorted within each directory)
};

/// Expands paths: "-" (stdin), files, directories (recursive, sorted; .json .yaml .yml .tf
/// .template files; hidden directories and node_modules skipped), and globs (`*`, `?`, `[…]`,
/// `**` across directories). Paths that match nothing are errors in `diagnostics`.
std::vector<CheckInput> expand_check_paths(const std::vector<std::string>& paths, Diagnostics& diagnostics);

/// Checks one source: read, map, evaluate, locate, suppress.
CheckedFile check_source(const SourceFile& source, bool explicit_path, const CheckOptions& options);

/// Checks every input, in parallel on `options.jobs` threads; the result's order is the inputs'.
CheckResult check_inputs(const std::vector<CheckInput>& inputs, const CheckOptions& options);

/// The fingerprint of a finding: rule + resource + property path, so it survives line shifts.
std::string finding_fingerprint(const std::string& rule, const std::string& resource, const std::string& property_path);

/// A baseline: the fingerprints of accepted findings, per file.
struct Baseline {
    std::set<std::pair<std::string, std::string>> entries; ///< (file, fingerprint)
};

/// The baseline of `result`: every unsuppressed finding.
std::string write_baseline(const CheckResult& result);

/// Parses a baseline file written by `write_baseline`; problems are diagnostics.
std::optional<Baseline> read_baseline(const SourceFile& source, Diagnostics& diagnostics);

/// Drops the findings that are in `baseline` (only new findings remain); returns how many.
std::size_t apply_baseline(CheckResult& result, const Baseline& baseline);

/// Unsuppressed findings at or above `fail_on` (a severity name; "none" never fails).
std::size_t failing_findings(const CheckResult& result, const std::string& fail_on);

/// What renderers know about a rule (from its findings, or the rule registry).
struct RuleInfo {
    std::string code;
    std::string slug;
    std::string title;
    std::string severity;
    std::string category;
    std::string recommendation;
    std::string source;
};

struct CheckRenderOptions {
    std::string fail_on = "high";
    std::string rule_docs_url = "https://mlscale.dev/docs/rules/"; ///< + CODE.md = helpUri
    bool color = false;
};

/// Rules referenced by the result's findings, by code.
std::map<std::string, RuleInfo> rules_of(const CheckResult& result);

std::string render_check_text(const CheckResult& result, const CheckRenderOptions& options);
std::string render_check_json(const CheckResult& result, const CheckRenderOptions& options);
std::string render_check_sarif(const CheckResult& result, const CheckRenderOptions& options);
std::string render_check_junit(const CheckResult& result, const CheckRenderOptions& options);
std::string render_check_github(const CheckResult& result, const CheckRenderOptions& options);
std::string render_check_markdown(const CheckResult& result, const CheckRenderOptions& options);

/// The mapped units of every file (what mlscale understood), as JSON: `check --show-units`.
std::string render_check_units(const CheckResult& result);

} // namespace mlscale
