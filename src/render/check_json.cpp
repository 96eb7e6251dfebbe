// JSON for `mlscale check`: per file, its format, resources, findings (located, fingerprinted)
// and input problems; deterministic bytes.
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "mlscale/check.hpp"
#include "mlscale/version.hpp"

namespace mlscale {

using ordered = nlohmann::ordered_json;

namespace {

// `value.dump(2)` as it would appear nested `depth` levels deep in a dump(2) of its parent.
void append_nested(std::string& out, const ordered& value, int depth)
{
    const std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
    // File names are bytes, not necessarily UTF-8: replace what JSON cannot hold instead of throwing.
    const std::string text = value.dump(2, ' ', false, ordered::error_handler_t::replace);
    out.reserve(out.size() + text.size() + text.size() / 8);
    std::size_t start = 0;
    while (true) {
        const std::size_t newline = text.find('\n', start);
        out.append(text, start, newline == std::string::npos ? std::string::npos : newline + 1 - start);
        if (newline == std::string::npos) {
            break;
        }
        out += indent;
        start = newline + 1;
    }
}

} // namespace

std::string render_check_json(const CheckResult& result, const CheckRenderOptions& options)
{
    // Written file by file rather than built as one tree and dumped: the output of a large
    // check (27 MB for 10,000 proposals) would otherwise be held twice, as a tree and as text.
    // The bytes are those of dump(2) of the whole document.
    std::map<std::string, int> counts;
    for (const char* severity : k_severities) {
        counts[severity] = 0;
    }
    std::string body;
    bool first = true;
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
        ordered entry = ordered::object();
        entry["file"] = file.file;
        entry["format"] = file.format ? ordered(proposal_format_info(*file.format).name) : ordered();
        entry["ok"] = !file.bad();
        entry["resources"] = std::move(resources);
        entry["findings"] = std::move(findings);
        entry["diagnostics"] = std::move(diagnostics);
        body += first ? "\n    " : ",\n    ";
        first = false;
        append_nested(body, entry, 2);
    }
    ordered summary{{"files", result.files.size()}, {"fail_on", options.fail_on}, {"failing", failing_findings(result, options.fail_on)}};
    for (const char* severity : k_severities) {
        summary[severity] = counts[severity];
    }
    // The head (everything before "files") is dumped as a document with an empty "files" array,
    // whose closing lines are then replaced by the files written above.
    ordered head{{"schema_version", 1}, {"tool", {{"name", "mlscale"}, {"version", std::string(k_version)}}}};
    head["summary"] = std::move(summary);
    head["files"] = ordered::array();
    std::string out = head.dump(2, ' ', false, ordered::error_handler_t::replace);
    const std::string empty_files = "\"files\": []\n}";
    if (out.size() < empty_files.size() || out.compare(out.size() - empty_files.size(), empty_files.size(), empty_files) != 0) {
        throw std::logic_error("render_check_json: unexpected layout of the document head");
    }
    out.resize(out.size() - empty_files.size());
    if (result.files.empty()) {
        out += "\"files\": []\n}\n";
        return out;
    }
    out += "\"files\": [";
    out += body;
    out += "\n  ]\n}\n";
    return out;
}

} // namespace mlscale
