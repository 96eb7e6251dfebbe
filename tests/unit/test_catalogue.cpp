// The catalogue (profiles/): every check passes on the shipped files, the compiled tables hold what
// parsing gives, every price is on one basis, and the 2026 instances and corrections are there.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <tuple>
#include <utility>

#include <catch2/catch.hpp>

#include "mlscale/catalogue.hpp"

using namespace mlscale;

namespace {

// The number of members of an aggregate, found by brace-initialising it from ever more values.
struct AnyValue {
    template <typename T> operator T() const; // NOLINT: only named in unevaluated braces
};

template <typename T, typename... Values> constexpr std::size_t member_count()
{
    if constexpr (requires { T{Values{}..., AnyValue{}}; }) {
        return member_count<T, Values..., AnyValue>();
    } else {
        return sizeof...(Values);
    }
}

template <typename Spec> std::size_t listed_fields()
{
    std::size_t count = 0;
    Spec::fields([&](const Field&, auto) { ++count; });
    return count;
}

const InstanceSpec& instance(const std::string& name)
{
    const InstanceSpec* found = builtin_catalogue().find_instance(name);
    INFO(name);
    REQUIRE(found != nullptr);
    return *found;
}

double price_on(const std::string& name, Platform platform)
{
    const auto price = instance(name).price(platform);
    INFO(name << " on " << platform_label(platform));
    REQUIRE(price);
    return price->usd_per_hour;
}

} // namespace

TEST_CASE("the embedded catalogue passes every check, sources and price dates included (runs trust it)", "[catalogue]")
{
    // builtin_catalogue() does not re-check the embedded files' sources on every run; this is
    // the check it relies on, on the same bytes.
    Diagnostics diagnostics;
    const auto checked = load_catalogue("", diagnostics, EmbeddedSourceCheck::Check);
    for (const auto& d : diagnostics.items()) {
        UNSCOPED_INFO(format_diagnostic(d));
    }
    REQUIRE(checked);
    CHECK(diagnostics.empty());
    const Catalogue& trusted = builtin_catalogue();
    CHECK(checked->instance_names() == trusted.instance_names());
    CHECK(checked->model_names() == trusted.model_names());
    CHECK(checked->gpus.size() == trusted.gpus.size());
}

TEST_CASE("every member of a catalogue struct is in its field list", "[catalogue]")
{
    // The loader, the table compiler and the comparison below walk the field lists; a member
    // missing from its list would be neither loaded nor compiled. InstanceSpec's gpu_spec is the
    // one member outside its list (the loader points it into the catalogue's GPUs).
    CHECK(listed_fields<GpuSpec>() == member_count<GpuSpec>());
    CHECK(listed_fields<InstanceSpec>() + 1 == member_count<InstanceSpec>());
    CHECK(listed_fields<ModelSpec>() == member_count<ModelSpec>());
    CHECK(listed_fields<FsxDeployment>() == member_count<FsxDeployment>());
    CHECK(listed_fields<StoragePrices>() == member_count<StoragePrices>());
    CHECK(listed_fields<StorageFacts>() == member_count<StorageFacts>());
    CHECK(listed_fields<Price>() == member_count<Price>());
}

TEST_CASE("the compiled catalogue is the parsed one", "[catalogue]")
{
    // mlscale (and these tests: tests/unit/main.cpp) run on the tables src/tools/compile_tables.cpp
    // writes at build time; they must hold exactly what parsing the embedded JSON gives.
    Diagnostics diagnostics;
    const auto parsed = load_catalogue("", diagnostics, EmbeddedSourceCheck::Check);
    REQUIRE(parsed);
    const Catalogue compiled = compiled_catalogue();

    CHECK(compiled.gpus == parsed->gpus);
    CHECK(compiled.models == parsed->models);
    CHECK(compiled.storage_facts == parsed->storage_facts);
    REQUIRE(compiled.instances.size() == parsed->instances.size());
    for (std::size_t i = 0; i < parsed->instances.size(); ++i) {
        InstanceSpec a = compiled.instances[i];
        InstanceSpec b = parsed->instances[i];
        INFO(b.name);
        CHECK((a.gpu_spec == nullptr) == (b.gpu_spec == nullptr));
        if (a.gpu_spec != nullptr) {
            CHECK(a.gpu_spec == compiled.find_gpu(a.gpu)); // points into its own catalogue
            CHECK(*a.gpu_spec == *b.gpu_spec);
        }
        a.gpu_spec = b.gpu_spec = nullptr;
        CHECK(a == b);
    }
    CHECK(compiled.sagemaker_markup == parsed->sagemaker_markup);
    CHECK(compiled.region == parsed->region);
    CHECK(compiled.eks_cluster_price == parsed->eks_cluster_price);
    CHECK(compiled.as_of == parsed->as_of);
    CHECK(parsed->as_of.size() == 4);
    CHECK(parsed->storage_facts.limits.at("sagemaker_async.max_payload_gb") == 1); // profiles/storage.json "limits"

    // The files (`profiles show`, `version`) are read on first use, the same as a load gives them.
    CHECK(compiled.files().empty()); // compiled_catalogue() alone sets no loader
    CHECK(embedded_catalogue_files() == parsed->files());
    CHECK(parsed->files().size() == 4);
}

TEST_CASE("the tests run on the compiled catalogue", "[catalogue]")
{
    // builtin_catalogue() built from the compiled tables reads its files lazily; a parsed one
    // holds them from the start. The values are the same either way (the case above).
    const Catalogue compiled = compiled_catalogue();
    CHECK(builtin_catalogue().instance_names() == compiled.instance_names());
    CHECK(builtin_catalogue().region == compiled.region);
}

TEST_CASE("every SageMaker price is the 2026 EC2 price times the stated same-date mark-up", "[catalogue][prices]")
{
    // One basis: no Jan-2025 ml. rate is used as a price; each is re-derived here from the
    // pairs in instances.json with the rule its "basis" states.
    const Catalogue& catalogue = builtin_catalogue();
    const auto& file = catalogue.files().at("instances");
    const auto& pairs = file["sagemaker_markup"]["pairs"];
    std::map<std::string, std::vector<double>> by_family;
    std::vector<double> all;
    for (const auto& [name, pair] : pairs.items()) {
        const double ratio = pair["ratio"].get<double>();
        CHECK(ratio == Approx(pair["sagemaker_usd_per_hour"].get<double>() / pair["ec2_usd_per_hour"].get<double>()).margin(1e-4));
        by_family[catalogue.find_instance(name)->family].push_back(ratio);
        all.push_back(ratio);
    }
    auto median = [](std::vector<double> values) {
        std::sort(values.begin(), values.end());
        const std::size_t n = values.size();
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    };
    CHECK(median(all) == Approx(catalogue.sagemaker_markup));
    int derived = 0;
    for (const auto& i : catalogue.instances) {
        INFO(i.name);
        if (!i.sagemaker_price_usd_per_hour) {
            continue;
        }
        REQUIRE(i.price_usd_per_hour);
        CHECK(i.sagemaker_price_estimated);
        REQUIRE(i.sagemaker_training_price);
        CHECK(i.sagemaker_training_price->derived);
        CHECK(i.sagemaker_training_price->as_of == "2026-07-20");
        // The factor the stated rule picks: the type's own pair, its family's, its group's (1.15 for
        // the 8-accelerator P types, 1.2 for CPU families) or all pairs' median; prices are rounded
        // to 4 decimals.
        double factor = catalogue.sagemaker_markup;
        if (pairs.contains(i.name)) {
            factor = pairs[i.name]["ratio"].get<double>();
        } else if (by_family.count(i.family) != 0) {
            factor = median(by_family[i.family]);
        } else {
            for (const double group : {1.15, 1.2}) {
                if (std::abs(*i.sagemaker_price_usd_per_hour - *i.price_usd_per_hour * group) < 5.1e-5) {
                    factor = group;
                }
            }
        }
        CHECK(*i.sagemaker_price_usd_per_hour == Approx(*i.price_usd_per_hour * factor).margin(5.1e-5 + 1e-4 * *i.price_usd_per_hour));
        ++derived;
    }
    CHECK(derived > 130);
}

TEST_CASE("no instance is cheaper than a weaker one of its own GPU generation on any platform", "[catalogue][prices]")
{
    // The defect this basis removes: H200 30 % cheaper than H100, A100-80GB cheaper than
    // A100-40GB, because their prices came from different bases. Across generations a newer
    // instance may be cheaper (p4d costs less than p3dn in the same 2026 price list).
    const Catalogue& catalogue = builtin_catalogue();
    auto bf16 = [](const GpuSpec& g) { return g.peak_tflops.count("bf16") != 0 ? g.peak_tflops.at("bf16") : 0.0; };
    auto at_least = [&](const InstanceSpec& a, const InstanceSpec& b) {
        return a.gpu_count >= b.gpu_count && a.gpu_memory_gb >= b.gpu_memory_gb && bf16(*a.gpu_spec) >= bf16(*b.gpu_spec) &&
            a.gpu_spec->mem_bandwidth_gb_s >= b.gpu_spec->mem_bandwidth_gb_s && a.vcpus >= b.vcpus && a.memory_gib >= b.memory_gib &&
            a.network_gbps >= b.network_gbps;
    };
    for (const Platform platform : {Platform::SageMaker, Platform::Ec2, Platform::HyperPod}) {
        for (const auto& a : catalogue.instances) {
            for (const auto& b : catalogue.instances) {
                if (&a == &b || a.gpu_spec == nullptr || b.gpu_spec == nullptr || a.gpu_spec->generation != b.gpu_spec->generation || !at_least(a, b) ||
                    at_least(b, a) || !a.price(platform) || !b.price(platform)) {
                    continue;
                }
                INFO(a.name << " vs " << b.name << " on " << platform_label(platform));
                CHECK(a.price(platform)->usd_per_hour >= b.price(platform)->usd_per_hour);
            }
        }
    }
    for (const Platform platform : {Platform::SageMaker, Platform::Ec2}) {
        CHECK(price_on("p5en.48xlarge", platform) > price_on("p5.48xlarge", platform)); // H200 above H100
        CHECK(price_on("p5e.48xlarge", platform) > price_on("p5.48xlarge", platform));
        CHECK(price_on("p4de.24xlarge", platform) > price_on("p4d.24xlarge", platform)); // A100-80GB above A100-40GB
        CHECK(price_on("p6-b200.48xlarge", platform) > price_on("p5en.48xlarge", platform));
    }
}

TEST_CASE("prices carry their platform, source and date", "[catalogue][prices]")
{
    CHECK(platform_named("sagemaker") == Platform::SageMaker);
    CHECK(platform_named("ec2") == Platform::Ec2);
    CHECK(platform_named("eks") == Platform::Ec2);
    CHECK(platform_named("aws-batch") == Platform::Ec2);
    CHECK(platform_named("hyperpod") == Platform::HyperPod);
    CHECK_FALSE(platform_named("on-premises"));
    CHECK(builtin_catalogue().region == "us-east-1");

    const auto ec2 = instance("p5.48xlarge").price(Platform::Ec2);
    REQUIRE(ec2);
    CHECK(ec2->usd_per_hour == 55.04); // karpenter's us-east-1 list, 2026-07-20 (after the June 2025 cut)
    CHECK_FALSE(ec2->derived);
    CHECK(ec2->source == "karp-price-2026-07-20");
    CHECK(ec2->as_of == "2026-07-20");
    const auto sagemaker = instance("p5.48xlarge").price(Platform::SageMaker);
    REQUIRE(sagemaker);
    CHECK(sagemaker->usd_per_hour == Approx(55.04 * 1.15));
    CHECK(sagemaker->derived);
    CHECK(sagemaker->how.find("1.15") != std::string::npos);
    // The legacy call returns the same one basis.
    bool estimated = false;
    CHECK(instance("p5.48xlarge").sagemaker_price(builtin_catalogue().sagemaker_markup, &estimated) == sagemaker->usd_per_hour);
    CHECK(estimated);
    // HyperPod: no rate sourced, so the SageMaker basis, said so; none for a type HyperPod lacks.
    const auto hyperpod = instance("p5.48xlarge").price(Platform::HyperPod);
    REQUIRE(hyperpod);
    CHECK(hyperpod->usd_per_hour == sagemaker->usd_per_hour);
    CHECK(hyperpod->how.find("no HyperPod rate") != std::string::npos);
    CHECK_FALSE(instance("p3.2xlarge").price(Platform::HyperPod));
    // p5e has no On-Demand price: a derived one to compare by, flagged as not on demand.
    CHECK_FALSE(instance("p5e.48xlarge").on_demand);
    REQUIRE(instance("p5e.48xlarge").ec2_price);
    CHECK(instance("p5e.48xlarge").ec2_price->derived);
    // The EKS control plane's fee, per cluster-hour.
    REQUIRE(builtin_catalogue().eks_cluster_price);
    CHECK(builtin_catalogue().eks_cluster_price->usd_per_hour == 0.10);
}

TEST_CASE("the 2026 catalogue: new instances, SageMaker lists, GiB memory, inference parts", "[catalogue]")
{
    // Every entry says whether SageMaker trains on it (botocore's TrainingInstanceType).
    for (const auto& i : builtin_catalogue().instances) {
        INFO(i.name);
        CHECK(i.sagemaker_training.has_value());
        CHECK(i.sagemaker_hyperpod.has_value());
    }
    CHECK(instance("p5.4xlarge").sagemaker_training == true);
    CHECK(instance("g6e.12xlarge").sagemaker_training == true);
    CHECK(instance("inf2.xlarge").sagemaker_training == false);
    CHECK(instance("inf2.xlarge").inference_only);
    CHECK(instance("inf1.xlarge").inference_only);
    CHECK(instance("trn2.3xlarge").sagemaker_training == false); // HyperPod only
    CHECK(instance("trn2.3xlarge").sagemaker_hyperpod == true);
    // Older SageMaker training types resolve.
    for (const char* name : {"ml.m4.xlarge", "ml.c4.2xlarge", "ml.p2.xlarge", "ml.t3.medium", "ml.c7i.large", "ml.r5d.large"}) {
        CHECK(instance(name).sagemaker_training == true);
    }
    // New accelerators.
    CHECK(instance("p6-b200.48xlarge").gpu_spec->name == "B200-SXM-180GB");
    CHECK(instance("p6-b300.48xlarge").efa_interfaces == 16);
    CHECK(instance("trn2.48xlarge").gpu_spec->peak_tflops.at("bf16") == 667);
    CHECK(instance("g7e.48xlarge").gpu_count == 8);
    CHECK(instance("p6-b200.48xlarge").price_usd_per_hour == 113.9328);
    // Memory in decimal GB from EC2's MiB: 81,920 MiB = 85.9 GB (H100, A100-80GB), 144,384 MiB (H200).
    CHECK(instance("p5.48xlarge").gpu_memory_gb == Approx(85.899).margin(0.001));
    CHECK(instance("p4de.24xlarge").gpu_memory_gb == Approx(85.899).margin(0.001));
    CHECK(instance("p5en.48xlarge").gpu_memory_gb == Approx(151.397).margin(0.001));
    CHECK(instance("trn1.32xlarge").gpu_memory_gb == Approx(34.36).margin(0.01));
    CHECK(builtin_catalogue().find_gpu("H100-SXM5-80GB")->memory_gb == Approx(85.899).margin(0.001));
    // Corrections.
    CHECK(instance("g5.48xlarge").efa_interfaces == 1);
    CHECK(instance("p3.2xlarge").ec2_offered == false);
    CHECK(instance("p4d.24xlarge").price_usd_per_hour == 21.957642);
}

TEST_CASE("library support and fabric efficiency come from the catalogue", "[catalogue]")
{
    // SMDDP (2023 list), smdistributed.modelparallel v1 (2023 list), measured all-reduce efficiency.
    CHECK(instance("p4de.24xlarge").smddp == true);
    CHECK(instance("g5.12xlarge").smddp == false);
    CHECK_FALSE(instance("p5.48xlarge").smddp.has_value()); // released after the list: unknown
    CHECK(instance("g4dn.12xlarge").smp == true);
    CHECK(instance("g5.48xlarge").smp == false);
    CHECK_FALSE(instance("g6.12xlarge").smp.has_value());
    CHECK(instance("c5.xlarge").smddp == false);
    // Alpha-beta fits through two nccl-tests all-reduce points (profiles/instances.json notes).
    CHECK(instance("p4d.24xlarge").network_efficiency == Approx(0.85));
    CHECK(instance("p4d.24xlarge").network_latency_ms == Approx(0.80));
    CHECK(instance("p5.48xlarge").network_efficiency == Approx(0.61));
    CHECK(instance("g5.48xlarge").network_efficiency == Approx(0.61)); // the stated default
}

TEST_CASE("spot figures come from the Spot Instance Advisor snapshot, per type", "[catalogue][prices]")
{
    CHECK(builtin_catalogue().spot_as_of == "2025-06-28");
    CHECK(instance("p4d.24xlarge").spot_savings_pct == 67);
    CHECK(instance("p4d.24xlarge").spot_interruption == "10-15%");
    const auto p4d = instance("p4d.24xlarge").spot_interruption_bounds();
    REQUIRE(p4d);
    CHECK(p4d->low == Approx(0.10));
    CHECK(p4d->high == Approx(0.15));
    const auto p5 = instance("p5.48xlarge").spot_interruption_bounds(); // >20 %: no upper bound
    REQUIRE(p5);
    CHECK(p5->low == Approx(0.20));
    CHECK_FALSE(p5->high);
    CHECK_FALSE(instance("p6-b200.48xlarge").spot_savings_pct); // not in the Advisor: none, never a default
    CHECK_FALSE(instance("p6-b200.48xlarge").spot_interruption_bounds());
}

TEST_CASE("storage prices are read with the storage figures", "[catalogue][prices]")
{
    const StoragePrices& prices = builtin_catalogue().storage_facts.prices;
    CHECK(prices.s3_standard_usd_per_gb_month == 0.023);
    CHECK(prices.efs_standard_usd_per_gb_month == 0.30);
    CHECK(prices.efs_elastic_read_usd_per_gb == 0.03);
    CHECK(prices.efs_elastic_write_usd_per_gb == 0.06);
    CHECK(prices.ebs_gp2_usd_per_gb_month == 0.10);
    CHECK(prices.ebs_gp3_usd_per_gb_month == 0.08);
    CHECK_FALSE(prices.s3_get_usd_per_1000); // not found in the stored sources: none, never zero
    CHECK(prices.as_of == "2026-06-13");
    int priced = 0;
    for (const auto& deployment : builtin_catalogue().storage_facts.fsx) {
        if (deployment.price_usd_per_gb_month) {
            ++priced;
            CHECK((deployment.deployment_type == "SCRATCH_2" || deployment.per_unit_mb_s_per_tib == 125));
        }
    }
    CHECK(priced == 2);
}

TEST_CASE("a user's catalogue without dated sources keeps undated prices", "[catalogue]")
{
    // tests/cli/catalogue-custom has a negotiated price sheet and no "source_dates".
    Diagnostics diagnostics;
    const auto custom = load_catalogue(std::string(MLSCALE_SOURCE_DIR) + "/tests/cli/catalogue-custom", diagnostics);
    for (const auto& d : diagnostics.items()) {
        UNSCOPED_INFO(format_diagnostic(d));
    }
    REQUIRE(custom);
    const InstanceSpec* negotiated = custom->find_instance("p3.2xlarge-negotiated");
    REQUIRE(negotiated != nullptr);
    REQUIRE(negotiated->ec2_price);
    CHECK(negotiated->ec2_price->source == "team");
    CHECK_FALSE(negotiated->ec2_price->derived);
}

TEST_CASE("a model name is found however it is written, and a catalogue cannot hold two names that match", "[catalogue]")
{
    const Catalogue& catalogue = builtin_catalogue();
    CHECK(model_name_key("ResNet-50") == "resnet50");
    REQUIRE(catalogue.find_model("ResNet-50") != nullptr);
    CHECK(catalogue.find_model("ResNet-50")->name == "resnet50");
    CHECK(catalogue.find_model("resnet_50")->name == "resnet50");
    REQUIRE(catalogue.find_model("Llama-3-8B") != nullptr);
    CHECK(catalogue.find_model("Llama-3-8B")->name == "llama-3-8b");
    CHECK(catalogue.find_model("llama3_8b")->name == "llama-3-8b");
    CHECK(catalogue.find_model("llama-3-80b") == nullptr);
    CHECK(catalogue.find_model("resnet") == nullptr);
    CHECK(catalogue.find_model("--") == nullptr);
    std::set<std::string> keys;
    for (const auto& model : catalogue.models) {
        INFO(model.name);
        CHECK(keys.insert(model_name_key(model.name)).second);
    }

    // A user's catalogue with "ResNet-50" beside "resnet50" is refused, naming the entry.
    const auto directory = std::filesystem::temp_directory_path() / "mlscale-test-model-names";
    std::filesystem::create_directories(directory);
    {
        std::ofstream out(directory / "models.json");
        out << R"({"schema": "mlscale-profiles/1", "kind": "models", "as_of": "2026-12-06", "sources": {"team": "our own measurements"},
 "models": [
  {"name": "resnet50", "family": "cnn", "params_millions": 25.6, "forward_gflops": 8.2, "forward_gflops_per": "sample", "source": {"*": "team"}},
  {"name": "ResNet-50", "family": "cnn", "params_millions": 25.6, "forward_gflops": 8.2, "forward_gflops_per": "sample", "source": {"*": "team"}}
 ]})";
    }
    Diagnostics diagnostics;
    CHECK_FALSE(load_catalogue(directory.string(), diagnostics));
    std::string messages;
    for (const auto& d : diagnostics.items()) {
        messages += format_diagnostic(d) + "\n";
    }
    INFO(messages);
    CHECK(messages.find("models.json:4:12: /models/1/name") != std::string::npos);
    CHECK(messages.find(R"(model "ResNet-50" is "resnet50" written another way)") != std::string::npos);
    std::filesystem::remove_all(directory);
}

TEST_CASE("a model is found by its aliases and by a Hugging Face id, and an alias cannot name another model", "[catalogue]")
{
    const Catalogue& catalogue = builtin_catalogue();
    const auto name_of = [&](const std::string& name) {
        const ModelSpec* model = catalogue.find_model(name);
        return model != nullptr ? model->name : std::string("(none)");
    };
    CHECK(name_of("bert-base-uncased") == "bert-base");
    CHECK(name_of("google-bert/bert-large-uncased") == "bert-large");
    CHECK(name_of("meta-llama/Meta-Llama-3-8B-Instruct") == "llama-3-8b");
    CHECK(name_of("meta-llama/Llama-2-70b-chat-hf") == "llama-2-70b");
    CHECK(name_of("google/vit-base-patch16-224") == "vit-b16");
    CHECK(name_of("microsoft/resnet-50") == "resnet50"); // the owner dropped, then the name's key
    CHECK(name_of("ViT-B/16") == "vit-b16");             // a slash inside a name, matched whole first
    CHECK(name_of("meta-llama/Meta-Llama-3-80B") == "(none)");
    CHECK(name_of("someone/") == "(none)");
    for (const auto& model : catalogue.models) {
        for (const auto& alias : model.aliases) {
            INFO(model.name << " alias " << alias);
            CHECK(name_of(alias) == model.name);
        }
    }
    const auto names = catalogue.model_names();
    CHECK(std::find(names.begin(), names.end(), "bert-base-uncased") != names.end()); // suggestions reach aliases

    // A user's catalogue whose alias is another model's name is refused at the alias; a non-list too.
    const auto directory = std::filesystem::temp_directory_path() / "mlscale-test-model-aliases";
    std::filesystem::create_directories(directory);
    const auto load_messages = [&](const std::string& text) {
        std::ofstream(directory / "models.json") << text;
        Diagnostics diagnostics;
        const bool loaded = load_catalogue(directory.string(), diagnostics).has_value();
        std::string messages;
        for (const auto& d : diagnostics.items()) {
            messages += format_diagnostic(d) + "\n";
        }
        return std::pair(loaded, messages);
    };
    const std::string head = R"({"schema": "mlscale-profiles/1", "kind": "models", "as_of": "2026-12-07", "sources": {"team": "our own measurements"},
 "models": [
  {"name": "resnet50", "family": "cnn", "params_millions": 25.6, "forward_gflops": 8.2, "forward_gflops_per": "sample", "source": {"*": "team"}},
)";
    auto [loaded, messages] = load_messages(head +
        R"(  {"name": "resnet101", "aliases": ["ResNet-50"], "family": "cnn", "params_millions": 44.5, "forward_gflops": 15.6, "forward_gflops_per": "sample", "source": {"*": "team"}}
 ]})");
    INFO(messages);
    CHECK_FALSE(loaded);
    CHECK(messages.find("/models/1/aliases") != std::string::npos);
    CHECK(messages.find(R"(model "ResNet-50" is "resnet50" written another way)") != std::string::npos);
    std::tie(loaded, messages) = load_messages(head +
        R"(  {"name": "resnet101", "aliases": "rn101", "family": "cnn", "params_millions": 44.5, "forward_gflops": 15.6, "forward_gflops_per": "sample", "source": {"*": "team"}}
 ]})");
    INFO(messages);
    CHECK_FALSE(loaded);
    CHECK(messages.find("/models/1/aliases: expected a list of strings") != std::string::npos);
    std::filesystem::remove_all(directory);
}
