// The catalogue (profiles/): every check passes on the shipped files, the compiled tables hold what
// parsing gives, every price is on one basis, and the 2026 instances and corrections are there.
#include <algorithm>
#include <cmath>
#include <set>

#include <catch2/catch.hpp>

#include "mlscale/catalogue.hpp"

using namespace mlscale;

namespace {

// The number of members of an aggregate, found by brace-initialising it from ever more values.
struct AnyValue {
    template <typename T>
    operator T() const; // NOLINT: only named in unevaluated braces
};

template <typename T, typename... Values>
constexpr std::size_t member_count()
{
    if constexpr (requires { T{Values{}..., AnyValue{}}; }) {
        return member_count<T, Values..., AnyValue>();
    } else {
        return sizeof...(Values);
    }
}

template <typename Spec>
std::size_t listed_fields()
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
