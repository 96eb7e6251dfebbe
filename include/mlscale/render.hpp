// Stage 5, the renderers: they only format a report (sorting and filtering happen before).
#pragma once

#include <string>
#include <vector>

#include "mlscale/check.hpp"
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

/// One output format of a command: its name for --format, one line of help, and its renderer.
/// Commands take their --format choices and their renderer from such a table.
template <typename Input, typename Options> struct Format {
    const char* name;
    const char* summary;
    std::string (*render)(const Input&, const Options&);
};

/// The names of a format table, in order (for --format's choices and help).
template <typename Input, typename Options> std::vector<std::string> format_names(const std::vector<Format<Input, Options>>& table)
{
    std::vector<std::string> names;
    for (const auto& format : table) {
        names.emplace_back(format.name);
    }
    return names;
}

/// The entry called `name`, or null.
template <typename Input, typename Options> const Format<Input, Options>* find_format(const std::vector<Format<Input, Options>>& table, const std::string& name)
{
    for (const auto& format : table) {
        if (name == format.name) {
            return &format;
        }
    }
    return nullptr;
}

/// `advise`'s formats: text, json, markdown.
const std::vector<Format<Report, TextOptions>>& advice_formats();

/// `check`'s formats: text, json, sarif, junit, github, markdown.
const std::vector<Format<CheckResult, CheckRenderOptions>>& check_formats();

/// Rounds for output: 2 decimals, or 3 significant digits below 1, so bytes are stable.
double round_for_output(double value);

} // namespace mlscale
