// Fuzz target: the whole pipeline on schema-valid jobs. The fuzzer's bytes drive the job generator
// of tests/property (each byte a choice: which fields, which values, which scenario), so every input
// is a job the loader accepts; the job then goes through advise (profile, recommend, rules, every
// renderer), report, estimate on the plan's configuration and check on the proposals made from the
// plan, and every invariant of tests/property/invariants.cpp is checked. An invariant that fails and
// is not listed in tests/property/known-failures.txt stops the run like a crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "../property/generate.hpp"
#include "../property/invariants.hpp"
#include "../property/known_failures.hpp"
#include "../property/shrink.hpp"

namespace {

const std::map<std::string, mlscale::property::KnownFailure>& known()
{
    static const auto list = [] {
        std::string error;
        auto read = mlscale::property::read_known_failures(MLSCALE_KNOWN_FAILURES, error);
        if (!read) {
            std::fprintf(stderr, "fuzz_pipeline: %s\n", error.c_str());
            std::abort();
        }
        return *read;
    }();
    return list;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace mlscale::property;
    ByteChoices choices(data, size);
    const nlohmann::json job = default_generator().generate(choices);
    // The last byte picks the costlier checks now and then (the seeded ctest makes them on every job):
    // the second advise for determinism one input in 4.
    const std::uint8_t last = size > 0 ? data[size - 1] : 0;
    PipelineOptions options;
    options.determinism = last % 4 == 0;
    const PipelineRun run = run_pipeline(job_text(job), options);
    for (const auto& violation : check_invariants(run)) {
        if (known().count(violation.invariant) == 0) {
            std::fprintf(
                stderr, "fuzz_pipeline: invariant %s fails: %s\njob:\n%s", violation.invariant.c_str(), violation.detail.c_str(), job_text(job).c_str());
            std::abort();
        }
    }
    return 0;
}
