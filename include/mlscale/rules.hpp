// The rule engine (stage 3): load the rule files (docs/rule-format.md), check them, evaluate them
// over a job's fact tree into findings, and apply the user's control (select, ignore, parameters,
// severities, suppressions, locks).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mlscale/diagnostics.hpp"
#include "mlscale/expr.hpp"
#include "mlscale/findings.hpp"
#include "mlscale/job.hpp"
#include "mlscale/source.hpp"

namespace mlscale {

/// What a rule did on one fact tree (cfn-guard's outcomes).
enum class Outcome { Pass, Fail, Skip };

/// "PASS", "FAIL" or "SKIP".
std::string_view outcome_name(Outcome outcome);

struct RuleParam {
    std::string name;
    nlohmann::json default_value;      ///< a number, string, bool or array
    expr::Type type = expr::Type::Any; ///< from the default's JSON type; --set must match it
    std::string unit;
    std::string doc;
    std::string source;
};

struct RuleReference {
    std::string fact;
    std::string url; ///< empty when the fact has no URL
};

struct RuleSource {
    std::string seed; ///< "000".."004"
    std::string section;
    std::string quote;
    std::vector<RuleReference> newer;
};

struct RuleDoc {
    std::string what;
    std::string why;
    std::string example;
    std::string instead;
};

struct RuleCase {
    std::string name;
    Outcome expect = Outcome::Pass;
    nlohmann::json facts = nlohmann::json::object();
    nlohmann::json params = nlohmann::json::object(); ///< overrides of the defaults for this case
};

/// One rule file, checked and compiled. Every expression and template has been type-checked
/// against the fact schema (job fields, rules/facts.json, the rule's own params).
struct Rule {
    std::string code;
    std::string slug;
    std::string concept_key;
    std::string category;
    std::string severity;
    std::string status;
    std::string title;
    std::optional<expr::Expression> applies_when;
    std::optional<expr::Expression> condition; ///< always set on a loaded rule
    std::optional<expr::Template> message;     ///< always set on a loaded rule
    std::optional<expr::Template> recommendation;
    std::string location;              ///< JSON pointer into the job
    std::vector<std::string> evidence; ///< dotted paths; default: the condition's paths
    std::vector<RuleParam> params;     ///< sorted by name
    RuleDoc doc;
    RuleSource source;
    std::vector<RuleCase> cases; ///< a rule file's; an embedded rule's stay in the bundle (run_cases reads them)
    std::string file;            ///< where it came from: "rules/storage/MLS-STOR-004.json" or the user's path
    bool builtin = false;        ///< embedded in the binary (not from --rules)
    /// default_params(), built once when the rule is loaded (null on a rule assembled by hand),
    /// so that evaluating a rule on many units does not rebuild it each time.
    nlohmann::json param_object;

    /// "004: Data Management".
    [[nodiscard]] std::string source_label() const;
    /// The params with their defaults, as the `param` fact object.
    [[nodiscard]] nlohmann::json default_params() const;
    [[nodiscard]] const RuleParam* find_param(std::string_view name) const;
};

/// The rules in force, sorted by code; codes and slugs are unique.
class RuleSet {
public:
    [[nodiscard]] const std::vector<Rule>& rules() const
    {
        return m_rules;
    }
    [[nodiscard]] const Rule* find(std::string_view code) const;
    [[nodiscard]] std::vector<std::string> codes() const;
    [[nodiscard]] bool empty() const
    {
        return m_rules.empty();
    }
    /// Adds `rule`, or replaces the rule with the same code (how --rules overrides).
    void add_or_replace(Rule rule);
    /// The same for many rules at once (one sort, not one shifting insert per rule).
    void add_or_replace(std::vector<Rule> rules);

private:
    std::vector<Rule> m_rules;
};

/// One practice of ../shared/spec/practices.md, as carried in rules/concepts.json.
struct Concept {
    std::string key;
    std::string section;
    std::string practice;
};

/// The concept keys every rule must name one of (rules/concepts.json, embedded).
const std::vector<Concept>& concepts();

/// The schema every rule expression is compiled against: the job's fields from
/// docs/job.schema.json with their types, and profile.*/plan.* from rules/facts.json.
/// (param.* is added per rule.)
const expr::MapSchema& fact_schema();

/// The fact schema as derived from the embedded docs/job.schema.json and rules/facts.json (what
/// fact_schema() is, unless a compiled one is in use).
expr::MapSchema derived_fact_schema();

/// The fact schema compiled to C++ at build time from the same files (src/tools/compile_tables.cpp;
/// the mlscale_tables library holds it).
expr::MapSchema compiled_fact_schema();

/// Makes fact_schema() take `factory`'s schema (compiled_fact_schema) instead of deriving it, which
/// parses the job schema and rules/facts.json (5 million instructions). Call before the first
/// fact_schema().
void use_compiled_fact_schema(expr::MapSchema (*factory)());

/// The expression type of a JSON value (number, string, bool, list; anything else is any):
/// how parameter values and case facts are checked against their declared types.
expr::Type type_of_json(const nlohmann::json& value);

/// Loads and checks one rule file: its fields, the expressions and templates (errors point
/// at the bad token inside the rule file), the parameters and the cases. Every problem is added
/// to `diagnostics`; returns nothing when there was any.
std::optional<Rule> load_rule(const SourceFile& file, Diagnostics& diagnostics);

/// Loads the embedded rules unless `include_builtin` is false, then every *.json file under each
/// of `paths` (a directory, recursively and in sorted order, or a single file; files named
/// facts.json and concepts.json are skipped). Every rule is read the same way, with every check of
/// load_rule. The embedded rules are the rule bundle the build made from rules/<category>/*.json
/// (src/tools/bundle_rules.cpp) after checking every file in full and running its cases; their
/// cases stay in the bundle until run_cases reads them. A later rule with an existing code
/// replaces it; two files with one code in the same layer, or two rules with one slug, are errors
/// naming both files. Returns nothing on any error.
std::optional<RuleSet> load_rules(const std::vector<std::string>& paths, Diagnostics& diagnostics, bool include_builtin = true);

/// Transitional, until src/cli stops passing it: how much to read used to depend on the command.
/// It is ignored; every load reads everything (an embedded rule's cases when they are run).
enum class RuleDetail { Full, Evaluation };
inline std::optional<RuleSet> load_rules(const std::vector<std::string>& paths, Diagnostics& diagnostics, bool include_builtin, RuleDetail /*ignored*/)
{
    return load_rules(paths, diagnostics, include_builtin);
}

/// The embedded rules, loaded once. Throws std::runtime_error (with every diagnostic) when the
/// embedded catalogue is broken: that is a defect of the build, which checks every rule file.
const RuleSet& builtin_rules();

/// The user's control over the rules, resolved and checked against a RuleSet
/// (see resolve_rule_options and docs/configuration.md).
struct RuleOptions {
    std::vector<std::string> select;                                     ///< codes or code prefixes ("MLS-STOR"); empty: all
    std::vector<std::string> ignore;                                     ///< codes or code prefixes
    std::map<std::string, std::map<std::string, nlohmann::json>> params; ///< code -> param -> value
    std::map<std::string, std::string> severity;                         ///< code -> severity
    std::vector<std::string> locked;                                     ///< codes that may not be suppressed or ignored
    std::string lock_source;                                             ///< the config file that locks them, for messages
    std::string today;                                                   ///< ISO date (YYYY-MM-DD) suppressions expire against; empty: never
};

/// `.mlscale.json`: the project's defaults (docs/configuration.md).
struct ProjectConfig {
    std::string file;
    std::optional<std::string> fail_on;
    std::vector<std::string> select;
    std::vector<std::string> ignore;
    std::map<std::string, std::string> severity;
    std::map<std::string, std::map<std::string, nlohmann::json>> params;
    std::vector<std::string> locked;
    std::vector<std::string> rules; ///< extra rule directories, relative to the config file
    JsonDocument document;          ///< for locating errors in the config
};

/// Parses and validates a config file (its shape only; codes are checked by resolve_rule_options).
std::optional<ProjectConfig> load_config(const SourceFile& source, Diagnostics& diagnostics);

/// Command-line overrides, as typed.
struct RuleOverrides {
    std::vector<std::string> select;
    std::vector<std::string> ignore;
    std::vector<std::string> set; ///< "CODE.param=value"
};

/// Merges the config (may be null) and the command line into RuleOptions, checking every code,
/// parameter and value against `rules` (did-you-mean on unknown codes and parameters). The command
/// line wins over the config. Errors go to `diagnostics`.
RuleOptions resolve_rule_options(const RuleSet& rules, const ProjectConfig* config, const RuleOverrides& overrides, Diagnostics& diagnostics);

/// Where a command's rules come from: extra rule directories, the command line's overrides, and
/// the project config (empty: .mlscale.json in the current directory, else beside the input).
struct RuleSources {
    std::vector<std::string> directories;
    RuleOverrides overrides;
    std::string config;
};

/// The rules in force, the options over them, and the project config when one was read.
struct RulesInForce {
    RuleSet rules;
    RuleOptions options;
    std::optional<ProjectConfig> config;

    /// The fail-on threshold of every command: as typed, else the config's fail_on, else the
    /// command's default.
    [[nodiscard]] std::string fail_on(const std::optional<std::string>& typed, const std::string& command_default) const;
};

/// Reads the config, loads the embedded rules plus the config's and the given directories, and
/// resolves the options (suppressions expire against today_iso()). `input` is the job or the first
/// path a command was given (the config is looked for beside it). Nothing, after diagnostics, on
/// any error.
std::optional<RulesInForce> load_rules_in_force(const RuleSources& sources, const std::string& input, Diagnostics& diagnostics);

/// One rule's outcome on one fact tree.
struct RuleResult {
    const Rule* rule = nullptr;
    Outcome outcome = Outcome::Skip;
    std::string why; ///< for SKIP: what was false or unknown
};

/// Evaluates one rule over `facts` (which must hold the rule's params under "param").
RuleResult evaluate_rule(const Rule& rule, const nlohmann::json& facts);

/// What evaluate_rules returns: findings sorted by severity (critical first), then code, then
/// pointer; the outcome of every rule that ran; and the parameters of the rules that fired or that the user set.
struct RuleEvaluation {
    std::vector<Finding> findings;
    std::vector<RuleResult> results;
    nlohmann::json parameters = nlohmann::json::object();
};

/// What evaluate_rules keeps besides the findings. advise and report show every rule's outcome
/// (with why it skipped) and the parameters in force; check, over thousands of units, needs only
/// the findings and leaves both out.
struct EvaluationOutputs {
    bool results = true;
    bool parameters = true;
};

/// Runs every selected rule over `facts` (the job's fields, profile.*, plan.*), builds findings
/// with evidence, location and fingerprint, and applies the job's suppressions: an unknown code or
/// a locked rule is an error; an expired one is a warning and does not apply.
RuleEvaluation evaluate_rules(
    const RuleSet& rules, nlohmann::json facts, const Job& job, const RuleOptions& options, Diagnostics& diagnostics, EvaluationOutputs outputs = {});

/// Runs a rule's own cases (`mlscale rules test`): a rule file's, or for an embedded rule the
/// cases the bundle keeps (read and checked here; throws std::runtime_error if they do not load).
struct CaseResult {
    std::string name;
    Outcome expected = Outcome::Pass;
    Outcome actual = Outcome::Pass;
    std::string detail;  ///< the condition and the values it saw, for failures
    std::string message; ///< the rendered message when the case FAILs
    [[nodiscard]] bool passed() const
    {
        return expected == actual;
    }
};

std::vector<CaseResult> run_cases(const Rule& rule);

/// Stable 16-hex-digit hash of rule code, resource and pointer (FNV-1a 64).
std::string fingerprint(std::string_view code, std::string_view resource, std::string_view pointer);

} // namespace mlscale
