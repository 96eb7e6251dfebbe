// `mlscale check`: proposals in CI. Every file is read, mapped onto the job model, evaluated by
// the same stages as `advise` (profile, then the rules), and its findings are located at the
// property (or resource) in the proposal, with in-place suppressions and baselines applied.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <cstddef>
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
    /// Absolute directory paths are reported relative to (the git top level or --root); empty:
    /// paths are only normalised lexically (tests, library use).
    std::string root;
    std::string stdin_name;                                            ///< --stdin-filename: the name standard input is reported under
    std::optional<std::string> environment;                            ///< --environment: wins over the resources' tags
    std::optional<std::string> default_environment;                    ///< the config's "environment": the resources' tags win over it
    RuleEvaluator evaluate;                                            ///< the rule stage; no findings when empty
    const Catalogue* catalogue = nullptr;                              ///< defaults to the embedded catalogue
    std::set<std::string> locked;                                      ///< rules whose suppressions are refused (config `locked`)
    std::string today;                                                 ///< ISO date for suppression expiry; empty = never expires
    unsigned jobs = 0;                                                 ///< worker threads; 0 = one per core
    std::function<void(std::size_t done, std::size_t total)> progress; ///< called on the calling thread, ~5 times a second
};

/// One input as the user named it (or as a directory walk found it).
struct CheckInput {
    std::string path;          ///< "-" is standard input
    bool explicit_path = true; ///< named by the user; found by a directory walk or glob otherwise
};

/// A file (or directory) that was not checked, and why: excluded, not a proposal, a template,
/// or text that does not parse and shows no sign of being a proposal.
struct SkippedFile {
    std::string file; ///< as named or found (text output)
    std::string reason;
    std::string path; ///< normalised like CheckedFile::path (the other outputs)
};

/// The outcome for one file.
struct CheckedFile {
    std::string file; ///< as named or found (text output, diagnostics)
    std::string path; ///< normalised: relative to the root, '/'-separated (identity, SARIF, baselines)
    std::optional<ProposalFormat> format;
    std::vector<ProposalUnit> units;
    std::vector<Finding> findings; ///< sorted by line, column, rule
    Diagnostics diagnostics;
    std::vector<UninterpretedResource> uninterpreted; ///< resources not mapped, and why
    std::optional<std::string> skipped;               ///< not a proposal (and why): counted, not reported
    bool internal_error = false;

    [[nodiscard]] bool bad() const
    {
        return diagnostics.has_errors() || internal_error;
    }
};

struct CheckResult {
    std::vector<CheckedFile> files;   ///< in input order (paths sorted within each directory); skipped files are not here
    std::vector<SkippedFile> skipped; ///< excluded and non-proposal files, in input order
    bool baseline_applied = false;    ///< a baseline was given: SARIF marks every result new or unchanged

    /// Resources not interpreted, by kind (sorted by kind).
    [[nodiscard]] std::map<std::string, std::size_t> uninterpreted_by_kind() const;
};

/// The top of the tree `start` is in: the nearest directory upwards holding `.git` (a directory,
/// or a file in a worktree); `start` itself when there is none. Absolute and normalised.
std::string find_check_root(const std::string& start);

/// `path` as check reports it: relative to `root` with '/' separators and no "." or ".."
/// segments when it is inside `root`, else absolute and normalised; "-" is `stdin_name` (or
/// "<stdin>"). With an empty root only the lexical normalisation is done.
std::string normalise_check_path(const std::string& path, const std::string& root, const std::string& stdin_name = {});

/// True when `path` (as found, and as normalised) matches one of the --exclude / config
/// "exclude" globs: a pattern without '/' matches any path segment (`charts`, `*.tpl.yaml`), one
/// with '/' the whole path relative to the root (`**` crosses directories), or a directory prefix.
bool excluded_by(const std::string& path, const std::string& normalised, const std::vector<std::string>& patterns, std::string* pattern = nullptr);

/// Expands paths: "-" (stdin), files, directories (recursive, sorted; .json .yaml .yml .tf
/// .template files; hidden files and directories and node_modules left out), and globs (`*`, `?`, `[…]`,
/// `**` across directories). Paths that match nothing are errors in `diagnostics`. Files and
/// directories matching `exclude` are left out and listed in `excluded` (when given).
std::vector<CheckInput> expand_check_paths(const std::vector<std::string>& paths, Diagnostics& diagnostics, const std::vector<std::string>& exclude = {},
    const std::string& root = {}, std::vector<SkippedFile>* excluded = nullptr);

/// Checks one source: read, map, evaluate, locate, suppress.
CheckedFile check_source(const SourceFile& source, bool explicit_path, const CheckOptions& options);

/// Checks every input, in parallel on `options.jobs` threads; the result's order is the inputs'.
CheckResult check_inputs(const std::vector<CheckInput>& inputs, const CheckOptions& options);

/// The fingerprint of a finding: normalised file path + rule + resource + property path, so it
/// survives line shifts and tells the same resource name in two files apart.
std::string finding_fingerprint(const std::string& path, const std::string& rule, const std::string& resource, const std::string& property_path);

/// A baseline: the fingerprints of accepted findings, per file (paths relative to the root).
struct Baseline {
    std::set<std::pair<std::string, std::string>> entries; ///< (path, fingerprint), format 2
    /// Format 1 (before paths were normalised and fingerprinted): (path, rule + '\n' + resource).
    std::set<std::pair<std::string, std::string>> legacy;
};

/// The baseline of `result`: every unsuppressed finding (baselined ones included).
std::string write_baseline(const CheckResult& result);

/// Parses a baseline file written by `write_baseline`; problems are diagnostics. Entry paths are
/// taken relative to `root` (absolute ones are made relative to it).
std::optional<Baseline> read_baseline(const SourceFile& source, Diagnostics& diagnostics, const std::string& root = {});

/// Marks the findings that are in `baseline` as baselined (they stay in the result, and SARIF
/// and JSON say so); returns how many.
std::size_t apply_baseline(CheckResult& result, const Baseline& baseline);

/// Whether a finding blocks: not suppressed, not baselined, at or above `fail_on`.
bool blocking_finding(const Finding& finding, const std::string& fail_on);

/// Unsuppressed, unbaselined findings at or above `fail_on` (a severity name; "none" never fails).
std::size_t failing_findings(const CheckResult& result, const std::string& fail_on);

/// The files' findings in the order reviewers read them: blocking first, then by severity
/// (critical first), path, line, column, rule. Pointers into `result`.
struct RankedFinding {
    const CheckedFile* file;
    const Finding* finding;
};
std::vector<RankedFinding> ranked_findings(const CheckResult& result, const std::string& fail_on);

/// One line for every output: files checked, skipped, resources, not interpreted by kind.
std::string check_summary_line(const CheckResult& result);

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
    bool verbose = false;                  ///< list skipped files with their reasons
    std::string root;                      ///< absolute root: SARIF's %SRCROOT% (originalUriBaseIds)
    std::size_t max_sarif_results = 25000; ///< GitHub's limit per run; the most severe are kept
    Diagnostics* warnings = nullptr;       ///< where a renderer says what it had to leave out
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
