// Internal to the proposal readers: a located view of one resource's properties that resolves
// names across casings (PascalCase, lowerCamelCase, snake_case), Terraform's one-element block
// lists and the "cannot be known" forms of every format; and the builder that writes job fields
// together with where they came from.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mlscale/diagnostics.hpp"
#include "mlscale/json_document.hpp"
#include "mlscale/proposals.hpp"

namespace mlscale::proposals {

/// A property as found: absent, present but unknown before deployment, or known.
struct Found {
    enum class State { Absent, Unknown, Known };
    State state = State::Absent;
    nlohmann::json value;        ///< the known value (intrinsics that are transparent already removed)
    std::string pointer;         ///< source JSON pointer of the property (or of the deepest ancestor found)
    bool unknown_parent = false; ///< Unknown because an enclosing object is unknown, not the property itself
    /// Known only by assumption: "the default of parameter X" (CloudFormation, pipeline) or "the
    /// default of variable x" (Terraform). Empty when the value is written in place.
    std::string assumed;

    [[nodiscard]] bool known() const
    {
        return state == State::Known;
    }
    [[nodiscard]] bool present() const
    {
        return state != State::Absent;
    }
    /// Present and not an empty list or object (Terraform writes absent blocks as []).
    [[nodiscard]] bool exists() const
    {
        return state == State::Unknown || (state == State::Known && !((value.is_array() || value.is_object()) && value.empty()));
    }
};

/// Values a proposal leaves to deploy time but declares a default for, which resolve to that
/// default (and say so): SageMaker Pipeline parameters (`{"Get": "Parameters.X"}`, DefaultValue)
/// and CloudFormation parameters (`{"Ref": "X"}`, Default).
struct Parameters {
    std::map<std::string, nlohmann::json> pipeline;
    std::map<std::string, nlohmann::json> cloudformation;
};
using PipelineParameters = Parameters;

/// A value that stands for another with a stated assumption (a Terraform `var.x` replaced by the
/// variable's default): resolves as Known with `why` as Found::assumed.
nlohmann::json assumed_value(nlohmann::json value, std::string why);

class ResourceView {
public:
    ResourceView(const JsonDocument& document, std::string pointer, const PipelineParameters* parameters = nullptr);

    /// The property at `path` ("ResourceConfig/InstanceType"; alternatives separated by '|').
    [[nodiscard]] Found get(std::string_view path) const;
    /// The raw JSON of the resource's properties.
    [[nodiscard]] const nlohmann::json& value() const
    {
        return *m_value;
    }
    [[nodiscard]] const std::string& pointer() const
    {
        return m_pointer;
    }
    [[nodiscard]] const JsonDocument& document() const
    {
        return m_document;
    }
    [[nodiscard]] const PipelineParameters* parameters() const
    {
        return m_parameters;
    }
    /// A view on a sub-object (e.g. one channel).
    [[nodiscard]] ResourceView at(const std::string& relative_pointer) const;

private:
    [[nodiscard]] Found get_one(std::string_view path) const;

    const JsonDocument& m_document;
    std::string m_pointer;
    const nlohmann::json* m_value;
    const PipelineParameters* m_parameters;
};

/// Resolves the "cannot be known" forms: CloudFormation intrinsics (Ref to AWS::NoValue is
/// absent; Fn::ToJsonString is transparent; Fn::Sub without ${} is its string), Terraform
/// unknowns, SageMaker Pipeline expressions (Parameters.* resolve to their defaults).
Found resolve(const nlohmann::json& value, std::string pointer, const PipelineParameters* parameters);

/// An image URI that is partly built at deploy time (`Fn::Join`, `Fn::Sub`, a Terraform
/// reference): Known, with the unknown parts written `${Name}`, when what follows the repository
/// is still literal — a tag (`!Join [":", [!Ref Repo, "latest"]]`) or visibly none
/// (`!Sub "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/repo"`); otherwise as `get`.
Found image_reference(const ResourceView& view, std::string_view path);

/// A property's number: a JSON number or a string holding a finite one (CloudFormation writes
/// numbers either way).
std::optional<double> as_number(const nlohmann::json& value);

/// The key of `object` that matches `name` ignoring case, '_' and '-' (exact match first).
const nlohmann::json* find_member(const nlohmann::json& object, std::string_view name, std::string* actual_key = nullptr);

/// An allowed set of values for a property, and what each becomes in the job.
struct EnumSpec {
    std::vector<std::pair<std::string, nlohmann::json>> values;
};

/// Writes job fields into a unit, remembering their source; reports invalid values.
class UnitBuilder {
public:
    UnitBuilder(const ResourceView& view, ProposalUnit& unit, Diagnostics& diagnostics) : m_view(view), m_unit(unit), m_diagnostics(diagnostics) { }

    /// Sets `job_pointer` to `value`, located at `from` (or at the resource when absent).
    void put(const std::string& job_pointer, nlohmann::json value, const Found& from);
    /// Sets `job_pointer` to the API default for an absent property, located at the resource.
    void put_default(const std::string& job_pointer, nlohmann::json value);

    // Typed copies: each reads `path`, converts, and puts; absent or unknown values are left out.
    Found string(const std::string& job_pointer, std::string_view path);
    Found boolean(const std::string& job_pointer, std::string_view path, std::optional<bool> absent_default = std::nullopt);
    Found integer(const std::string& job_pointer, std::string_view path);
    Found number(const std::string& job_pointer, std::string_view path, double scale = 1.0);
    /// Presence of a property (a set KMS key, a VPC config): known true even when its value is unknown.
    Found presence(const std::string& job_pointer, std::string_view path, bool absent_means_false = true);
    /// An enumerated property: invalid values are errors at the value; `job_pointer` may be empty (check only).
    Found enumeration(const std::string& job_pointer, std::string_view path, const EnumSpec& spec, std::optional<nlohmann::json> absent_default = std::nullopt);
    /// A SageMaker instance type ("ml." + family + size); the job field keeps it as written.
    Found instance_type(const std::string& job_pointer, std::string_view path, bool require_ml_prefix = true);

    void error(const Found& at, std::string message, std::string help = {});
    void warning(const Found& at, std::string message, std::string help = {});

    /// A builder for a part of the resource (one channel, one variant), writing into the same unit.
    [[nodiscard]] UnitBuilder part(const ResourceView& view) const
    {
        return UnitBuilder(view, m_unit, m_diagnostics);
    }
    [[nodiscard]] Diagnostics& diagnostics() const
    {
        return m_diagnostics;
    }
    [[nodiscard]] const ResourceView& view() const
    {
        return m_view;
    }
    [[nodiscard]] ProposalUnit& unit()
    {
        return m_unit;
    }

private:
    const ResourceView& m_view;
    ProposalUnit& m_unit;
    Diagnostics& m_diagnostics;
};

/// A SourceRef for a source pointer of `document` (the nearest located ancestor).
SourceRef source_ref(const JsonDocument& document, const std::string& pointer);

/// Sets `*target` at JSON pointer `pointer`, creating objects on the way.
void set_at(nlohmann::json& target, const std::string& pointer, nlohmann::json value);

// The resource kinds, each mapping one resource's properties onto the job model.
void map_training_job(UnitBuilder& builder);
void map_describe_training_job(UnitBuilder& builder);
void map_notebook(UnitBuilder& builder);
void map_endpoint_config(UnitBuilder& builder);
void map_model(UnitBuilder& builder);
void map_transform_job(UnitBuilder& builder);
void map_fsx_lustre(UnitBuilder& builder);
void map_efs(UnitBuilder& builder);
void map_batch_job_definition(UnitBuilder& builder, Diagnostics& diagnostics);
void map_kubeflow_training(UnitBuilder& builder);
void map_tuning_job(UnitBuilder& builder);
void map_domain(UnitBuilder& builder);
/// One instance group of a HyperPod cluster; `cluster` is the whole cluster (VPC, node recovery).
void map_cluster_group(UnitBuilder& builder, const ResourceView& cluster);
/// A Model Monitor job definition (data/model quality, bias, explainability) or a monitoring
/// schedule with its definition inline.
void map_monitoring_job(UnitBuilder& builder);

} // namespace mlscale::proposals
