// Fuzz target: the located JSON reader must never crash, hang or recurse past its limit.
#include <cstddef>
#include <cstdint>
#include <string>

#include "mlscale/json_document.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    mlscale::Diagnostics diagnostics;
    const mlscale::SourceFile source{"fuzz.json", std::string(reinterpret_cast<const char*>(data), size)};
    if (auto document = mlscale::parse_json(source, diagnostics)) {
        // Every recorded position must lie inside the text and render.
        for (const auto& [pointer, span] : document->value_spans) {
            (void)mlscale::format_diagnostic(document->diagnostic_at(pointer, "m"));
        }
    }
    for (const auto& diagnostic : diagnostics.items()) {
        (void)mlscale::format_diagnostic(diagnostic);
    }
    return 0;
}
