#include "shrink.hpp"

#include <cmath>
#include <vector>

#include "invariants.hpp"

namespace mlscale::property {

using nlohmann::json;

std::string job_text(const json& job)
{
    return job.dump(2) + "\n";
}

PipelineOptions options_for(const std::string& invariant)
{
    PipelineOptions options;
    (void)invariant;
    return options;
}

bool fails_invariant(const json& job, const std::string& invariant, std::string* detail)
{
    const PipelineRun run = run_pipeline(job_text(job), options_for(invariant));
    if (!run.loaded && invariant != "loader-accepts-generated-job") {
        return false;
    }
    for (const auto& violation : check_invariants(run)) {
        if (violation.invariant == invariant) {
            if (detail != nullptr) {
                *detail = violation.detail;
            }
            return true;
        }
    }
    return false;
}

namespace {

// Every removable member or element, outermost first, so whole sections go before their fields.
void removable(const json& value, const json::json_pointer& at, std::vector<json::json_pointer>& out)
{
    if (value.is_object()) {
        for (const auto& [key, member] : value.items()) {
            if (at.empty() && key == "name") {
                continue; // required
            }
            out.push_back(at / key);
        }
        for (const auto& [key, member] : value.items()) {
            removable(member, at / key, out);
        }
    } else if (value.is_array()) {
        for (std::size_t i = value.size(); i-- > 0;) {
            out.push_back(at / i);
        }
        for (std::size_t i = 0; i < value.size(); ++i) {
            removable(value[i], at / i, out);
        }
    }
}

void leaves(const json& value, const json::json_pointer& at, std::vector<json::json_pointer>& out)
{
    if (value.is_object()) {
        for (const auto& [key, member] : value.items()) {
            leaves(member, at / key, out);
        }
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            leaves(value[i], at / i, out);
        }
    } else {
        out.push_back(at);
    }
}

// Simpler values for one leaf, simplest first; each is tried only if it differs.
std::vector<json> simpler(const json& value)
{
    std::vector<json> out;
    if (value.is_number()) {
        const double v = value.get<double>();
        for (const double c : {0.0, 1.0, 2.0, 10.0, 100.0, 1000.0, 1e4, 1e5, 1e6}) {
            if (std::fabs(c) < std::fabs(v)) {
                out.push_back(value.is_number_float() ? json(c) : json(static_cast<std::int64_t>(c)));
            }
        }
        const double digits = std::pow(10.0, std::floor(std::log10(std::fabs(v))) - 1);
        if (std::isfinite(digits) && digits > 0 && std::round(v / digits) * digits != v) {
            out.push_back(value.is_number_float() ? json(std::round(v / digits) * digits) : json(static_cast<std::int64_t>(std::round(v / digits) * digits)));
        }
        if (value.is_number_float() && std::round(v) != v && std::fabs(v) < 1e15) {
            out.push_back(json(std::round(v)));
        }
    } else if (value.is_string() && value != "x" && value != "") {
        out = {"x", ""};
    } else if (value.is_boolean() && value == true) {
        out.push_back(false);
    }
    return out;
}

} // namespace

json shrink(json job, const StillFails& still_fails, int budget)
{
    bool progress = true;
    while (progress && budget > 0) {
        progress = false;
        std::vector<json::json_pointer> candidates;
        removable(job, json::json_pointer(), candidates);
        for (const auto& pointer : candidates) {
            json trial = job;
            const std::string last = pointer.back();
            json& parent = trial.at(pointer.parent_pointer());
            if (parent.is_array()) {
                parent.erase(static_cast<std::size_t>(std::stoul(last)));
            } else {
                parent.erase(last);
            }
            if (--budget < 0) {
                break;
            }
            if (still_fails(trial)) {
                job = std::move(trial);
                progress = true;
                break;
            }
        }
        if (progress) {
            continue;
        }
        std::vector<json::json_pointer> values;
        leaves(job, json::json_pointer(), values);
        for (const auto& pointer : values) {
            for (const json& candidate : simpler(job.at(pointer))) {
                json trial = job;
                trial.at(pointer) = candidate;
                if (--budget < 0) {
                    break;
                }
                if (still_fails(trial)) {
                    job = std::move(trial);
                    progress = true;
                    break;
                }
            }
            if (progress || budget < 0) {
                break;
            }
        }
    }
    return job;
}

} // namespace mlscale::property
