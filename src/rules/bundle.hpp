// The embedded rules, as the build bundled them (src/tools/bundle_rules.cpp writes the table;
// the build then checks every file in full, see CMakeLists.txt). Private to the rules module.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "mlscale/rules.hpp"

namespace mlscale {

struct BundledRule {
    std::string_view file;  ///< "rules/storage/MLS-STOR-004.json"
    std::string_view rule;  ///< the rule file's object without "cases", as compact JSON
    std::string_view cases; ///< {"cases": [...]}: the file's cases alone, read only to run them
};

/// Every embedded rule, sorted by file.
std::span<const BundledRule> rule_bundle();

/// The cases of an embedded rule, read from the bundle with every check of a rule file's cases
/// (load.cpp). Throws std::runtime_error when they do not load: a defect of the build.
std::vector<RuleCase> builtin_cases(const Rule& rule);

} // namespace mlscale
