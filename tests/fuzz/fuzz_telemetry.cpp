// Fuzz target: the nvidia-smi and vmstat readers.
#include <cstddef>
#include <cstdint>
#include <string>

#include "mlscale/dataprof.hpp"
#include "mlscale/telemetry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    const mlscale::TelemetryOptions options{2, 3};
    mlscale::Diagnostics diagnostics;
    auto smi = mlscale::string_reader(text);
    (void)mlscale::read_nvidia_smi(*smi, "gpu.csv", options, diagnostics);
    auto vmstat = mlscale::string_reader(text);
    (void)mlscale::read_vmstat(*vmstat, "vmstat.txt", options, diagnostics);
    return 0;
}
