// A test double for the rule stage of `mlscale check`: three rules written in C++ over the
// facts, so the check pipeline, locations and renderers can be tested without the rule engine.
#pragma once

#include "mlscale/check.hpp"

namespace mlscale::testing {

inline Finding fake_finding(const char* rule, const char* slug, const char* severity, const char* pointer, std::string message)
{
    Finding f;
    f.rule = rule;
    f.slug = slug;
    f.severity = severity;
    f.category = "security";
    f.title = std::string("Test rule ") + rule;
    f.message = std::move(message);
    f.recommendation = "Fix it, then run check again";
    f.source = "000: Test";
    f.location.pointer = pointer;
    return f;
}

/// MLS-TEST-001 (high): notebook with direct internet access; MLS-TEST-002 (medium): spot
/// without a checkpoint; MLS-TEST-003 (low): an FSx SCRATCH_1 file system. Unknown facts SKIP.
inline std::vector<Finding> fake_rules(const nlohmann::json& facts, const ProposalUnit&)
{
    std::vector<Finding> out;
    const auto get = [&](const char* pointer) {
        const nlohmann::json::json_pointer p(pointer);
        return facts.contains(p) ? facts.at(p) : nlohmann::json();
    };
    if (get("/notebook/direct_internet") == true) {
        out.push_back(fake_finding("MLS-TEST-001", "notebook-direct-internet", "high", "/notebook/direct_internet",
            "The notebook reaches the internet directly, outside any VPC control, \"quotes\", commas: and 100% of traffic"));
    }
    if (get("/training/spot") == true && get("/training/checkpoint_s3_uri").is_null()) {
        out.push_back(fake_finding("MLS-TEST-002", "spot-without-checkpoints", "medium", "/training/checkpoint_s3_uri",
            "Spot training without checkpoints restarts from zero after an interruption"));
    }
    if (get("/storage/fsx/deployment_type") == "SCRATCH_1") {
        out.push_back(
            fake_finding("MLS-TEST-003", "fsx-scratch-1", "low", "/storage/fsx/deployment_type", "SCRATCH_1 is the oldest FSx for Lustre deployment type"));
    }
    return out;
}

} // namespace mlscale::testing
