// The recommender (docs/recommender.md): the whitepaper's decision procedure as a list of passes
// over one Walk (walk.hpp), each in its own file: what the job asks and what runs today, the
// data-pipeline fixes, every allowed configuration with its storage co-scaled, the ladder, the plan.
#include "walk.hpp"

namespace mlscale {

Recommendation recommend(const Job& job, const Profile& profile, const Catalogue& catalogue, Diagnostics& diagnostics)
{
    (void)diagnostics; // the profiler has reported what is wrong with the job; the walk adds assumptions
    walk::Walk walk(job, profile, catalogue);
    // What the job asks (workload, target, budget for all runs) and where its data lives.
    walk::start(walk);
    // Deep networks (and models of family "other" that give a size or FLOPs: resolve_model counts
    // them as deep) train on accelerators (no-cpu-deep-learning).
    if (!walk.profile.model.deep || walk::starts_on_cpus(walk)) {
        // Gradient boosting, linear models, k-means (and DeepAR, which AWS starts on one CPU
        // instance): memory and streaming decide, on CPUs.
        walk::fix_data_pipeline(walk);
        walk::walk_tabular(walk);
        return walk.out;
    }
    // Today's setup as it runs (its parallelism, its storage, calibrated to telemetry): the
    // baseline every change is measured against, and the time to keep when no target is given.
    walk::estimate_today(walk);
    // Fix the data pipeline before buying GPUs (data-bottleneck-first).
    walk::fix_data_pipeline(walk);
    // Every allowed instance and count, each with its parallelism and the storage that feeds it.
    walk::enumerate_options(walk);
    // The ladder: fix today's setup, then rightsize down or climb up to the first rung that meets.
    walk::walk_ladder(walk);
    // The plan: compute, storage, ETL, deployment, spot and capacity, and the time-vs-cost frontier.
    walk::fill_plan(walk);
    return walk.out;
}

} // namespace mlscale
