// Benchmark: load and check the whole rule catalogue, then evaluate it on one job, as `advise` does
// on every run. Prints the best and median of many runs (std::chrono); scripts/bench writes them
// into docs/performance.md. Not a test: nothing here asserts a time.
// Usage: mlscale_bench_rules [--job FILE] [--rules DIR] [--iterations N]
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "mlscale/catalogue.hpp"
#include "mlscale/facts.hpp"
#include "mlscale/job.hpp"
#include "mlscale/profile.hpp"
#include "mlscale/rules.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct Stats {
    double best;
    double median;
};

Stats stats(std::vector<double> samples)
{
    std::sort(samples.begin(), samples.end());
    return Stats{samples.front(), samples[samples.size() / 2]};
}

} // namespace

int main(int argc, char** argv)
{
    std::string job_path = "examples/imagenet-resnet50.json";
    std::vector<std::string> directories;
    int iterations = 200;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--job") {
            job_path = argv[i + 1];
        } else if (flag == "--rules") {
            directories.emplace_back(argv[i + 1]);
        } else if (flag == "--iterations") {
            iterations = std::max(1, std::atoi(argv[i + 1]));
        }
    }
    mlscale::Diagnostics diagnostics;
    const auto job = mlscale::load_job_file(job_path, diagnostics);
    if (!job) {
        std::cerr << "cannot load " << job_path << "\n";
        return 2;
    }
    const mlscale::Profile profile = mlscale::profile_job(*job, mlscale::builtin_catalogue(), diagnostics);
    const nlohmann::json facts = mlscale::build_facts(*job, profile, nullptr);
    // The schema and concept list are built once per process before the first load; count them
    // in the first (cold) run only, as a real `advise` pays them once.
    const auto schema_start = Clock::now();
    mlscale::fact_schema();
    mlscale::concepts();
    const double schema = ms_since(schema_start);
    const auto cold_start = Clock::now();
    auto warm = mlscale::load_rules(directories, diagnostics);
    const double cold = ms_since(cold_start);
    if (!warm) {
        std::cerr << "the rules do not load\n";
        return 2;
    }

    std::vector<double> load_times;
    std::vector<double> evaluate_times;
    std::vector<double> total_times;
    std::size_t findings = 0;
    for (int i = 0; i < iterations; ++i) {
        mlscale::Diagnostics scratch;
        const auto start = Clock::now();
        const auto rules = mlscale::load_rules(directories, scratch);
        const double loaded = ms_since(start);
        const auto evaluate_start = Clock::now();
        const auto evaluation = mlscale::evaluate_rules(*rules, facts, *job, mlscale::RuleOptions{}, scratch);
        evaluate_times.push_back(ms_since(evaluate_start));
        load_times.push_back(loaded);
        total_times.push_back(ms_since(start));
        findings = evaluation.findings.size();
    }
    const Stats load = stats(load_times);
    const Stats evaluate = stats(evaluate_times);
    const Stats total = stats(total_times);
    std::cout << fmt::format("rules={} job={} findings={} iterations={}\n", warm->rules().size(), job_path, findings, iterations);
    std::cout << fmt::format("schema_setup_ms={:.3f} (once per process: the fact schema and the concept list)\n", schema);
    std::cout << fmt::format("first_load_ms={:.3f} (once per process: cold caches)\n", cold);
    std::cout << fmt::format("load_check_ms best={:.3f} median={:.3f}\n", load.best, load.median);
    std::cout << fmt::format("evaluate_ms best={:.3f} median={:.3f}\n", evaluate.best, evaluate.median);
    std::cout << fmt::format("total_ms best={:.3f} median={:.3f}\n", total.best, total.median);
    return 0;
}
