// Data files embedded in the binary at build time (rules/, profiles/, docs/job.schema.json),
// so an installed mlscale works from any directory with no data path to configure.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace mlscale {

struct EmbeddedFile {
    std::string_view path; ///< relative to the source tree, e.g. "rules/storage/MLS-STOR-004.json"
    std::string_view content;
};

/// All embedded files, sorted by path.
const std::vector<EmbeddedFile>& embedded_files();

/// The embedded file at `path`, if any.
std::optional<std::string_view> embedded_file(std::string_view path);

} // namespace mlscale
