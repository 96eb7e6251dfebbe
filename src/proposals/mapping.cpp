// Each resource kind onto the job model (docs/job.schema.json). Field names and enums follow
// ../shared/facts/formats.md (botocore 1.43.11, CloudFormation registry schemas, hashicorp/aws
// 5.100.0); docs/check.md has the same mapping as a table per format.
#include <cmath>
#include <cstdio>
#include <ctime>

#include <fmt/format.h>

#include "view.hpp"

namespace mlscale::proposals {

namespace {

using nlohmann::json;

EnumSpec same(std::initializer_list<const char*> names)
{
    EnumSpec spec;
    for (const char* name : names) {
        spec.values.emplace_back(name, name);
    }
    return spec;
}

const EnumSpec k_input_mode{{{"File", "file"}, {"Pipe", "pipe"}, {"FastFile", "fastfile"}}};
const EnumSpec k_distribution{{{"FullyReplicated", "fully-replicated"}, {"ShardedByS3Key", "sharded-by-s3-key"}}};
const EnumSpec k_s3_data_type = same({"ManifestFile", "S3Prefix", "AugmentedManifestFile", "Converse"});
const EnumSpec k_file_system_type{{{"EFS", "efs"}, {"FSxLustre", "fsx-lustre"}}};
const EnumSpec k_access_mode = same({"rw", "ro"});
const EnumSpec k_channel_compression = same({"None", "Gzip"});
const EnumSpec k_record_wrapper = same({"None", "RecordIO"});
const EnumSpec k_output_compression = same({"GZIP", "NONE"});
const EnumSpec k_enabled{{{"Enabled", true}, {"Disabled", false}}};
const EnumSpec k_imds{{{"1", true}, {"2", false}}};
const EnumSpec k_capture_mode = same({"Input", "Output", "InputAndOutput"});
const EnumSpec k_scaling_status = same({"ENABLED", "DISABLED"});
const EnumSpec k_routing = same({"LEAST_OUTSTANDING_REQUESTS", "RANDOM"});
const EnumSpec k_accelerator = same({"ml.eia1.medium", "ml.eia1.large", "ml.eia1.xlarge", "ml.eia2.medium", "ml.eia2.large", "ml.eia2.xlarge"});
const EnumSpec k_container_mode = same({"SingleModel", "MultiModel"});
const EnumSpec k_repository_access = same({"Platform", "Vpc"});
const EnumSpec k_batch_strategy = same({"MultiRecord", "SingleRecord"});
const EnumSpec k_split_type = same({"None", "Line", "RecordIO", "TFRecord"});
const EnumSpec k_assemble_with = same({"None", "Line"});
const EnumSpec k_join_source = same({"Input", "None"});
const EnumSpec k_fsx_deployment = same({"SCRATCH_1", "SCRATCH_2", "PERSISTENT_1", "PERSISTENT_2"});
const EnumSpec k_fsx_storage = same({"SSD", "HDD", "INTELLIGENT_TIERING"});
const EnumSpec k_fsx_auto_import = same({"NONE", "NEW", "NEW_CHANGED", "NEW_CHANGED_DELETED"});
const EnumSpec k_fsx_compression = same({"NONE", "LZ4"});
const EnumSpec k_fsx_drive_cache = same({"NONE", "READ"});
const EnumSpec k_fsx_metadata_mode = same({"AUTOMATIC", "USER_PROVISIONED"});
const EnumSpec k_efs_throughput = same({"bursting", "provisioned", "elastic"});
const EnumSpec k_efs_performance{{{"generalPurpose", "general-purpose"}, {"maxIO", "max-io"}}};
const EnumSpec k_efs_backup = same({"DISABLED", "ENABLED"});
const EnumSpec k_batch_type = same({"container", "multinode"});

/// Content types of SageMaker channels -> dataset.format.
const std::vector<std::pair<std::string, std::string>> k_content_formats{{"text/csv", "csv"}, {"csv", "csv"},
    {"application/x-recordio-protobuf", "recordio-protobuf"}, {"application/x-recordio", "recordio"}, {"application/x-image", "image"}, {"image/jpeg", "jpeg"},
    {"image/png", "png"}, {"application/x-parquet", "parquet"}, {"application/jsonlines", "jsonl"}, {"application/json", "json"}, {"text/libsvm", "libsvm"},
    {"libsvm", "libsvm"}, {"text/x-libsvm", "libsvm"}};

/// Built-in algorithm images by ECR repository name.
const std::vector<std::pair<std::string, std::string>> k_builtin_images{{"xgboost", "xgboost"}, {"sagemaker-xgboost", "xgboost"},
    {"linear-learner", "linear-learner"}, {"kmeans", "kmeans"}, {"knn", "knn"}, {"factorization-machines", "factorization-machines"},
    {"object-detection", "object-detection"}, {"image-classification", "image-classification"}, {"semantic-segmentation", "semantic-segmentation"},
    {"blazingtext", "blazingtext"}, {"seq2seq", "seq2seq"}, {"ntm", "ntm"}, {"lda", "lda"}, {"pca", "pca"}, {"randomcutforest", "randomcutforest"},
    {"ipinsights", "ipinsights"}, {"object2vec", "object2vec"}, {"forecasting-deepar", "deepar"}};

/// Framework images (AWS Deep Learning Containers) by repository name prefix.
const std::vector<std::pair<std::string, std::string>> k_framework_images{{"huggingface-", "huggingface"}, {"pytorch-", "pytorch"},
    {"tensorflow-", "tensorflow"}, {"mxnet-", "mxnet"}, {"sagemaker-scikit-learn", "sklearn"}, {"sagemaker-xgboost", "xgboost"},
    {"sagemaker-chainer", "chainer"}};

/// HyperParameters keys the SageMaker Python SDK writes for `distribution=` (formats.md §6.3), the
/// first present wins: the model parallel library's parameters first, as it runs over MPI (its
/// requests also carry sagemaker_mpi_enabled) and splits the model.
const std::vector<std::pair<std::string, std::string>> k_distribution_keys{{"mp_parameters", "model-parallel"},
    {"sagemaker_distributed_dataparallel_enabled", "data-parallel"}, {"sagemaker_torch_distributed_enabled", "data-parallel"},
    {"sagemaker_pytorch_ddp_enabled", "data-parallel"}, {"sagemaker_mpi_enabled", "data-parallel"}, {"sagemaker_parameter_server_enabled", "data-parallel"},
    {"sagemaker_multi_worker_mirrored_strategy_enabled", "data-parallel"}, {"sagemaker_pytorch_xla_multi_worker_enabled", "data-parallel"}};

std::string repository_of(const std::string& image)
{
    std::string name = image.substr(image.find_last_of('/') == std::string::npos ? 0 : image.find_last_of('/') + 1);
    return name.substr(0, name.find_first_of(":@"));
}

/// A hyperparameter value as the SDK writes it (JSON-encoded: "\"true\"", "5"), decoded.
json decode_hyperparameter(const json& value)
{
    if (value.is_string()) {
        const json parsed = json::parse(value.get<std::string>(), nullptr, false);
        if (!parsed.is_discarded()) {
            return parsed;
        }
    }
    return value;
}

bool truthy(const json& value)
{
    if (value.is_boolean()) {
        return value.get<bool>();
    }
    if (value.is_string()) {
        const std::string text = value.get<std::string>();
        return text == "true" || text == "True";
    }
    return value.is_object() || (value.is_number() && value.get<double>() != 0);
}

/// The channel training reads: "train" or "training" when there is one, else the first.
std::size_t main_channel(const json& channels)
{
    for (std::size_t i = 0; i < channels.size(); ++i) {
        const json* name = find_member(channels[i], "ChannelName");
        if (name != nullptr && name->is_string() && (*name == "train" || *name == "training")) {
            return i;
        }
    }
    return 0;
}

/// Seconds since the epoch of an API timestamp: epoch seconds, or ISO-8601 ("2021-10-12T05:49:40.493Z").
std::optional<double> timestamp_seconds(const json& value)
{
    if (value.is_number()) {
        return value.get<double>();
    }
    if (!value.is_string()) {
        return std::nullopt;
    }
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    double second = 0;
    if (std::sscanf(value.get<std::string>().c_str(), "%d-%d-%dT%d:%d:%lf", &year, &month, &day, &hour, &minute, &second) != 6) {
        return std::nullopt;
    }
    // Days from civil (Howard Hinnant's algorithm): exact for the proleptic Gregorian calendar.
    year -= month <= 2 ? 1 : 0;
    const int era = (year >= 0 ? year : year - 399) / 400;
    const int yoe = year - era * 400;
    const int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const double days = static_cast<double>(era) * 146097 + doe - 719468;
    return days * 86400 + hour * 3600 + minute * 60 + second;
}

/// Channels: every enum checked; the main channel gives the dataset's location, input mode,
/// distribution and format.
void map_channels(UnitBuilder& b)
{
    const Found channels = b.view().get("InputDataConfig|Channels");
    if (!channels.known() || !channels.value.is_array() || channels.value.empty()) {
        return;
    }
    const std::size_t main = main_channel(channels.value);
    const std::string relative = channels.pointer.substr(b.view().pointer().size());
    for (std::size_t i = 0; i < channels.value.size(); ++i) {
        const ResourceView view = b.view().at(fmt::format("{}/{}", relative, i));
        UnitBuilder c = b.part(view);
        const bool is_main = i == main;
        c.enumeration(is_main ? "/dataset/input_mode" : "", "InputMode", k_input_mode);
        c.enumeration("", "CompressionType", k_channel_compression);
        c.enumeration("", "RecordWrapperType", k_record_wrapper);
        const Found s3 = view.get("DataSource/S3DataSource");
        if (s3.exists()) {
            if (is_main) {
                c.put("/dataset/location", "s3", s3);
            }
            c.enumeration("", "DataSource/S3DataSource/S3DataType", k_s3_data_type);
            c.enumeration(is_main ? "/dataset/distribution" : "", "DataSource/S3DataSource/S3DataDistributionType", k_distribution,
                is_main ? std::optional<json>("fully-replicated") : std::nullopt);
        }
        const Found fs = view.get("DataSource/FileSystemDataSource");
        if (fs.exists()) {
            c.enumeration(is_main ? "/dataset/location" : "", "DataSource/FileSystemDataSource/FileSystemType", k_file_system_type);
            c.enumeration("", "DataSource/FileSystemDataSource/FileSystemAccessMode", k_access_mode);
        }
        if (!is_main) {
            continue;
        }
        const Found content = c.string("/dataset/content_type", "ContentType");
        std::string format;
        if (content.known() && content.value.is_string()) {
            std::string type = content.value.get<std::string>();
            type = type.substr(0, type.find(';'));
            for (const auto& [name, mapped] : k_content_formats) {
                if (type == name) {
                    format = mapped;
                }
            }
            if (!format.empty()) {
                c.put("/dataset/format", format, content);
            }
        }
        if (format.empty()) {
            const Found wrapper = view.get("RecordWrapperType");
            if (wrapper.known() && wrapper.value == "RecordIO") {
                c.put("/dataset/format", "recordio", wrapper);
            }
        }
    }
}

/// An image URI: as written, or with its deploy-time parts as ${Name} when the tag is still
/// known (image_reference); placeholders of examples stay unknown.
Found image(UnitBuilder& b, const std::string& job_pointer, std::string_view path)
{
    Found found = image_reference(b.view(), path);
    if (found.known() && found.value.is_string()) {
        b.put(job_pointer, found.value, found);
    }
    return found;
}

void map_image(UnitBuilder& b, const Found& image)
{
    if (!image.known() || !image.value.is_string()) {
        return;
    }
    const std::string repository = repository_of(image.value.get<std::string>());
    for (const auto& [name, algorithm] : k_builtin_images) {
        if (repository == name) {
            b.put("/model/builtin_algorithm", algorithm, image);
        }
    }
    for (const auto& [prefix, framework] : k_framework_images) {
        if (repository.rfind(prefix, 0) == 0) {
            b.put("/model/framework", framework, image);
            break;
        }
    }
}

/// The checkpoint location: what matters is that one is set, so a value filled in at deploy time
/// (a parameter, a placeholder) still counts, as the text "(set at deploy time)".
void checkpoint_uri(UnitBuilder& b, std::string_view path)
{
    const Found found = b.string("/training/checkpoint_s3_uri", path);
    if (found.state == Found::State::Unknown && !found.unknown_parent) {
        b.put("/training/checkpoint_s3_uri", "(set at deploy time)", found);
    }
}

} // namespace

void map_training_job(UnitBuilder& b)
{
    const ResourceView& v = b.view();
    b.put_default("/training/platform", "sagemaker");
    b.instance_type("/current/instance_type", "ResourceConfig/InstanceType");
    const Found count = b.integer("/current/instance_count", "ResourceConfig/InstanceCount");
    const Found groups = v.get("ResourceConfig/InstanceGroups");
    if (groups.known() && groups.value.is_array() && !groups.value.empty()) {
        // A heterogeneous cluster: InstanceCount is 0 and the groups carry the instances.
        std::int64_t total = 0;
        bool all_known = true;
        for (std::size_t i = 0; i < groups.value.size(); ++i) {
            const ResourceView group = v.at(fmt::format("{}/{}", groups.pointer.substr(v.pointer().size()), i));
            UnitBuilder g = b.part(group);
            Found type = group.get("InstanceType");
            if (type.known() && type.value.is_string() && type.value.get<std::string>().rfind("ml.", 0) != 0) {
                g.error(type, fmt::format("\"{}\" is not a SageMaker instance type", type.value.get<std::string>()));
            }
            const Found n = group.get("InstanceCount");
            all_known = all_known && n.known() && n.value.is_number_integer();
            total += all_known ? n.value.get<std::int64_t>() : 0;
        }
        if (all_known && total > 0) {
            b.put("/current/instance_count", total, groups);
        }
    } else if (count.known() && count.value.is_number() && count.value.get<double>() < 1) {
        b.unit().job["current"].erase("instance_count");
        b.unit().sources.erase("/current/instance_count");
        b.error(count, "InstanceCount must be at least 1 when no InstanceGroups are given");
    }
    b.number("/current/volume_gb", "ResourceConfig/VolumeSizeInGB");
    b.enumeration("/dataset/input_mode", "AlgorithmSpecification/TrainingInputMode", k_input_mode);
    map_channels(b);
    b.enumeration("", "OutputDataConfig/CompressionType", k_output_compression);
    b.boolean("/training/spot", "EnableManagedSpotTraining", false);
    checkpoint_uri(b, "CheckpointConfig/S3Uri");
    b.number("/training/max_runtime_hours", "StoppingCondition/MaxRuntimeInSeconds", 1.0 / 3600);
    b.number("/training/max_wait_hours", "StoppingCondition/MaxWaitTimeInSeconds", 1.0 / 3600);
    const Found training_image = image(b, "/training/image", "AlgorithmSpecification/TrainingImage");
    map_image(b, training_image);
    const Found algorithm = v.get("AlgorithmSpecification/AlgorithmName");
    if (algorithm.known() && algorithm.value.is_string() && algorithm.value.get<std::string>().rfind("arn:", 0) != 0) {
        b.put("/model/builtin_algorithm", algorithm.value, algorithm);
    }
    b.boolean("/security/network_isolation", "EnableNetworkIsolation", false);
    b.boolean("/security/inter_container_encryption", "EnableInterContainerTrafficEncryption", false);
    b.presence("/security/vpc", "VpcConfig");
    b.presence("/security/kms", "OutputDataConfig/KmsKeyId|ResourceConfig/VolumeKmsKeyId");
    const Found hyperparameters = v.get("HyperParameters");
    if (hyperparameters.known() && hyperparameters.value.is_object()) {
        for (const auto& [key, strategy] : k_distribution_keys) {
            const json* value = find_member(hyperparameters.value, key);
            if (value != nullptr && truthy(decode_hyperparameter(*value))) {
                Found at = v.get("HyperParameters/" + key);
                b.put("/training/distribution", strategy, at);
                break;
            }
        }
        // SageMaker's model parallel library: its parameters (mp_parameters, a JSON object) give the
        // degrees: tensor_parallel_degree, and pipeline_parallel_degree or its older name partitions
        // (SageMaker developer guide, model parallel library parameters).
        if (const json* mp = find_member(hyperparameters.value, "mp_parameters"); mp != nullptr) {
            const json parameters = decode_hyperparameter(*mp);
            const Found at = v.get("HyperParameters/mp_parameters");
            const auto degree = [&](const char* key) -> std::optional<std::int64_t> {
                const auto it = parameters.is_object() ? parameters.find(key) : parameters.end();
                if (!parameters.is_object() || it == parameters.end() || !it->is_number_integer() || it->get<std::int64_t>() < 1) {
                    return std::nullopt;
                }
                return it->get<std::int64_t>();
            };
            if (const auto tensor = degree("tensor_parallel_degree")) {
                b.put("/training/tensor_parallel", *tensor, at);
            }
            auto pipeline = degree("pipeline_parallel_degree");
            if (!pipeline) {
                pipeline = degree("partitions");
            }
            if (pipeline) {
                b.put("/training/pipeline_parallel", *pipeline, at);
            }
        }
    }
}

void map_describe_training_job(UnitBuilder& b)
{
    map_training_job(b);
    const ResourceView& v = b.view();
    b.number("/current/observed/hours", "TrainingTimeInSeconds", 1.0 / 3600);
    const Found transitions = v.get("SecondaryStatusTransitions");
    if (transitions.known() && transitions.value.is_array()) {
        std::optional<double> start;
        std::optional<double> training;
        for (const auto& transition : transitions.value) {
            const json* status = find_member(transition, "Status");
            const json* time = find_member(transition, "StartTime");
            if (status == nullptr || time == nullptr) {
                continue;
            }
            if (*status == "Starting") {
                start = timestamp_seconds(*time);
            } else if (*status == "Training" && !training) {
                training = timestamp_seconds(*time);
            }
        }
        if (start && training && *training >= *start) {
            b.put("/current/observed/startup_minutes", std::round((*training - *start) / 60 * 100) / 100, transitions);
        }
    }
}

void map_notebook(UnitBuilder& b)
{
    const ResourceView& v = b.view();
    b.instance_type("/notebook/instance_type", "InstanceType");
    const Found internet = b.enumeration("/notebook/direct_internet", "DirectInternetAccess", k_enabled, json(true));
    if (b.unit().job.contains("notebook") && b.unit().job["notebook"].contains("direct_internet")) {
        b.unit().job["security"]["notebook_direct_internet"] = b.unit().job["notebook"]["direct_internet"];
        b.unit().sources["/security/notebook_direct_internet"] = b.unit().sources["/notebook/direct_internet"];
    }
    const Found subnet = b.presence("/notebook/in_vpc", "SubnetId");
    if (internet.known() && internet.value == "Disabled" && !subnet.present()) {
        b.error(internet, "DirectInternetAccess can be Disabled only when SubnetId is set",
            "the notebook needs a VPC subnet (and security groups) to reach anything without direct internet access");
    }
    b.enumeration("/notebook/root_access", "RootAccess", k_enabled, json(true));
    b.presence("/notebook/kms", "KmsKeyId");
    // CreateNotebookInstance says LifecycleConfigName; DescribeNotebookInstance answers with
    // NotebookInstanceLifecycleConfigName.
    b.presence("/notebook/lifecycle_config", "LifecycleConfigName|NotebookInstanceLifecycleConfigName");
    // Elastic Inference accelerators on a notebook: retired, as on endpoints (MLS-DEP-016).
    const Found accelerators = v.get("AcceleratorTypes");
    if (accelerators.known() && accelerators.value.is_array()) {
        for (std::size_t i = 0; i < accelerators.value.size(); ++i) {
            b.enumeration(i == 0 ? "/deployment/elastic_inference_accelerator" : "", fmt::format("AcceleratorTypes/{}", i), k_accelerator);
        }
    }
    b.enumeration("/notebook/imds_v1", "InstanceMetadataServiceConfiguration/MinimumInstanceMetadataServiceVersion", k_imds, json(true));
    const Found volume = v.get("VolumeSizeInGB|VolumeSize");
    const auto volume_gb = volume.known() ? as_number(volume.value) : std::nullopt;
    if (volume.known() && !volume_gb) {
        b.error(volume, fmt::format("VolumeSizeInGB must be a number of GB, found {}", volume.value.dump()));
    } else if (volume_gb && (*volume_gb < 5 || *volume_gb > 16384)) {
        b.error(volume, fmt::format("VolumeSizeInGB {} is outside 5..16384", volume.value.dump()));
    }
}

void map_endpoint_config(UnitBuilder& b)
{
    const ResourceView& v = b.view();
    // Not production unless declared (--environment, the config's "environment", or an
    // environment tag): check_source decides; the endpoint rules' severity rises with it.
    b.put_default("/deployment/production", false);
    const Found variants = v.get("ProductionVariants");
    if (variants.known() && variants.value.is_array()) {
        b.put("/deployment/variants", static_cast<std::int64_t>(variants.value.size()), variants);
        for (std::size_t i = 0; i < variants.value.size(); ++i) {
            const ResourceView variant = v.at(fmt::format("{}/{}", variants.pointer.substr(v.pointer().size()), i));
            UnitBuilder p = b.part(variant);
            const bool first = i == 0;
            p.instance_type(first ? "/deployment/instance_type" : "", "InstanceType");
            if (first) {
                p.integer("/deployment/instance_count", "InitialInstanceCount");
                p.integer("/deployment/serverless_memory_mb", "ServerlessConfig/MemorySizeInMB");
                p.integer("/deployment/max_concurrency", "ServerlessConfig/MaxConcurrency");
                p.enumeration("/deployment/elastic_inference_accelerator", "AcceleratorType", k_accelerator);
                const Found serverless = variant.get("ServerlessConfig");
                if (serverless.exists()) {
                    p.put("/deployment/mode", "serverless", serverless);
                }
            } else {
                p.enumeration("", "AcceleratorType", k_accelerator);
            }
            p.enumeration("", "ManagedInstanceScaling/Status", k_scaling_status);
            p.enumeration("", "RoutingConfig/RoutingStrategy", k_routing);
        }
    }
    const Found async = v.get("AsyncInferenceConfig");
    if (async.exists()) {
        b.put("/deployment/mode", "async", async);
    } else if (!b.unit().job["deployment"].contains("mode") && variants.known() && variants.value.is_array() && !variants.value.empty() &&
        !v.get("ProductionVariants/0/ServerlessConfig").exists()) {
        // Instances, not serverless: a real-time endpoint, whatever the (perhaps deploy-time) type.
        const Found type = v.get("ProductionVariants/0/InstanceType");
        b.put("/deployment/mode", "realtime", type.present() ? type : variants);
    }
    b.presence("/deployment/kms", "KmsKeyId|KmsKeyArn");
    const Found capture = v.get("DataCaptureConfig/CaptureOptions");
    if (capture.known() && capture.value.is_array()) {
        for (std::size_t i = 0; i < capture.value.size(); ++i) {
            b.enumeration("", fmt::format("DataCaptureConfig/CaptureOptions/{}/CaptureMode", i), k_capture_mode);
        }
    }
    b.presence("/security/vpc", "VpcConfig", false);
    b.boolean("/security/network_isolation", "EnableNetworkIsolation");
}

void map_model(UnitBuilder& b)
{
    image(b, "/deployment/image", "PrimaryContainer/Image|Containers/0/Image|Container/0/Image");
    b.enumeration("", "PrimaryContainer/Mode|Containers/0/Mode|Container/0/Mode", k_container_mode);
    b.enumeration("", "PrimaryContainer/ImageConfig/RepositoryAccessMode|Container/0/ImageConfig/RepositoryAccessMode", k_repository_access);
    b.boolean("/security/network_isolation", "EnableNetworkIsolation", false);
    b.presence("/security/vpc", "VpcConfig");
}

void map_transform_job(UnitBuilder& b)
{
    b.put_default("/deployment/mode", "batch-transform");
    b.instance_type("/deployment/instance_type", "TransformResources/InstanceType");
    b.integer("/deployment/instance_count", "TransformResources/InstanceCount");
    b.presence("/security/kms", "TransformOutput/KmsKeyId|TransformResources/VolumeKmsKeyId");
    b.enumeration("", "BatchStrategy", k_batch_strategy);
    b.enumeration("", "TransformInput/SplitType", k_split_type);
    b.enumeration("", "TransformInput/CompressionType", k_channel_compression);
    b.enumeration("", "TransformInput/DataSource/S3DataSource/S3DataType", k_s3_data_type);
    b.enumeration("", "TransformOutput/AssembleWith", k_assemble_with);
    b.enumeration("", "DataProcessing/JoinSource", k_join_source);
}

void map_fsx_lustre(UnitBuilder& b)
{
    b.enumeration("/storage/fsx/deployment_type", "LustreConfiguration/DeploymentType|DeploymentType", k_fsx_deployment, json("SCRATCH_1"));
    b.enumeration("/storage/fsx/storage_type", "StorageType", k_fsx_storage, json("SSD"));
    b.integer("/storage/fsx/capacity_gib", "StorageCapacity");
    b.number("/storage/fsx/per_unit_throughput_mb_s_per_tib", "LustreConfiguration/PerUnitStorageThroughput|PerUnitStorageThroughput");
    b.string("/storage/fsx/import_path", "LustreConfiguration/ImportPath|ImportPath");
    b.enumeration("", "LustreConfiguration/AutoImportPolicy|AutoImportPolicy", k_fsx_auto_import);
    b.enumeration("", "LustreConfiguration/DataCompressionType|DataCompressionType", k_fsx_compression);
    b.enumeration("", "LustreConfiguration/DriveCacheType|DriveCacheType", k_fsx_drive_cache);
    b.enumeration("", "LustreConfiguration/MetadataConfiguration/Mode|MetadataConfiguration/Mode", k_fsx_metadata_mode);
}

void map_efs(UnitBuilder& b)
{
    b.enumeration("/storage/efs/throughput_mode", "ThroughputMode", k_efs_throughput, json("bursting"));
    b.enumeration("/storage/efs/performance_mode", "PerformanceMode", k_efs_performance, json("general-purpose"));
    b.number("/storage/efs/provisioned_mib_s", "ProvisionedThroughputInMibps");
    b.boolean("/storage/efs/encrypted", "Encrypted", false);
    b.enumeration("", "BackupPolicy/Status", k_efs_backup);
}

void map_batch_job_definition(UnitBuilder& b, Diagnostics& diagnostics)
{
    const ResourceView& v = b.view();
    b.put_default("/training/platform", "aws-batch");
    const Found type = b.enumeration("", "Type", k_batch_type);
    Found nodes = v.get("NodeProperties");
    if (nodes.known() && nodes.value.is_string()) {
        // Terraform passes node_properties as a JSON string in Batch API camelCase: parse it a
        // second time; its values point at the attribute.
        json parsed = json::parse(nodes.value.get<std::string>(), nullptr, false);
        if (parsed.is_discarded()) {
            b.error(nodes, "node_properties is not valid JSON");
            return;
        }
        const auto pick = [&](const json& object, std::initializer_list<const char*> path) -> const json* {
            const json* current = &object;
            for (const char* token : path) {
                if (current->is_array()) {
                    current = current->empty() ? nullptr : &(*current)[0];
                }
                current = current == nullptr ? nullptr : find_member(*current, token);
                if (current == nullptr) {
                    return nullptr;
                }
            }
            return current;
        };
        if (const json* n = pick(parsed, {"numNodes"}); n != nullptr && n->is_number_integer()) {
            b.put("/current/instance_count", *n, nodes);
        }
        if (const json* t = pick(parsed, {"nodeRangeProperties", "container", "instanceType"}); t != nullptr && t->is_string()) {
            b.put("/current/instance_type", *t, nodes);
        }
        if (const json* i = pick(parsed, {"nodeRangeProperties", "container", "image"}); i != nullptr && i->is_string()) {
            b.put("/training/image", *i, nodes);
        }
        (void)diagnostics;
        return;
    }
    if (nodes.present()) {
        b.integer("/current/instance_count", "NodeProperties/NumNodes");
        b.instance_type("/current/instance_type",
            "NodeProperties/NodeRangeProperties/0/Container/InstanceType|"
            "NodeProperties/NodeRangeProperties/0/InstanceTypes/0",
            false);
        b.string("/training/image", "NodeProperties/NodeRangeProperties/0/Container/Image");
    } else if (type.known() && type.value == "container") {
        b.put("/current/instance_count", 1, type);
        b.instance_type("/current/instance_type", "ContainerProperties/InstanceType", false);
        b.string("/training/image", "ContainerProperties/Image");
    }
}

void map_kubeflow_training(UnitBuilder& b)
{
    const ResourceView& v = b.view();
    b.put_default("/training/platform", "sagemaker");
    b.instance_type("/current/instance_type", "instance_type");
    b.integer("/current/instance_count", "instance_count");
    b.number("/current/volume_gb", "volume_size");
    b.enumeration("/dataset/input_mode", "training_input_mode", k_input_mode);
    b.number("/training/max_runtime_hours", "max_run_time", 1.0 / 3600);
    const Found spot = b.boolean("/training/spot", "spot_instance", false);
    if (spot.known() && b.unit().job["training"].value("spot", false)) {
        b.number("/training/max_wait_hours", "max_wait_time", 1.0 / 3600);
    }
    const Found checkpoint = v.get("checkpoint_config");
    if (checkpoint.known() && checkpoint.value.is_string()) {
        // The component also takes the config as a JSON string ("{}" when there is none).
        const json config = json::parse(checkpoint.value.get<std::string>(), nullptr, false);
        const json* uri = config.is_object() ? find_member(config, "S3Uri") : nullptr;
        if (uri != nullptr && uri->is_string()) {
            b.put("/training/checkpoint_s3_uri", *uri, checkpoint);
        }
    } else {
        checkpoint_uri(b, "checkpoint_config/S3Uri");
    }
    image(b, "/training/image", "image");
    b.boolean("/security/network_isolation", "network_isolation", false);
    b.boolean("/security/inter_container_encryption", "traffic_encryption", false);
    b.presence("/security/vpc", "vpc_subnets");
    b.presence("/security/kms", "output_encryption_key|resource_encryption_key");
    map_channels(b);
}

} // namespace mlscale::proposals
