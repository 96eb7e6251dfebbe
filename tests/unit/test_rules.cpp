// The rule engine: loading (carets into the rule file), outcomes, evidence and locations, the
// user's control (select, ignore, set, severities, config), suppressions, locks and expiry.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "mlscale/rules.hpp"
#include "rules/bundle.hpp"

using namespace mlscale;
using nlohmann::json;

namespace {

json base_rule()
{
    return json::parse(R"json({
      "code": "MLS-TEST-001", "slug": "test-rule", "concept": "file-mode-startup", "category": "storage",
      "severity": "medium", "status": "preview", "title": "Large dataset in File mode",
      "applies_when": "dataset.input_mode == 'file'",
      "condition": "dataset.size_gb > param.max_gb",
      "message": "copies {dataset.size_gb} GB (above {param.max_gb} GB)",
      "recommendation": "use FastFile",
      "location": "/dataset/input_mode",
      "params": {"max_gb": {"default": 100, "unit": "GB", "doc": "largest copy", "source": "test"}},
      "doc": {"what": "w", "why": "y", "example": "e", "instead": "i"},
      "source": {"seed": "003", "section": "Train-Test Channels", "newer": [{"fact": "FastFile", "url": "https://example.com/ff"}, {"fact": "no url"}]},
      "cases": [
        {"name": "fires", "expect": "FAIL", "facts": {"dataset": {"input_mode": "file", "size_gb": 500}}},
        {"name": "small", "expect": "PASS", "facts": {"dataset": {"input_mode": "file", "size_gb": 5}}},
        {"name": "fastfile", "expect": "SKIP", "facts": {"dataset": {"input_mode": "fastfile"}}}
      ]
    })json");
}

std::optional<Rule> load(const std::string& text, Diagnostics& diagnostics)
{
    return load_rule(SourceFile{"rule.json", text}, diagnostics);
}

std::vector<std::string> errors_of(const std::string& text)
{
    Diagnostics diagnostics;
    const auto rule = load(text, diagnostics);
    std::vector<std::string> out;
    for (const auto& d : diagnostics.items()) {
        out.push_back(fmt::format("{}:{} {}: {}{}", d.location ? d.location->line : 0, d.location ? d.location->column : 0, d.pointer, d.message,
            d.help.empty() ? "" : " [" + d.help + "]"));
    }
    CHECK(rule.has_value() == out.empty());
    return out;
}

RuleSet two_rules()
{
    RuleSet set;
    Diagnostics diagnostics;
    auto first = load(base_rule().dump(2), diagnostics);
    json spot = base_rule();
    spot["code"] = "MLS-TEST-002";
    spot["slug"] = "test-spot";
    spot["severity"] = "high";
    spot.erase("params");
    spot["applies_when"] = "training.spot == true";
    spot["condition"] = "not exists(training.checkpoint_s3_uri)";
    spot["message"] = "no checkpoints";
    spot["location"] = "/training/checkpoint_s3_uri";
    spot["cases"] = json::parse(R"([{"name": "f", "expect": "FAIL", "facts": {"training": {"spot": true}}},
        {"name": "p", "expect": "PASS", "facts": {"training": {"spot": true, "checkpoint_s3_uri": "s3://b"}}},
        {"name": "s", "expect": "SKIP", "facts": {"training": {"spot": false}}}])");
    auto second = load(spot.dump(2), diagnostics);
    REQUIRE(diagnostics.empty());
    set.add_or_replace(std::move(*second));
    set.add_or_replace(std::move(*first));
    return set;
}

Job job_from(const std::string& text)
{
    Diagnostics diagnostics;
    auto job = load_job(SourceFile{"job.json", text}, diagnostics);
    REQUIRE(job);
    return std::move(*job);
}

const char* k_job = R"({
  "name": "j",
  "dataset": {"size_gb": 500, "input_mode": "file"},
  "training": {"spot": true}
})";

json facts_of(const Job& job)
{
    return job.document.value;
}

} // namespace

TEST_CASE("a valid rule loads with its params, evidence and cases", "[rules]")
{
    Diagnostics diagnostics;
    const auto rule = load(base_rule().dump(2), diagnostics);
    REQUIRE(rule);
    CHECK(diagnostics.empty());
    CHECK(rule->code == "MLS-TEST-001");
    CHECK(rule->source_label() == "003: Train-Test Channels");
    REQUIRE(rule->params.size() == 1);
    CHECK(rule->params[0].type == expr::Type::Number);
    CHECK(rule->evidence == std::vector<std::string>{"dataset.size_gb", "param.max_gb"}); // default: the condition's paths
    CHECK(rule->cases.size() == 3);
    for (const auto& result : run_cases(*rule)) {
        CHECK(result.passed());
    }
}

TEST_CASE("an expression error lands under the bad token in the rule file, past escape sequences", "[rules]")
{
    json rule = base_rule();
    // \" and \u00e9 take more bytes in the file than in the expression; the caret must still land right.
    rule["condition"] = "dataset.format == \"caf\u00e9\" and dataset.size_gbb > param.max_gb";
    std::string text = rule.dump(2, ' ', true); // ensure_ascii: é is written as \u00e9
    Diagnostics diagnostics;
    CHECK_FALSE(load(text, diagnostics));
    REQUIRE(diagnostics.items().size() == 1);
    const auto& d = diagnostics.items()[0];
    CHECK(d.message == "unknown path 'dataset.size_gbb'");
    CHECK(d.help == "did you mean `dataset.size_gb`?");
    CHECK(d.pointer == "/condition");
    REQUIRE(d.location);
    const std::string line = d.source_line;
    CHECK(line.substr(d.location->column - 1, 16) == "dataset.size_gbb");
    CHECK(d.span_columns == 16);
}

TEST_CASE("broken rule files are load errors with did-you-mean", "[rules]")
{
    SECTION("unknown function")
    {
        json rule = base_rule();
        rule["condition"] = "lenn(dataset.format) > 3";
        const auto errors = errors_of(rule.dump(2));
        REQUIRE(errors.size() == 1); // max_gb is now unused, but that is not reported over a broken condition
        CHECK_THAT(errors[0], Catch::EndsWith("/condition: unknown function 'lenn' [did you mean `len`?]"));
    }
    SECTION("unknown field and missing field")
    {
        json rule = base_rule();
        rule["sevrity"] = "low";
        rule.erase("title");
        const auto errors = errors_of(rule.dump(2));
        CHECK(errors ==
            std::vector<std::string>{"56:3 /sevrity: unknown field \"sevrity\" [did you mean \"severity\"?]", "1:1 /: missing required field \"title\""});
    }
    SECTION("bad code, slug and location")
    {
        json rule = base_rule();
        rule["code"] = "MLS-test-1";
        rule["slug"] = "Bad_Slug";
        rule["location"] = "/dataset/input_mod";
        const auto errors = errors_of(rule.dump(2));
        REQUIRE(errors.size() == 3);
        CHECK_THAT(errors[0], Catch::Contains("is not a rule code"));
        CHECK_THAT(errors[1], Catch::Contains("is not a kebab-case slug"));
        CHECK_THAT(errors[2], Catch::Contains("did you mean \"/dataset/input_mode\"?"));
    }
    SECTION("a rule with applies_when needs a SKIP case")
    {
        json rule = base_rule();
        rule["cases"].erase(2);
        const auto errors = errors_of(rule.dump(2));
        REQUIRE(errors.size() == 1);
        CHECK_THAT(errors[0], Catch::Contains("the cases lack a SKIP case"));
    }
    SECTION("case params are declared params of the right type")
    {
        json rule = base_rule();
        rule["cases"][0]["params"] = json{{"max_gbb", 3}};
        rule["cases"][1]["params"] = json{{"max_gb", "big"}};
        const auto errors = errors_of(rule.dump(2));
        REQUIRE(errors.size() == 2);
        CHECK_THAT(errors[0], Catch::Contains("unknown parameter \"max_gbb\" [did you mean \"max_gb\"?]"));
        CHECK_THAT(errors[1], Catch::Contains("parameter max_gb is a number, got string \"big\""));
    }
    SECTION("evidence paths are checked")
    {
        json rule = base_rule();
        rule["evidence"] = json::array({"dataset.size_gb", "profile.bottlenek"});
        const auto errors = errors_of(rule.dump(2));
        REQUIRE(errors.size() == 1);
        CHECK_THAT(errors[0], Catch::Contains("unknown path 'profile.bottlenek' [did you mean `profile.bottleneck`?]"));
    }
}

TEST_CASE("outcomes: only a known-true applies_when lets a rule apply; unknown is SKIP, never PASS", "[rules]")
{
    Diagnostics diagnostics;
    const auto rule = load(base_rule().dump(2), diagnostics);
    REQUIRE(rule);
    const auto outcome = [&](const char* facts) {
        json tree = json::parse(facts);
        tree["param"] = rule->default_params();
        return evaluate_rule(*rule, tree);
    };
    CHECK(outcome(R"({"dataset": {"input_mode": "file", "size_gb": 500}})").outcome == Outcome::Fail);
    CHECK(outcome(R"({"dataset": {"input_mode": "file", "size_gb": 5}})").outcome == Outcome::Pass);
    CHECK(outcome(R"({"dataset": {"input_mode": "pipe", "size_gb": 500}})").outcome == Outcome::Skip);
    const auto missing = outcome(R"({"dataset": {"input_mode": "file"}})");
    CHECK(missing.outcome == Outcome::Skip);
    CHECK(missing.why == "the condition is unknown (missing: dataset.size_gb)");
    const auto no_mode = outcome(R"({"dataset": {"size_gb": 500}})");
    CHECK(no_mode.outcome == Outcome::Skip);
    CHECK(no_mode.why == "applies_when is unknown (missing: dataset.input_mode)");
}

TEST_CASE("findings carry evidence, the job location and a stable fingerprint, sorted by severity", "[rules]")
{
    const RuleSet rules = two_rules();
    const Job job = job_from(k_job);
    Diagnostics diagnostics;
    const auto evaluation = evaluate_rules(rules, facts_of(job), job, RuleOptions{}, diagnostics);
    CHECK(diagnostics.empty());
    REQUIRE(evaluation.findings.size() == 2);
    const Finding& spot = evaluation.findings[0]; // high before medium
    CHECK(spot.rule == "MLS-TEST-002");
    CHECK(spot.location.pointer == "/training/checkpoint_s3_uri");
    CHECK(spot.location.field_absent);
    CHECK(spot.location.located_at == "/training");
    CHECK(spot.location.line == 4);
    const Finding& file_mode = evaluation.findings[1];
    CHECK(file_mode.message == "copies 500 GB (above 100 GB)");
    CHECK(file_mode.evidence == json{{"dataset.size_gb", 500}, {"param.max_gb", 100}});
    CHECK(file_mode.location.line == 3);
    CHECK(file_mode.location.column == 45);
    CHECK_FALSE(file_mode.location.field_absent);
    CHECK(file_mode.references == std::vector<std::string>{"https://example.com/ff"});
    CHECK(file_mode.fingerprint == fingerprint("MLS-TEST-001", "", "/dataset/input_mode"));
    CHECK(file_mode.fingerprint.size() == 16);
    CHECK(evaluation.parameters == json{{"MLS-TEST-001", {{"max_gb", 100}}}});

    // Deterministic: the same input gives the same findings, byte for byte.
    Diagnostics again;
    const auto second = evaluate_rules(rules, facts_of(job), job, RuleOptions{}, again);
    for (std::size_t i = 0; i < 2; ++i) {
        CHECK(second.findings[i].message == evaluation.findings[i].message);
        CHECK(second.findings[i].evidence == evaluation.findings[i].evidence);
        CHECK(second.findings[i].fingerprint == evaluation.findings[i].fingerprint);
    }
}

TEST_CASE("evaluate_rules without results and parameters gives the same findings (what check asks for)", "[rules]")
{
    const RuleSet rules = two_rules();
    const Job job = job_from(k_job);
    for (const char* set : {"", "MLS-TEST-001.max_gb=400", "MLS-TEST-001.max_gb=1000"}) {
        Diagnostics diagnostics;
        RuleOverrides overrides;
        if (*set != '\0') {
            overrides.set.push_back(set);
        }
        const RuleOptions options = resolve_rule_options(rules, nullptr, overrides, diagnostics);
        REQUIRE(diagnostics.empty());
        const auto full = evaluate_rules(rules, facts_of(job), job, options, diagnostics);
        const auto lean = evaluate_rules(rules, facts_of(job), job, options, diagnostics, EvaluationOutputs{.results = false, .parameters = false});
        CHECK(full.results.size() == 2);
        CHECK(lean.results.empty());
        CHECK(lean.parameters.empty());
        REQUIRE(lean.findings.size() == full.findings.size());
        for (std::size_t i = 0; i < full.findings.size(); ++i) {
            CHECK(lean.findings[i].message == full.findings[i].message);
            CHECK(lean.findings[i].evidence == full.findings[i].evidence);
            CHECK(lean.findings[i].fingerprint == full.findings[i].fingerprint);
        }
    }
    // The params are read beside the facts: a "param" the facts carry themselves is not used.
    json facts = facts_of(job);
    facts["param"] = json{{"max_gb", 1}};
    Diagnostics diagnostics;
    const auto evaluation = evaluate_rules(rules, facts, job, RuleOptions{}, diagnostics);
    REQUIRE(evaluation.findings.size() == 2);
    CHECK(evaluation.findings[1].message == "copies 500 GB (above 100 GB)");
}

TEST_CASE("select, ignore, set and severity overrides", "[rules]")
{
    const RuleSet rules = two_rules();
    const Job job = job_from(k_job);
    const auto run = [&](const RuleOverrides& overrides) {
        Diagnostics diagnostics;
        RuleOptions options = resolve_rule_options(rules, nullptr, overrides, diagnostics);
        REQUIRE(diagnostics.empty());
        return evaluate_rules(rules, facts_of(job), job, options, diagnostics);
    };
    CHECK(run(RuleOverrides{{"MLS-TEST-001"}, {}, {}}).findings.size() == 1);
    CHECK(run(RuleOverrides{{"MLS-TEST"}, {}, {}}).findings.size() == 2); // a prefix selects a family
    CHECK(run(RuleOverrides{{}, {"MLS-TEST-002"}, {}}).findings.size() == 1);
    const auto raised = run(RuleOverrides{{}, {}, {"MLS-TEST-001.max_gb=1000"}});
    REQUIRE(raised.findings.size() == 1);
    CHECK(raised.parameters["MLS-TEST-001"]["max_gb"] == 1000);

    Diagnostics diagnostics;
    resolve_rule_options(
        rules, nullptr, RuleOverrides{{"MLS-TEST-003"}, {"MLS-TSET-001"}, {"MLS-TEST-001.max_gb=big", "MLS-TEST-001.max=1", "nonsense"}}, diagnostics);
    std::vector<std::string> messages;
    for (const auto& d : diagnostics.items()) {
        messages.push_back(d.message + (d.help.empty() ? "" : " [" + d.help + "]"));
    }
    CHECK(messages ==
        std::vector<std::string>{
            "--select MLS-TEST-003: no rule matches MLS-TEST-003 [did you mean MLS-TEST-001?]",
            "--ignore MLS-TSET-001: no rule matches MLS-TSET-001 [did you mean MLS-TEST-001?]",
            "--set MLS-TEST-001.max_gb=big: parameter MLS-TEST-001.max_gb is a number, got string \"big\"",
            "--set MLS-TEST-001.max=1: MLS-TEST-001 has no parameter \"max\" [its parameters: max_gb]",
            "--set nonsense: expected CODE.param=value [e.g. --set MLS-STOR-001.max_startup_minutes=30]",
        });
}

TEST_CASE("the project config sets severities, params, fail-on and locks", "[rules]")
{
    const RuleSet rules = two_rules();
    Diagnostics diagnostics;
    const auto config = load_config(SourceFile{".mlscale.json", R"({
      "fail_on": "high",
      "severity": {"MLS-TEST-001": "critical"},
      "params": {"MLS-TEST-001": {"max_gb": 50}},
      "locked": ["MLS-TEST-002"]
    })"},
        diagnostics);
    REQUIRE(config);
    CHECK(config->fail_on == "high");
    RuleOptions options = resolve_rule_options(rules, &*config, RuleOverrides{{}, {"MLS-TEST-002"}, {}}, diagnostics);
    REQUIRE(diagnostics.items().size() == 1);
    CHECK(diagnostics.items()[0].message == "--ignore MLS-TEST-002: MLS-TEST-002 is locked by .mlscale.json and cannot be ignored");

    Diagnostics clean;
    options = resolve_rule_options(rules, &*config, RuleOverrides{}, clean);
    REQUIRE(clean.empty());
    const Job job = job_from(k_job);
    const auto evaluation = evaluate_rules(rules, facts_of(job), job, options, clean);
    REQUIRE(evaluation.findings.size() == 2);
    CHECK(evaluation.findings[0].rule == "MLS-TEST-001"); // critical now sorts first
    CHECK(evaluation.findings[0].severity == "critical");
    CHECK(evaluation.findings[0].evidence["param.max_gb"] == 50);

    Diagnostics bad;
    CHECK_FALSE(load_config(SourceFile{"c.json", R"({"ignroe": []})"}, bad));
    REQUIRE(bad.items().size() == 1);
    CHECK_THAT(bad.items()[0].help, Catch::Contains("did you mean \"ignore\"?"));
}

TEST_CASE("suppressions: a reason applies, expiry warns and reports again, locks and unknown codes are errors", "[rules]")
{
    const RuleSet rules = two_rules();
    const Job job = job_from(R"({
      "name": "j",
      "dataset": {"size_gb": 500, "input_mode": "file"},
      "training": {"spot": true},
      "suppress": [
        {"rule": "MLS-TEST-001", "reason": "moving to FastFile", "expires": "2026-06-30"},
        {"rule": "MLS-TEST-002", "reason": "short runs", "expires": "2026-01-31"}
      ]
    })");
    RuleOptions options;
    options.today = "2026-02-01";
    Diagnostics diagnostics;
    const auto evaluation = evaluate_rules(rules, facts_of(job), job, options, diagnostics);
    REQUIRE(evaluation.findings.size() == 2);
    CHECK(evaluation.findings[1].rule == "MLS-TEST-001");
    CHECK(evaluation.findings[1].suppressed);
    CHECK(evaluation.findings[1].suppression_reason == "moving to FastFile");
    CHECK_FALSE(evaluation.findings[0].suppressed); // expired yesterday: reported again
    REQUIRE(diagnostics.items().size() == 1);
    CHECK(diagnostics.items()[0].level == Level::Warning);
    CHECK(diagnostics.items()[0].message == "the suppression of MLS-TEST-002 expired on 2026-01-31; its findings are reported again");
    CHECK(diagnostics.items()[0].pointer == "/suppress/1/expires");

    // On its expiry day a suppression still applies.
    options.today = "2026-01-31";
    Diagnostics on_the_day;
    CHECK(evaluate_rules(rules, facts_of(job), job, options, on_the_day).findings[0].suppressed);
    CHECK(on_the_day.empty());

    options.locked = {"MLS-TEST-001"};
    options.lock_source = "team/.mlscale.json";
    Diagnostics locked;
    evaluate_rules(rules, facts_of(job), job, options, locked);
    REQUIRE(locked.has_errors());
    CHECK(locked.items()[0].message == "MLS-TEST-001 is locked by team/.mlscale.json and cannot be suppressed");

    const Job typo = job_from(R"({"name": "j", "suppress": [{"rule": "MLS-TEST-003", "reason": "typo"}]})");
    Diagnostics unknown;
    evaluate_rules(rules, facts_of(typo), typo, RuleOptions{}, unknown);
    REQUIRE(unknown.has_errors());
    CHECK(unknown.items()[0].message == "unknown rule MLS-TEST-003");
    CHECK(unknown.items()[0].help == "did you mean MLS-TEST-001?");
}

TEST_CASE("the embedded rules are the bundle of rules/: each rule as its file reads, every case passes", "[rules]")
{
    // The bundle (src/tools/bundle_rules.cpp) reshapes the files: the rule's fields, built without a
    // JSON parse, and the cases apart. What each embedded rule holds must be what its file holds,
    // field by field.
    Diagnostics diagnostics;
    const auto files = load_rules({MLSCALE_SOURCE_DIR "/rules"}, diagnostics, false);
    REQUIRE(files);
    const auto& embedded = builtin_rules().rules();
    REQUIRE(embedded.size() == files->rules().size());
    for (std::size_t i = 0; i < embedded.size(); ++i) {
        const Rule& file = files->rules()[i];
        const Rule& rule = embedded[i];
        INFO(file.code);
        CHECK(rule.builtin);
        CHECK_THAT(file.file, Catch::EndsWith("/" + rule.file));
        CHECK(rule.code == file.code);
        CHECK(rule.slug == file.slug);
        CHECK(rule.concept_key == file.concept_key);
        CHECK(rule.category == file.category);
        CHECK(rule.severity == file.severity);
        CHECK(rule.status == file.status);
        CHECK(rule.title == file.title);
        CHECK(rule.location == file.location);
        CHECK(rule.evidence == file.evidence);
        CHECK(rule.param_object == file.param_object);
        REQUIRE(rule.params.size() == file.params.size());
        for (std::size_t p = 0; p < rule.params.size(); ++p) {
            CHECK(rule.params[p].name == file.params[p].name);
            CHECK(rule.params[p].default_value == file.params[p].default_value);
            CHECK(rule.params[p].type == file.params[p].type);
            CHECK(rule.params[p].unit == file.params[p].unit);
            CHECK(rule.params[p].doc == file.params[p].doc);
            CHECK(rule.params[p].source == file.params[p].source);
        }
        CHECK(rule.doc.what == file.doc.what);
        CHECK(rule.doc.why == file.doc.why);
        CHECK(rule.doc.example == file.doc.example);
        CHECK(rule.doc.instead == file.doc.instead);
        CHECK(rule.source.seed == file.source.seed);
        CHECK(rule.source.section == file.source.section);
        CHECK(rule.source.quote == file.source.quote);
        REQUIRE(rule.source.newer.size() == file.source.newer.size());
        for (std::size_t n = 0; n < rule.source.newer.size(); ++n) {
            CHECK(rule.source.newer[n].fact == file.source.newer[n].fact);
            CHECK(rule.source.newer[n].url == file.source.newer[n].url);
        }
        REQUIRE(rule.applies_when.has_value() == file.applies_when.has_value());
        if (rule.applies_when) {
            CHECK(rule.applies_when->source() == file.applies_when->source());
        }
        REQUIRE(rule.condition);
        CHECK(rule.condition->source() == file.condition->source());
        REQUIRE(rule.message);
        CHECK(rule.message->source() == file.message->source());
        REQUIRE(rule.recommendation.has_value() == file.recommendation.has_value());
        if (rule.recommendation) {
            CHECK(rule.recommendation->source() == file.recommendation->source());
        }
        CHECK(rule.cases.empty()); // kept in the bundle: only run_cases reads them
        const auto cases = builtin_cases(rule);
        REQUIRE(cases.size() == file.cases.size());
        for (std::size_t c = 0; c < cases.size(); ++c) {
            CHECK(cases[c].name == file.cases[c].name);
            CHECK(cases[c].expect == file.cases[c].expect);
            CHECK(cases[c].facts == file.cases[c].facts);
            CHECK(cases[c].params == file.cases[c].params);
        }
        for (const auto& result : run_cases(rule)) {
            INFO(rule.code << " '" << result.name << "': " << result.detail);
            CHECK(result.passed());
        }
    }
    CHECK(concepts().size() == 78);
}

TEST_CASE("a rule file without cases is an error; so is an empty list", "[rules]")
{
    json rule = base_rule();
    rule.erase("cases");
    CHECK(errors_of(rule.dump(2)) == std::vector<std::string>{"1:1 /: missing required field \"cases\""});
    rule["cases"] = json::array();
    CHECK(errors_of(rule.dump(2)) ==
        std::vector<std::string>{"52:12 /cases: a rule needs test cases [add a FAIL and a PASS case (and a SKIP case when it has applies_when)]"});
}

TEST_CASE("directories override built-in rules by code; a code twice in one directory is an error", "[rules]")
{
    Diagnostics diagnostics;
    const auto rules = load_rules({MLSCALE_SOURCE_DIR "/tests/data/rules"}, diagnostics);
    REQUIRE(rules);
    REQUIRE(rules->find("MLS-TEST-001") != nullptr);
    CHECK_FALSE(rules->find("MLS-TEST-001")->builtin);

    Diagnostics duplicate;
    CHECK_FALSE(load_rules({MLSCALE_SOURCE_DIR "/tests/data/rules-bad/duplicate-code"}, duplicate, false));
    REQUIRE(duplicate.items().size() == 1);
    CHECK_THAT(duplicate.items()[0].message, Catch::Contains("duplicate rule code MLS-TEST-001"));
    CHECK_THAT(duplicate.items()[0].message, Catch::Contains("duplicate-code/a.json defines it too"));
    CHECK_THAT(duplicate.items()[0].file, Catch::EndsWith("duplicate-code/b.json"));
}

TEST_CASE("the compiled fact schema is the derived one", "[rules]")
{
    // mlscale compiles rules against the table src/tools/compile_tables.cpp writes at build time;
    // it must hold every path of the job schema and rules/facts.json with the same type.
    const expr::MapSchema compiled = compiled_fact_schema();
    const expr::MapSchema derived = derived_fact_schema();
    const auto paths = derived.known_paths();
    CHECK(compiled.known_paths() == paths);
    for (const auto& path : paths) {
        INFO(path);
        CHECK(compiled.path_type(path) == derived.path_type(path));
    }
    CHECK(derived.path_type("dataset.size_gb") == expr::Type::Number);
    CHECK(derived.path_type("plan.compute.instance_type") == expr::Type::String);
    CHECK(paths.size() > 100);
}
