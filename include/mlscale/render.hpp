// Stage 5, the renderers: they only format a report (sorting and filtering happen before).
#pragma once

#include <string>
#include <vector>

#include "mlscale/report.hpp"

namespace mlscale {

struct TextOptions {
    bool color = false;
};

/// The JSON contract of ../shared/spec/output.md (schema_version 1), deterministic bytes.
std::string render_json(const Report& report);

/// Readable advice for a terminal.
std::string render_text(const Report& report, const TextOptions& options = {});

struct MarkdownOptions {
    int heading_level = 1; ///< 1 for a document of its own, 2 inside a multi-job report
};

/// A review document in GitHub-flavoured Markdown (markdownlint-clean).
std::string render_markdown(const Report& report, const MarkdownOptions& options = {});

/// Several jobs in one document: an index table, then one section per job.
std::string render_markdown_index(const std::vector<Report>& reports);

/// Rounds for output: 2 decimals, or 3 significant digits below 1, so bytes are stable.
double round_for_output(double value);

} // namespace mlscale
