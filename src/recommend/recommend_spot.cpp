// Managed spot (docs/recommender.md §8): where the job accepts spot, each configuration for which
// spot is advised is judged and ranked on its run on spot; the plan says what it buys, or why spot
// is not advised for it.
#include <fmt/format.h>

#include "walk.hpp"

namespace mlscale::walk {

namespace {

// Families whose spot capacity is the risk for a multi-node job, whatever their interruption
// bracket (a stated judgement, docs/recommender.md §8): the Advisor's brackets describe instances
// already running, while a multi-node job must obtain every node of the largest accelerated types
// at once, and one interruption stops them all.
bool spot_is_the_risk(const Option& option)
{
    const std::string& family = option.instance->family;
    const bool scarce = family.rfind("p4", 0) == 0 || family.rfind("p5", 0) == 0 || family.rfind("p6", 0) == 0 || family.rfind("trn", 0) == 0;
    return scarce && option.count > 1;
}

// A spot run's cost with the on-demand preparation cluster waiting through the interruptions.
double spot_run_cost(const Option& option, const SpotEstimate& spot)
{
    const double prep = option.prep.count > 0 ? option.prep.count * option.prep.instance->price_usd_per_hour.value_or(0) * spot.hours : 0;
    return spot.cost_usd + prep;
}

double on_demand_hours(const Option& option)
{
    return option.spot ? option.on_demand_hours : option.hours;
}

std::optional<double> on_demand_run_cost(const Option& option)
{
    return option.spot ? option.on_demand_run_cost : option.run_cost;
}

// The option's On-Demand run on spot where spot is advised for it (not where more than 20 % of the
// capacity is reclaimed a month, not multi-node on scarce families, not where the interruptions
// outweigh the saving), with its cost.
struct AdvisedSpot {
    SpotEstimate spot;
    double cost = 0;
};

std::optional<AdvisedSpot> advised_spot(const Walk& walk, const Option& option)
{
    const auto price = hourly_price(walk, *option.instance);
    const auto od_cost = on_demand_run_cost(option);
    if (!option.usable() || !od_cost || !price) {
        return std::nullopt;
    }
    const auto spot = estimate_spot(*option.instance, option.count, on_demand_hours(option), option.e.startup_minutes, *price);
    if (!spot || spot->capacity_risk || spot_is_the_risk(option)) {
        return std::nullopt;
    }
    const double cost = spot_run_cost(option, *spot);
    if (cost >= *od_cost) {
        return std::nullopt;
    }
    return AdvisedSpot{*spot, cost};
}

bool accepts_spot(const Walk& walk)
{
    return walk.job.training.spot.value_or(false);
}

// On spot the run would miss a target that its On-Demand run meets.
bool spot_misses_target(const Walk& walk, const Option& option, const AdvisedSpot& advised)
{
    const double limit = walk.target ? *walk.target * (1.0 + 1e-9) : 0;
    return walk.target && advised.spot.hours > limit && on_demand_hours(option) <= limit;
}

// Over the budget On-Demand but within it on spot, where the job has not said it accepts spot: the
// plan is ranked On-Demand, so the note says what spot would change. Storage that is billed by the
// hour is scaled to the longer spot run (an upper bound: its fixed part is scaled too).
std::string within_budget_on_spot(const Walk& walk, const Option& option, const SpotEstimate& spot, double spot_cost)
{
    if (!walk.budget || accepts_spot(walk) || option.within_budget || !option.total_cost) {
        return {};
    }
    const double storage = option.storage.cost_usd.value_or(0) * (on_demand_hours(option) > 0 ? spot.hours / on_demand_hours(option) : 1.0);
    const double total = spot_cost * walk.runs + storage;
    if (total > *walk.budget) {
        return {};
    }
    return fmt::format("; on spot {} would be within the {} budget ({} On-Demand): set training.spot to true to plan on spot", usd(total), usd(*walk.budget),
        usd(*option.total_cost));
}

} // namespace

void buy_spot(const Walk& walk, const Workload* w, Option& option)
{
    if (!accepts_spot(walk) || option.spot) {
        return;
    }
    const auto advised = advised_spot(walk, option);
    if (!advised || spot_misses_target(walk, option, *advised)) {
        return;
    }
    option.on_demand_hours = option.hours;
    option.on_demand_run_cost = option.run_cost;
    option.spot = advised->spot;
    option.hours = advised->spot.hours;
    option.run_cost = advised->cost;
    if (w != nullptr && option.storage.cost_usd) {
        option.storage.cost_usd = storage_cost(walk, *w, option.storage, option.count, option.hours, option.e.page_cache);
    }
    option.total_cost = *option.run_cost * walk.runs + option.storage.cost_usd.value_or(0);
    judge(walk, option);
}

const char* purchase_of(const Option& option)
{
    return option.spot ? "spot" : "on-demand";
}

std::string on_spot(const Option& option)
{
    return option.spot ? " on spot" : "";
}

void spot_notes(const Walk& walk, const Option& option, ComputePlan& c)
{
    const auto price = hourly_price(walk, *option.instance);
    const auto od_cost = on_demand_run_cost(option);
    if (!option.usable() || !od_cost || !price) {
        return;
    }
    const std::string type = type_name(walk, *option.instance);
    const char* managed = walk.sagemaker_job ? "managed spot" : "spot"; // managed spot training is a SageMaker training job's
    const std::string advisor = fmt::format("AWS Spot Instance Advisor, {}, 30 days to {}", walk.catalogue.region, walk.catalogue.spot_as_of);
    const auto spot = estimate_spot(*option.instance, option.count, on_demand_hours(option), option.e.startup_minutes, *price);
    if (!spot) {
        c.notes.push_back(fmt::format("no {} advice: {} has no spot figure ({} does not list it), so no saving is assumed", managed, type, advisor));
        return;
    }
    if (spot->capacity_risk) {
        c.notes.push_back(fmt::format("no {}: more than 20 % of {}'s Spot capacity was reclaimed a month ({}), so spot capacity is the "
                                      "risk; stay on demand",
            managed, type, advisor));
        return;
    }
    if (spot_is_the_risk(option)) {
        c.notes.push_back(fmt::format("no {}: {} x {} is a multi-node job on instances whose spot capacity is scarce, and one "
                                      "interruption stops every node; reserve capacity instead (see below)",
            managed, option.count, type));
        return;
    }
    const double spot_cost = spot_run_cost(option, *spot);
    if (spot_cost >= *od_cost) {
        c.notes.push_back(fmt::format("no {}: EC2 Spot ran {:.0f} % below On-Demand for {} ({}), but {} of expected interruptions "
                                      "and restarts{} outweigh the saving: this run would cost {} instead of {}",
            managed, spot->savings_pct, type, advisor, hours_text(spot->overhead_hours),
            spot_cost > spot->cost_usd ? " (with the on-demand data-preparation cluster waiting)" : "", usd(spot_cost), usd(*od_cost)));
        return;
    }
    c.spot_overhead_hours = spot->overhead_hours;
    c.spot_savings_pct = spot->savings_pct;
    c.spot_cost_usd = spot_cost;
    const char* lost_work = spot->loses_half_the_run ? "half the run (shorter than a checkpoint interval)" : "half a 30-min checkpoint interval";
    const std::string interruptions = fmt::format("{:.2g} expected interruption(s) ({} of the capacity reclaimed a month, each losing {} plus a restart)",
        spot->expected_interruptions, spot->interruption, lost_work);
    const char* estimate_for = walk.sagemaker_job ? "; an estimate for SageMaker managed spot" : "";
    const char* checkpoints = walk.job.training.checkpoint_s3_uri ? "" : "; set checkpoint_s3_uri";
    if (option.spot) {
        c.purchase = "spot";
        c.on_demand_hours = option.on_demand_hours;
        c.on_demand_cost_usd = option.on_demand_run_cost;
        c.notes.push_back(fmt::format("{} with checkpoints to S3 (spot-training, spot-checkpoint): training.spot accepts spot, so every "
                                      "configuration is judged and ranked on its run on spot where spot is advised for it. EC2 Spot ran {:.0f} % "
                                      "below On-Demand for {} ({}{}): this run costs {} instead of {} On-Demand and takes {} longer ({} in all) for "
                                      "{}; the saving moves with the market{}",
            managed, spot->savings_pct, type, advisor, estimate_for, usd(spot_cost), usd(*od_cost), hours_text(spot->overhead_hours), hours_text(spot->hours),
            interruptions, checkpoints));
        return;
    }
    if (accepts_spot(walk) && walk.target) {
        c.notes.push_back(fmt::format("on {} this run would cost {} instead of {} but take {} (the expected interruptions, {}), past the {} "
                                      "target: it is planned On-Demand",
            managed, usd(spot_cost), usd(*od_cost), hours_text(spot->hours), interruptions, hours_text(*walk.target)));
        return;
    }
    c.notes.push_back(fmt::format("{} with checkpoints to S3 (spot-training, spot-checkpoint): EC2 Spot ran {:.0f} % below On-Demand "
                                  "for {} ({}{}), so this run would cost {} instead of {} and take {} longer for {}; the saving moves with the market{}{}",
        managed, spot->savings_pct, type, advisor, estimate_for, usd(spot_cost), usd(*od_cost), hours_text(spot->overhead_hours), interruptions, checkpoints,
        within_budget_on_spot(walk, option, *spot, spot_cost)));
}

} // namespace mlscale::walk
