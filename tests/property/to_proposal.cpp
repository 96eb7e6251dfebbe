#include "to_proposal.hpp"

#include <algorithm>
#include <cmath>

namespace mlscale::property {

using ordered = nlohmann::ordered_json;

namespace {

// TrainingJobName: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}
std::string api_name(const std::string& name)
{
    std::string out;
    for (const char c : name) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (alnum) {
            out += c;
        } else if (!out.empty() && out.back() != '-') {
            out += '-';
        }
    }
    while (!out.empty() && out.back() == '-') {
        out.pop_back();
    }
    out = out.substr(0, 63);
    while (!out.empty() && out.back() == '-') {
        out.pop_back();
    }
    return out.empty() ? std::string("job") : out;
}

std::string input_mode(const std::string& mode)
{
    if (mode == "fastfile") {
        return "FastFile";
    }
    return mode == "pipe" ? "Pipe" : "File";
}

ordered data_source(const Plan& plan)
{
    const std::string& service = plan.storage.service;
    if (service == "efs" || service == "fsx-lustre") {
        return ordered{{"FileSystemDataSource",
            {{"FileSystemId", "fs-0123456789abcdef0"}, {"FileSystemType", service == "efs" ? "EFS" : "FSxLustre"}, {"DirectoryPath", "/fsx/train"},
                {"FileSystemAccessMode", "ro"}}}};
    }
    return ordered{{"S3DataSource",
        {{"S3DataType", "S3Prefix"}, {"S3Uri", "s3://bucket/train/"},
            {"S3DataDistributionType", plan.storage.distribution == "sharded-by-s3-key" ? "ShardedByS3Key" : "FullyReplicated"}}}};
}

ordered hyperparameters(const Plan& plan)
{
    const std::string& d = plan.compute.distribution;
    if (d == "torch_distributed") {
        return ordered{{"sagemaker_torch_distributed_enabled", "true"}};
    }
    if (d == "smdistributed.dataparallel") {
        return ordered{{"sagemaker_distributed_dataparallel_enabled", "true"}};
    }
    if (d == "smdistributed.modelparallel") {
        return ordered{{"mp_parameters", "{\"partitions\": 2}"}, {"sagemaker_mpi_enabled", "true"}};
    }
    if (d == "mpi") {
        return ordered{{"sagemaker_mpi_enabled", "true"}};
    }
    return ordered::object();
}

// The training image: the job's, else a PyTorch or XGBoost container (what the reader recognises).
std::string training_image(const Job& job)
{
    if (job.training.image && !job.training.image->empty()) {
        return *job.training.image;
    }
    if (job.model.builtin_algorithm == std::optional<std::string>("xgboost")) {
        return "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1";
    }
    return "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1-gpu-py310";
}

ordered stopping_condition(const Job& job, const Plan& plan)
{
    // SageMaker's limit is 28 days (2,419,200 s); the job's own value, else 1.5 x the plan's time.
    const double k_max_seconds = 2419200;
    double runtime = 86400;
    if (job.training.max_runtime_hours) {
        runtime = *job.training.max_runtime_hours * 3600;
    } else if (plan.compute.estimated_hours) {
        runtime = *plan.compute.estimated_hours * 1.5 * 3600;
    }
    const auto seconds = static_cast<std::int64_t>(std::clamp(std::ceil(runtime), 1.0, k_max_seconds));
    ordered out{{"MaxRuntimeInSeconds", seconds}};
    if (job.training.spot.value_or(false)) {
        const double wait = job.training.max_wait_hours ? *job.training.max_wait_hours * 3600 : static_cast<double>(seconds) * 2;
        out["MaxWaitTimeInSeconds"] = static_cast<std::int64_t>(std::clamp(std::ceil(wait), static_cast<double>(seconds), k_max_seconds));
    }
    return out;
}

} // namespace

ordered create_training_job(const Job& job, const Plan& plan)
{
    ordered channel{{"ChannelName", "train"}};
    if (job.document.value.contains("dataset") && job.document.value["dataset"].is_object() &&
        job.document.value["dataset"].value("content_type", nlohmann::json()).is_string()) {
        channel["ContentType"] = job.document.value["dataset"]["content_type"].get<std::string>();
    }
    channel["DataSource"] = data_source(plan);
    ordered request;
    request["TrainingJobName"] = api_name(job.name);
    request["AlgorithmSpecification"] = {{"TrainingImage", training_image(job)}, {"TrainingInputMode", input_mode(plan.storage.input_mode)}};
    request["RoleArn"] = "arn:aws:iam::123456789012:role/sagemaker";
    request["HyperParameters"] = hyperparameters(plan);
    request["InputDataConfig"] = ordered::array({channel});
    request["OutputDataConfig"] = {{"S3OutputPath", "s3://bucket/output/"}};
    if (job.security.kms.value_or(false)) {
        request["OutputDataConfig"]["KmsKeyId"] = "arn:aws:kms:us-east-1:123456789012:key/1";
    }
    const double volume = plan.storage.volume_gb ? std::ceil(*plan.storage.volume_gb) : 30.0;
    // A plan for EC2, EKS or AWS Batch names the type without SageMaker's prefix; the request needs it.
    const std::string type = plan.compute.instance_type.rfind("ml.", 0) == 0 ? plan.compute.instance_type : "ml." + plan.compute.instance_type;
    request["ResourceConfig"] = {{"InstanceType", type}, {"InstanceCount", std::max(1, plan.compute.instance_count)},
        {"VolumeSizeInGB", static_cast<std::int64_t>(std::clamp(volume, 1.0, 16384.0))}};
    request["StoppingCondition"] = stopping_condition(job, plan);
    request["EnableManagedSpotTraining"] = job.training.spot.value_or(false);
    if (job.training.checkpoint_s3_uri && !job.training.checkpoint_s3_uri->empty()) {
        request["CheckpointConfig"] = {{"S3Uri", *job.training.checkpoint_s3_uri}};
    }
    if (job.security.vpc.value_or(false) || plan.storage.service == "efs" || plan.storage.service == "fsx-lustre") {
        request["VpcConfig"] = {{"SecurityGroupIds", {"sg-0123456789abcdef0"}}, {"Subnets", {"subnet-0123456789abcdef0"}}};
    }
    request["EnableNetworkIsolation"] = job.security.network_isolation.value_or(false);
    request["EnableInterContainerTrafficEncryption"] = job.security.inter_container_encryption.value_or(false);
    return request;
}

namespace {

ordered fsx_resource(const Plan& plan)
{
    // The plan writes the type with its throughput tier: "PERSISTENT_2 (1000 MB/s/TiB)".
    const std::string& written = plan.storage.fsx_deployment_type;
    const std::string type = written.empty() ? std::string("SCRATCH_2") : written.substr(0, written.find(' '));
    ordered lustre{{"DeploymentType", type}, {"ImportPath", "s3://bucket/train/"}};
    if (type.rfind("PERSISTENT", 0) == 0) {
        const auto open = written.find('(');
        lustre["PerUnitStorageThroughput"] = open != std::string::npos ? std::stoi(written.substr(open + 1)) : 250;
    }
    return ordered{{"Type", "AWS::FSx::FileSystem"},
        {"Properties",
            {{"FileSystemType", "LUSTRE"}, {"StorageType", "SSD"}, {"StorageCapacity", static_cast<std::int64_t>(plan.storage.fsx_capacity_gib.value_or(1200))},
                {"SubnetIds", {"subnet-0123456789abcdef0"}}, {"LustreConfiguration", lustre}}}};
}

ordered notebook_resource(const Job& job)
{
    const nlohmann::json& notebook = job.document.value["notebook"];
    ordered properties{{"InstanceType", "ml.t3.medium"}, {"RoleArn", "arn:aws:iam::123456789012:role/sagemaker"}};
    if (notebook.value("instance_type", nlohmann::json()).is_string()) {
        const std::string type = notebook["instance_type"].get<std::string>();
        properties["InstanceType"] = type.rfind("ml.", 0) == 0 ? type : "ml." + type;
    }
    const auto flag = [&](const char* key) {
        return notebook.value(key, nlohmann::json()).is_boolean() ? std::optional<bool>(notebook[key].get<bool>()) : std::nullopt;
    };
    if (flag("in_vpc").value_or(false)) {
        properties["SubnetId"] = "subnet-0123456789abcdef0";
        properties["SecurityGroupIds"] = {"sg-0123456789abcdef0"};
        // DirectInternetAccess Disabled needs a subnet; without one only Enabled is valid.
        properties["DirectInternetAccess"] = flag("direct_internet").value_or(true) ? "Enabled" : "Disabled";
    } else {
        properties["DirectInternetAccess"] = "Enabled";
    }
    properties["RootAccess"] = flag("root_access").value_or(true) ? "Enabled" : "Disabled";
    if (flag("kms").value_or(false)) {
        properties["KmsKeyId"] = "arn:aws:kms:us-east-1:123456789012:key/1";
    }
    return ordered{{"Type", "AWS::SageMaker::NotebookInstance"}, {"Properties", properties}};
}

ordered endpoint_resource(const Job& job, const Plan& plan)
{
    ordered variant{{"VariantName", "main"}, {"ModelName", "model"}, {"InitialVariantWeight", 1}};
    if (plan.deployment.mode == "serverless") {
        variant["ServerlessConfig"] = {{"MemorySizeInMB", 2048}, {"MaxConcurrency", 5}};
    } else {
        variant["InstanceType"] = "ml.g5.xlarge";
        if (job.document.value.contains("deployment") && job.document.value["deployment"].value("instance_type", nlohmann::json()).is_string()) {
            const std::string type = job.document.value["deployment"]["instance_type"].get<std::string>();
            variant["InstanceType"] = type.rfind("ml.", 0) == 0 ? type : "ml." + type;
        }
        variant["InitialInstanceCount"] = std::max(1, plan.deployment.instance_count.value_or(1));
    }
    ordered properties{{"ProductionVariants", ordered::array({variant})}};
    if (plan.deployment.mode == "async") {
        properties["AsyncInferenceConfig"] = {{"OutputConfig", {{"S3OutputPath", "s3://bucket/async/"}}}};
    }
    return ordered{{"Type", "AWS::SageMaker::EndpointConfig"}, {"Properties", properties}};
}

} // namespace

ordered cloudformation_template(const Job& job, const Plan& plan)
{
    ordered training = create_training_job(job, plan);
    training.erase("TrainingJobName");
    const ordered definition{{"Version", "2020-12-01"}, {"Steps", ordered::array({ordered{{"Name", "Train"}, {"Type", "Training"}, {"Arguments", training}}})}};
    ordered resources;
    resources["TrainingPipeline"] = {{"Type", "AWS::SageMaker::Pipeline"},
        {"Properties",
            {{"PipelineName", api_name(job.name)}, {"RoleArn", "arn:aws:iam::123456789012:role/sagemaker"},
                {"PipelineDefinition", {{"PipelineDefinitionBody", definition.dump()}}}}}};
    if (plan.storage.service == "fsx-lustre") {
        resources["TrainingData"] = fsx_resource(plan);
    }
    if (job.document.value.contains("notebook") && job.document.value["notebook"].is_object()) {
        resources["Notebook"] = notebook_resource(job);
    }
    if (plan.deployment.mode == "realtime" || plan.deployment.mode == "serverless" || plan.deployment.mode == "async") {
        resources["Endpoint"] = endpoint_resource(job, plan);
    }
    return ordered{{"AWSTemplateFormatVersion", "2010-09-09"}, {"Resources", resources}};
}

const std::vector<std::string>& plan_chosen_pointers()
{
    static const std::vector<std::string> pointers{"/current/instance_type", "/current/instance_count", "/current/volume_gb", "/dataset/input_mode",
        "/dataset/distribution", "/dataset/location", "/training/distribution", "/storage/fsx/deployment_type", "/storage/fsx/capacity_gib"};
    return pointers;
}

} // namespace mlscale::property
