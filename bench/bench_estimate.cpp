// The estimator's benchmark: one estimate, and the full candidate sweep the recommender runs
// (every instance × counts 1-64 × storage options). Prints one line per measurement.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "mlscale/catalogue.hpp"
#include "mlscale/estimate.hpp"

using namespace mlscale;
using Clock = std::chrono::steady_clock;

namespace {

Workload resnet_on_imagenet()
{
    Workload w;
    w.family = "cnn";
    w.params = 25.6e6;
    w.linear_flops_per_sample = 8.2e9;
    w.precision = "mixed";
    w.optimizer = "sgd";
    w.per_gpu_batch = 256;
    w.samples_per_run = 90 * 1281167.0;
    w.mb_per_sample = 0.117;
    w.dataset_gb = 150;
    w.num_files = 1281167;
    w.cpu_ms_per_sample = 6;
    return w;
}

double best_of(int repeats, auto&& body)
{
    double best = 1e30;
    for (int r = 0; r < repeats; ++r) {
        const auto start = Clock::now();
        body();
        best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
    }
    return best;
}

} // namespace

int main()
{
    const Catalogue& catalogue = builtin_catalogue();
    const Workload workload = resnet_on_imagenet();
    Config one;
    one.instance = catalogue.find_instance("p4d.24xlarge");
    one.count = 2;
    volatile double sink = 0;
    constexpr int k_single = 100000;
    const double single = best_of(5, [&] {
        for (int i = 0; i < k_single; ++i) {
            sink = sink + estimate(workload, one, catalogue).samples_per_sec;
        }
    }) / k_single;

    const char* storages[][2] = {{"s3", "file"}, {"s3", "fastfile"}, {"efs", "mount"}, {"fsx-lustre", "mount"}, {"instance-store", "mount"}};
    std::vector<Config> sweep;
    for (const auto& instance : catalogue.instances) {
        for (int count = 1; count <= 64; ++count) {
            for (const auto& storage : storages) {
                Config config;
                config.instance = &instance;
                config.count = count;
                config.storage = storage[0];
                config.input_mode = storage[1];
                sweep.push_back(config);
            }
        }
    }
    const double full = best_of(5, [&] {
        for (const auto& config : sweep) {
            sink = sink + estimate(workload, config, catalogue).samples_per_sec;
        }
    });
    std::printf("one_estimate_us %.3f\n", single * 1e6);
    std::printf("sweep_configurations %zu\n", sweep.size());
    std::printf("sweep_ms %.3f\n", full * 1e3);
    return sink > 0 ? 0 : 1;
}
