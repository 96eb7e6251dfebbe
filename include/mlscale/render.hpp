// Stage 5, the renderers: they only format a report (sorting and filtering happen before).
#pragma once

#include <string>

#include "mlscale/report.hpp"

namespace mlscale {

struct TextOptions {
    bool color = false;
};

/// The JSON contract of ../shared/spec/output.md (schema_version 1), deterministic bytes.
std::string render_json(const Report& report);

/// Readable advice for a terminal.
std::string render_text(const Report& report, const TextOptions& options = {});

/// Rounds for output: 2 decimals, or 3 significant digits below 1, so bytes are stable.
double round_for_output(double value);

} // namespace mlscale
