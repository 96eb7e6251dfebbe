// The fact tree rules are evaluated against: the job's own fields, plus profile.* and plan.*
// as listed in rules/facts.json. A fact that is not known is absent (rules SKIP on it).
#pragma once

#include <nlohmann/json.hpp>

#include "mlscale/job.hpp"
#include "mlscale/plan.hpp"
#include "mlscale/profile.hpp"

namespace mlscale {

/// The job's fields as written (instance types without "ml."), `profile` from the profiler and
/// the estimator, and `plan` when a plan exists.
nlohmann::json build_facts(const Job& job, const Profile& profile, const Plan* plan);

/// profile.* alone (the typed fields and Profile::derived merged).
nlohmann::json profile_facts(const Profile& profile);

/// plan.* alone.
nlohmann::json plan_facts(const Plan& plan);

} // namespace mlscale
