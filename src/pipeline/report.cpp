// Report helpers shared by every renderer.
#include "mlscale/report.hpp"

namespace mlscale {

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
