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

namespace {

/// The same value as an ordered_json, without a round trip through text.
ordered to_ordered(const nlohmann::json& value)
{
    if (value.is_object()) {
        ordered out = ordered::object();
        for (auto it = value.begin(); it != value.end(); ++it) {
            out[it.key()] = to_ordered(it.value());
        }
        return out;
    }
    if (value.is_array()) {
        ordered out = ordered::array();
        for (const auto& item : value) {
            out.push_back(to_ordered(item));
        }
        return out;
    }
    switch (value.type()) {
    case nlohmann::json::value_t::string:
        return value.get_ref<const std::string&>();
    case nlohmann::json::value_t::boolean:
        return value.get<bool>();
    case nlohmann::json::value_t::number_integer:
        return value.get<std::int64_t>();
    case nlohmann::json::value_t::number_unsigned:
        return value.get<std::uint64_t>();
    case nlohmann::json::value_t::number_float:
        return value.get<double>();
    default:
        return nullptr;
    }
}

/// A finding in the shape advise writes (docs/output.schema.json#/$defs/finding), plus what
/// check adds: the job field judged, the resource, and whether a baseline accepted it.
ordered finding_json(const Finding& f)
{
    ordered location{{"file", f.location.file}, {"pointer", f.location.pointer}, {"line", f.location.line == 0 ? ordered(nullptr) : ordered(f.location.line)},
        {"column", f.location.column == 0 ? ordered(nullptr) : ordered(f.location.column)}, {"resource", f.location.resource}, {"field", f.location.field}};
    if (f.location.field_absent) {
        location["field_absent"] = true;
        location["located_at"] = f.location.located_at;
    }
    ordered references = ordered::array();
    for (const auto& reference : f.references) {
        references.push_back(reference);
    }
    ordered entry{{"rule", f.rule}, {"concept", f.concept_key}, {"severity", f.severity}, {"category", f.category}, {"message", f.message},
        {"recommendation", f.recommendation}, {"source", f.source}, {"location", std::move(location)}, {"slug", f.slug}, {"title", f.title},
        {"references", std::move(references)}, {"evidence", to_ordered(f.evidence)}, {"suppressed", f.suppressed}};
    if (f.suppressed) {
        entry["suppression_reason"] = f.suppression_reason;
    }
    entry["fingerprint"] = f.fingerprint;
    entry["baselined"] = f.baselined;
    return entry;
}

ordered file_json(const CheckedFile& file)
{
    ordered findings = ordered::array();
    for (const auto& f : file.findings) {
        findings.push_back(finding_json(f));
    }
    ordered resources = ordered::array();
    for (const auto& unit : file.units) {
        resources.push_back({{"resource", unit.resource}, {"type", unit.resource_type}, {"line", unit.resource_ref.location.line},
            {"column", unit.resource_ref.location.column}});
    }
    ordered uninterpreted = ordered::array();
    for (const auto& r : file.uninterpreted) {
        uninterpreted.push_back({{"resource", r.resource}, {"kind", r.kind}, {"reason", r.reason}});
    }
    ordered diagnostics = ordered::array();
    for (const auto& d : file.diagnostics.items()) {
        diagnostics.push_back({{"level", d.level == Level::Error ? "error" : (d.level == Level::Warning ? "warning" : "note")},
            {"line", d.location ? d.location->line : 0}, {"column", d.location ? d.location->column : 0}, {"message", d.message}, {"help", d.help}});
    }
    ordered entry = ordered::object();
    entry["file"] = file.path;
    entry["format"] = file.format ? ordered(proposal_format_info(*file.format).name) : ordered();
    entry["ok"] = !file.bad();
    entry["resources"] = std::move(resources);
    entry["not_interpreted"] = std::move(uninterpreted);
    entry["findings"] = std::move(findings);
    entry["diagnostics"] = std::move(diagnostics);
    return entry;
}

ordered summary_json(const CheckResult& result, const CheckRenderOptions& options)
{
    std::map<std::string, int> counts;
    for (const char* severity : k_severities) {
        counts[severity] = 0;
    }
    std::size_t resources = 0;
    std::size_t suppressed = 0;
    std::size_t baselined = 0;
    for (const auto& file : result.files) {
        resources += file.units.size();
        for (const auto& f : file.findings) {
            suppressed += f.suppressed ? 1 : 0;
            baselined += f.baselined && !f.suppressed ? 1 : 0;
            if (!f.suppressed && !f.baselined) {
                ++counts[f.severity];
            }
        }
    }
    ordered not_interpreted = ordered::object();
    for (const auto& [kind, count] : result.uninterpreted_by_kind()) {
        not_interpreted[kind] = count;
    }
    ordered summary{{"files", result.files.size()}, {"files_skipped", result.skipped.size()}, {"resources", resources},
        {"not_interpreted", std::move(not_interpreted)}, {"fail_on", options.fail_on}, {"failing", failing_findings(result, options.fail_on)}};
    for (const char* severity : k_severities) {
        summary[severity] = counts[severity];
    }
    summary["suppressed"] = suppressed;
    summary["baselined"] = baselined;
    return summary;
}

} // namespace

std::string render_check_json(const CheckResult& result, const CheckRenderOptions& options)
{
    // Written file by file rather than built as one tree and dumped: the output of a large
    // check (27 MB for 10,000 proposals) would otherwise be held twice, as a tree and as text.
    // The bytes are those of dump(2) of the whole document.
    std::string body;
    bool first = true;
    for (const auto& file : result.files) {
        body += first ? "\n    " : ",\n    ";
        first = false;
        append_nested(body, file_json(file), 2);
    }
    // The head (everything before "files") is dumped as a document with an empty "files" array,
    // whose closing lines are then replaced by the files written above.
    ordered head{{"schema_version", 2}, {"tool", {{"name", "mlscale"}, {"version", std::string(k_version)}}}};
    head["summary"] = summary_json(result, options);
    ordered skipped = ordered::array();
    for (const auto& s : result.skipped) {
        skipped.push_back({{"file", s.path}, {"reason", s.reason}});
    }
    head["skipped"] = std::move(skipped);
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
