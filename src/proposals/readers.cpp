// Format detection and one reader per format: each finds the resources of a proposal and hands
// every one to the mapping of its kind (mapping.cpp).
#include <cctype>
#include <algorithm>
#include <functional>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "view.hpp"

namespace mlscale {

using nlohmann::json;
using proposals::Found;
using proposals::PipelineParameters;
using proposals::ResourceView;
using proposals::UnitBuilder;

const std::vector<ProposalFormatInfo>& proposal_formats()
{
    static const std::vector<ProposalFormatInfo> table{
        {ProposalFormat::Job, "job", "an mlscale job file (docs/job.schema.json)"},
        {ProposalFormat::SageMakerApi, "sagemaker-api",
            "SageMaker API JSON: CreateTrainingJob, DescribeTrainingJob, CreateHyperParameterTuningJob, CreateEndpointConfig, CreateTransformJob, "
            "Create/DescribeNotebookInstance, CreateModel, CreateCluster, CreateDomain, Model Monitor job definitions"},
        {ProposalFormat::CloudFormation, "cloudformation", "CloudFormation or SAM template, JSON or YAML (short-form tags included)"},
        {ProposalFormat::TerraformPlan, "terraform-plan", "`terraform show -json` plan output"},
        {ProposalFormat::Terraform, "terraform", "Terraform configuration (*.tf), the HCL subset of docs/check.md"},
        {ProposalFormat::SageMakerPipeline, "sagemaker-pipeline", "SageMaker Pipeline definition JSON (Training and Transform steps)"},
        {ProposalFormat::StepFunctions, "stepfunctions", "Step Functions state machine (ASL JSON) with SageMaker tasks"},
        {ProposalFormat::Kubernetes, "kubernetes",
            "SageMaker resources of the ACK controller or the legacy operator (TrainingJob, HyperParameterTuningJob, EndpointConfig, ...), "
            "one or several documents"},
        {ProposalFormat::Kubeflow, "kubeflow", "Kubeflow Pipelines SageMaker training component arguments (legacy)"},
    };
    return table;
}

const ProposalFormatInfo& proposal_format_info(ProposalFormat format)
{
    for (const auto& info : proposal_formats()) {
        if (info.format == format) {
            return info;
        }
    }
    return proposal_formats().front();
}

std::optional<ProposalFormat> proposal_format_named(std::string_view name)
{
    for (const auto& info : proposal_formats()) {
        if (name == info.name) {
            return info.format;
        }
    }
    return std::nullopt;
}

const SourceRef& ProposalUnit::locate(const std::string& pointer) const
{
    std::string current = pointer;
    while (!current.empty()) {
        if (const auto it = sources.find(current); it != sources.end()) {
            return it->second;
        }
        current = current.substr(0, current.find_last_of('/'));
    }
    return resource_ref;
}

namespace {

bool looks_like_hcl(const SourceFile& source)
{
    const auto ends_with = [&](std::string_view suffix) {
        return source.name.size() >= suffix.size() && source.name.compare(source.name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (ends_with(".tf")) {
        return true;
    }
    const auto first = source.text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos || source.text[first] == '{' || source.text[first] == '[') {
        return false;
    }
    for (const char* keyword : {"resource \"", "terraform {", "provider \"", "module \"", "variable \""}) {
        const auto at = source.text.find(keyword);
        if (at != std::string::npos && (at == 0 || source.text[at - 1] == '\n')) {
            return true;
        }
    }
    return false;
}

bool is_json_text(const SourceFile& source)
{
    const auto first = source.text.find_first_not_of(" \t\r\n");
    return first != std::string::npos && (source.text[first] == '{' || source.text[first] == '[');
}

const char* const k_job_sections[] = {"dataset", "model", "training", "current", "deployment", "security", "notebook", "storage", "etl", "ops", "constraints"};

/// A Kubernetes resource of a SageMaker controller: ACK (sagemaker.services.k8s.aws) or the
/// legacy SageMaker Operators for Kubernetes (sagemaker.aws.amazon.com).
bool is_sagemaker_k8s(const json& value)
{
    const json* api = value.is_object() ? proposals::find_member(value, "apiVersion") : nullptr;
    if (api == nullptr || !api->is_string()) {
        return false;
    }
    const std::string& text = api->get_ref<const std::string&>();
    return text.find("sagemaker.services.k8s.aws") != std::string::npos || text.find("sagemaker.aws.amazon.com") != std::string::npos;
}

/// SageMaker API request (or response) fields that name the operation.
bool is_sagemaker_api(const json& value)
{
    const auto has = [&](const char* key) { return value.contains(key); };
    for (const char* key : {"AlgorithmSpecification", "TrainingJobStatus", "TrainingJobName", "ProductionVariants", "TransformResources",
             "NotebookInstanceName", "PrimaryContainer", "Containers", "EndpointConfigName", "TransformJobName", "HyperParameterTuningJobConfig",
             "DataQualityAppSpecification", "ModelQualityAppSpecification", "ModelBiasAppSpecification", "ModelExplainabilityAppSpecification",
             "MonitoringScheduleConfig", "DefaultUserSettings", "AppNetworkAccessType"}) {
        if (has(key)) {
            return true;
        }
    }
    return has("ClusterName") && has("InstanceGroups");
}

std::optional<ProposalFormat> classify(const json& value)
{
    if (value.is_array()) {
        // Several YAML documents: Kubernetes manifests, of which at least one is SageMaker's.
        const bool any = std::any_of(value.begin(), value.end(), [](const json& doc) { return is_sagemaker_k8s(doc); });
        const bool all_documents = std::all_of(value.begin(), value.end(), [](const json& doc) { return doc.is_null() || doc.is_object(); });
        return any && all_documents ? std::optional(ProposalFormat::Kubernetes) : std::nullopt;
    }
    if (!value.is_object()) {
        return std::nullopt;
    }
    const auto has = [&](const char* key) { return value.contains(key); };
    if (has("format_version") && (has("planned_values") || has("resource_changes"))) {
        return ProposalFormat::TerraformPlan;
    }
    if (has("AWSTemplateFormatVersion") || (value.contains("Resources") && value["Resources"].is_object())) {
        return ProposalFormat::CloudFormation;
    }
    if (has("StartAt") && has("States")) {
        return ProposalFormat::StepFunctions;
    }
    if (has("Steps") && value["Steps"].is_array()) {
        return ProposalFormat::SageMakerPipeline;
    }
    if (is_sagemaker_k8s(value)) {
        return ProposalFormat::Kubernetes;
    }
    if (value.contains("Arguments") && value["Arguments"].is_object() &&
        (value["Arguments"].contains("instance_type") || value["Arguments"].contains("channels") || value["Arguments"].contains("training_input_mode"))) {
        return ProposalFormat::Kubeflow;
    }
    if (is_sagemaker_api(value)) {
        return ProposalFormat::SageMakerApi;
    }
    if (value.contains("name") && value["name"].is_string()) {
        for (const char* section : k_job_sections) {
            if (has(section)) {
                return ProposalFormat::Job;
            }
        }
    }
    return std::nullopt;
}

/// Replaces template placeholders of examples and test fixtures ($VAR, ((VAR)), {{var}}, <<var>>,
/// ${name}) by unknowns: they are filled in later, so nothing can be said about them.
void mark_placeholders(json& value)
{
    if (value.is_string()) {
        const std::string& text = value.get_ref<const std::string&>();
        const bool shell =
            text.size() > 1 && text[0] == '$' && text[1] != '.' && text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_{}", 1) == std::string::npos;
        const bool braces = (text.find("((") != std::string::npos && text.find("))") != std::string::npos) ||
            (text.find("{{") != std::string::npos && text.find("}}") != std::string::npos);
        const bool angles = text.find("<<") != std::string::npos && text.find(">>") != std::string::npos;
        // ${name}: a Step Functions DefinitionSubstitution, a CDK or shell template variable.
        const auto dollar = text.find("${");
        const bool substitution = dollar != std::string::npos && text.find('}', dollar) != std::string::npos;
        if (shell || braces || angles || substitution) {
            value = unknown_value("placeholder " + text);
        }
        return;
    }
    if (value.is_object() || value.is_array()) {
        for (auto& item : value) {
            mark_placeholders(item);
        }
    }
}

/// CloudFormation dynamic references (`{{resolve:ssm:/name}}`, `{{resolve:secretsmanager:…}}`)
/// are resolved at deploy time: unknown.
void mark_dynamic_references(json& value)
{
    if (value.is_string()) {
        if (value.get_ref<const std::string&>().find("{{resolve:") != std::string::npos) {
            value = unknown_value("dynamic reference " + value.get<std::string>());
        }
    } else if (value.is_object() || value.is_array()) {
        for (auto& item : value) {
            mark_dynamic_references(item);
        }
    }
}

std::optional<JsonDocument> parse_document(const SourceFile& source, bool hcl, Diagnostics& diagnostics)
{
    if (hcl) {
        return parse_hcl(source, diagnostics);
    }
    if (is_json_text(source)) {
        return parse_json(source, diagnostics);
    }
    return parse_yaml(source, diagnostics);
}

/// Checks every format shares before a parser sees the bytes: binary data, invalid UTF-8 (which
/// yaml-cpp and the HCL reader would carry into names and messages), an empty file (an empty .tf
/// is a valid Terraform file), and a byte-order mark where the format has none.
bool readable_text(const SourceFile& source, bool hcl, Diagnostics& diagnostics)
{
    if (const auto nul = source.text.find('\0'); nul != std::string::npos) {
        diagnostics.add(diagnostic_at_offset(source, nul, "binary data (a NUL byte): not a JSON, YAML or Terraform file",
            "give the proposal's text: a SageMaker API request, a CloudFormation template or Terraform"));
        return false;
    }
    if (const auto bad = invalid_utf8_offset(source.text)) {
        diagnostics.add(diagnostic_at_offset(
            source, *bad, fmt::format("invalid UTF-8 byte 0x{:02X}", static_cast<unsigned char>(source.text[*bad])), "save the file as UTF-8"));
        return false;
    }
    if (!hcl && source.text.find_first_not_of(" \t\r\n") == std::string::npos) {
        diagnostics.add(diagnostic_at_offset(
            source, 0, k_empty_proposal_message, "give a SageMaker API request, a CloudFormation template or a Terraform plan (`terraform show -json`)"));
        return false;
    }
    if (hcl && source.text.rfind("\xEF\xBB\xBF", 0) == 0) {
        diagnostics.add(diagnostic_at_offset(source, 0, "file starts with a UTF-8 byte-order mark", "save the file as UTF-8 without a BOM"));
        return false;
    }
    return true;
}

class Reader {
public:
    Reader(const SourceFile& source, JsonDocument& document, ProposalFile& file, Diagnostics& diagnostics)
        : m_source(source), m_document(document), m_file(file), m_diagnostics(diagnostics)
    { }

    void read(ProposalFormat format)
    {
        switch (format) {
        case ProposalFormat::Job:
            break; // read by load_job, before
        case ProposalFormat::SageMakerApi:
            read_api(m_document, "", stem());
            break;
        case ProposalFormat::CloudFormation:
            read_cloudformation();
            break;
        case ProposalFormat::TerraformPlan:
            read_terraform_plan();
            break;
        case ProposalFormat::Terraform:
            read_terraform();
            break;
        case ProposalFormat::SageMakerPipeline:
            read_pipeline(m_document, "", stem());
            break;
        case ProposalFormat::StepFunctions:
            read_states(m_document, "", stem());
            break;
        case ProposalFormat::Kubernetes:
            read_kubernetes();
            break;
        case ProposalFormat::Kubeflow:
            read_kubeflow();
            break;
        }
    }

private:
    std::string stem() const
    {
        std::string name = m_source.name.substr(m_source.name.find_last_of('/') == std::string::npos ? 0 : m_source.name.find_last_of('/') + 1);
        return name.substr(0, name.find('.'));
    }

    using MapFn = void (*)(UnitBuilder&);

    /// Maps one resource: `properties` is the pointer of its properties, `at` of the resource.
    /// Parameters default to the template's (CloudFormation `Ref`s to parameters with a Default).
    ProposalUnit& add_unit(const JsonDocument& document, const std::string& properties, const std::string& at, std::string resource, std::string type,
        const std::function<void(UnitBuilder&)>& map, const PipelineParameters* parameters = nullptr, std::string_view name_path = {})
    {
        ProposalUnit unit;
        unit.resource = std::move(resource);
        unit.resource_type = std::move(type);
        unit.resource_ref = proposals::source_ref(document, at);
        if (const auto key = document.key_spans.find(at); key != document.key_spans.end()) {
            unit.resource_ref.location = key->second.begin;
        }
        const ResourceView view(document, properties, parameters != nullptr ? parameters : m_outer);
        UnitBuilder builder(view, unit, m_diagnostics);
        std::string name = unit.resource;
        if (!name_path.empty()) {
            const Found found = view.get(name_path);
            if (found.known() && found.value.is_string() && !found.value.get<std::string>().empty()) {
                name = found.value.get<std::string>();
            }
        }
        builder.put_default("/name", name);
        map(builder);
        // Tags are spelled one of these ways in every format (the folded search is slower).
        const json& properties_value = view.value();
        if (properties_value.is_object() && (properties_value.contains("Tags") || properties_value.contains("tags") || properties_value.contains("tags_all"))) {
            unit.environment = environment_tag(view, "Tags|tags_all");
        }
        m_file.units.push_back(std::move(unit));
        return m_file.units.back();
    }

    /// The resource's environment tag (`environment`, `env`, `stage`, any case) in a tag list
    /// ({Key, Value} items) or map at `path` of `view`.
    static std::optional<EnvironmentTag> environment_tag(const ResourceView& view, std::string_view path)
    {
        const Found tags = view.get(path);
        if (!tags.known()) {
            return std::nullopt;
        }
        const auto environment_key = [](const std::string& key) {
            std::string lower;
            for (const char c : key) {
                lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
            return lower == "environment" || lower == "env" || lower == "stage";
        };
        const auto make = [&](const std::string& key, const std::string& pointer) -> std::optional<EnvironmentTag> {
            const Found value = proposals::resolve(view.document().value.at(json::json_pointer(pointer)), pointer, view.parameters());
            if (!value.known() || !value.value.is_string()) {
                return std::nullopt;
            }
            return EnvironmentTag{value.value.get<std::string>(), key, proposals::source_ref(view.document(), pointer)};
        };
        if (tags.value.is_object()) {
            for (auto it = tags.value.begin(); it != tags.value.end(); ++it) {
                if (environment_key(it.key())) {
                    return make(it.key(), tags.pointer + "/" + escape_pointer_token(it.key()));
                }
            }
        } else if (tags.value.is_array()) {
            for (std::size_t i = 0; i < tags.value.size(); ++i) {
                const json* key = proposals::find_member(tags.value[i], "Key");
                std::string value_key;
                if (key != nullptr && key->is_string() && environment_key(key->get<std::string>()) &&
                    proposals::find_member(tags.value[i], "Value", &value_key) != nullptr) {
                    return make(key->get<std::string>(), fmt::format("{}/{}/{}", tags.pointer, i, escape_pointer_token(value_key)));
                }
            }
        }
        return std::nullopt;
    }

    void not_interpreted(std::string resource, std::string kind, std::string reason)
    {
        m_file.uninterpreted.push_back(UninterpretedResource{std::move(resource), std::move(kind), std::move(reason)});
    }

    // --- SageMaker API requests and responses ---
    void read_api(const JsonDocument& document, const std::string& pointer, const std::string& resource)
    {
        const ResourceView view(document, pointer);
        const auto has = [&](const char* key) { return view.get(key).present(); };
        const auto monitoring = [&] {
            return has("DataQualityAppSpecification") || has("ModelQualityAppSpecification") || has("ModelBiasAppSpecification") ||
                has("ModelExplainabilityAppSpecification") || has("MonitoringScheduleConfig");
        };
        if (has("TrainingJobStatus") || has("TrainingJobArn") || has("SecondaryStatusTransitions")) {
            add_unit(document, pointer, pointer, resource, "DescribeTrainingJob", proposals::map_describe_training_job, nullptr, "TrainingJobName");
        } else if (has("HyperParameterTuningJobConfig")) {
            add_unit(document, pointer, pointer, resource, "CreateHyperParameterTuningJob", proposals::map_tuning_job, nullptr, "HyperParameterTuningJobName");
        } else if (has("AlgorithmSpecification") || has("ResourceConfig") || has("InputDataConfig")) {
            add_unit(document, pointer, pointer, resource, "CreateTrainingJob", proposals::map_training_job, nullptr, "TrainingJobName");
        } else if (has("ProductionVariants")) {
            add_unit(document, pointer, pointer, resource, "CreateEndpointConfig", proposals::map_endpoint_config, nullptr, "EndpointConfigName");
        } else if (has("TransformResources")) {
            add_unit(document, pointer, pointer, resource, "CreateTransformJob", proposals::map_transform_job, nullptr, "TransformJobName");
        } else if (has("NotebookInstanceName")) {
            add_unit(document, pointer, pointer, resource, "CreateNotebookInstance", proposals::map_notebook, nullptr, "NotebookInstanceName");
        } else if (has("PrimaryContainer") || has("Containers")) {
            add_unit(document, pointer, pointer, resource, "CreateModel", proposals::map_model, nullptr, "ModelName");
        } else if (monitoring()) {
            add_unit(document, pointer, pointer, resource, "Model Monitor job definition", proposals::map_monitoring_job, nullptr,
                "JobDefinitionName|MonitoringScheduleName");
        } else if (has("InstanceGroups") && has("ClusterName")) {
            read_cluster(document, pointer, resource, "CreateCluster");
        } else if (has("DefaultUserSettings") || has("AppNetworkAccessType")) {
            add_unit(document, pointer, pointer, resource, "CreateDomain", proposals::map_domain, nullptr, "DomainName");
        } else {
            m_diagnostics.add(document.diagnostic_at(pointer, "no SageMaker request this reader knows",
                "expected CreateTrainingJob, DescribeTrainingJob, CreateHyperParameterTuningJob, CreateEndpointConfig, CreateTransformJob, "
                "CreateNotebookInstance, CreateModel, CreateCluster, CreateDomain or a Model Monitor job definition"));
        }
    }

    /// A HyperPod cluster: one unit per instance group (and restricted instance group).
    void read_cluster(const JsonDocument& document, const std::string& properties, const std::string& resource, const std::string& type)
    {
        const ResourceView cluster(document, properties, m_outer);
        for (const char* list : {"InstanceGroups", "RestrictedInstanceGroups"}) {
            const Found groups = cluster.get(list);
            if (!groups.known() || !groups.value.is_array()) {
                continue;
            }
            for (std::size_t i = 0; i < groups.value.size(); ++i) {
                const std::string group = fmt::format("{}/{}", groups.pointer, i);
                const Found name = ResourceView(document, group).get("InstanceGroupName");
                const std::string label =
                    fmt::format("{}/{}", resource, name.known() && name.value.is_string() ? name.value.get<std::string>() : std::to_string(i));
                ProposalUnit& unit =
                    add_unit(document, group, group, label, type + " instance group", [&cluster](UnitBuilder& b) { proposals::map_cluster_group(b, cluster); });
                if (!unit.environment) {
                    unit.environment = environment_tag(cluster, "Tags|tags_all");
                }
            }
        }
    }

    // --- CloudFormation ---
    /// Parameters with a Default: a `Ref` to one is judged by its default, and findings say so.
    /// SSM-typed parameters are left out (their Default names a parameter, not a value).
    void read_template_parameters()
    {
        const json* parameters = proposals::find_member(m_document.value, "Parameters");
        if (parameters == nullptr || !parameters->is_object()) {
            return;
        }
        for (auto it = parameters->begin(); it != parameters->end(); ++it) {
            const json* value = proposals::find_member(it.value(), "Default");
            const json* type = proposals::find_member(it.value(), "Type");
            const bool ssm = type != nullptr && type->is_string() && type->get<std::string>().rfind("AWS::SSM::", 0) == 0;
            if (value != nullptr && !value->is_null() && !ssm && (value->is_string() || value->is_number() || value->is_boolean())) {
                m_template.cloudformation[it.key()] = *value;
            }
        }
    }

    void read_cloudformation()
    {
        const json* resources = proposals::find_member(m_document.value, "Resources");
        if (resources == nullptr || !resources->is_object()) {
            m_diagnostics.add(m_document.diagnostic_at("", "a CloudFormation template needs a Resources map"));
            return;
        }
        read_template_parameters();
        m_outer = &m_template;
        std::vector<std::pair<std::string, std::string>> endpoints; // (Endpoint logical id, pointer)
        for (auto it = resources->begin(); it != resources->end(); ++it) {
            const std::string at = "/Resources/" + escape_pointer_token(it.key());
            const json* type = proposals::find_member(it.value(), "Type");
            if (type == nullptr || !type->is_string()) {
                m_diagnostics.add(m_document.diagnostic_at(at, fmt::format("resource {} has no Type", it.key()), {}, true));
                continue;
            }
            const std::string kind = type->get<std::string>();
            const std::size_t before = m_file.units.size();
            if (kind == "AWS::SageMaker::Endpoint") {
                endpoints.emplace_back(it.key(), at);
            } else if (!read_cloudformation_resource(it.key(), kind, at)) {
                classify_uninterpreted(it.key(), kind);
            }
            for (std::size_t i = before; i < m_file.units.size(); ++i) {
                add_cloudformation_suppressions(m_file.units[i], at);
            }
        }
        for (const auto& [endpoint, at] : endpoints) {
            propagate_endpoint_environment(at + "/Properties", "EndpointConfigName");
        }
    }

    /// Maps one CloudFormation resource; false when its kind is not read.
    bool read_cloudformation_resource(const std::string& id, const std::string& kind, const std::string& at)
    {
        const std::string properties = at + "/Properties";
        static const std::map<std::string, std::pair<void (*)(UnitBuilder&), const char*>> k_simple{
            {"AWS::SageMaker::NotebookInstance", {proposals::map_notebook, "NotebookInstanceName"}},
            {"AWS::SageMaker::EndpointConfig", {proposals::map_endpoint_config, "EndpointConfigName"}},
            {"AWS::SageMaker::Model", {proposals::map_model, "ModelName"}},
            {"AWS::EFS::FileSystem", {proposals::map_efs, nullptr}},
            {"AWS::SageMaker::Domain", {proposals::map_domain, "DomainName"}},
            {"AWS::SageMaker::DataQualityJobDefinition", {proposals::map_monitoring_job, "JobDefinitionName"}},
            {"AWS::SageMaker::ModelQualityJobDefinition", {proposals::map_monitoring_job, "JobDefinitionName"}},
            {"AWS::SageMaker::ModelBiasJobDefinition", {proposals::map_monitoring_job, "JobDefinitionName"}},
            {"AWS::SageMaker::ModelExplainabilityJobDefinition", {proposals::map_monitoring_job, "JobDefinitionName"}},
        };
        if (const auto simple = k_simple.find(kind); simple != k_simple.end()) {
            add_unit(m_document, properties, at, id, kind, simple->second.first, nullptr, simple->second.second ? simple->second.second : "");
            return true;
        }
        if (kind == "AWS::SageMaker::MonitoringSchedule") {
            if (!ResourceView(m_document, properties, m_outer).get("MonitoringScheduleConfig/MonitoringJobDefinition").exists()) {
                not_interpreted(id, kind, "its job definition is a separate resource (MonitoringJobDefinitionName), checked there");
                return true;
            }
            add_unit(m_document, properties, at, id, kind, proposals::map_monitoring_job, nullptr, "MonitoringScheduleName");
            return true;
        }
        if (kind == "AWS::SageMaker::Cluster") {
            read_cluster(m_document, properties, id, kind);
            return true;
        }
        if (kind == "AWS::FSx::FileSystem") {
            const Found fs_type = ResourceView(m_document, properties, m_outer).get("FileSystemType");
            if (fs_type.known() && fs_type.value == "LUSTRE") {
                add_unit(m_document, properties, at, id, kind, proposals::map_fsx_lustre);
            } else if (fs_type.known() && fs_type.value.is_string() && fs_type.value.get<std::string>() != "WINDOWS" &&
                fs_type.value.get<std::string>() != "ONTAP" && fs_type.value.get<std::string>() != "OPENZFS") {
                m_diagnostics.add(m_document.diagnostic_at(fs_type.pointer,
                    fmt::format("\"{}\" is not a valid FileSystemType: expected one of WINDOWS, LUSTRE, ONTAP, OPENZFS", fs_type.value.get<std::string>())));
            } else {
                not_interpreted(id, kind,
                    fs_type.known() ? fmt::format("FileSystemType {}: only LUSTRE is read", fs_type.value.dump()) : "FileSystemType is set at deploy time");
            }
            return true;
        }
        if (kind == "AWS::Batch::JobDefinition") {
            add_unit(
                m_document, properties, at, id, kind, [this](UnitBuilder& b) { proposals::map_batch_job_definition(b, m_diagnostics); }, nullptr,
                "JobDefinitionName");
            return true;
        }
        if (kind == "AWS::SageMaker::Pipeline") {
            if (!read_embedded(m_document, properties + "/PipelineDefinition/PipelineDefinitionBody", id, true)) {
                not_interpreted(id, kind, "the definition is in S3 (PipelineDefinitionS3Location)");
            }
            return true;
        }
        if (kind == "AWS::StepFunctions::StateMachine" || kind == "AWS::Serverless::StateMachine") {
            const ResourceView view(m_document, properties);
            const Found definition = view.get("Definition");
            if (definition.known()) {
                // Placeholders for DefinitionSubstitutions (${name}) are filled in at deploy time.
                mark_placeholders(m_document.value[json::json_pointer(definition.pointer)]);
                read_states(m_document, definition.pointer, id);
            } else if (!read_embedded(m_document, properties + "/DefinitionString", id, false)) {
                not_interpreted(id, kind, "the definition is in S3 (DefinitionS3Location or DefinitionUri)");
            }
            return true;
        }
        return false;
    }

    /// Resources of the services mlscale reads that it does not map, and custom resources, are
    /// counted as not interpreted; other kinds (IAM, networking, ...) are outside its scope.
    void classify_uninterpreted(const std::string& id, const std::string& kind)
    {
        if (kind.rfind("Custom::", 0) == 0 || kind == "AWS::CloudFormation::CustomResource") {
            not_interpreted(id, kind, "custom resource properties are free-form");
        } else if (kind.rfind("AWS::SageMaker::", 0) == 0 || kind == "AWS::Batch::ComputeEnvironment") {
            not_interpreted(id, kind, "this kind is not read");
        }
    }

    /// An Endpoint's environment tag applies to the endpoint configuration it deploys (tags are
    /// usually on the endpoint): EndpointConfigName `!GetAtt Config.EndpointConfigName` or `!Ref Config`.
    void propagate_endpoint_environment(const std::string& properties, std::string_view config_path)
    {
        const ResourceView view(m_document, properties, m_outer);
        const auto tag = environment_tag(view, "Tags|tags_all");
        const Found config = view.get(config_path);
        if (!tag || !config.present()) {
            return;
        }
        if (config.known() && config.value.is_string()) {
            // A plan: the configuration's name is known.
            for (auto& unit : m_file.units) {
                if (unit.job.value("name", "") == config.value.get<std::string>() && !unit.environment) {
                    unit.environment = tag;
                }
            }
            return;
        }
        std::string target;
        try {
            const json& raw = m_document.value.at(json::json_pointer(config.pointer));
            if (const json* ref = proposals::find_member(raw, "Ref"); ref != nullptr && ref->is_string()) {
                target = ref->get<std::string>();
            } else if (const json* attr = proposals::find_member(raw, "Fn::GetAtt"); attr != nullptr) {
                target = attr->is_array() && !attr->empty() && (*attr)[0].is_string() ? (*attr)[0].get<std::string>()
                    : attr->is_string()                                               ? attr->get<std::string>().substr(0, attr->get<std::string>().find('.'))
                                                                                      : std::string();
            } else if (is_unknown_value(raw)) {
                // Terraform: aws_sagemaker_endpoint_configuration.NAME.name
                const std::string text = raw.begin().value().get<std::string>();
                target = text.substr(0, text.rfind('.'));
            }
        } catch (const json::exception&) {
            return;
        }
        for (auto& unit : m_file.units) {
            if (unit.resource == target && !unit.environment) {
                unit.environment = tag;
            }
        }
    }

    void add_cloudformation_suppressions(ProposalUnit& unit, const std::string& at)
    {
        const ResourceView resource(m_document, at);
        const Found list = resource.get("Metadata/mlscale/suppress");
        if (list.known() && list.value.is_array()) {
            for (std::size_t i = 0; i < list.value.size(); ++i) {
                add_suppression(unit, m_document, list.pointer + "/" + std::to_string(i), list.value[i]);
            }
        } else if (list.present()) {
            m_diagnostics.add(m_document.diagnostic_at(list.pointer, "Metadata.mlscale.suppress must be a list of {rule, reason}"));
        }
        add_tag_suppressions(unit, m_document, at + "/Properties");
    }

    void add_suppression(ProposalUnit& unit, const JsonDocument& document, const std::string& pointer, const json& entry)
    {
        InlineSuppression s;
        s.where = proposals::source_ref(document, pointer);
        const json* rule = proposals::find_member(entry, "rule");
        const json* reason = proposals::find_member(entry, "reason");
        const json* expires = proposals::find_member(entry, "expires");
        s.rule = rule != nullptr && rule->is_string() ? rule->get<std::string>() : "";
        s.reason = reason != nullptr && reason->is_string() ? reason->get<std::string>() : "";
        if (expires != nullptr && expires->is_string()) {
            s.expires = expires->get<std::string>();
        }
        unit.suppressions.push_back(std::move(s));
    }

    /// Tags named "mlscale:suppress:<RULE>" whose value is the reason (CloudFormation Tags lists,
    /// Terraform tags maps).
    void add_tag_suppressions(ProposalUnit& unit, const JsonDocument& document, const std::string& properties)
    {
        const ResourceView view(document, properties);
        const Found tags = view.get("Tags");
        if (!tags.known()) {
            return;
        }
        const std::string prefix = "mlscale:suppress:";
        const auto add = [&](const std::string& key, const json& value, const std::string& pointer) {
            if (key.rfind(prefix, 0) == 0) {
                InlineSuppression s;
                s.rule = key.substr(prefix.size());
                s.reason = value.is_string() ? value.get<std::string>() : "";
                s.where = proposals::source_ref(document, pointer);
                unit.suppressions.push_back(std::move(s));
            }
        };
        if (tags.value.is_object()) {
            for (auto it = tags.value.begin(); it != tags.value.end(); ++it) {
                add(it.key(), it.value(), tags.pointer + "/" + escape_pointer_token(it.key()));
            }
        } else if (tags.value.is_array()) {
            for (std::size_t i = 0; i < tags.value.size(); ++i) {
                const json* key = proposals::find_member(tags.value[i], "Key");
                const json* value = proposals::find_member(tags.value[i], "Value");
                if (key != nullptr && key->is_string() && value != nullptr) {
                    add(key->get<std::string>(), *value, tags.pointer + "/" + std::to_string(i));
                }
            }
        }
    }

    /// A JSON document inside a string property (a pipeline body, a state machine definition).
    /// Positions inside a YAML literal block map line by line; otherwise onto the property.
    /// False when the property is absent (the definition is elsewhere, e.g. in S3).
    bool read_embedded(const JsonDocument& outer, const std::string& pointer, const std::string& resource, bool pipeline)
    {
        Found body = proposals::resolve(nlohmann::json(), pointer, nullptr);
        try {
            body = proposals::resolve(outer.value.at(json::json_pointer(pointer)), pointer, nullptr);
        } catch (const json::exception&) {
            return false; // PipelineDefinitionS3Location / DefinitionS3Location: the definition is elsewhere
        }
        std::string text_pointer = body.pointer;
        json text = body.value;
        if (!body.known()) {
            // Fn::Sub "<json with ${Var}>" or Fn::Sub [text, vars]: the JSON text is still there.
            const json& raw = outer.value.at(json::json_pointer(pointer));
            const json* sub = proposals::find_member(raw, "Fn::Sub");
            if (sub != nullptr && sub->is_string()) {
                text = *sub;
                text_pointer = pointer + "/Fn::Sub";
            } else if (sub != nullptr && sub->is_array() && !sub->empty() && (*sub)[0].is_string()) {
                text = (*sub)[0];
                text_pointer = pointer + "/Fn::Sub/0";
            } else {
                not_interpreted(
                    resource, pipeline ? "AWS::SageMaker::Pipeline" : "state machine", "the definition is built at deploy time (Fn::Join and the like)");
                return true;
            }
        }
        if (text.is_object()) {
            // Fn::ToJsonString of a native map: the definition is part of this document.
            if (pipeline) {
                read_pipeline(outer, body.pointer, resource);
            } else {
                read_states(outer, body.pointer, resource);
            }
            return true;
        }
        if (!text.is_string()) {
            return true;
        }
        SourceFile inner{m_source.name, text.get<std::string>()};
        Diagnostics inner_diagnostics;
        auto document = parse_json(inner, inner_diagnostics);
        const auto span = outer.locate(text_pointer);
        const Location base = span ? span->begin : Location{};
        // A literal block (`|`) keeps lines: embedded line L is file line base.line + L.
        const bool literal = base.offset < outer.text.size() && (outer.text[base.offset] == '|' || outer.text[base.offset] == '>');
        std::uint32_t indent = 0;
        if (literal) {
            const std::string next = line_of(outer.text, base.line + 1);
            indent = static_cast<std::uint32_t>(next.find_first_not_of(' ') == std::string::npos ? 0 : next.find_first_not_of(' '));
        }
        const auto translate = [&](Location location) {
            if (!literal) {
                return base;
            }
            Location out{base.line + location.line, location.column + indent, 0};
            return out;
        };
        for (Diagnostic d : inner_diagnostics.items()) {
            if (d.location) {
                d.location = translate(*d.location);
                d.source_line = line_of(outer.text, d.location->line);
            }
            d.message = fmt::format("in the definition of {}: {}", resource, d.message);
            m_diagnostics.add(std::move(d));
        }
        if (!document) {
            return true;
        }
        for (auto& [key, value] : document->value_spans) {
            value.begin = translate(value.begin);
        }
        for (auto& [key, value] : document->key_spans) {
            value.begin = translate(value.begin);
        }
        document->text = outer.text;
        mark_placeholders(document->value);
        m_embedded.push_back(std::make_unique<JsonDocument>(std::move(*document)));
        if (pipeline) {
            read_pipeline(*m_embedded.back(), "", resource);
        } else {
            read_states(*m_embedded.back(), "", resource);
        }
        return true;
    }

    // --- SageMaker Pipeline definitions ---
    void read_pipeline(const JsonDocument& document, const std::string& pointer, const std::string& resource)
    {
        auto parameters = std::make_unique<PipelineParameters>();
        parameters->cloudformation = m_template.cloudformation;
        const ResourceView view(document, pointer);
        const Found list = view.get("Parameters");
        if (list.known() && list.value.is_array()) {
            for (const auto& parameter : list.value) {
                const json* name = proposals::find_member(parameter, "Name");
                const json* value = proposals::find_member(parameter, "DefaultValue");
                if (name != nullptr && name->is_string() && value != nullptr) {
                    parameters->pipeline[name->get<std::string>()] = *value;
                }
            }
        }
        m_parameters.push_back(std::move(parameters));
        read_steps(document, view.get("Steps").pointer, resource, m_parameters.back().get(), 0);
    }

    void read_steps(const JsonDocument& document, const std::string& pointer, const std::string& resource, const PipelineParameters* parameters, int depth)
    {
        const ResourceView view(document, pointer, parameters);
        if (!view.value().is_array() || depth > 16) {
            return;
        }
        for (std::size_t i = 0; i < view.value().size(); ++i) {
            const std::string step = pointer + "/" + std::to_string(i);
            const ResourceView s(document, step, parameters);
            const Found type = s.get("Type");
            const Found name = s.get("Name");
            const std::string label =
                fmt::format("{}/{}", resource, name.known() && name.value.is_string() ? name.value.get<std::string>() : std::to_string(i));
            if (type.known() && type.value == "Training") {
                add_unit(document, s.get("Arguments").pointer, step, label, "SageMaker Pipeline Training step", proposals::map_training_job, parameters);
            } else if (type.known() && type.value == "Transform") {
                add_unit(document, s.get("Arguments").pointer, step, label, "SageMaker Pipeline Transform step", proposals::map_transform_job, parameters);
            } else if (type.known() && type.value == "Condition") {
                read_steps(document, s.get("Arguments/IfSteps").pointer, resource, parameters, depth + 1);
                read_steps(document, s.get("Arguments/ElseSteps").pointer, resource, parameters, depth + 1);
            }
        }
    }

    // --- Step Functions ---
    void read_states(const JsonDocument& document, const std::string& pointer, const std::string& resource, int depth = 0)
    {
        const ResourceView view(document, pointer);
        const Found states = view.get("States");
        if (!states.known() || !states.value.is_object() || depth > 16) {
            return;
        }
        for (auto it = states.value.begin(); it != states.value.end(); ++it) {
            const std::string at = states.pointer + "/" + escape_pointer_token(it.key());
            const ResourceView state(document, at);
            const Found task = state.get("Resource");
            const std::string label = fmt::format("{}/{}", resource, it.key());
            if (task.known() && task.value.is_string()) {
                const std::string arn = task.value.get<std::string>();
                if (arn.find("sagemaker:createTrainingJob") != std::string::npos) {
                    add_unit(document, at + "/Parameters", at, label, "Step Functions createTrainingJob task", proposals::map_training_job, nullptr,
                        "TrainingJobName");
                } else if (arn.find("sagemaker:createTransformJob") != std::string::npos) {
                    add_unit(document, at + "/Parameters", at, label, "Step Functions createTransformJob task", proposals::map_transform_job, nullptr,
                        "TransformJobName");
                }
            }
            const Found branches = state.get("Branches");
            if (branches.known() && branches.value.is_array()) {
                for (std::size_t i = 0; i < branches.value.size(); ++i) {
                    read_states(document, branches.pointer + "/" + std::to_string(i), resource, depth + 1);
                }
            }
            for (const char* nested : {"Iterator", "ItemProcessor"}) {
                const Found inner = state.get(nested);
                if (inner.known()) {
                    read_states(document, inner.pointer, resource, depth + 1);
                }
            }
        }
    }

    // --- Terraform ---
    bool map_terraform_resource(
        const JsonDocument& document, const std::string& type, const std::string& address, const std::string& values, const std::string& at)
    {
        const std::size_t before = m_file.units.size();
        if (type == "aws_sagemaker_notebook_instance") {
            add_unit(document, values, at, address, type, proposals::map_notebook, nullptr, "name");
        } else if (type == "aws_sagemaker_endpoint_configuration") {
            add_unit(document, values, at, address, type, proposals::map_endpoint_config, nullptr, "name");
        } else if (type == "aws_sagemaker_model") {
            add_unit(document, values, at, address, type, proposals::map_model, nullptr, "name");
        } else if (type == "aws_sagemaker_training_job") {
            add_unit(document, values, at, address, type, proposals::map_training_job, nullptr, "training_job_name");
        } else if (type == "aws_fsx_lustre_file_system") {
            add_unit(document, values, at, address, type, proposals::map_fsx_lustre);
        } else if (type == "aws_efs_file_system") {
            add_unit(document, values, at, address, type, proposals::map_efs, nullptr, "creation_token");
        } else if (type == "aws_batch_job_definition") {
            add_unit(
                document, values, at, address, type, [this](UnitBuilder& b) { proposals::map_batch_job_definition(b, m_diagnostics); }, nullptr, "name");
        } else if (type == "aws_sagemaker_domain") {
            add_unit(document, values, at, address, type, proposals::map_domain, nullptr, "domain_name");
        } else if (type == "aws_sagemaker_data_quality_job_definition") {
            add_unit(document, values, at, address, type, proposals::map_monitoring_job, nullptr, "name");
        } else if (type == "aws_sagemaker_pipeline") {
            if (!read_embedded(document, values + "/pipeline_definition", address, true)) {
                not_interpreted(address, type, "the definition is in S3 (pipeline_definition_s3_location)");
            }
        } else if (type == "aws_sagemaker_endpoint") {
            m_terraform_endpoints.emplace_back(values);
        } else if (type.rfind("aws_sagemaker_", 0) == 0 || type == "aws_batch_compute_environment") {
            not_interpreted(address, type, "this kind is not read");
        }
        for (std::size_t i = before; i < m_file.units.size(); ++i) {
            add_tag_suppressions(m_file.units[i], document, values);
        }
        return m_file.units.size() > before;
    }

    /// Terraform variables with a default: an attribute that is exactly `var.NAME` is judged by
    /// the default, and findings say so (plans already hold the values Terraform chose).
    void substitute_variable_defaults()
    {
        const json* variables = proposals::find_member(m_document.value, "variable");
        if (variables == nullptr || !variables->is_object() || !m_document.value.contains("resource")) {
            return;
        }
        std::map<std::string, json> defaults;
        for (auto it = variables->begin(); it != variables->end(); ++it) {
            const json& block = it.value().is_array() && !it.value().empty() ? it.value()[0] : it.value();
            const json* value = proposals::find_member(block, "default");
            if (value != nullptr && !value->is_null() && !is_unknown_value(*value)) {
                defaults[it.key()] = *value;
            }
        }
        if (defaults.empty()) {
            return;
        }
        const std::function<void(json&)> walk = [&](json& node) {
            if (is_unknown_value(node)) {
                const std::string text = node.begin().value().get<std::string>();
                if (text.rfind("var.", 0) == 0) {
                    if (const auto it = defaults.find(text.substr(4)); it != defaults.end()) {
                        node = proposals::assumed_value(it->second, fmt::format("the default of variable {}", it->first));
                    }
                }
            } else if (node.is_object() || node.is_array()) {
                for (auto& child : node) {
                    walk(child);
                }
            }
        };
        walk(m_document.value["resource"]);
    }

    void read_terraform()
    {
        substitute_variable_defaults();
        const json* resources = proposals::find_member(m_document.value, "resource");
        if (resources == nullptr || !resources->is_object()) {
            return;
        }
        std::vector<std::pair<std::uint32_t, std::size_t>> starts; // resource header line -> unit index
        for (auto type = resources->begin(); type != resources->end(); ++type) {
            if (!type.value().is_object()) {
                continue;
            }
            for (auto name = type.value().begin(); name != type.value().end(); ++name) {
                const std::string at = "/resource/" + escape_pointer_token(type.key()) + "/" + escape_pointer_token(name.key());
                const std::size_t before = m_file.units.size();
                map_terraform_resource(m_document, type.key(), type.key() + "." + name.key(), at, at);
                for (std::size_t i = before; i < m_file.units.size(); ++i) {
                    starts.emplace_back(m_file.units[i].resource_ref.location.line, i);
                }
            }
        }
        add_comment_suppressions(starts);
        for (const auto& values : m_terraform_endpoints) {
            propagate_endpoint_environment(values, "endpoint_config_name");
        }
    }

    /// `# mlscale:suppress RULE reason` comments: on the lines just above a resource block, or
    /// inside it, apply to that resource.
    void add_comment_suppressions(std::vector<std::pair<std::uint32_t, std::size_t>> starts)
    {
        std::sort(starts.begin(), starts.end());
        const std::string marker = "mlscale:suppress";
        std::uint32_t line = 0;
        std::size_t begin = 0;
        while (begin <= m_source.text.size()) {
            ++line;
            auto end = m_source.text.find('\n', begin);
            const std::string text = m_source.text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
            const auto hash = text.find_first_of("#/");
            const auto at = text.find(marker);
            if (hash != std::string::npos && at != std::string::npos && hash < at && (text[hash] == '#' || text.compare(hash, 2, "//") == 0) &&
                text.compare(at, marker.size() + 1, marker + ":") != 0) {
                std::string rest = text.substr(at + marker.size());
                const auto rule_begin = rest.find_first_not_of(" \t");
                const auto rule_end = rest.find_first_of(" \t", rule_begin);
                InlineSuppression s;
                s.rule = rule_begin == std::string::npos ? "" : rest.substr(rule_begin, rule_end - rule_begin);
                if (rule_end != std::string::npos) {
                    s.reason =
                        rest.substr(rest.find_first_not_of(" \t", rule_end) == std::string::npos ? rest.size() : rest.find_first_not_of(" \t", rule_end));
                }
                while (!s.reason.empty() && (s.reason.back() == '\r' || s.reason.back() == ' ')) {
                    s.reason.pop_back();
                }
                s.where.location = Location{line, static_cast<std::uint32_t>(hash + 1), static_cast<std::uint32_t>(begin + hash)};
                s.where.path = fmt::format("line {}", line);
                // The next resource if only comments and blank lines separate them, else the enclosing one.
                std::optional<std::size_t> target;
                for (const auto& [start, index] : starts) {
                    if (start > line) {
                        bool adjacent = true;
                        for (std::uint32_t l = line + 1; l < start; ++l) {
                            const std::string between = line_of(m_source.text, l);
                            const auto first = between.find_first_not_of(" \t\r");
                            if (first != std::string::npos && between[first] != '#' && between.compare(first, 2, "//") != 0) {
                                adjacent = false;
                            }
                        }
                        if (adjacent) {
                            target = index;
                        }
                        break;
                    }
                    target = index;
                }
                if (target) {
                    m_file.units[*target].suppressions.push_back(std::move(s));
                }
            }
            if (end == std::string::npos) {
                break;
            }
            begin = end + 1;
        }
    }

    void read_terraform_plan()
    {
        // Unknown-after-apply attributes are absent from planned values and flagged in
        // resource_changes[].change.after_unknown: put an unknown marker where they belong.
        std::map<std::string, const json*> unknowns;
        if (const json* changes = proposals::find_member(m_document.value, "resource_changes"); changes != nullptr && changes->is_array()) {
            for (const auto& change : *changes) {
                const json* address = proposals::find_member(change, "address");
                const json* after = change.contains("change") ? proposals::find_member(change["change"], "after_unknown") : nullptr;
                if (address != nullptr && address->is_string() && after != nullptr) {
                    unknowns[address->get<std::string>()] = after;
                }
            }
        }
        json planned = m_document.value.contains("planned_values") ? m_document.value["planned_values"] : json();
        read_plan_module(planned.contains("root_module") ? planned["root_module"] : json(), "/planned_values/root_module", unknowns, 0);
        for (const auto& values : m_terraform_endpoints) {
            propagate_endpoint_environment(values, "endpoint_config_name");
        }
    }

    static void merge_unknowns(json& values, const json& unknown)
    {
        if (unknown.is_object() && values.is_object()) {
            for (auto it = unknown.begin(); it != unknown.end(); ++it) {
                if (it.value() == true && (!values.contains(it.key()) || values[it.key()].is_null())) {
                    values[it.key()] = unknown_value("known after apply");
                } else if (values.contains(it.key())) {
                    merge_unknowns(values[it.key()], it.value());
                }
            }
        } else if (unknown.is_array() && values.is_array()) {
            for (std::size_t i = 0; i < unknown.size() && i < values.size(); ++i) {
                if (unknown[i] == true && values[i].is_null()) {
                    values[i] = unknown_value("known after apply");
                } else {
                    merge_unknowns(values[i], unknown[i]);
                }
            }
        }
    }

    void read_plan_module(const json& module, const std::string& pointer, const std::map<std::string, const json*>& unknowns, int depth)
    {
        if (!module.is_object() || depth > 32) {
            return;
        }
        if (module.contains("resources") && module["resources"].is_array()) {
            for (std::size_t i = 0; i < module["resources"].size(); ++i) {
                const json& resource = module["resources"][i];
                if (resource.value("mode", "managed") != "managed" || !resource.contains("type")) {
                    continue;
                }
                const std::string at = pointer + "/resources/" + std::to_string(i);
                const std::string address = resource.value("address", "");
                if (const auto it = unknowns.find(address); it != unknowns.end()) {
                    json& values = m_document.value[json::json_pointer(at + "/values")];
                    merge_unknowns(values, *it->second);
                }
                map_terraform_resource(m_document, resource["type"].get<std::string>(), address, at + "/values", at);
            }
        }
        if (module.contains("child_modules") && module["child_modules"].is_array()) {
            for (std::size_t i = 0; i < module["child_modules"].size(); ++i) {
                read_plan_module(module["child_modules"][i], pointer + "/child_modules/" + std::to_string(i), unknowns, depth + 1);
            }
        }
    }

    // --- Kubernetes (ACK, and the legacy SageMaker Operators for Kubernetes) and Kubeflow ---
    void read_kubernetes()
    {
        if (m_document.value.is_array()) {
            for (std::size_t i = 0; i < m_document.value.size(); ++i) {
                read_kubernetes_resource("/" + std::to_string(i));
            }
        } else {
            read_kubernetes_resource("");
        }
    }

    /// One manifest. ACK spells the API in lowerCamelCase (as the legacy operator does), so the
    /// API mappings read both; other kinds of the SageMaker groups are counted as not
    /// interpreted, and manifests of other groups (a ConfigMap beside them) are outside scope.
    void read_kubernetes_resource(const std::string& pointer)
    {
        const ResourceView doc(m_document, pointer);
        if (!is_sagemaker_k8s(doc.value())) {
            return;
        }
        const Found kind = doc.get("kind");
        const Found name = doc.get("metadata/name");
        const std::string kind_name = kind.known() && kind.value.is_string() ? kind.value.get<std::string>() : "?";
        const std::string label = fmt::format("{}/{}", kind_name, name.known() && name.value.is_string() ? name.value.get<std::string>() : stem());
        const Found api = doc.get("apiVersion");
        const bool legacy = api.known() && api.value.get<std::string>().find("sagemaker.aws.amazon.com") != std::string::npos;
        const std::string type = (legacy ? "SageMaker operator " : "ACK ") + kind_name;
        const std::string spec = pointer + "/spec";
        const std::size_t before = m_file.units.size();
        if (kind_name == "TrainingJob") {
            add_unit(m_document, spec, pointer, label, type, proposals::map_training_job, nullptr, "trainingJobName");
        } else if (kind_name == "HyperParameterTuningJob" || kind_name == "HyperparameterTuningJob") {
            add_unit(m_document, spec, pointer, label, type, proposals::map_tuning_job, nullptr, "hyperParameterTuningJobName");
        } else if (kind_name == "NotebookInstance") {
            add_unit(m_document, spec, pointer, label, type, proposals::map_notebook, nullptr, "notebookInstanceName");
        } else if (kind_name == "EndpointConfig" || kind_name == "HostingDeployment") {
            // A legacy HostingDeployment holds the endpoint configuration's productionVariants.
            add_unit(m_document, spec, pointer, label, type, proposals::map_endpoint_config, nullptr, "endpointConfigName");
            read_hosting_models(spec, label, type);
        } else if (kind_name == "Model") {
            add_unit(m_document, spec, pointer, label, type, proposals::map_model, nullptr, "modelName");
        } else if (kind_name == "TransformJob" || kind_name == "BatchTransformJob") {
            add_unit(m_document, spec, pointer, label, type, proposals::map_transform_job, nullptr, "transformJobName");
        } else if (kind_name == "DataQualityJobDefinition" || kind_name == "ModelQualityJobDefinition" || kind_name == "ModelBiasJobDefinition" ||
            kind_name == "ModelExplainabilityJobDefinition") {
            add_unit(m_document, spec, pointer, label, type, proposals::map_monitoring_job, nullptr, "jobDefinitionName");
        } else if (kind_name == "Domain") {
            add_unit(m_document, spec, pointer, label, type, proposals::map_domain, nullptr, "domainName");
        } else {
            not_interpreted(label, type, "this kind is not read");
        }
        for (std::size_t i = before; i < m_file.units.size(); ++i) {
            if (!m_file.units[i].environment) {
                m_file.units[i].environment = environment_tag(doc, "metadata/labels");
                if (m_file.units[i].environment) {
                    m_file.units[i].environment->noun = "label";
                }
            }
        }
    }

    void read_hosting_models(const std::string& spec, const std::string& label, const std::string& type)
    {
        const Found models = ResourceView(m_document, spec).get("models");
        if (!models.known() || !models.value.is_array()) {
            return;
        }
        for (std::size_t i = 0; i < models.value.size(); ++i) {
            const std::string at = fmt::format("{}/{}", models.pointer, i);
            const Found name = ResourceView(m_document, at).get("name");
            add_unit(m_document, at, at,
                fmt::format("{}/{}", label, name.known() && name.value.is_string() ? name.value.get<std::string>() : std::to_string(i)), type + " model",
                proposals::map_model, nullptr, "name");
        }
    }

    void read_kubeflow()
    {
        const ResourceView top(m_document, "");
        const Found name = top.get("TestName");
        add_unit(m_document, "/Arguments", "/Arguments", name.known() && name.value.is_string() ? name.value.get<std::string>() : stem(),
            "Kubeflow SageMaker training component", proposals::map_kubeflow_training);
    }

    const SourceFile& m_source;
    JsonDocument& m_document;
    ProposalFile& m_file;
    Diagnostics& m_diagnostics;
    std::vector<std::unique_ptr<JsonDocument>> m_embedded;
    std::vector<std::unique_ptr<PipelineParameters>> m_parameters;
    std::vector<std::string> m_terraform_endpoints; ///< aws_sagemaker_endpoint blocks: their tags reach the configuration
    PipelineParameters m_template;                  ///< CloudFormation parameters' defaults (and Terraform's, unused)
    const PipelineParameters* m_outer = nullptr;    ///< what add_unit resolves with by default
};

/// A job file as one unit: every field is located where it is written.
void read_job(const SourceFile& source, ProposalFile& file, Diagnostics& diagnostics)
{
    auto job = load_job(source, diagnostics);
    if (!job) {
        return;
    }
    ProposalUnit unit;
    unit.resource = job->name;
    unit.resource_type = "mlscale job";
    unit.resource_ref = proposals::source_ref(job->document, "");
    unit.job = job->document.value;
    job->document.ensure_positions();
    for (const auto& [pointer, span] : job->document.value_spans) {
        unit.sources[pointer] = SourceRef{span.begin, pointer};
    }
    for (const auto& s : job->suppress) {
        unit.suppressions.push_back(InlineSuppression{s.rule, s.reason, s.expires, proposals::source_ref(job->document, s.pointer)});
    }
    file.units.push_back(std::move(unit));
}

} // namespace

std::optional<ProposalFormat> detect_proposal_format(const SourceFile& source)
{
    if (looks_like_hcl(source)) {
        return ProposalFormat::Terraform;
    }
    Diagnostics quiet;
    const auto document = parse_document(source, false, quiet);
    return document ? classify(document->value) : std::nullopt;
}

std::optional<ProposalFile> read_proposal(const SourceFile& source, std::optional<ProposalFormat> forced, Diagnostics& diagnostics, ReadFailure* failure)
{
    ReadFailure ignored = ReadFailure::None;
    ReadFailure& why = failure != nullptr ? *failure : ignored;
    why = ReadFailure::None;
    ProposalFile file;
    file.file = source.name;
    const bool hcl = forced ? *forced == ProposalFormat::Terraform : looks_like_hcl(source);
    if (!readable_text(source, hcl, diagnostics)) {
        why = !hcl && source.text.find_first_not_of(" \t\r\n") == std::string::npos ? ReadFailure::Empty : ReadFailure::Unreadable;
        return std::nullopt;
    }
    if (forced == ProposalFormat::Job || (!forced && !hcl && is_json_text(source) && [&] {
            Diagnostics quiet;
            const auto document = parse_json(source, quiet);
            return document && classify(document->value) == ProposalFormat::Job;
        }())) {
        file.format = ProposalFormat::Job;
        read_job(source, file, diagnostics);
        return file;
    }
    auto document = parse_document(source, hcl, diagnostics);
    if (!document) {
        why = ReadFailure::Syntax;
        return std::nullopt;
    }
    const auto format = forced ? forced : (hcl ? std::optional(ProposalFormat::Terraform) : classify(document->value));
    if (!format) {
        std::vector<std::string> names;
        for (const auto& info : proposal_formats()) {
            names.emplace_back(info.name);
        }
        Diagnostic d = document->diagnostic_at("", k_unknown_format_message, fmt::format("supported: {}; --input-format forces one", fmt::join(names, ", ")));
        diagnostics.add(std::move(d));
        why = ReadFailure::UnknownFormat;
        return std::nullopt;
    }
    file.format = *format;
    if (file.format == ProposalFormat::CloudFormation) {
        if (source.text.find("{{resolve:") != std::string::npos) {
            mark_dynamic_references(document->value);
        }
    } else if (file.format != ProposalFormat::Terraform) {
        mark_placeholders(document->value);
    }
    Reader reader(source, *document, file, diagnostics);
    reader.read(file.format);
    return file;
}

bool is_template(const SourceFile& source)
{
    const std::string& text = source.text;
    for (const std::string_view open : {std::string_view("{{"), std::string_view("{%")}) {
        for (auto at = text.find(open); at != std::string::npos; at = text.find(open, at + 2)) {
            std::size_t i = at + 2;
            if (i < text.size() && text[i] == '-') {
                ++i;
            }
            while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) {
                ++i;
            }
            if (i >= text.size()) {
                break;
            }
            // Go templates start with a field, a variable or a word; Jinja with a word. A word is
            // followed by a space or the end of the action (`{{resolve:` is CloudFormation's).
            if (open == "{{" && (text[i] == '.' || text[i] == '$')) {
                return true;
            }
            std::size_t end = i;
            while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) != 0 || text[end] == '_')) {
                ++end;
            }
            if (end > i && std::isalpha(static_cast<unsigned char>(text[i])) != 0 && end < text.size() &&
                (text[end] == ' ' || text[end] == '}' || text[end] == '%' || text[end] == '-')) {
                return true;
            }
        }
    }
    return false;
}

bool looks_like_proposal(const SourceFile& source, std::string* why)
{
    const std::string& text = source.text;
    if (is_template(source)) {
        if (why != nullptr) {
            *why = "a template ({{ … }} or {% … %}): check what it renders to, e.g. `helm template . | mlscale check - --stdin-filename chart.yaml`";
        }
        return false;
    }
    // Words only proposals use: CloudFormation, the SageMaker API and its controllers, the
    // Terraform types and plan keys mlscale reads. Case matters ("Resources", not "resources:").
    static const char* const k_markers[] = {"AWSTemplateFormatVersion", "Resources", "AWS::SageMaker", "AWS::FSx", "AWS::EFS", "AWS::Batch",
        "AWS::StepFunctions", "AWS::Serverless", "sagemaker", "SageMaker", "TrainingJobName", "AlgorithmSpecification", "ProductionVariants",
        "NotebookInstance", "planned_values", "resource_changes", "aws_fsx_", "aws_efs_", "aws_batch_"};
    for (const char* marker : k_markers) {
        if (text.find(marker) != std::string::npos) {
            if (why != nullptr) {
                *why = fmt::format("it mentions {}", marker);
            }
            return true;
        }
    }
    if (why != nullptr) {
        *why = "nothing in it names a proposal format (no CloudFormation, SageMaker or Terraform AWS ML resource)";
    }
    return false;
}

} // namespace mlscale
