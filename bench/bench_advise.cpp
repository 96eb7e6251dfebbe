// Benchmark of the advise pipeline in process (load, profile, recommend) on each job given:
// best of 5 batches, microseconds per job. The whole-process wall time is measured by scripts/bench.
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "mlscale/pipeline.hpp"

int main(int argc, char** argv)
{
    using clock = std::chrono::steady_clock;
    (void)mlscale::builtin_catalogue(); // loaded once per process, as in the CLI
    for (int i = 1; i < argc; ++i) {
        double best = 1e300;
        for (int batch = 0; batch < 5; ++batch) {
            const auto start = clock::now();
            constexpr int k_runs = 20;
            for (int run = 0; run < k_runs; ++run) {
                mlscale::Diagnostics diagnostics;
                auto job = mlscale::load_job_file(argv[i], diagnostics);
                if (!job || !mlscale::advise(*job, mlscale::AdviseOptions{}, diagnostics)) {
                    std::fprintf(stderr, "%s: failed\n", argv[i]);
                    return 1;
                }
            }
            best = std::min(best, std::chrono::duration<double, std::micro>(clock::now() - start).count() / k_runs);
        }
        std::printf("advise_in_process_us %s %.0f\n", argv[i], best);
    }
    return 0;
}
