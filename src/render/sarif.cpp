// SARIF 2.1.0 for code scanning, as GitHub accepts it unchanged: rule metadata with a Markdown
// help and a security-severity, results located at file:line:column relative to %SRCROOT% (the
// root, in originalUriBaseIds), the resource as a logical location, partial fingerprints,
// in-source suppressions, baseline states, GitHub's size limits, and the files that could not be
// read as tool execution notifications.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "mlscale/check.hpp"
#include "mlscale/version.hpp"

namespace mlscale {

using ordered = nlohmann::ordered_json;

namespace {

constexpr const char* k_root_base = "%SRCROOT%";

const char* sarif_level(const std::string& severity)
{
    const int rank = severity_rank(severity);
    return rank >= severity_rank("high") ? "error" : (rank == severity_rank("medium") ? "warning" : "note");
}

/// GitHub's security-severity: over 9.0 shows as Critical, 7.0-8.9 High, 4.0-6.9 Medium, below
/// 4.0 Low (GitHub's SARIF support page); the middle of each band.
const char* security_severity(const std::string& severity)
{
    switch (severity_rank(severity)) {
    case 4:
        return "9.5";
    case 3:
        return "8.0";
    case 2:
        return "5.5";
    case 1:
        return "3.0";
    default:
        return "1.0";
    }
}

/// A path as a URI reference (RFC 3986): unreserved characters and '/' kept, the rest escaped.
std::string escape_uri(const std::string& path)
{
    std::string out;
    for (const unsigned char c : path) {
        if (std::isalnum(c) != 0 || std::string_view("-._~/").find(static_cast<char>(c)) != std::string_view::npos) {
            out += static_cast<char>(c);
        } else {
            out += fmt::format("%{:02X}", c);
        }
    }
    return out;
}

/// Where a file is: relative to %SRCROOT% when it is under the root, a file:// URI when it is
/// outside (normalised, so without ".." segments), and a description for unnamed stdin.
ordered artifact(const std::string& path, bool have_root)
{
    if (path == "<stdin>") {
        return {{"description", {{"text", "standard input (name it with --stdin-filename)"}}}};
    }
    if (!path.empty() && path.front() == '/') {
        return {{"uri", "file://" + escape_uri(path)}};
    }
    ordered location{{"uri", escape_uri(path)}};
    if (have_root) {
        location["uriBaseId"] = k_root_base;
    }
    return location;
}

ordered physical(const std::string& path, bool have_root, std::uint32_t line, std::uint32_t column)
{
    ordered location{{"artifactLocation", artifact(path, have_root)}};
    if (line > 0) {
        location["region"] = {{"startLine", line}, {"startColumn", std::max<std::uint32_t>(column, 1)}};
    }
    return location;
}

ordered rule_entry(const RuleInfo& rule, const CheckRenderOptions& options)
{
    const std::string title = rule.title.empty() ? rule.code : rule.title;
    const std::string help_uri = options.rule_docs_url + rule.code + ".md";
    std::string markdown = fmt::format("**{}** ({}, {})\n\n", title, rule.severity, rule.category);
    if (!rule.recommendation.empty()) {
        markdown += fmt::format("{}\n\n", rule.recommendation);
    }
    if (!rule.source.empty()) {
        markdown += fmt::format("Source: {}.\n\n", rule.source);
    }
    markdown += fmt::format("[{}: what it checks, why, and how to fix it]({})", rule.code, help_uri);
    // GitHub shows security-severity (Critical, High, ...) for rules tagged "security"; the
    // others keep Error/Warning/Note by level.
    const ordered tags = ordered::array({rule.category});
    return {{"id", rule.code}, {"name", rule.slug.empty() ? rule.code : rule.slug}, {"shortDescription", {{"text", title}}},
        {"fullDescription", {{"text", title + (rule.source.empty() ? "" : " (" + rule.source + ")")}}},
        {"help", {{"text", rule.recommendation.empty() ? title : rule.recommendation}, {"markdown", markdown}}}, {"helpUri", help_uri},
        {"defaultConfiguration", {{"level", sarif_level(rule.severity)}}},
        {"properties", {{"category", rule.category}, {"severity", rule.severity}, {"security-severity", security_severity(rule.severity)}, {"tags", tags}}}};
}

ordered result_entry(const RankedFinding& ranked, std::size_t rule_index, bool have_root, bool baseline_applied)
{
    const Finding& f = *ranked.finding;
    ordered r{{"ruleId", f.rule}, {"ruleIndex", rule_index}, {"level", sarif_level(f.severity)},
        {"message", {{"text", f.message.empty() ? f.title : f.message}}},
        {"locations",
            ordered::array({{{"physicalLocation", physical(ranked.file->path, have_root, f.location.line, f.location.column)},
                {"logicalLocations", ordered::array({{{"name", f.location.resource}, {"kind", "resource"}}})}}})},
        {"partialFingerprints", {{"mlscaleFingerprint/v2", f.fingerprint}}}};
    if (baseline_applied) {
        // Baselined results stay, marked, so that code scanning keeps their alerts open.
        r["baselineState"] = f.baselined ? "unchanged" : "new";
    }
    if (f.suppressed) {
        r["suppressions"] = ordered::array({{{"kind", "inSource"}, {"justification", f.suppression_reason}}});
    }
    return r;
}

ordered notification(const char* level, std::string text, const ordered& location = ordered())
{
    ordered n{{"level", level}, {"message", {{"text", std::move(text)}}}};
    if (!location.is_null()) {
        n["locations"] = ordered::array({{{"physicalLocation", location}}});
    }
    return n;
}

} // namespace

std::string render_check_sarif(const CheckResult& result, const CheckRenderOptions& options)
{
    const bool have_root = !options.root.empty();
    const auto rules = rules_of(result);
    ordered rule_list = ordered::array();
    std::map<std::string, std::size_t> index;
    for (const auto& [code, rule] : rules) {
        index[code] = rule_list.size();
        rule_list.push_back(rule_entry(rule, options));
    }
    // Most severe first, so that GitHub (which shows the first 5,000 by severity and refuses
    // more than 25,000 per run) keeps what matters.
    const auto ranked = ranked_findings(result, options.fail_on);
    ordered results = ordered::array();
    ordered notifications = ordered::array();
    for (std::size_t i = 0; i < ranked.size() && i < options.max_sarif_results; ++i) {
        results.push_back(result_entry(ranked[i], index[ranked[i].finding->rule], have_root, result.baseline_applied));
    }
    if (ranked.size() > options.max_sarif_results) {
        const std::string text = fmt::format("{} results, more than GitHub accepts in one run ({}): the {} least severe were left out", ranked.size(),
            options.max_sarif_results, ranked.size() - options.max_sarif_results);
        notifications.push_back(notification("warning", text));
        if (options.warnings != nullptr) {
            Diagnostic d;
            d.level = Level::Warning;
            d.file = "mlscale";
            d.message = "SARIF: " + text;
            d.help = "narrow the check (--select, --exclude) or split it into several runs";
            options.warnings->add(std::move(d));
        }
    }
    bool successful = true;
    for (const auto& file : result.files) {
        for (const auto& d : file.diagnostics.items()) {
            successful = successful && d.level != Level::Error;
            notifications.push_back(notification(d.level == Level::Error ? "error" : (d.level == Level::Warning ? "warning" : "note"),
                d.message + (d.help.empty() ? "" : " (" + d.help + ")"),
                physical(file.path, have_root, d.location ? d.location->line : 0, d.location ? d.location->column : 0)));
        }
    }
    if (options.verbose) {
        for (const auto& skipped : result.skipped) {
            notifications.push_back(notification("note", fmt::format("{}: skipped: {}", skipped.path, skipped.reason)));
        }
    }
    ordered not_interpreted = ordered::object();
    for (const auto& [kind, count] : result.uninterpreted_by_kind()) {
        not_interpreted[kind] = count;
    }
    std::size_t resources = 0;
    for (const auto& file : result.files) {
        resources += file.units.size();
    }
    ordered run{{"tool",
        {{"driver",
            {{"name", "mlscale"}, {"version", std::string(k_version)}, {"semanticVersion", std::string(k_version)}, {"informationUri", "https://mlscale.dev/"},
                {"rules", rule_list}}}}}};
    if (have_root) {
        run["originalUriBaseIds"] = {{k_root_base, {{"uri", "file://" + escape_uri(options.root.back() == '/' ? options.root : options.root + "/")}}}};
    }
    run["invocations"] = ordered::array({{{"executionSuccessful", successful}, {"toolExecutionNotifications", notifications}}});
    run["columnKind"] = "unicodeCodePoints";
    run["results"] = results;
    run["properties"] = {{"summary", check_summary_line(result)}, {"filesChecked", result.files.size()}, {"filesSkipped", result.skipped.size()},
        {"resources", resources}, {"notInterpreted", not_interpreted}};
    const ordered log{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"}, {"version", "2.1.0"}, {"runs", ordered::array({run})}};
    // File names are bytes, not necessarily UTF-8: replace what JSON cannot hold instead of throwing.
    return log.dump(2, ' ', false, ordered::error_handler_t::replace) + "\n";
}

} // namespace mlscale
