// Stage 3's output: findings of the best-practice rules, with evidence and location.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mlscale {

inline constexpr const char* k_severities[] = {"info", "low", "medium", "high", "critical"};

/// Rank of a severity name (info = 0 … critical = 4), or -1 when it is not one.
int severity_rank(const std::string& severity);

struct FindingLocation {
    std::string file;
    std::string pointer;
    std::uint32_t line = 0; ///< 0 when unknown
    std::uint32_t column = 0;
    std::string resource; ///< proposal resource name, when the input is a proposal
    /// True when the field at `pointer` is not in the file (the rule fired on what it left unsaid);
    /// line and column are then those of `located_at`, its nearest ancestor present ("" = the root).
    bool field_absent = false;
    std::string located_at;
    /// check: the job field the rule judged (e.g. /notebook/direct_internet); `pointer` is then
    /// the property's path in the proposal.
    std::string field;
};

struct Finding {
    std::string rule; ///< stable code, e.g. MLS-STOR-004
    std::string slug;
    std::string concept_key; ///< key from ../shared/spec/practices.md
    std::string category;
    std::string severity;
    std::string title;
    std::string message;
    std::string recommendation;
    std::string source;                                 ///< seed and section, e.g. "004: Data Management"
    std::vector<std::string> references;                ///< newer facts: URLs
    nlohmann::json evidence = nlohmann::json::object(); ///< facts the rule used: path -> value
    FindingLocation location;
    bool suppressed = false;
    std::string suppression_reason;
    std::string fingerprint; ///< rule + resource + pointer, stable across line shifts
    bool baselined = false;  ///< check: accepted by --baseline (kept in SARIF and JSON, never fails)
};

/// The one exit policy of every command (--fail-on, the config's fail_on): true when an unsuppressed
/// finding is at or above `fail_on`; "none" (or any other non-severity) never fails.
bool fails_at(const std::vector<Finding>& findings, const std::string& fail_on);

} // namespace mlscale
