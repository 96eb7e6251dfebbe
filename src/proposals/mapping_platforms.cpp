// Resource kinds beyond a single job or endpoint: hyperparameter tuning jobs, SageMaker HyperPod
// instance groups, Studio domains, and Model Monitor job definitions and schedules — each onto
// the job fields the rules already read (docs/check.md has the table).
#include <fmt/format.h>

#include "view.hpp"

namespace mlscale::proposals {

namespace {

using nlohmann::json;

const EnumSpec k_tuning_strategy{{{"Bayesian", "Bayesian"}, {"Random", "Random"}, {"Hyperband", "Hyperband"}, {"Grid", "Grid"}}};
const EnumSpec k_early_stopping{{{"Off", false}, {"Auto", true}}};
const EnumSpec k_app_network_access{{{"PublicInternetOnly", true}, {"VpcOnly", false}}};
const EnumSpec k_auth_mode{{{"SSO", "SSO"}, {"IAM", "IAM"}}};
const EnumSpec k_node_recovery{{{"Automatic", "Automatic"}, {"None", "None"}}};

/// The view of a sub-object found by `path` (its actual key, whatever the casing).
std::optional<ResourceView> sub_view(const ResourceView& view, std::string_view path)
{
    const Found found = view.get(path);
    if (!found.known() || !found.value.is_object()) {
        return std::nullopt;
    }
    return view.at(found.pointer.substr(view.pointer().size()));
}

} // namespace

void map_tuning_job(UnitBuilder& b)
{
    // The training jobs a tuning job launches are described once, as a CreateTrainingJob request.
    const ResourceView& v = b.view();
    const auto single = sub_view(v, "TrainingJobDefinition");
    const auto listed = single ? std::nullopt : sub_view(v, "TrainingJobDefinitions/0");
    const ResourceView* definition = single ? &*single : (listed ? &*listed : nullptr);
    if (definition != nullptr) {
        UnitBuilder training = b.part(*definition);
        map_training_job(training);
    } else {
        b.put_default("/training/platform", "sagemaker");
    }
    b.integer("/training/tuning_jobs", "HyperParameterTuningJobConfig/ResourceLimits/MaxNumberOfTrainingJobs");
    const Found strategy = b.enumeration("", "HyperParameterTuningJobConfig/Strategy", k_tuning_strategy);
    if (strategy.known() && strategy.value == "Hyperband") {
        // Hyperband stops under-performing jobs itself; TrainingJobEarlyStoppingType stays Off.
        b.put("/training/early_stopping", true, strategy);
    } else {
        b.enumeration("/training/early_stopping", "HyperParameterTuningJobConfig/TrainingJobEarlyStoppingType", k_early_stopping, json(false));
    }
}

void map_domain(UnitBuilder& b)
{
    // A Studio domain is where notebooks run: its network access is the notebooks' (Security Hub
    // and AWS Config: sagemaker-domain-in-vpc), its KMS key encrypts their home EFS volume.
    b.enumeration("/notebook/direct_internet", "AppNetworkAccessType", k_app_network_access, json(true));
    if (b.unit().job.contains("notebook") && b.unit().job["notebook"].contains("direct_internet")) {
        b.unit().job["security"]["notebook_direct_internet"] = b.unit().job["notebook"]["direct_internet"];
        b.unit().sources["/security/notebook_direct_internet"] = b.unit().sources["/notebook/direct_internet"];
    }
    b.presence("/notebook/in_vpc", "SubnetIds|VpcId");
    b.presence("/notebook/kms", "KmsKeyId");
    b.enumeration("", "AuthMode", k_auth_mode);
}

void map_cluster_group(UnitBuilder& b, const ResourceView& cluster)
{
    // One HyperPod instance group: its instances train (or serve) together, so it is the unit
    // the compute and distributed-training rules judge.
    b.put_default("/training/platform", "hyperpod");
    b.instance_type("/current/instance_type", "InstanceType");
    b.integer("/current/instance_count", "InstanceCount");
    b.number("/current/volume_gb", "InstanceStorageConfigs/0/EbsVolumeConfig/VolumeSizeInGB|InstanceStorageConfigs/1/EbsVolumeConfig/VolumeSizeInGB");
    // Restricted instance groups describe the FSx for Lustre file system SageMaker creates for them.
    b.integer("/storage/fsx/capacity_gib", "EnvironmentConfig/FSxLustreConfig/SizeInGiB");
    b.number("/storage/fsx/per_unit_throughput_mb_s_per_tib", "EnvironmentConfig/FSxLustreConfig/PerUnitStorageThroughput");
    UnitBuilder whole = b.part(cluster);
    whole.presence("/security/vpc", "VpcConfig");
    whole.enumeration("", "NodeRecovery", k_node_recovery);
}

void map_monitoring_job(UnitBuilder& b)
{
    // Data quality, model quality, bias and explainability job definitions carry NetworkConfig
    // and JobResources at the top; a monitoring schedule with an inline definition one level down.
    const bool schedule = b.view().get("MonitoringScheduleConfig/MonitoringJobDefinition").exists();
    const std::string at = schedule ? "MonitoringScheduleConfig/MonitoringJobDefinition/" : "";
    b.boolean("/security/network_isolation", at + "NetworkConfig/EnableNetworkIsolation", false);
    b.boolean("/security/inter_container_encryption", at + "NetworkConfig/EnableInterContainerTrafficEncryption", false);
    b.integer("/current/instance_count", fmt::format("{0}JobResources/ClusterConfig/InstanceCount|{0}MonitoringResources/ClusterConfig/InstanceCount", at));
    b.presence("/security/vpc", at + "NetworkConfig/VpcConfig");
}

} // namespace mlscale::proposals
