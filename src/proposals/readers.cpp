// Format detection and one reader per format: each finds the resources of a proposal and hands
// every one to the mapping of its kind (mapping.cpp).
#include <algorithm>
#include <functional>
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
            "SageMaker API JSON: CreateTrainingJob, DescribeTrainingJob, CreateEndpointConfig, CreateTransformJob, CreateNotebookInstance, CreateModel"},
        {ProposalFormat::CloudFormation, "cloudformation", "CloudFormation or SAM template, JSON or YAML (short-form tags included)"},
        {ProposalFormat::TerraformPlan, "terraform-plan", "`terraform show -json` plan output"},
        {ProposalFormat::Terraform, "terraform", "Terraform configuration (*.tf), the HCL subset of docs/check.md"},
        {ProposalFormat::SageMakerPipeline, "sagemaker-pipeline", "SageMaker Pipeline definition JSON (Training and Transform steps)"},
        {ProposalFormat::StepFunctions, "stepfunctions", "Step Functions state machine (ASL JSON) with SageMaker tasks"},
        {ProposalFormat::Kubernetes, "kubernetes", "ACK SageMaker controller resources (TrainingJob, NotebookInstance, EndpointConfig, ...)"},
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

const char* const k_job_sections[] = {"dataset", "model", "training", "current", "deployment", "security", "notebook", "storage", "etl",
    "ops", "constraints"};

bool is_ack(const json& value)
{
    const json* api = value.is_object() ? proposals::find_member(value, "apiVersion") : nullptr;
    return api != nullptr && api->is_string() && api->get<std::string>().find("sagemaker.services.k8s.aws") != std::string::npos;
}

std::optional<ProposalFormat> classify(const json& value)
{
    if (value.is_array()) {
        const bool all_ack = !value.empty() && std::all_of(value.begin(), value.end(), [](const json& doc) { return doc.is_null() || is_ack(doc); });
        return all_ack ? std::optional(ProposalFormat::Kubernetes) : std::nullopt;
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
    if (is_ack(value)) {
        return ProposalFormat::Kubernetes;
    }
    if (value.contains("Arguments") && value["Arguments"].is_object() &&
        (value["Arguments"].contains("instance_type") || value["Arguments"].contains("channels") ||
            value["Arguments"].contains("training_input_mode"))) {
        return ProposalFormat::Kubeflow;
    }
    for (const char* key : {"AlgorithmSpecification", "TrainingJobStatus", "TrainingJobName", "ProductionVariants", "TransformResources",
             "NotebookInstanceName", "PrimaryContainer", "Containers", "EndpointConfigName", "TransformJobName"}) {
        if (has(key)) {
            return ProposalFormat::SageMakerApi;
        }
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

/// Replaces template placeholders of examples and test fixtures ($VAR, ((VAR)), <<var>>) by
/// unknowns: they are filled in later, so nothing can be said about them.
void mark_placeholders(json& value)
{
    if (value.is_string()) {
        const std::string& text = value.get_ref<const std::string&>();
        const bool shell = text.size() > 1 && text[0] == '$' && text[1] != '.' &&
                           text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_{}", 1) == std::string::npos;
        const bool braces = text.find("((") != std::string::npos && text.find("))") != std::string::npos;
        const bool angles = text.find("<<") != std::string::npos && text.find(">>") != std::string::npos;
        if (shell || braces || angles) {
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
        diagnostics.add(diagnostic_at_offset(source, *bad,
            fmt::format("invalid UTF-8 byte 0x{:02X}", static_cast<unsigned char>(source.text[*bad])), "save the file as UTF-8"));
        return false;
    }
    if (!hcl && source.text.find_first_not_of(" \t\r\n") == std::string::npos) {
        diagnostics.add(diagnostic_at_offset(source, 0, k_empty_proposal_message,
            "give a SageMaker API request, a CloudFormation template or a Terraform plan (`terraform show -json`)"));
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
    {
    }

    void read(ProposalFormat format)
    {
        switch (format) {
        case ProposalFormat::Job: break; // read by load_job, before
        case ProposalFormat::SageMakerApi: read_api(m_document, "", stem()); break;
        case ProposalFormat::CloudFormation: read_cloudformation(); break;
        case ProposalFormat::TerraformPlan: read_terraform_plan(); break;
        case ProposalFormat::Terraform: read_terraform(); break;
        case ProposalFormat::SageMakerPipeline: read_pipeline(m_document, "", stem()); break;
        case ProposalFormat::StepFunctions: read_states(m_document, "", stem()); break;
        case ProposalFormat::Kubernetes: read_kubernetes(); break;
        case ProposalFormat::Kubeflow: read_kubeflow(); break;
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
    ProposalUnit& add_unit(const JsonDocument& document, const std::string& properties, const std::string& at, std::string resource,
        std::string type, const std::function<void(UnitBuilder&)>& map, const PipelineParameters* parameters = nullptr,
        std::string_view name_path = {})
    {
        ProposalUnit unit;
        unit.resource = std::move(resource);
        unit.resource_type = std::move(type);
        unit.resource_ref = proposals::source_ref(document, at);
        if (const auto key = document.key_spans.find(at); key != document.key_spans.end()) {
            unit.resource_ref.location = key->second.begin;
        }
        const ResourceView view(document, properties, parameters);
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
        m_file.units.push_back(std::move(unit));
        return m_file.units.back();
    }

    // --- SageMaker API requests and responses ---
    void read_api(const JsonDocument& document, const std::string& pointer, const std::string& resource)
    {
        const ResourceView view(document, pointer);
        const auto has = [&](const char* key) { return view.get(key).present(); };
        if (has("TrainingJobStatus") || has("TrainingJobArn") || has("SecondaryStatusTransitions")) {
            add_unit(document, pointer, pointer, resource, "DescribeTrainingJob", proposals::map_describe_training_job, nullptr, "TrainingJobName");
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
        } else {
            m_diagnostics.add(document.diagnostic_at(pointer, "no SageMaker request this reader knows",
                "expected CreateTrainingJob, DescribeTrainingJob, CreateEndpointConfig, CreateTransformJob, CreateNotebookInstance or CreateModel fields"));
        }
    }

    // --- CloudFormation ---
    void read_cloudformation()
    {
        const json* resources = proposals::find_member(m_document.value, "Resources");
        if (resources == nullptr || !resources->is_object()) {
            m_diagnostics.add(m_document.diagnostic_at("", "a CloudFormation template needs a Resources map"));
            return;
        }
        for (auto it = resources->begin(); it != resources->end(); ++it) {
            const std::string at = "/Resources/" + escape_pointer_token(it.key());
            const json* type = proposals::find_member(it.value(), "Type");
            if (type == nullptr || !type->is_string()) {
                m_diagnostics.add(m_document.diagnostic_at(at, fmt::format("resource {} has no Type", it.key()), {}, true));
                continue;
            }
            const std::string kind = type->get<std::string>();
            const std::string properties = at + "/Properties";
            const std::size_t before = m_file.units.size();
            if (kind == "AWS::SageMaker::NotebookInstance") {
                add_unit(m_document, properties, at, it.key(), kind, proposals::map_notebook, nullptr, "NotebookInstanceName");
            } else if (kind == "AWS::SageMaker::EndpointConfig") {
                add_unit(m_document, properties, at, it.key(), kind, proposals::map_endpoint_config, nullptr, "EndpointConfigName");
            } else if (kind == "AWS::SageMaker::Model") {
                add_unit(m_document, properties, at, it.key(), kind, proposals::map_model, nullptr, "ModelName");
            } else if (kind == "AWS::FSx::FileSystem") {
                const Found fs_type = ResourceView(m_document, properties).get("FileSystemType");
                if (fs_type.known() && fs_type.value == "LUSTRE") {
                    add_unit(m_document, properties, at, it.key(), kind, proposals::map_fsx_lustre);
                } else if (fs_type.known() && fs_type.value.is_string() && fs_type.value.get<std::string>() != "WINDOWS" &&
                           fs_type.value.get<std::string>() != "ONTAP" && fs_type.value.get<std::string>() != "OPENZFS") {
                    m_diagnostics.add(m_document.diagnostic_at(fs_type.pointer,
                        fmt::format("\"{}\" is not a valid FileSystemType: expected one of WINDOWS, LUSTRE, ONTAP, OPENZFS",
                            fs_type.value.get<std::string>())));
                }
            } else if (kind == "AWS::EFS::FileSystem") {
                add_unit(m_document, properties, at, it.key(), kind, proposals::map_efs);
            } else if (kind == "AWS::Batch::JobDefinition") {
                add_unit(m_document, properties, at, it.key(), kind,
                    [this](UnitBuilder& b) { proposals::map_batch_job_definition(b, m_diagnostics); }, nullptr, "JobDefinitionName");
            } else if (kind == "AWS::SageMaker::Pipeline") {
                read_embedded(m_document, properties + "/PipelineDefinition/PipelineDefinitionBody", it.key(), true);
            } else if (kind == "AWS::StepFunctions::StateMachine" || kind == "AWS::Serverless::StateMachine") {
                const ResourceView view(m_document, properties);
                if (view.get("Definition").known()) {
                    read_states(m_document, view.get("Definition").pointer, it.key());
                } else {
                    read_embedded(m_document, properties + "/DefinitionString", it.key(), false);
                }
            } else if (kind.rfind("Custom::", 0) == 0 || kind == "AWS::CloudFormation::CustomResource") {
                m_file.skipped.push_back(fmt::format("{} ({}): custom resource properties are free-form", it.key(), kind));
            }
            for (std::size_t i = before; i < m_file.units.size(); ++i) {
                add_cloudformation_suppressions(m_file.units[i], at);
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
    void read_embedded(const JsonDocument& outer, const std::string& pointer, const std::string& resource, bool pipeline)
    {
        const ResourceView view(outer, "");
        Found body = proposals::resolve(nlohmann::json(), pointer, nullptr);
        try {
            body = proposals::resolve(outer.value.at(json::json_pointer(pointer)), pointer, nullptr);
        } catch (const json::exception&) {
            return; // PipelineDefinitionS3Location / DefinitionS3Location: the definition is elsewhere
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
                m_file.skipped.push_back(fmt::format("{}: definition built at deploy time (Fn::Join and the like)", resource));
                return;
            }
        }
        if (text.is_object()) {
            // Fn::ToJsonString of a native map: the definition is part of this document.
            if (pipeline) {
                read_pipeline(outer, body.pointer, resource);
            } else {
                read_states(outer, body.pointer, resource);
            }
            return;
        }
        if (!text.is_string()) {
            return;
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
            return;
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
    }

    // --- SageMaker Pipeline definitions ---
    void read_pipeline(const JsonDocument& document, const std::string& pointer, const std::string& resource)
    {
        auto parameters = std::make_unique<PipelineParameters>();
        const ResourceView view(document, pointer);
        const Found list = view.get("Parameters");
        if (list.known() && list.value.is_array()) {
            for (const auto& parameter : list.value) {
                const json* name = proposals::find_member(parameter, "Name");
                const json* value = proposals::find_member(parameter, "DefaultValue");
                if (name != nullptr && name->is_string() && value != nullptr) {
                    (*parameters)[name->get<std::string>()] = *value;
                }
            }
        }
        m_parameters.push_back(std::move(parameters));
        read_steps(document, view.get("Steps").pointer, resource, m_parameters.back().get(), 0);
    }

    void read_steps(const JsonDocument& document, const std::string& pointer, const std::string& resource,
        const PipelineParameters* parameters, int depth)
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
                add_unit(document, s.get("Arguments").pointer, step, label, "SageMaker Pipeline Training step", proposals::map_training_job,
                    parameters);
            } else if (type.known() && type.value == "Transform") {
                add_unit(document, s.get("Arguments").pointer, step, label, "SageMaker Pipeline Transform step",
                    proposals::map_transform_job, parameters);
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
                    add_unit(document, at + "/Parameters", at, label, "Step Functions createTrainingJob task", proposals::map_training_job,
                        nullptr, "TrainingJobName");
                } else if (arn.find("sagemaker:createTransformJob") != std::string::npos) {
                    add_unit(document, at + "/Parameters", at, label, "Step Functions createTransformJob task",
                        proposals::map_transform_job, nullptr, "TransformJobName");
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
    bool map_terraform_resource(const JsonDocument& document, const std::string& type, const std::string& address,
        const std::string& values, const std::string& at)
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
            add_unit(document, values, at, address, type,
                [this](UnitBuilder& b) { proposals::map_batch_job_definition(b, m_diagnostics); }, nullptr, "name");
        } else if (type == "aws_sagemaker_pipeline") {
            read_embedded(document, values + "/pipeline_definition", address, true);
        }
        for (std::size_t i = before; i < m_file.units.size(); ++i) {
            add_tag_suppressions(m_file.units[i], document, values);
        }
        return m_file.units.size() > before;
    }

    void read_terraform()
    {
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
            if (hash != std::string::npos && at != std::string::npos && hash < at &&
                (text[hash] == '#' || text.compare(hash, 2, "//") == 0) && text.compare(at, marker.size() + 1, marker + ":") != 0) {
                std::string rest = text.substr(at + marker.size());
                const auto rule_begin = rest.find_first_not_of(" \t");
                const auto rule_end = rest.find_first_of(" \t", rule_begin);
                InlineSuppression s;
                s.rule = rule_begin == std::string::npos ? "" : rest.substr(rule_begin, rule_end - rule_begin);
                if (rule_end != std::string::npos) {
                    s.reason = rest.substr(rest.find_first_not_of(" \t", rule_end) == std::string::npos ? rest.size()
                                                                                                           : rest.find_first_not_of(" \t", rule_end));
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

    // --- Kubernetes (ACK) and Kubeflow ---
    void read_kubernetes()
    {
        const auto one = [&](const std::string& pointer) {
            const ResourceView doc(m_document, pointer);
            const Found kind = doc.get("kind");
            const Found name = doc.get("metadata/name");
            const std::string label = fmt::format("{}/{}", kind.known() ? kind.value.get<std::string>() : "?",
                name.known() && name.value.is_string() ? name.value.get<std::string>() : stem());
            const std::string spec = pointer + "/spec";
            const std::string type = "ACK " + (kind.known() && kind.value.is_string() ? kind.value.get<std::string>() : "?");
            if (!kind.known()) {
                return;
            }
            if (kind.value == "TrainingJob") {
                add_unit(m_document, spec, pointer, label, type, proposals::map_training_job, nullptr, "trainingJobName");
            } else if (kind.value == "NotebookInstance") {
                add_unit(m_document, spec, pointer, label, type, proposals::map_notebook, nullptr, "notebookInstanceName");
            } else if (kind.value == "EndpointConfig") {
                add_unit(m_document, spec, pointer, label, type, proposals::map_endpoint_config, nullptr, "endpointConfigName");
            } else if (kind.value == "Model") {
                add_unit(m_document, spec, pointer, label, type, proposals::map_model, nullptr, "modelName");
            } else if (kind.value == "TransformJob") {
                add_unit(m_document, spec, pointer, label, type, proposals::map_transform_job, nullptr, "transformJobName");
            } else {
                m_file.skipped.push_back(fmt::format("{}: kind {} is not mapped", label, kind.value.dump()));
            }
        };
        if (m_document.value.is_array()) {
            for (std::size_t i = 0; i < m_document.value.size(); ++i) {
                one("/" + std::to_string(i));
            }
        } else {
            one("");
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

std::optional<ProposalFile> read_proposal(const SourceFile& source, std::optional<ProposalFormat> forced, Diagnostics& diagnostics)
{
    ProposalFile file;
    file.file = source.name;
    const bool hcl = forced ? *forced == ProposalFormat::Terraform : looks_like_hcl(source);
    if (!readable_text(source, hcl, diagnostics)) {
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
        return std::nullopt;
    }
    const auto format = forced ? forced : (hcl ? std::optional(ProposalFormat::Terraform) : classify(document->value));
    if (!format) {
        std::vector<std::string> names;
        for (const auto& info : proposal_formats()) {
            names.emplace_back(info.name);
        }
        Diagnostic d = document->diagnostic_at("", k_unknown_format_message,
            fmt::format("supported: {}; --input-format forces one", fmt::join(names, ", ")));
        diagnostics.add(std::move(d));
        return std::nullopt;
    }
    file.format = *format;
    if (file.format != ProposalFormat::CloudFormation && file.format != ProposalFormat::Terraform) {
        mark_placeholders(document->value);
    }
    Reader reader(source, *document, file, diagnostics);
    reader.read(file.format);
    return file;
}

} // namespace mlscale
