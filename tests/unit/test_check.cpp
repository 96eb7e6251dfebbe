// The check pipeline with a test double for the rules: located findings, in-place
// suppressions, fingerprints that survive line shifts, baselines, and every renderer.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

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
    SourceFile yaml{"s.yaml",
        "Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Metadata:\n      mlscale:\n"
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

    SourceFile no_reason{"n.tf",
        "# mlscale:suppress MLS-TEST-001\nresource \"aws_sagemaker_notebook_instance\" \"x\" {\n"
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
    // Baselined findings stay (SARIF and JSON mark them) but never fail the check.
    REQUIRE(again.files[0].findings.size() == 1);
    CHECK(again.files[0].findings[0].baselined);
    CHECK_FALSE(again.files[1].findings[0].baselined);
    CHECK(failing_findings(again, "info") == 1);
    CHECK_FALSE(read_baseline(SourceFile{"x.json", "{\"findings\": []}"}, d));
}

TEST_CASE("a bad file is reported and the others still checked, in parallel and in order", "[check]")
{
    const std::string dir = std::string(MLSCALE_SOURCE_DIR) + "/tests/data/proposals";
    Diagnostics d;
    const auto inputs = expand_check_paths({dir}, d);
    REQUIRE(d.empty());
    // Every file of the directory, counted here rather than kept by hand.
    std::size_t files = 0;
    std::size_t tf_or_json = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const std::string ext = entry.path().extension().string();
        files += entry.is_regular_file() ? 1 : 0;
        tf_or_json += entry.is_regular_file() && (ext == ".tf" || ext == ".json") ? 1 : 0;
    }
    REQUIRE(inputs.size() == files);
    CHECK(std::is_sorted(inputs.begin(), inputs.end(), [](const auto& x, const auto& y) { return x.path < y.path; }));
    CheckOptions o = options();
    o.jobs = 4;
    const auto result = check_inputs(inputs, o);
    REQUIRE(result.files.size() == files);
    std::size_t bad = 0;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        CHECK(result.files[i].file == inputs[i].path);
        bad += result.files[i].bad() ? 1 : 0;
    }
    CHECK(bad == 3); // cfn-efs-endpoint (enum), ctj-bad-enum, malformed.yaml
    const auto globbed = expand_check_paths({dir + "/*.tf", dir + "/**.json"}, d);
    CHECK(globbed.size() == tf_or_json);
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
    CHECK(run["results"][0]["partialFingerprints"]["mlscaleFingerprint/v2"].get<std::string>().size() == 16);
    CHECK(run["tool"]["driver"]["rules"][0]["properties"]["security-severity"] == "8.0");
    CHECK(run["tool"]["driver"]["rules"][0]["help"]["markdown"].get<std::string>().find("Source: 000: Test.") != std::string::npos);
    CHECK_FALSE(run["results"][0].contains("baselineState")); // no baseline given
    CHECK(run["invocations"][0]["executionSuccessful"] == false);

    const std::string markdown = render_check_markdown(result, render);
    CHECK(markdown.rfind("# mlscale check: 1 unreadable file\n", 0) == 0);
    CHECK(markdown.find("| high (blocking) | `cfn-notebook.yaml:6` | MLS-TEST-001 | `Open` |") != std::string::npos);

    const auto json = nlohmann::json::parse(render_check_json(result, render));
    CHECK(json["summary"]["high"] == 1);
    CHECK(json["files"][1]["ok"] == false);
    CHECK(render_check_text(result, render).find("cfn-notebook.yaml:6:3: high MLS-TEST-001 [Open]") != std::string::npos);
}

namespace {

/// A directory tree under the system's temporary directory, removed at the end of the test.
struct TempTree {
    std::filesystem::path root;
    TempTree()
    {
        root = std::filesystem::temp_directory_path() / ("mlscale-check-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
        std::filesystem::create_directories(root / ".git");
    }
    ~TempTree()
    {
        std::filesystem::remove_all(root);
    }
    static int& counter()
    {
        static int n = 0;
        return n;
    }
    void write(const std::string& relative, const std::string& text) const
    {
        std::filesystem::create_directories((root / relative).parent_path());
        std::ofstream(root / relative) << text;
    }
};

/// A rule double that reads the deployment fields check sets, with evidence like a real rule.
std::vector<Finding> endpoint_rules(const nlohmann::json& facts, const ProposalUnit&)
{
    std::vector<Finding> out;
    const nlohmann::json::json_pointer count("/deployment/instance_count");
    const nlohmann::json::json_pointer production("/deployment/production");
    if (facts.contains(count) && facts.at(count) == 1 && facts.contains(production)) {
        Finding f = testing::fake_finding(facts.at(production) == true ? "MLS-TEST-010" : "MLS-TEST-023", "single-instance",
            facts.at(production) == true ? "high" : "medium", "/deployment/instance_count", "The endpoint runs 1 instance");
        f.evidence = {{"deployment.instance_count", 1}, {"deployment.production", facts.at(production)}};
        out.push_back(std::move(f));
    }
    return out;
}

} // namespace

TEST_CASE("paths are normalised against the root however they are typed", "[check]")
{
    const TempTree tree;
    tree.write("infra/stack.yaml", "Resources: {}\n");
    const std::string root = find_check_root((tree.root / "infra").string());
    CHECK(root == tree.root.generic_string());
    const std::string typed[] = {(tree.root / "infra/stack.yaml").string(), (tree.root / "infra/../infra/./stack.yaml").string(),
        (tree.root / "infra" / ".." / "infra" / "stack.yaml").string()};
    for (const auto& path : typed) {
        CHECK(normalise_check_path(path, root) == "infra/stack.yaml");
    }
    CHECK(normalise_check_path("/elsewhere/../x/stack.yaml", root) == "/x/stack.yaml"); // outside: absolute, no ".."
    CHECK(normalise_check_path("-", root) == "<stdin>");
    CHECK(normalise_check_path("-", root, (tree.root / "infra/piped.json").string()) == "infra/piped.json");
    CHECK(normalise_check_path("./a/./b/../c.tf", "") == "a/c.tf");
    // The same finding in the same file has one fingerprint, and a resource of the same name in
    // another file another.
    CHECK(finding_fingerprint("infra/a.yaml", "MLS-X-001", "Nb", "/Resources/Nb") == finding_fingerprint("infra/a.yaml", "MLS-X-001", "Nb", "/Resources/Nb"));
    CHECK(finding_fingerprint("infra/a.yaml", "MLS-X-001", "Nb", "/Resources/Nb") != finding_fingerprint("infra/b.yaml", "MLS-X-001", "Nb", "/Resources/Nb"));
}

TEST_CASE("excludes: a name matches any segment, a pattern with / the path from the root", "[check]")
{
    std::string pattern;
    CHECK(excluded_by("./charts/x/templates/a.yaml", "charts/x/templates/a.yaml", {"charts"}, &pattern));
    CHECK(pattern == "charts");
    CHECK(excluded_by("deploy/a.tpl.yaml", "deploy/a.tpl.yaml", {"*.tpl.yaml"}));
    CHECK(excluded_by("x/deploy/old/a.yaml", "deploy/old/a.yaml", {"deploy/old/**"}));
    CHECK(excluded_by("deploy/old/a.yaml", "deploy/old/a.yaml", {"deploy/old"})); // a directory above
    CHECK_FALSE(excluded_by("deploy/older/a.yaml", "deploy/older/a.yaml", {"deploy/old"}));
    CHECK_FALSE(excluded_by("infra/stack.yaml", "infra/stack.yaml", {"charts", "*.tpl.yaml", "deploy/**"}));

    const TempTree tree;
    tree.write("infra/stack.yaml", "Resources: {}\n");
    tree.write("vendor/lib/stack.yaml", "Resources: {}\n");
    tree.write("infra/old/stack.yaml", "Resources: {}\n");
    Diagnostics d;
    std::vector<SkippedFile> excluded;
    const auto inputs = expand_check_paths({tree.root.string()}, d, {"vendor", "infra/old"}, tree.root.generic_string(), &excluded);
    REQUIRE(inputs.size() == 1);
    CHECK(normalise_check_path(inputs[0].path, tree.root.generic_string()) == "infra/stack.yaml");
    REQUIRE(excluded.size() == 2); // the directories, not descended
    CHECK(excluded[0].reason == "excluded by \"infra/old\"");
    CHECK(excluded[1].reason == "excluded by \"vendor\"");
}

TEST_CASE("files that are not proposals are skipped with a reason; broken proposals stay errors", "[check]")
{
    const CheckOptions o = options();
    const auto skipped = [&](const SourceFile& source, bool named) { return check_source(source, named, o).skipped; };
    // JSON with comments, a Helm template, JSON of another kind: skipped, named or found.
    const SourceFile tsconfig{"tsconfig.json", "{\n  // compiler options\n  \"compilerOptions\": {}\n}\n"};
    // (`{{ .Values.type }}` happens to parse as YAML: a flow map in a flow map.)
    const SourceFile helm{"templates/endpoint.yaml",
        "apiVersion: sagemaker.services.k8s.aws/v1alpha1\nkind: EndpointConfig\n"
        "spec:\n  instanceType: {{ .Values.type }}\n"};
    const SourceFile package{"package.json", "{\"name\": \"app\", \"dependencies\": {}}\n"};
    for (const bool named : {true, false}) {
        REQUIRE(skipped(tsconfig, named));
        CHECK(skipped(tsconfig, named)->find("does not parse (2:3: ") == 0);
        REQUIRE(skipped(helm, named));
        CHECK(skipped(helm, named)->rfind("a template ({{ … }} or {% … %})", 0) == 0);
        REQUIRE(skipped(package, named));
        CHECK(*skipped(package, named) == "not a proposal: no format fits (--input-format forces one)");
    }
    // A proposal with a syntax error is an error; so is an empty file named explicitly.
    const auto broken = check_source(fixture("malformed.yaml"), false, o);
    CHECK_FALSE(broken.skipped);
    CHECK(broken.bad());
    const SourceFile empty{"empty.yaml", "\n"};
    CHECK(check_source(empty, true, o).bad());
    CHECK(skipped(empty, false) == std::optional<std::string>("empty"));

    // check_inputs counts the skipped files apart, in input order.
    const TempTree tree;
    tree.write("tsconfig.json", tsconfig.text);
    tree.write("stack.yaml", fixture("cfn-notebook.yaml").text);
    const auto result = check_inputs({{(tree.root / "stack.yaml").string(), true}, {(tree.root / "tsconfig.json").string(), true}}, o);
    REQUIRE(result.files.size() == 1);
    REQUIRE(result.skipped.size() == 1);
    CHECK(check_summary_line(result) == "1 file checked, 1 skipped, 3 resources");
}

TEST_CASE("baselines match however the path was typed; format 1 matches by rule and resource", "[check]")
{
    const TempTree tree;
    tree.write("infra/plan.json", fixture("plan.json").text);
    CheckOptions o = options();
    o.root = tree.root.generic_string();
    const auto relative_run = check_inputs({{(tree.root / "infra/../infra/plan.json").string(), true}}, o);
    Diagnostics d;
    const auto baseline = read_baseline(SourceFile{"b.json", write_baseline(relative_run)}, d, o.root);
    REQUIRE(baseline);
    CHECK(baseline->entries.begin()->first == "infra/plan.json");
    auto absolute_run = check_inputs({{(tree.root / "infra/plan.json").string(), true}}, o);
    CHECK(apply_baseline(absolute_run, *baseline) == 1);
    CHECK(absolute_run.baseline_applied);

    const std::string legacy = R"({"mlscale_baseline": 1, "findings": [{"file": "infra/plan.json", "rule": "MLS-TEST-001",
        "resource": "module.nb.aws_sagemaker_notebook_instance.this", "fingerprint": "0123456789abcdef"}]})";
    Diagnostics legacy_diagnostics;
    const auto old = read_baseline(SourceFile{"old.json", legacy}, legacy_diagnostics, o.root);
    REQUIRE(old);
    CHECK(legacy_diagnostics.items().at(0).level == Level::Warning);
    auto again = check_inputs({{(tree.root / "infra/plan.json").string(), true}}, o);
    CHECK(apply_baseline(again, *old) == 1);
}

TEST_CASE("production: --environment wins over tags, tags over the config; assumptions are quoted", "[check]")
{
    CheckOptions o = options();
    o.evaluate = endpoint_rules;
    const SourceFile endpoint = fixture("cfn-endpoint-parameters.yaml"); // Endpoint tagged Environment = !Ref Stage (Default prod)
    auto checked = check_source(endpoint, true, o);
    REQUIRE(checked.findings.size() == 1);
    CHECK(checked.findings[0].rule == "MLS-TEST-010");
    CHECK(checked.findings[0].message ==
        "The endpoint runs 1 instance (InitialInstanceCount = 1, the Default of parameter EndpointInstanceCount; production per tag Environment=prod)");
    CHECK(checked.findings[0].location.field == "/deployment/instance_count");
    CHECK(checked.findings[0].location.pointer == "/Resources/Config/Properties/ProductionVariants/0/InitialInstanceCount");

    o.environment = "dev"; // the command line wins over the tag
    checked = check_source(endpoint, true, o);
    REQUIRE(checked.findings.size() == 1);
    CHECK(checked.findings[0].rule == "MLS-TEST-023");

    o.environment.reset();
    o.default_environment = "production"; // the tag (dev) wins over the config
    checked = check_source(fixture("tf-endpoint-variables.tf"), true, o);
    REQUIRE(checked.findings.size() == 1);
    CHECK(checked.findings[0].rule == "MLS-TEST-023");
    CHECK(checked.findings[0].message == "The endpoint runs 1 instance (initial_instance_count = 1, the default of variable instance_count)");
}

TEST_CASE("renderers: SARIF under %SRCROOT%, baseline states, GitHub's result limit; blocking findings first", "[check]")
{
    auto result = check({fixture("cfn-notebook.yaml"), fixture("ctj-spot-no-checkpoint.json")});
    result.files[0].path = "infra/cfn-notebook.yaml";
    result.files[1].path = "/outside/ctj.json";
    result.files[1].findings[0].baselined = true;
    result.baseline_applied = true;
    Diagnostics warnings;
    CheckRenderOptions render;
    render.root = "/repo";
    render.warnings = &warnings;
    auto sarif = nlohmann::json::parse(render_check_sarif(result, render));
    auto& run = sarif["runs"][0];
    CHECK(run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///repo/");
    CHECK(run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"] ==
        nlohmann::json({{"uri", "infra/cfn-notebook.yaml"}, {"uriBaseId", "%SRCROOT%"}}));
    CHECK(run["results"][0]["baselineState"] == "new");
    CHECK(run["results"][1]["baselineState"] == "unchanged"); // kept, so the alert stays open
    CHECK(run["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"] == nlohmann::json({{"uri", "file:///outside/ctj.json"}}));
    CHECK(run["results"].size() == 3);
    CHECK(warnings.empty());

    render.max_sarif_results = 2; // GitHub's 25,000, scaled down: the least severe goes
    sarif = nlohmann::json::parse(render_check_sarif(result, render));
    CHECK(sarif["runs"][0]["results"].size() == 2);
    CHECK(sarif["runs"][0]["results"][1]["level"] == "warning"); // the low one went
    REQUIRE(warnings.items().size() == 1);
    CHECK(warnings.items()[0].message == "SARIF: 3 results, more than GitHub accepts in one run (2): the 1 least severe were left out");

    // Markdown: every blocking finding before the others, whatever the cap; GitHub: most severe first.
    const std::string markdown = render_check_markdown(result, render);
    CHECK(markdown.find("(blocking)") < markdown.find("| low |"));
    const std::string github = render_check_github(result, render);
    CHECK(github.find("::error file=infra/cfn-notebook.yaml") < github.find("::notice file=infra/cfn-notebook.yaml"));
    CHECK(github.find("ctj.json,line") == std::string::npos); // baselined: no annotation
    CHECK(github.find("::notice title=mlscale check::2 files checked, 0 skipped, 4 resources") != std::string::npos);
}

TEST_CASE("Markdown: every blocking finding is listed, beyond the cap; the rest are capped", "[check]")
{
    CheckResult result;
    CheckedFile file;
    file.file = file.path = "infra/big.yaml";
    for (int i = 0; i < 120; ++i) {
        // 60 high (blocking at the default fail-on) interleaved with 60 low, by line.
        Finding f = testing::fake_finding(i % 2 == 0 ? "MLS-TEST-001" : "MLS-TEST-003", "x", i % 2 == 0 ? "high" : "low", "/x", "m");
        f.location.line = static_cast<std::uint32_t>(i + 1);
        f.location.resource = "R" + std::to_string(i);
        file.findings.push_back(std::move(f));
    }
    result.files.push_back(std::move(file));
    const std::string markdown = render_check_markdown(result, CheckRenderOptions{});
    std::size_t blocking = 0;
    std::size_t low = 0;
    for (std::size_t at = markdown.find("\n| "); at != std::string::npos; at = markdown.find("\n| ", at + 1)) {
        blocking += markdown.compare(at + 3, 15, "high (blocking)") == 0 ? 1 : 0;
        low += markdown.compare(at + 3, 4, "low ") == 0 ? 1 : 0;
    }
    CHECK(blocking == 60); // all of them, although the table holds 50 rows otherwise
    CHECK(low == 0);
    CHECK(markdown.find("…and 60 more below high") != std::string::npos);
}
