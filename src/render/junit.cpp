// JUnit XML for CI test reports (GitLab, Jenkins): one test suite per file, one test case per
// (rule, resource); findings at or above --fail-on are failures, suppressed ones are skipped,
// files that cannot be read are errors.
#include <map>

#include <fmt/format.h>

#include "mlscale/check.hpp"

namespace mlscale {

namespace {

/// Escapes text for XML attributes and content; drops characters XML 1.0 cannot carry.
std::string xml(const std::string& text)
{
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&apos;";
            break;
        case '\n':
            out += "&#10;";
            break;
        case '\r':
            out += "&#13;";
            break;
        case '\t':
            out += "&#9;";
            break;
        default:
            if (static_cast<unsigned char>(c) >= 0x20 || (c & 0x80) != 0) {
                out += c;
            }
        }
    }
    return out;
}

/// A last suite that says what was checked, skipped and not interpreted (as properties), with a
/// skipped test case per skipped file in verbose mode.
std::string summary_suite(const CheckResult& result, const CheckRenderOptions& options)
{
    std::string properties = fmt::format("      <property name=\"summary\" value=\"{}\"/>\n      <property name=\"files_checked\" value=\"{}\"/>\n"
                                         "      <property name=\"files_skipped\" value=\"{}\"/>\n",
        xml(check_summary_line(result)), result.files.size(), result.skipped.size());
    for (const auto& [kind, count] : result.uninterpreted_by_kind()) {
        properties += fmt::format("      <property name=\"not_interpreted.{}\" value=\"{}\"/>\n", xml(kind), count);
    }
    std::string cases;
    if (options.verbose) {
        for (const auto& skipped : result.skipped) {
            cases += fmt::format("    <testcase classname=\"mlscale.skipped\" name=\"{}\">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                xml(skipped.path), xml(skipped.reason));
        }
    }
    const std::size_t tests = options.verbose ? result.skipped.size() : 0;
    return fmt::format("  <testsuite name=\"mlscale check summary\" tests=\"{}\" failures=\"0\" errors=\"0\" skipped=\"{}\">\n    <properties>\n{}    "
                       "</properties>\n{}  </testsuite>\n",
        tests, tests, properties, cases);
}

} // namespace

std::string render_check_junit(const CheckResult& result, const CheckRenderOptions& options)
{
    const int threshold = severity_rank(options.fail_on);
    std::string suites;
    std::size_t total_tests = 0;
    std::size_t total_failures = 0;
    std::size_t total_errors = 0;
    for (const auto& file : result.files) {
        // (rule, resource) -> its findings, in rule order.
        std::map<std::pair<std::string, std::string>, std::vector<const Finding*>> cases;
        for (const auto& f : file.findings) {
            cases[{f.rule, f.location.resource}].push_back(&f);
        }
        std::string body;
        std::size_t tests = 0;
        std::size_t failures = 0;
        std::size_t errors = 0;
        std::size_t skipped = 0;
        for (const auto& [key, findings] : cases) {
            ++tests;
            const Finding& first = *findings.front();
            body += fmt::format("    <testcase classname=\"{}\" name=\"{} {}\" file=\"{}\" line=\"{}\">\n", xml(file.path), xml(key.first), xml(key.second),
                xml(file.path), first.location.line);
            bool all_suppressed = true;
            bool all_baselined = true;
            std::string detail;
            for (const Finding* f : findings) {
                all_suppressed = all_suppressed && f->suppressed;
                all_baselined = all_baselined && (f->baselined || f->suppressed);
                detail += fmt::format(
                    "{}:{}:{}: {} {} [{}] {}\n", file.path, f->location.line, f->location.column, f->severity, f->rule, f->location.resource, f->message);
                if (!f->recommendation.empty()) {
                    detail += "  recommendation: " + f->recommendation + "\n";
                }
            }
            if (all_suppressed) {
                ++skipped;
                body += fmt::format("      <skipped message=\"suppressed: {}\"/>\n", xml(first.suppression_reason));
            } else if (all_baselined) {
                ++skipped;
                body += "      <skipped message=\"in the baseline\"/>\n";
            } else if (threshold >= 0 && severity_rank(first.severity) >= threshold) {
                ++failures;
                body += fmt::format(
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>\n", xml(first.rule), xml(first.severity + ": " + first.message), xml(detail));
            } else {
                body += fmt::format("      <system-out>{}</system-out>\n", xml(detail));
            }
            body += "    </testcase>\n";
        }
        if (file.bad()) {
            ++tests;
            ++errors;
            std::string detail;
            for (const auto& d : file.diagnostics.items()) {
                if (d.level == Level::Error) {
                    detail += format_diagnostic(d);
                }
            }
            body += fmt::format(
                "    <testcase classname=\"{}\" name=\"read {}\" file=\"{}\">\n      <error type=\"bad-input\" message=\"{}\">{}</error>\n    </testcase>\n",
                xml(file.path), xml(file.path), xml(file.path), xml("the proposal cannot be checked"), xml(detail));
        } else if (cases.empty()) {
            for (const auto& unit : file.units) {
                ++tests;
                body += fmt::format("    <testcase classname=\"{}\" name=\"{} no findings\" file=\"{}\" line=\"{}\"/>\n", xml(file.path), xml(unit.resource),
                    xml(file.path), unit.resource_ref.location.line);
            }
        }
        suites += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n{}  </testsuite>\n", xml(file.path), tests,
            failures, errors, skipped, body);
        total_tests += tests;
        total_failures += failures;
        total_errors += errors;
    }
    suites += summary_suite(result, options);
    return fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mlscale check\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n{}</testsuites>\n",
        total_tests + (options.verbose ? result.skipped.size() : 0), total_failures, total_errors, suites);
}

} // namespace mlscale
