// Fuzz target: the job loader (JSON, schema, typed job) and the profiler on whatever loads.
#include <cstddef>
#include <cstdint>
#include <string>

#include "mlscale/catalogue.hpp"
#include "mlscale/job.hpp"
#include "mlscale/pipeline.hpp"
#include "mlscale/render.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    mlscale::Diagnostics diagnostics;
    const mlscale::SourceFile source{"fuzz.json", std::string(reinterpret_cast<const char*>(data), size)};
    if (auto job = mlscale::load_job(source, diagnostics)) {
        if (auto report = mlscale::advise(*job, mlscale::AdviseOptions{}, diagnostics)) {
            (void)mlscale::render_json(*report);
            (void)mlscale::render_text(*report);
            (void)mlscale::render_markdown(*report);
        }
    }
    for (const auto& diagnostic : diagnostics.items()) {
        (void)mlscale::format_diagnostic(diagnostic);
    }
    return 0;
}
