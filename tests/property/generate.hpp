// The harness's entry points shared by the ctest tool, the fuzz target and the unit tests.
#pragma once

#include <cstdint>
#include <memory>

#include "generator.hpp"

namespace mlscale::property {

/// The generator over the embedded job schema, the embedded catalogue and the embedded rules' codes.
const JobGenerator& default_generator();

/// The choices of job `index` of the seeded run with `seed`: each job has its own stream, so one
/// job is reproduced without the ones before it.
SeededChoices job_choices(std::uint64_t seed, std::uint64_t index);

} // namespace mlscale::property
