// tests/property/known-failures.txt: the invariants that fail today, each with the number of jobs
// it failed in the seeded run and a minimal reproducer (tests/property/regressions/, where it stays once fixed). The ctest fails on
// a failure not listed here, and on a listed one that fails nowhere any more: the list only shrinks.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace mlscale::property {

struct KnownFailure {
    std::string invariant;
    int count = 0;          ///< jobs that failed it in the seeded run when it was listed
    std::string reproducer; ///< path, relative to the list's directory
    std::string note;       ///< the comment after '#': why, and whose it is
};

/// Reads the list; a malformed line or an unknown invariant is an error message in `error`.
std::optional<std::map<std::string, KnownFailure>> read_known_failures(const std::string& path, std::string& error);

/// Writes the list (with its header) to `path`.
bool write_known_failures(const std::string& path, const std::map<std::string, KnownFailure>& failures, int jobs, std::uint64_t seed);

} // namespace mlscale::property
