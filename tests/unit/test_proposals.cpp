// Proposal readers: detection, mapping onto the job model with exact line:column, unknowns,
// enum checks, suppressions in place; fixtures in tests/data/proposals/ (never the corpus).
#include <catch2/catch.hpp>

#include <fstream>

#include "mlscale/json_document.hpp"
#include "mlscale/proposals.hpp"
#include "mlscale/schema.hpp"

using namespace mlscale;

namespace {

SourceFile fixture(const std::string& name)
{
    const std::string path = std::string(MLSCALE_SOURCE_DIR) + "/tests/data/proposals/" + name;
    std::ifstream in(path);
    return SourceFile{name, std::string(std::istreambuf_iterator<char>(in), {})};
}

struct Read {
    ProposalFile file;
    Diagnostics diagnostics;
};

Read read(const std::string& name)
{
    Read r;
    const auto file = read_proposal(fixture(name), std::nullopt, r.diagnostics);
    REQUIRE(file);
    r.file = *file;
    return r;
}

const ProposalUnit& unit(const Read& r, const std::string& resource)
{
    for (const auto& u : r.file.units) {
        if (u.resource == resource) {
            return u;
        }
    }
    FAIL("no unit " << resource);
    return r.file.units.front();
}

std::string at(const ProposalUnit& u, const std::string& pointer)
{
    const auto& ref = u.locate(pointer);
    return std::to_string(ref.location.line) + ":" + std::to_string(ref.location.column);
}

nlohmann::json field(const ProposalUnit& u, const std::string& pointer)
{
    const nlohmann::json::json_pointer p(pointer);
    return u.job.contains(p) ? u.job.at(p) : nlohmann::json();
}

/// Every unit's job JSON is a valid job: exactly the schema's field names.
void require_valid_jobs(const Read& r)
{
    static const JsonSchema schema(job_schema_json());
    for (const auto& u : r.file.units) {
        Diagnostics d;
        const auto document = parse_json(SourceFile{"job", u.job.dump()}, d);
        REQUIRE(document);
        schema.validate(*document, d);
        INFO(u.resource << ": " << (d.empty() ? "" : d.items().front().pointer + " " + d.items().front().message));
        CHECK(d.empty());
    }
}

} // namespace

TEST_CASE("formats are detected from content", "[proposals]")
{
    const std::vector<std::pair<std::string, ProposalFormat>> cases{{"ctj-spot-no-checkpoint.json", ProposalFormat::SageMakerApi},
        {"cfn-notebook.yaml", ProposalFormat::CloudFormation}, {"cfn-efs-endpoint.json", ProposalFormat::CloudFormation},
        {"main.tf", ProposalFormat::Terraform}, {"plan.json", ProposalFormat::TerraformPlan}, {"stepfunctions.json", ProposalFormat::StepFunctions}};
    for (const auto& [name, format] : cases) {
        INFO(name);
        CHECK(detect_proposal_format(fixture(name)) == format);
    }
    CHECK_FALSE(detect_proposal_format(SourceFile{"x.json", "{\"hello\": 1}"}));
    CHECK(proposal_format_named("terraform-plan") == ProposalFormat::TerraformPlan);
}

TEST_CASE("a CreateTrainingJob request maps field by field, with positions", "[proposals]")
{
    const Read r = read("ctj-spot-no-checkpoint.json");
    REQUIRE(r.diagnostics.empty());
    REQUIRE(r.file.units.size() == 1);
    const auto& u = r.file.units[0];
    CHECK(u.resource_type == "CreateTrainingJob");
    CHECK(field(u, "/name") == "bert-finetune");
    CHECK(field(u, "/current/instance_type") == "ml.p4d.24xlarge");
    CHECK(at(u, "/current/instance_type") == "14:38");
    CHECK(field(u, "/current/instance_count") == 2);
    CHECK(field(u, "/dataset/input_mode") == "fastfile");
    CHECK(at(u, "/dataset/input_mode") == "5:26");
    CHECK(field(u, "/dataset/distribution") == "sharded-by-s3-key");
    CHECK(field(u, "/dataset/format") == "parquet");
    CHECK(field(u, "/training/spot") == true);
    CHECK(at(u, "/training/spot") == "16:32");
    CHECK(field(u, "/training/max_wait_hours") == 48.0);
    CHECK(field(u, "/training/distribution") == "data-parallel");
    CHECK(field(u, "/model/framework") == "pytorch");
    // Absent from the request: the API default, located at the resource.
    CHECK(field(u, "/training/checkpoint_s3_uri").is_null());
    CHECK(field(u, "/security/vpc") == false);
    CHECK(at(u, "/security/vpc") == "1:1");
    require_valid_jobs(r);
}

TEST_CASE("invalid enum values and instance types are located errors", "[proposals]")
{
    const Read r = read("ctj-bad-enum.json");
    REQUIRE(r.diagnostics.error_count() == 2);
    const auto& mode = r.diagnostics.items()[1];
    CHECK(mode.location->line == 3);
    CHECK(mode.location->column == 75);
    CHECK(mode.message == "\"file\" is not a valid value of TrainingInputMode: expected one of File, Pipe, FastFile");
    CHECK(mode.help == "values are case-sensitive: did you mean \"File\"?");
    const auto& type = r.diagnostics.items()[0];
    CHECK(type.location->line == 4);
    CHECK(type.location->column == 38);
    // The bad values stay out of the job: rules SKIP rather than guess.
    CHECK(field(r.file.units[0], "/dataset/input_mode").is_null());
    CHECK(field(r.file.units[0], "/current/instance_type").is_null());
}

TEST_CASE("CloudFormation YAML: short-form tags, parameters unknown, metadata suppressions", "[proposals]")
{
    const Read r = read("cfn-notebook.yaml");
    REQUIRE(r.diagnostics.empty());
    REQUIRE(r.file.units.size() == 3);
    const auto& open = unit(r, "Open");
    CHECK(open.resource_type == "AWS::SageMaker::NotebookInstance");
    CHECK(at(open, "") == "6:3");
    CHECK(field(open, "/notebook/direct_internet") == true); // API default without SubnetId
    CHECK(at(open, "/notebook/direct_internet") == "6:3");
    CHECK(field(open, "/notebook/in_vpc") == false);
    CHECK(at(open, "/notebook/instance_type") == "14:21");
    REQUIRE(open.suppressions.size() == 1);
    CHECK(open.suppressions[0].rule == "MLS-SEC-001");
    CHECK(open.suppressions[0].reason == "sandbox account without customer data");
    CHECK(open.suppressions[0].where.location.line == 11);

    const auto& priv = unit(r, "Private");
    CHECK(field(priv, "/notebook/direct_internet") == false);
    CHECK(at(priv, "/notebook/direct_internet") == "22:29");
    CHECK(field(priv, "/notebook/in_vpc") == true); // !Ref Subnet: set, value unknown
    CHECK(field(priv, "/notebook/kms") == true);
    CHECK(field(priv, "/notebook/root_access").is_null()); // !Ref to a parameter: unknown
    CHECK(priv.sources.count("/notebook/root_access") == 0);

    const auto& fsx = unit(r, "Scratch");
    CHECK(field(fsx, "/storage/fsx/deployment_type") == "SCRATCH_1"); // the API default when omitted
    CHECK(field(fsx, "/storage/fsx/capacity_gib") == 1200);
    CHECK(field(fsx, "/storage/fsx/import_path") == "s3://bucket/data");
    CHECK(at(fsx, "/storage/fsx/import_path") == "32:21");
    require_valid_jobs(r);
}

TEST_CASE("CloudFormation JSON: EFS enum case is an error, endpoint KMS from a Ref is set", "[proposals]")
{
    const Read r = read("cfn-efs-endpoint.json");
    REQUIRE(r.diagnostics.error_count() == 1);
    CHECK(r.diagnostics.items()[0].location->line == 5);
    CHECK(r.diagnostics.items()[0].location->column == 68);
    const auto& efs = unit(r, "Shared");
    CHECK(field(efs, "/storage/efs/performance_mode") == "max-io");
    CHECK(field(efs, "/storage/efs/encrypted") == false);
    CHECK(field(efs, "/storage/efs/throughput_mode").is_null());
    const auto& endpoint = unit(r, "Serving");
    CHECK(field(endpoint, "/deployment/kms") == true);
    CHECK(field(endpoint, "/deployment/mode") == "realtime");
    CHECK(at(endpoint, "/deployment/instance_count") == "11:106");
    require_valid_jobs(r);
}

TEST_CASE("Terraform HCL: blocks, references unknown, heredocs, comment and tag suppressions", "[proposals]")
{
    const Read r = read("main.tf");
    REQUIRE(r.diagnostics.empty());
    REQUIRE(r.file.units.size() == 3);
    const auto& nb = unit(r, "aws_sagemaker_notebook_instance.lab");
    CHECK(at(nb, "") == "7:1");
    CHECK(field(nb, "/name") == "aws_sagemaker_notebook_instance.lab"); // name uses interpolation: unknown
    CHECK(field(nb, "/notebook/in_vpc") == true);
    CHECK(at(nb, "/notebook/in_vpc") == "11:19");
    CHECK(field(nb, "/notebook/root_access") == false);
    CHECK(field(nb, "/notebook/imds_v1") == false);
    CHECK(at(nb, "/notebook/imds_v1") == "20:49");
    REQUIRE(nb.suppressions.size() == 2);
    CHECK(nb.suppressions[0].rule == "MLS-SEC-009");
    CHECK(nb.suppressions[1].rule == "MLS-SEC-002");
    CHECK(nb.suppressions[1].reason == "notebooks in this account are short-lived sandboxes");
    CHECK(nb.suppressions[1].where.location.line == 6);
    const auto& fsx = unit(r, "aws_fsx_lustre_file_system.data");
    CHECK(field(fsx, "/storage/fsx/deployment_type") == "PERSISTENT_2");
    CHECK(at(fsx, "/storage/fsx/deployment_type") == "27:33");
    CHECK(field(fsx, "/storage/fsx/per_unit_throughput_mb_s_per_tib") == 250.0);
    const auto& efs = unit(r, "aws_efs_file_system.home");
    CHECK(field(efs, "/storage/efs/encrypted") == true);
    CHECK(field(efs, "/storage/efs/throughput_mode").is_null()); // a conditional: unknown
    require_valid_jobs(r);
}

TEST_CASE("HCL syntax errors are located", "[proposals]")
{
    Diagnostics d;
    CHECK_FALSE(parse_hcl(SourceFile{"x.tf", "resource \"a\" \"b\" {\n  x = \"open\n}\n"}, d));
    REQUIRE(d.error_count() == 1);
    CHECK(d.items()[0].location->line == 2);
    CHECK(d.items()[0].location->column == 7);
    CHECK(d.items()[0].message == "invalid Terraform: unterminated string");
}

TEST_CASE("Terraform plans: known-after-apply is unknown, null is unset, child modules are read", "[proposals]")
{
    const Read r = read("plan.json");
    REQUIRE(r.diagnostics.empty());
    const auto& nb = unit(r, "module.nb.aws_sagemaker_notebook_instance.this");
    CHECK(field(nb, "/name") == "nb");
    CHECK(field(nb, "/notebook/in_vpc") == false); // "subnet_id": null
    CHECK(field(nb, "/notebook/kms") == true);     // after_unknown: set by reference
    CHECK(field(nb, "/notebook/direct_internet") == true);
    CHECK(at(nb, "/notebook/direct_internet") == "29:99");
    const auto& ec = unit(r, "aws_sagemaker_endpoint_configuration.ec");
    CHECK(field(ec, "/deployment/kms") == false);
    CHECK(field(ec, "/deployment/mode") == "realtime"); // serverless_config: [] is no block
    require_valid_jobs(r);
}

TEST_CASE("Step Functions: .$ parameters are unknown, so presence is not assumed", "[proposals]")
{
    const Read r = read("stepfunctions.json");
    REQUIRE(r.file.units.size() == 1);
    const auto& u = r.file.units[0];
    CHECK(u.resource == "stepfunctions/Train");
    CHECK(field(u, "/dataset/input_mode") == "pipe");
    CHECK(at(u, "/dataset/input_mode") == "9:81");
    CHECK(field(u, "/current").is_null()); // "ResourceConfig.$"
    CHECK(field(u, "/security/kms") == true);
    require_valid_jobs(r);
}

TEST_CASE("malformed YAML is rejected with a located message", "[proposals]")
{
    Diagnostics d;
    CHECK_FALSE(read_proposal(fixture("malformed.yaml"), std::nullopt, d));
    REQUIRE(d.error_count() == 1);
    CHECK(d.items()[0].location->line == 5);
    CHECK(d.items()[0].message.rfind("invalid YAML: ", 0) == 0);
}

TEST_CASE("YAML that yaml-cpp 0.7 would read forever is refused at the offending character", "[proposals]")
{
    struct Case {
        const char* text;
        std::uint32_t line;
        std::uint32_t column;
        const char* message;
    };
    // A ',' where a document could start: LoadAll looped on these (tests/fuzz/regressions/fuzz_proposal/).
    const Case cases[] = {
        {"{\n  \"a\": {\"b\": 1}},\n  \"c\": 2\n}\n", 2, 17, "invalid YAML: ',' outside [ ] or { }"}, // a '}' too many
        {",{\"a\": 1}\n", 1, 1, "invalid YAML: ',' outside [ ] or { }"},
        {"\"a\"\n,\n", 2, 1, "invalid YAML: ',' outside [ ] or { }"},
        {"- a\n, b\n", 2, 1, "invalid YAML: ',' outside [ ] or { }"},
        {"--- !Ref ,\n", 1, 10, "invalid YAML: ',' outside [ ] or { }"},
        {"a: &a [1, *a]\n", 1, 11, "alias *a refers to a collection that contains it"},
    };
    for (const Case& c : cases) {
        INFO(c.text);
        Diagnostics d;
        CHECK_FALSE(parse_yaml(SourceFile{"t.yaml", c.text}, d));
        REQUIRE(d.error_count() == 1);
        CHECK(d.items()[0].location->line == c.line);
        CHECK(d.items()[0].location->column == c.column);
        CHECK(d.items()[0].message == c.message);
        CHECK_FALSE(d.items()[0].help.empty());
    }
}

TEST_CASE("YAML nested too deep stops at the first level too deep", "[proposals]")
{
    // 100,000 levels: stopped at level 129, long before yaml-cpp's own limit ("bad file").
    const std::string deep = "Resources: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
    Diagnostics d;
    CHECK_FALSE(parse_yaml(SourceFile{"t.yaml", deep}, d));
    REQUIRE(d.error_count() == 1);
    CHECK(d.items()[0].message == "nesting deeper than 128 levels");
    CHECK(d.items()[0].location->line == 1);
    CHECK(d.items()[0].location->column == 140); // the 129th '[' (the mapping is level 0)
}

TEST_CASE("YAML aliases are copies with the anchor's positions, within a budget", "[proposals]")
{
    Diagnostics d;
    const auto doc = parse_yaml(SourceFile{"t.yaml", "a: &x {k: v}\nb: [*x, *x]\n"}, d);
    REQUIRE(doc);
    CHECK(doc->value["b"][1] == nlohmann::json{{"k", "v"}});
    CHECK(doc->locate("/b/1/k")->begin.line == 1);
    CHECK(doc->locate("/b/1/k")->begin.column == 11);
    CHECK(doc->locate_key("/b/0/k")->begin.column == 8);

    // Ten levels of ten aliases each would be 10^10 values ("billion laughs"): refused where the
    // copies (each anchored value, each alias) pass the budget.
    std::string laughs = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int level = 1; level < 10; ++level) {
        laughs += "l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
        for (int i = 0; i < 10; ++i) {
            laughs += (i == 0 ? "*l" : ", *l") + std::to_string(level - 1);
        }
        laughs += "]\n";
    }
    Diagnostics refused;
    CHECK_FALSE(parse_yaml(SourceFile{"t.yaml", laughs}, refused));
    REQUIRE(refused.error_count() == 1);
    CHECK(refused.items()[0].message == "invalid YAML: anchors and aliases copy more than 100000 values");
    CHECK(refused.items()[0].location->line == 5); // l4: 24,674 copied before it, 11,111 per alias
}

TEST_CASE("CloudFormation parameters with a Default are judged by it, and say so", "[proposals]")
{
    const Read r = read("cfn-endpoint-parameters.yaml");
    REQUIRE(r.diagnostics.empty());
    const auto& config = unit(r, "Config");
    CHECK(field(config, "/deployment/instance_count") == 1);
    CHECK(at(config, "/deployment/instance_count") == "32:33"); // the !Ref, where the value is used
    CHECK(config.assumptions.at("/deployment/instance_count") == "InitialInstanceCount = 1, the Default of parameter EndpointInstanceCount");
    CHECK(field(config, "/deployment/instance_type") == "ml.m5.xlarge");
    CHECK(field(config, "/deployment/mode") == "realtime");
    CHECK(field(config, "/deployment/production") == false); // not declared here: check decides
    // The Endpoint's tag reaches the configuration it deploys, its value from a parameter's Default.
    REQUIRE(config.environment);
    CHECK(config.environment->value == "prod");
    CHECK(config.environment->key == "Environment");
    // The image's repository is a parameter without a default, but its tag is written.
    const auto& model = unit(r, "Model");
    CHECK(field(model, "/deployment/image") == "${ImageRepository}:latest");
    CHECK(r.file.units.size() == 2); // the Endpoint is not a unit of its own
    require_valid_jobs(r);

    // Without a Default (or an SSM-typed parameter), the value stays unknown.
    SourceFile ssm{"s.yaml",
        "Parameters:\n  Count: {Type: Number}\n  Type: {Type: 'AWS::SSM::Parameter::Value<String>', Default: /ml/type}\n"
        "Resources:\n  C:\n    Type: AWS::SageMaker::EndpointConfig\n    Properties:\n      ProductionVariants:\n"
        "        - {InstanceType: !Ref Type, InitialInstanceCount: !Ref Count}\n"};
    Diagnostics d;
    const auto file = read_proposal(ssm, std::nullopt, d);
    REQUIRE(file);
    CHECK(field(file->units[0], "/deployment/instance_count").is_null());
    CHECK(field(file->units[0], "/deployment/instance_type").is_null());
    CHECK(field(file->units[0], "/deployment/mode") == "realtime"); // instances, not serverless
}

TEST_CASE("Terraform variables with a default are judged by it; endpoint tags reach the configuration", "[proposals]")
{
    const Read r = read("tf-endpoint-variables.tf");
    REQUIRE(r.diagnostics.empty());
    REQUIRE(r.file.units.size() == 1);
    const auto& config = r.file.units[0];
    CHECK(field(config, "/deployment/instance_count") == 1);
    CHECK(at(config, "/deployment/instance_count") == "17:30");
    CHECK(config.assumptions.at("/deployment/instance_count") == "initial_instance_count = 1, the default of variable instance_count");
    CHECK(field(config, "/deployment/instance_type").is_null()); // var.instance_type has no default
    REQUIRE(config.environment);
    CHECK(config.environment->value == "dev");
    CHECK(config.environment->where.location.line == 26);
}

TEST_CASE("Kubernetes: several documents, the legacy operator, ACK tuning jobs, kinds not read", "[proposals]")
{
    CHECK(detect_proposal_format(fixture("k8s-operators.yaml")) == ProposalFormat::Kubernetes);
    const Read r = read("k8s-operators.yaml");
    REQUIRE(r.diagnostics.empty());
    REQUIRE(r.file.units.size() == 4); // the ConfigMap is outside scope
    const auto& hpo = unit(r, "HyperParameterTuningJob/xgboost-hpo");
    CHECK(hpo.resource_type == "ACK HyperParameterTuningJob");
    CHECK(field(hpo, "/training/tuning_jobs") == 40);
    CHECK(field(hpo, "/training/early_stopping") == false); // Off when absent
    CHECK(field(hpo, "/current/instance_type") == "ml.m5.xlarge");
    CHECK(field(hpo, "/model/builtin_algorithm") == "xgboost");
    const auto& hosting = unit(r, "HostingDeployment/xgboost-hosting");
    CHECK(hosting.resource_type == "SageMaker operator HostingDeployment");
    CHECK(field(hosting, "/deployment/instance_count") == 1);
    REQUIRE(hosting.environment);
    CHECK(hosting.environment->noun == "label");
    const auto& model = unit(r, "HostingDeployment/xgboost-hosting/xgboost-model");
    CHECK(field(model, "/deployment/image") == "433757028032.dkr.ecr.us-west-2.amazonaws.com/xgboost:latest");
    const auto& legacy = unit(r, "TrainingJob/xgboost-mnist");
    CHECK(field(legacy, "/current/instance_count") == 2);
    REQUIRE(r.file.uninterpreted.size() == 1);
    CHECK(r.file.uninterpreted[0].kind == "ACK FeatureGroup");
    require_valid_jobs(r);
}

TEST_CASE("HyperPod instance groups, a Studio domain, Model Monitor definitions, kinds not read", "[proposals]")
{
    const Read r = read("cfn-hyperpod-studio.yaml");
    REQUIRE(r.diagnostics.empty());
    const auto& workers = unit(r, "Cluster/workers");
    CHECK(field(workers, "/training/platform") == "hyperpod");
    CHECK(field(workers, "/current/instance_type") == "ml.p4d.24xlarge");
    CHECK(field(workers, "/current/instance_count") == 4);
    CHECK(field(workers, "/current/volume_gb") == 500.0);
    CHECK(field(workers, "/security/vpc") == true);
    const auto& restricted = unit(r, "Cluster/restricted");
    CHECK(field(restricted, "/storage/fsx/capacity_gib") == 1200);
    CHECK(field(restricted, "/storage/fsx/per_unit_throughput_mb_s_per_tib") == 250.0);
    CHECK(field(unit(r, "Cluster/controller"), "/current/instance_count") == 1);

    const auto& studio = unit(r, "Studio");
    CHECK(field(studio, "/notebook/direct_internet") == true); // PublicInternetOnly, the default
    CHECK(field(studio, "/security/notebook_direct_internet") == true);
    CHECK(field(studio, "/notebook/in_vpc") == true);
    CHECK(field(studio, "/notebook/kms") == false);

    const auto& quality = unit(r, "Quality");
    CHECK(field(quality, "/security/network_isolation") == true);
    CHECK(field(quality, "/security/inter_container_encryption") == false); // the API default
    CHECK(field(quality, "/current/instance_count") == 2);
    CHECK(field(unit(r, "Bias"), "/security/network_isolation") == false);
    const auto& inline_schedule = unit(r, "Inline");
    CHECK(field(inline_schedule, "/security/network_isolation") == false);
    CHECK(at(inline_schedule, "/security/network_isolation") == "93:37");
    CHECK(field(inline_schedule, "/current/instance_count") == 2);

    std::vector<std::string> kinds;
    for (const auto& u : r.file.uninterpreted) {
        kinds.push_back(u.resource + " " + u.kind);
    }
    CHECK(kinds == std::vector<std::string>{"Creator Custom::CreateThing", "Schedule AWS::SageMaker::MonitoringSchedule"});
    require_valid_jobs(r);
}

TEST_CASE("API responses: lifecycle configuration, accelerators; placeholder images stay unknown", "[proposals]")
{
    const Read notebook = read("api-describe-notebook.json");
    REQUIRE(notebook.diagnostics.empty());
    const auto& u = notebook.file.units[0];
    CHECK(field(u, "/notebook/lifecycle_config") == true); // NotebookInstanceLifecycleConfigName
    CHECK(at(u, "/notebook/lifecycle_config") == "9:42");
    CHECK(field(u, "/deployment/elastic_inference_accelerator") == "ml.eia2.medium");
    CHECK(field(u, "/notebook/imds_v1") == false);
    require_valid_jobs(notebook);

    const Read states = read("sfn-placeholder-image.json");
    REQUIRE(states.file.units.size() == 1);
    CHECK(field(states.file.units[0], "/training/image").is_null()); // ${regionalTrainingImage}: filled in at deploy time
    CHECK(field(states.file.units[0], "/current/instance_type") == "ml.m5.xlarge");
}

TEST_CASE("text that does not parse is a proposal only if it shows signs of one", "[proposals]")
{
    std::string why;
    CHECK(looks_like_proposal(SourceFile{"a.yaml", "Resources:\n  X: {Type: AWS::SageMaker::Model\n"}, &why));
    CHECK(why == "it mentions Resources");
    CHECK_FALSE(looks_like_proposal(SourceFile{"tsconfig.json", "{ // comment\n\"compilerOptions\": {}}"}, &why));
    CHECK_FALSE(looks_like_proposal(SourceFile{"t.yaml", "kind: TrainingJob\napiVersion: sagemaker.services.k8s.aws/v1alpha1\nx: {{ .Values.x }}\n"}, &why));
    CHECK(why.rfind("a template ({{ … }} or {% … %})", 0) == 0);
    // CloudFormation dynamic references and Step Functions JSONata are not templates.
    CHECK(looks_like_proposal(SourceFile{"c.yaml", "Resources: {X: {Properties: {P: '{{resolve:ssm:/p}}'}}\n"}));
    CHECK_FALSE(is_template(SourceFile{"s.json", "{\"States\": {\"A\": {\"Output\": \"{% $states.input %}\"}}}"}));
    CHECK(is_template(SourceFile{"j.yaml", "name: x\n{%- if prod %}\nreplicas: 2\n{% endif %}\n"}));
    ReadFailure failure = ReadFailure::None;
    Diagnostics d;
    CHECK_FALSE(read_proposal(SourceFile{"x.json", "{\"hello\": 1}"}, std::nullopt, d, &failure));
    CHECK(failure == ReadFailure::UnknownFormat);
    CHECK_FALSE(read_proposal(SourceFile{"x.json", "{\"a\": }"}, std::nullopt, d, &failure));
    CHECK(failure == ReadFailure::Syntax);
}
