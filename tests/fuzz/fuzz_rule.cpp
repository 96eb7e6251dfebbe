// Fuzz target: the rule loader (fields, expressions, templates, params, cases) on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "mlscale/rules.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    mlscale::Diagnostics diagnostics;
    const mlscale::SourceFile source{"rules/fuzz/MLS-FUZZ-001.json", std::string(reinterpret_cast<const char*>(data), size)};
    (void)mlscale::load_rule(source, diagnostics);
    for (const auto& diagnostic : diagnostics.items()) {
        (void)mlscale::format_diagnostic(diagnostic);
    }
    return 0;
}
