// SARIF 2.1.0 for code scanning: rule metadata, results located at file:line:column with the
// resource as a logical location, partial fingerprints, in-source suppressions, and the files
// that could not be read as tool execution notifications.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "mlscale/check.hpp"
#include "mlscale/version.hpp"

namespace mlscale {

using ordered = nlohmann::ordered_json;

namespace {

const char* sarif_level(const std::string& severity)
{
    const int rank = severity_rank(severity);
    return rank >= severity_rank("high") ? "error" : (rank == severity_rank("medium") ? "warning" : "note");
}

/// A file name as a relative URI reference (RFC 3986): unreserved characters and '/' kept.
std::string uri_of(const std::string& file)
{
    std::string out = file.rfind('/', 0) == 0 ? "file://" : "";
    for (const unsigned char c : file) {
        if (std::isalnum(c) != 0 || std::string_view("-._~/").find(static_cast<char>(c)) != std::string_view::npos) {
            out += static_cast<char>(c);
        } else {
            out += fmt::format("%{:02X}", c);
        }
    }
    return out;
}

ordered physical(const std::string& file, std::uint32_t line, std::uint32_t column)
{
    ordered location{{"artifactLocation", {{"uri", uri_of(file)}}}};
    if (line > 0) {
        location["region"] = {{"startLine", line}, {"startColumn", std::max<std::uint32_t>(column, 1)}};
    }
    return location;
}

} // namespace

std::string render_check_sarif(const CheckResult& result, const CheckRenderOptions& options)
{
    const auto rules = rules_of(result);
    ordered rule_list = ordered::array();
    std::map<std::string, std::size_t> index;
    for (const auto& [code, rule] : rules) {
        index[code] = rule_list.size();
        ordered entry{{"id", code}, {"name", rule.slug.empty() ? code : rule.slug},
            {"shortDescription", {{"text", rule.title.empty() ? code : rule.title}}},
            {"fullDescription", {{"text", rule.title.empty() ? code : rule.title + (rule.source.empty() ? "" : " (" + rule.source + ")")}}},
            {"help", {{"text", rule.recommendation.empty() ? rule.title : rule.recommendation}}},
            {"helpUri", options.rule_docs_url + code + ".md"},
            {"defaultConfiguration", {{"level", sarif_level(rule.severity)}}},
            {"properties", {{"category", rule.category}, {"severity", rule.severity}, {"tags", ordered::array({rule.category})}}}};
        rule_list.push_back(std::move(entry));
    }
    ordered results = ordered::array();
    ordered notifications = ordered::array();
    bool successful = true;
    for (const auto& file : result.files) {
        for (const auto& f : file.findings) {
            ordered r{{"ruleId", f.rule}, {"ruleIndex", index[f.rule]}, {"level", sarif_level(f.severity)},
                {"message", {{"text", f.message.empty() ? f.title : f.message}}},
                {"locations", ordered::array({{{"physicalLocation", physical(file.file, f.location.line, f.location.column)},
                                  {"logicalLocations", ordered::array({{{"name", f.location.resource}, {"kind", "resource"}}})}}})},
                {"partialFingerprints", {{"mlscaleFingerprint/v1", f.fingerprint}}}};
            if (f.suppressed) {
                r["suppressions"] = ordered::array({{{"kind", "inSource"}, {"justification", f.suppression_reason}}});
            }
            results.push_back(std::move(r));
        }
        for (const auto& d : file.diagnostics.items()) {
            successful = successful && d.level != Level::Error;
            ordered n{{"level", d.level == Level::Error ? "error" : (d.level == Level::Warning ? "warning" : "note")},
                {"message", {{"text", d.message + (d.help.empty() ? "" : " (" + d.help + ")")}}}};
            n["locations"] = ordered::array({{{"physicalLocation",
                physical(d.file.empty() ? file.file : d.file, d.location ? d.location->line : 0, d.location ? d.location->column : 0)}}});
            notifications.push_back(std::move(n));
        }
    }
    ordered run{{"tool", {{"driver", {{"name", "mlscale"}, {"version", std::string(k_version)}, {"semanticVersion", std::string(k_version)},
                                          {"informationUri", "https://mlscale.dev/"}, {"rules", rule_list}}}}},
        {"invocations", ordered::array({{{"executionSuccessful", successful}, {"toolExecutionNotifications", notifications}}})},
        {"columnKind", "unicodeCodePoints"}, {"results", results}};
    const ordered log{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"}, {"version", "2.1.0"}, {"runs", ordered::array({run})}};
    // File names are bytes, not necessarily UTF-8: replace what JSON cannot hold instead of throwing.
    return log.dump(2, ' ', false, ordered::error_handler_t::replace) + "\n";
}

} // namespace mlscale
