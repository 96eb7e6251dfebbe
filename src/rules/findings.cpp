// Severities: their order, and the policy that turns findings into an exit code (--fail-on).
#include "mlscale/findings.hpp"

namespace mlscale {

int severity_rank(const std::string& severity)
{
    for (int i = 0; i < 5; ++i) {
        if (severity == k_severities[i]) {
            return i;
        }
    }
    return -1;
}

bool fails_at(const std::vector<Finding>& findings, const std::string& fail_on)
{
    const int threshold = severity_rank(fail_on);
    if (threshold < 0) {
        return false; // "none"
    }
    for (const auto& finding : findings) {
        if (!finding.suppressed && severity_rank(finding.severity) >= threshold) {
            return true;
        }
    }
    return false;
}

} // namespace mlscale
