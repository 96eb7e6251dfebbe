// The outside world: reading user files (a named text buffer, read whole with size limits and
// clear failures), writing outputs atomically, and the date.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "mlscale/diagnostics.hpp"

namespace mlscale {

/// A file's display name (as the user gave it; "<stdin>" for "-") and its bytes.
struct SourceFile {
    std::string name;
    std::string text;
};

/// Largest input file read, in bytes; a larger file is refused before it is read.
inline constexpr std::size_t k_max_input_bytes = 16U * 1024U * 1024U;

/// Reads `path` ("-" reads standard input). A missing file, a directory, an unreadable file or
/// one over `max_bytes` adds an error naming the file and returns nothing.
std::optional<SourceFile> read_source(const std::string& path, Diagnostics& diagnostics, std::size_t max_bytes = k_max_input_bytes);

/// Writes `content` to `path` atomically: a temporary file beside it, flushed, then renamed over
/// the target. On failure the target is untouched, the temporary is removed, and the returned
/// string says why; on success it is empty.
std::string write_file_atomic(const std::string& path, const std::string& content);

/// Today as YYYY-MM-DD (UTC), what suppressions expire against; MLSCALE_TODAY overrides it (tests).
std::string today_iso();

} // namespace mlscale
