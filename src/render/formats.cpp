// The format tables: which renderers each command offers under which --format name.
#include "mlscale/render.hpp"

namespace mlscale {

namespace {

std::string advice_text(const Report& report, const TextOptions& options)
{
    return render_text(report, options);
}

std::string advice_json(const Report& report, const TextOptions&)
{
    return render_json(report);
}

std::string advice_markdown(const Report& report, const TextOptions&)
{
    return render_markdown(report);
}

} // namespace

const std::vector<Format<Report, TextOptions>>& advice_formats()
{
    static const std::vector<Format<Report, TextOptions>> table{
        {"text", "readable advice for a terminal", advice_text},
        {"json", "the JSON contract (docs/output.md)", advice_json},
        {"markdown", "a review document (as `mlscale report`)", advice_markdown},
    };
    return table;
}

const std::vector<Format<CheckResult, CheckRenderOptions>>& check_formats()
{
    static const std::vector<Format<CheckResult, CheckRenderOptions>> table{
        {"text", "one line per finding at file:line:col, for a terminal", render_check_text},
        {"json", "every file, resource, finding and input problem (docs/check.schema.json)", render_check_json},
        {"sarif", "SARIF 2.1.0 for GitHub code scanning and other SARIF viewers", render_check_sarif},
        {"junit", "JUnit XML: a test suite per file, a test case per (rule, resource)", render_check_junit},
        {"github", "GitHub Actions ::error/::warning/::notice annotations, most severe first", render_check_github},
        {"markdown", "a pull-request comment: every blocking finding first, then the rest", render_check_markdown},
    };
    return table;
}

} // namespace mlscale
