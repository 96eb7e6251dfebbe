// JSON for `mlscale check`: per file, its format, resources, findings (located, fingerprinted)
// and input problems; deterministic bytes.
#include <nlohmann/json.hpp>

#include "mlscale/check.hpp"
#include "mlscale/version.hpp"

namespace mlscale {

using ordered = nlohmann::ordered_json;

std::string render_check_json(const CheckResult& result, const CheckRenderOptions& options)
{
    ordered files = ordered::array();
    std::map<std::string, int> counts;
    for (const char* severity : k_severities) {
        counts[severity] = 0;
    }
    for (const auto& file : result.files) {
        ordered findings = ordered::array();
        for (const auto& f : file.findings) {
            if (!f.suppressed) {
                ++counts[f.severity];
            }
            ordered entry{{"rule", f.rule}, {"slug", f.slug}, {"severity", f.severity}, {"category", f.category}, {"title", f.title},
                {"message", f.message}, {"recommendation", f.recommendation}, {"resource", f.location.resource},
                {"line", f.location.line}, {"column", f.location.column}, {"pointer", f.location.pointer},
                {"fingerprint", f.fingerprint}, {"suppressed", f.suppressed}};
            if (f.suppressed) {
                entry["suppression_reason"] = f.suppression_reason;
            }
            findings.push_back(std::move(entry));
        }
        ordered resources = ordered::array();
        for (const auto& unit : file.units) {
            resources.push_back({{"resource", unit.resource}, {"type", unit.resource_type}, {"line", unit.resource_ref.location.line},
                {"column", unit.resource_ref.location.column}});
        }
        ordered diagnostics = ordered::array();
        for (const auto& d : file.diagnostics.items()) {
            diagnostics.push_back({{"level", d.level == Level::Error ? "error" : (d.level == Level::Warning ? "warning" : "note")},
                {"line", d.location ? d.location->line : 0}, {"column", d.location ? d.location->column : 0}, {"message", d.message},
                {"help", d.help}});
        }
        files.push_back({{"file", file.file}, {"format", file.format ? ordered(proposal_format_info(*file.format).name) : ordered()},
            {"ok", !file.bad()}, {"resources", resources}, {"findings", findings}, {"diagnostics", diagnostics}});
    }
    ordered summary{{"files", result.files.size()}, {"fail_on", options.fail_on}, {"failing", failing_findings(result, options.fail_on)}};
    for (const char* severity : k_severities) {
        summary[severity] = counts[severity];
    }
    const ordered out{{"schema_version", 1}, {"tool", {{"name", "mlscale"}, {"version", std::string(k_version)}}}, {"summary", summary},
        {"files", files}};
    // File names are bytes, not necessarily UTF-8: replace what JSON cannot hold instead of throwing.
    return out.dump(2, ' ', false, ordered::error_handler_t::replace) + "\n";
}

} // namespace mlscale
