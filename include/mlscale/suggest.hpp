// "Did you mean" suggestions: the closest name from a candidate list by edit distance.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlscale {

/// Levenshtein distance between two strings (case-sensitive, byte-wise).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `name`, when it is close enough to be a plausible typo
/// (distance <= max(2, name.size() / 3)); ties go to the earliest candidate.
std::optional<std::string> closest_match(std::string_view name, const std::vector<std::string>& candidates);

/// Letters and digits only, lower case: how names written by people and by other tools are
/// compared ("ResNet-50" and "resnet50"; Terraform's "per_unit_storage_throughput" and the AWS API's
/// "PerUnitStorageThroughput").
std::string folded_name(std::string_view name);

} // namespace mlscale
