#include "generate.hpp"

#include "mlscale/catalogue.hpp"
#include "mlscale/job.hpp"
#include "mlscale/rules.hpp"

namespace mlscale::property {

const JobGenerator& default_generator()
{
    static const JobGenerator generator(job_schema_json(), builtin_catalogue(), builtin_rules().codes());
    return generator;
}

SeededChoices job_choices(std::uint64_t seed, std::uint64_t index)
{
    return SeededChoices(seed * 0x9E3779B97F4A7C15ULL + index);
}

} // namespace mlscale::property
