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
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        case '\n': out += "&#10;"; break;
        case '\r': out += "&#13;"; break;
        case '\t': out += "&#9;"; break;
        default:
            if (static_cast<unsigned char>(c) >= 0x20 || (c & 0x80) != 0) {
                out += c;
            }
        }
    }
    return out;
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
            body += fmt::format("    <testcase classname=\"{}\" name=\"{} {}\" file=\"{}\" line=\"{}\">\n", xml(file.file), xml(key.first),
                xml(key.second), xml(file.file), first.location.line);
            bool all_suppressed = true;
            std::string detail;
            for (const Finding* f : findings) {
                all_suppressed = all_suppressed && f->suppressed;
                detail += fmt::format("{}:{}:{}: {} {} [{}] {}\n", file.file, f->location.line, f->location.column, f->severity, f->rule,
                    f->location.resource, f->message);
                if (!f->recommendation.empty()) {
                    detail += "  recommendation: " + f->recommendation + "\n";
                }
            }
            if (all_suppressed) {
                ++skipped;
                body += fmt::format("      <skipped message=\"suppressed: {}\"/>\n", xml(first.suppression_reason));
            } else if (threshold >= 0 && severity_rank(first.severity) >= threshold) {
                ++failures;
                body += fmt::format("      <failure type=\"{}\" message=\"{}\">{}</failure>\n", xml(first.rule),
                    xml(first.severity + ": " + first.message), xml(detail));
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
            body += fmt::format("    <testcase classname=\"{}\" name=\"read {}\" file=\"{}\">\n      <error type=\"bad-input\" message=\"{}\">{}</error>\n    </testcase>\n",
                xml(file.file), xml(file.file), xml(file.file), xml("the proposal cannot be checked"), xml(detail));
        } else if (cases.empty()) {
            for (const auto& unit : file.units) {
                ++tests;
                body += fmt::format("    <testcase classname=\"{}\" name=\"{} no findings\" file=\"{}\" line=\"{}\"/>\n", xml(file.file),
                    xml(unit.resource), xml(file.file), unit.resource_ref.location.line);
            }
        }
        suites += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n{}  </testsuite>\n",
            xml(file.file), tests, failures, errors, skipped, body);
        total_tests += tests;
        total_failures += failures;
        total_errors += errors;
    }
    return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mlscale check\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n{}</testsuites>\n",
        total_tests, total_failures, total_errors, suites);
}

} // namespace mlscale
