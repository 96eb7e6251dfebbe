// The embedded rules, as the build bundled them (src/tools/bundle_rules.cpp writes the table;
// the build then checks every file in full, see CMakeLists.txt). Private to the rules module.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "mlscale/rules.hpp"

namespace mlscale {

struct BundledParam {
    std::string_view name;
    std::string_view default_json; ///< the default as compact JSON ("" when the file gives none)
    std::string_view unit;
    std::string_view doc;
    std::string_view source;
};

struct BundledReference {
    std::string_view fact;
    std::string_view url;
};

/// The fields of an embedded rule, taken from its file by the build, which then checks the file in
/// full: `advise` builds its rules from these, with no JSON to parse (docs/performance.md). An
/// absent string field is empty; `has_evidence` tells an absent evidence list from an empty one.
struct BundledFields {
    std::string_view code, slug, concept_key, category, severity, status, title, location;
    std::string_view applies_when, condition, message, recommendation;
    bool has_evidence = false;
    std::span<const std::string_view> evidence;
    std::span<const BundledParam> params; ///< sorted by name, as a rule file's are read
    std::string_view what, why, example, instead;
    std::string_view seed, section, quote;
    std::span<const BundledReference> newer;
};

struct BundledRule {
    std::string_view file;  ///< "rules/storage/MLS-STOR-004.json"
    std::string_view cases; ///< {"cases": [...]}: the file's cases alone, read only to run them
    BundledFields fields;   ///< the rule's other fields, read without a JSON parse
};

/// An embedded rule built from its fields, its expressions compiled against the fact schema (the
/// same checks of them as a rule file's); nothing when they do not compile (a defect of the build).
std::optional<Rule> read_bundled_rule(const BundledRule& entry, Diagnostics& diagnostics);

/// Every embedded rule, sorted by file.
std::span<const BundledRule> rule_bundle();

/// The cases of an embedded rule, read from the bundle with every check of a rule file's cases
/// (load.cpp). Throws std::runtime_error when they do not load: a defect of the build.
std::vector<RuleCase> builtin_cases(const Rule& rule);

} // namespace mlscale
