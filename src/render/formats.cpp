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

} // namespace mlscale
