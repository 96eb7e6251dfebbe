// Proposal readers: infrastructure proposals as they arrive in CI (SageMaker API requests,
// CloudFormation, Terraform plans and .tf files, Kubernetes/Kubeflow carriers, mlscale job
// files) turned into job-shaped units whose every field remembers the file, line and column it
// came from. Stage 1 of `mlscale check`: detect -> read -> map onto the job model.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mlscale/diagnostics.hpp"
#include "mlscale/job.hpp"
#include "mlscale/json_document.hpp"
#include "mlscale/source.hpp"

namespace mlscale {

enum class ProposalFormat {
    Job,               ///< an mlscale job file (docs/job.schema.json)
    SageMakerApi,      ///< CreateTrainingJob / DescribeTrainingJob / CreateEndpointConfig / CreateTransformJob / CreateNotebookInstance / CreateModel JSON
    CloudFormation,    ///< a CloudFormation or SAM template, JSON or YAML
    TerraformPlan,     ///< `terraform show -json` output
    Terraform,         ///< Terraform HCL (*.tf), the subset of docs/check.md
    SageMakerPipeline, ///< a SageMaker Pipeline definition JSON
    StepFunctions,     ///< an Amazon States Language definition JSON
    Kubernetes,        ///< ACK SageMaker controller custom resources (YAML, several documents)
    Kubeflow,          ///< Kubeflow Pipelines SageMaker training component arguments (legacy)
};

/// One row of the format table: `--input-format`, `docs/check.md` and detection come from it.
struct ProposalFormatInfo {
    ProposalFormat format;
    const char* name;    ///< the `--input-format` value
    const char* summary; ///< one line for --help and docs
};

/// Every format, in detection order.
const std::vector<ProposalFormatInfo>& proposal_formats();

/// The table row of `format`.
const ProposalFormatInfo& proposal_format_info(ProposalFormat format);

/// The format named `name` (an `--input-format` value), if any.
std::optional<ProposalFormat> proposal_format_named(std::string_view name);

/// Detects the format of `source` from its content (and, for `.tf`, its name). Returns nothing
/// when no format fits.
std::optional<ProposalFormat> detect_proposal_format(const SourceFile& source);

/// Where a job field came from: a position in the proposal and the property's path there.
struct SourceRef {
    Location location;
    std::string path; ///< JSON pointer of the property in the source document, e.g. /Resources/Nb/Properties/RootAccess
};

/// A suppression written in the proposal itself (CloudFormation Metadata, a Terraform tag or
/// comment, a job file's `suppress`).
struct InlineSuppression {
    std::string rule;
    std::string reason;
    std::optional<std::string> expires;
    SourceRef where;
};

/// Where a resource says which environment it belongs to: a tag `environment`, `env` or `stage`
/// (any case) on the resource.
struct EnvironmentTag {
    std::string value; ///< as written, e.g. "prod"
    std::string key;   ///< the tag's key as written
    SourceRef where;
    std::string noun = "tag"; ///< "tag", or "label" for a Kubernetes label
};

/// One resource of a proposal mapped onto the job model: a training job, notebook instance,
/// endpoint configuration, model, transform job, file system or Batch job definition.
struct ProposalUnit {
    std::string resource;      ///< logical id, Terraform address, job name, or step/state name
    std::string resource_type; ///< e.g. AWS::SageMaker::NotebookInstance, aws_fsx_lustre_file_system, CreateTrainingJob
    SourceRef resource_ref;    ///< the resource itself: findings on absent properties point here
    /// Job-shaped JSON: exactly the field names of docs/job.schema.json, plus `name`. Values that
    /// cannot be known statically are left out, so rules SKIP on them.
    nlohmann::json job = nlohmann::json::object();
    std::map<std::string, SourceRef> sources; ///< job JSON pointer -> where the value came from
    std::vector<InlineSuppression> suppressions;
    /// Job fields whose value was assumed rather than written (a CloudFormation parameter's or a
    /// Terraform variable's default): job pointer -> what was assumed, quoted in findings.
    std::map<std::string, std::string> assumptions;
    std::optional<EnvironmentTag> environment; ///< the resource's environment tag, if any

    /// Where the job field at `pointer` came from: the field, its nearest mapped ancestor, or
    /// the resource when the property is absent.
    [[nodiscard]] const SourceRef& locate(const std::string& pointer) const;
};

/// A resource a proposal holds that mlscale does not map (a custom resource, a kind it does not
/// read), counted by kind in every output of check.
struct UninterpretedResource {
    std::string resource;
    std::string kind; ///< e.g. AWS::SageMaker::Endpoint, Custom::CreateNotebook, ACK FeatureGroup
    std::string reason;
};

/// A whole proposal file: its format, its units, and the located document it was read from.
struct ProposalFile {
    std::string file;
    ProposalFormat format = ProposalFormat::Job;
    std::vector<ProposalUnit> units;
    std::vector<UninterpretedResource> uninterpreted; ///< resources seen but not mapped
};

/// Why read_proposal read nothing (when it returns nothing).
enum class ReadFailure {
    None,
    Unreadable,    ///< binary data, invalid UTF-8, a byte-order mark where none is allowed
    Empty,         ///< nothing but white space
    Syntax,        ///< JSON, YAML or HCL that does not parse
    UnknownFormat, ///< parses, but no proposal format fits
};

/// The message of the diagnostic read_proposal adds when no format fits.
inline constexpr const char* k_unknown_format_message = "cannot tell which kind of proposal this is";

/// The message of the diagnostic read_proposal adds for a file with nothing but white space.
inline constexpr const char* k_empty_proposal_message = "file is empty, expected a proposal";

/// Reads one proposal: detects (or takes `forced`) the format, parses it and maps every
/// resource. Malformed content and invalid enum values are errors in `diagnostics` with
/// file:line:column; returns nothing when the file cannot be read at all.
/// `failure` (when given) says why nothing was read.
std::optional<ProposalFile> read_proposal(
    const SourceFile& source, std::optional<ProposalFormat> forced, Diagnostics& diagnostics, ReadFailure* failure = nullptr);

/// Whether text that does not parse still shows signs of being a proposal (CloudFormation,
/// SageMaker, Terraform AWS ML resources, a plan): then its syntax error is reported; otherwise a
/// directory walk or a pre-commit hook skips it as some other kind of file. A template (Helm's
/// or Jinja's `{{ }}`) is never a proposal before it is rendered. `why` says which.
bool looks_like_proposal(const SourceFile& source, std::string* why = nullptr);

/// Whether the text is an unrendered template: Go templates (Helm: `{{ .Values.x }}`,
/// `{{- if … }}`) or Jinja (`{{ name }}`, `{% if … %}`). CloudFormation dynamic references
/// (`{{resolve:ssm:…}}`) and Step Functions JSONata (`{% $states.input %}`) are not.
bool is_template(const SourceFile& source);

// --- Parsers shared by the readers (exposed for their unit tests) ---

/// Parses YAML (one or several documents) into located JSON: `value_spans`/`key_spans` by JSON
/// pointer. CloudFormation short-form tags become long form (`!Ref X` -> {"Ref": "X"},
/// `!GetAtt A.B` -> {"Fn::GetAtt": ["A", "B"]}, `!Sub s` -> {"Fn::Sub": s}); several documents
/// become an array. Syntax errors are diagnostics at the YAML mark.
std::optional<JsonDocument> parse_yaml(const SourceFile& source, Diagnostics& diagnostics);

/// Parses the HCL subset of docs/check.md into located JSON: blocks become arrays of objects
/// under their type (`resource` blocks under resource/<type>/<name>), expressions that need
/// evaluation (references, function calls, templates with interpolation, operators) become
/// `unknown_value(text)`.
std::optional<JsonDocument> parse_hcl(const SourceFile& source, Diagnostics& diagnostics);

/// The marker for a value that is not known before deployment.
nlohmann::json unknown_value(std::string why);

/// True for a value made by `unknown_value`.
bool is_unknown_value(const nlohmann::json& value);

} // namespace mlscale
