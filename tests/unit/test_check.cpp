// The check pipeline with a test double for the rules: located findings, in-place
// suppressions, fingerprints that survive line shifts, baselines, and every renderer.
#include <catch2/catch.hpp>

#include <fstream>

#include "../check/fake_rules.hpp"

using namespace mlscale;

namespace {

SourceFile fixture(const std::string& name)
{
    std::ifstream in(std::string(MLSCALE_SOURCE_DIR) + "/tests/data/proposals/" + name);
    return SourceFile{name, std::string(std::istreambuf_iterator<char>(in), {})};
}

CheckOptions options()
{
    CheckOptions o;
    o.evaluate = testing::fake_rules;
    o.today = "2030-01-01";
    return o;
}

CheckResult check(std::vector<SourceFile> sources, const CheckOptions& o = options())
{
    CheckResult result;
    for (const auto& s : sources) {
        result.files.push_back(check_source(s, true, o));
    }
    return result;
}

} // namespace

TEST_CASE("findings point at the property, or at the resource when it is absent", "[check]")
{
    const auto result = check({fixture("cfn-notebook.yaml"), fixture("ctj-spot-no-checkpoint.json")});
    const auto& cfn = result.files[0].findings;
    REQUIRE(cfn.size() == 2);
    CHECK(cfn[0].rule == "MLS-TEST-001");
    CHECK(cfn[0].location.resource == "Open");
    CHECK(cfn[0].location.line == 6); // DirectInternetAccess absent: the resource
    CHECK(cfn[0].location.column == 3);
    CHECK(cfn[1].rule == "MLS-TEST-003");
    CHECK(cfn[1].location.resource == "Scratch");
    const auto& ctj = result.files[1].findings;
    REQUIRE(ctj.size() == 1);
    CHECK(ctj[0].rule == "MLS-TEST-002");
    CHECK(ctj[0].location.line == 1);
    CHECK(ctj[0].location.resource == "ctj-spot-no-checkpoint");
}

TEST_CASE("in-place suppressions need a reason and honour the locked list", "[check]")
{
    SourceFile yaml{"s.yaml", "Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Metadata:\n      mlscale:\n"
                              "        suppress:\n          - rule: MLS-TEST-001\n            reason: lab account, reviewed\n"
                              "    Properties:\n      InstanceType: ml.t3.medium\n"};
    auto result = check({yaml});
    REQUIRE(result.files[0].findings.size() == 1);
    CHECK(result.files[0].findings[0].suppressed);
    CHECK(result.files[0].findings[0].suppression_reason == "lab account, reviewed");
    CHECK(failing_findings(result, "high") == 0);

    CheckOptions locked = options();
    locked.locked = {"MLS-TEST-001"};
    result = check({yaml}, locked);
    CHECK_FALSE(result.files[0].findings[0].suppressed);
    CHECK(result.files[0].diagnostics.items().at(0).level == Level::Error); // as in advise: a locked rule cannot be suppressed
    CHECK(result.files[0].bad());

    SourceFile no_reason{"n.tf", "# mlscale:suppress MLS-TEST-001\nresource \"aws_sagemaker_notebook_instance\" \"x\" {\n"
                                 "  instance_type = \"ml.t3.medium\"\n}\n"};
    result = check({no_reason});
    CHECK(result.files[0].bad());
    CHECK(result.files[0].diagnostics.items().at(0).message == "the suppression of MLS-TEST-001 needs a reason");
    CHECK(result.files[0].diagnostics.items().at(0).location->line == 1);
}

TEST_CASE("fingerprints survive line shifts; baselines keep only new findings", "[check]")
{
    const SourceFile original = fixture("plan.json");
    SourceFile shifted = original;
    shifted.text = "\n\n\n" + shifted.text;
    const auto a = check({original});
    const auto b = check({shifted});
    REQUIRE(a.files[0].findings.size() == 1);
    CHECK(a.files[0].findings[0].location.line + 3 == b.files[0].findings[0].location.line);
    CHECK(a.files[0].findings[0].fingerprint == b.files[0].findings[0].fingerprint);

    Diagnostics d;
    const auto baseline = read_baseline(SourceFile{"b.json", write_baseline(a)}, d);
    REQUIRE(baseline);
    auto again = check({shifted, fixture("ctj-spot-no-checkpoint.json")});
    CHECK(apply_baseline(again, *baseline) == 1);
    CHECK(again.files[0].findings.empty());
    CHECK(again.files[1].findings.size() == 1);
    CHECK_FALSE(read_baseline(SourceFile{"x.json", "{\"findings\": []}"}, d));
}

TEST_CASE("a bad file is reported and the others still checked, in parallel and in order", "[check]")
{
    const std::string dir = std::string(MLSCALE_SOURCE_DIR) + "/tests/data/proposals";
    Diagnostics d;
    const auto inputs = expand_check_paths({dir}, d);
    REQUIRE(d.empty());
    REQUIRE(inputs.size() == 8);
    CHECK(std::is_sorted(inputs.begin(), inputs.end(), [](const auto& x, const auto& y) { return x.path < y.path; }));
    CheckOptions o = options();
    o.jobs = 4;
    const auto result = check_inputs(inputs, o);
    REQUIRE(result.files.size() == 8);
    std::size_t bad = 0;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        CHECK(result.files[i].file == inputs[i].path);
        bad += result.files[i].bad() ? 1 : 0;
    }
    CHECK(bad == 3); // cfn-efs-endpoint (enum), ctj-bad-enum, malformed.yaml
    const auto globbed = expand_check_paths({dir + "/*.tf", dir + "/**.json"}, d);
    CHECK(globbed.size() == 6);
    expand_check_paths({dir + "/nothing-*.yaml", "missing.json"}, d);
    CHECK(d.error_count() == 2);
}

TEST_CASE("renderers: GitHub escaping, JUnit cases, SARIF fields, Markdown summary", "[check]")
{
    const auto result = check({fixture("cfn-notebook.yaml"), fixture("malformed.yaml")});
    CheckRenderOptions render;
    const std::string github = render_check_github(result, render);
    CHECK(github.find("::error file=cfn-notebook.yaml,line=6,col=3,title=MLS-TEST-001 notebook-direct-internet (Open)::"
                      "The notebook reaches the internet directly, outside any VPC control, \"quotes\", commas: and 100%25 of traffic%0A"
                      "Fix it, then run check again\n") != std::string::npos);
    CHECK(github.find("::notice file=cfn-notebook.yaml,line=25,col=3") != std::string::npos);
    CHECK(github.find("::error file=malformed.yaml,line=5,col=1,title=mlscale%3A bad input::invalid YAML") != std::string::npos);

    const std::string junit = render_check_junit(result, render);
    CHECK(junit.find("<testsuite name=\"cfn-notebook.yaml\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\">") != std::string::npos);
    CHECK(junit.find("<testcase classname=\"cfn-notebook.yaml\" name=\"MLS-TEST-001 Open\"") != std::string::npos);
    CHECK(junit.find("&quot;quotes&quot;") != std::string::npos);
    CHECK(junit.find("<error type=\"bad-input\"") != std::string::npos);

    const auto sarif = nlohmann::json::parse(render_check_sarif(result, render));
    const auto& run = sarif["runs"][0];
    CHECK(sarif["version"] == "2.1.0");
    CHECK(run["tool"]["driver"]["rules"][0]["helpUri"] == "https://mlscale.dev/docs/rules/MLS-TEST-001.md");
    CHECK(run["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"] == "error");
    CHECK(run["tool"]["driver"]["rules"][1]["defaultConfiguration"]["level"] == "note");
    CHECK(run["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 6);
    CHECK(run["results"][0]["locations"][0]["logicalLocations"][0]["name"] == "Open");
    CHECK(run["results"][0]["partialFingerprints"]["mlscaleFingerprint/v1"].get<std::string>().size() == 16);
    CHECK(run["invocations"][0]["executionSuccessful"] == false);

    const std::string markdown = render_check_markdown(result, render);
    CHECK(markdown.rfind("# mlscale check: 1 unreadable file\n", 0) == 0);
    CHECK(markdown.find("| high | `cfn-notebook.yaml:6` | MLS-TEST-001 | `Open` |") != std::string::npos);

    const auto json = nlohmann::json::parse(render_check_json(result, render));
    CHECK(json["summary"]["high"] == 1);
    CHECK(json["files"][1]["ok"] == false);
    CHECK(render_check_text(result, render).find("cfn-notebook.yaml:6:3: high MLS-TEST-001 [Open]") != std::string::npos);
}
