// Report helpers shared by every renderer.
#include "mlscale/report.hpp"

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

std::map<std::string, int> Report::summary() const
{
    std::map<std::string, int> counts;
    for (const char* severity : k_severities) {
        counts[severity] = 0;
    }
    for (const auto& finding : findings) {
        if (!finding.suppressed) {
            ++counts[finding.severity];
        }
    }
    return counts;
}

} // namespace mlscale
