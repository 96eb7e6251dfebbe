// Fuzz target: every proposal reader (format detection, SageMaker API JSON, CloudFormation JSON
// and YAML, Terraform plans and HCL, ACK/Kubeflow) and the whole check pipeline on one file.
#include <cstddef>
#include <cstdint>
#include <string>

#include "mlscale/check.hpp"
#include "mlscale/proposals.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    // The first byte picks the name, so the YAML, HCL and JSON readers are all reached.
    static const char* const k_names[] = {"fuzz.json", "fuzz.yaml", "fuzz.tf", "fuzz.template"};
    const mlscale::SourceFile source{k_names[size == 0 ? 0 : data[0] % 4], text};
    mlscale::Diagnostics diagnostics;
    (void)mlscale::read_proposal(source, std::nullopt, diagnostics);
    // read_proposal sends text that starts like JSON to the JSON reader; the YAML reader gets every
    // input too, JSON-style flow collections included (where yaml-cpp 0.7 can loop: yaml.cpp).
    (void)mlscale::parse_yaml(source, diagnostics);
    (void)mlscale::parse_hcl(source, diagnostics);
    const mlscale::CheckedFile checked = mlscale::check_source(source, true, mlscale::CheckOptions{});
    for (const auto& diagnostic : checked.diagnostics.items()) {
        (void)mlscale::format_diagnostic(diagnostic);
    }
    return 0;
}
