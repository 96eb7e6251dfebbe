// The ladder (docs/recommender.md §3): fix the data pipeline on today's setup; when that meets the
// target, walk down to the cheapest configuration that still meets it (rightsizing); else climb the
// rungs (a bigger GPU, more GPUs in one node, more nodes) and stop at the first whose cheapest
// configuration meets; without any target, the configuration that costs least, fastest among near ties.
#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "walk.hpp"

namespace mlscale::walk {

namespace {

// Without a target: configurations within this share of the cheapest count as ties, and the
// fastest of them wins (a stated default: a 10 % dearer run that is 8x faster is what anyone picks).
constexpr double k_cost_tie = 0.10;

constexpr Rung k_climb[] = {Rung::SingleGpu, Rung::BiggerGpu, Rung::MultiGpuNode, Rung::MultiNode};

int rung_order(Rung rung)
{
    return static_cast<int>(rung);
}

std::vector<const Option*> in_rung(const Walk& walk, Rung rung)
{
    std::vector<const Option*> out;
    for (const auto& option : walk.options_pool) {
        if (option.rung == rung) {
            out.push_back(&option);
        }
    }
    return out;
}

int gpus(const Option& o)
{
    return o.count * std::max(1, o.instance->gpu_count);
}

// The tie-break between configurations of about the same cost: one that runs as one SageMaker
// training job (within its 28 days) before one that must checkpoint and resume over several, then
// fewer instances, then fewer GPUs, then the faster.
bool smaller(const Option& a, const Option& b)
{
    if (a.runnable != b.runnable) {
        return a.runnable;
    }
    return a.count < b.count || (a.count == b.count && gpus(a) < gpus(b)) || (a.count == b.count && gpus(a) == gpus(b) && a.hours < b.hours);
}

// The cheapest that meets; among those within k_rightsize_min_saving of it (an estimate's noise,
// not a saving), the fewest instances, then the fewest GPUs, then the fastest. Linear scaling makes
// 2 and 64 nodes cost the same: the plan takes 2, not 64 nodes for a 35-second run.
const Option* cheapest_meeting(const std::vector<const Option*>& options)
{
    const Option* cheapest = nullptr;
    for (const Option* option : options) {
        if (option->meets && (cheapest == nullptr || option->cost_or_max() < cheapest->cost_or_max())) {
            cheapest = option;
        }
    }
    if (cheapest == nullptr) {
        return nullptr;
    }
    const Option* best = cheapest;
    for (const Option* option : options) {
        if (!option->meets || option->cost_or_max() > cheapest->cost_or_max() / (1.0 - k_rightsize_min_saving)) {
            continue;
        }
        if (smaller(*option, *best)) {
            best = option;
        }
    }
    return best;
}

// Whether a configuration of a higher rung replaces one of a lower rung: clearly cheaper (by
// k_rightsize_min_saving), or a near tie in cost that runs as one SageMaker training job where the
// lower one needs several (the first tie-break of cheapest_meeting), or a near tie on as many
// instances and GPUs that finishes sooner (one H100 at the price of one A10G, 7x faster).
bool replaces(const Option& higher, const Option& lower)
{
    if (higher.cost_or_max() < lower.cost_or_max() * (1.0 - k_rightsize_min_saving)) {
        return true;
    }
    const bool tie = higher.cost_or_max() <= lower.cost_or_max() / (1.0 - k_rightsize_min_saving);
    if (tie && higher.runnable != lower.runnable) {
        return higher.runnable;
    }
    return tie && higher.count == lower.count && gpus(higher) == gpus(lower) && higher.hours < lower.hours;
}

// When nothing meets: the cheapest that meets the time (the budget binds), else the fastest within
// the budget, else the fastest; with a budget and no target, nothing within the budget: the cheapest
// (the one nearest the budget, not a 64-node run at 50 times it).
const Option* best_effort_of(const Walk& walk, const std::vector<const Option*>& options)
{
    const Option* in_time = nullptr;
    for (const Option* option : options) {
        if (option->in_time && (in_time == nullptr || option->cost_or_max() < in_time->cost_or_max())) {
            in_time = option;
        }
    }
    if (in_time != nullptr) {
        return in_time;
    }
    const Option* best = nullptr;
    for (const Option* option : options) {
        if (!option->usable()) {
            continue;
        }
        if (best == nullptr) {
            best = option;
            continue;
        }
        const bool within = option->within_budget;
        // Over a budget with no target to meet, what matters is how far over: the cheapest.
        const bool by_cost = !within && !walk.target;
        const bool better = by_cost ? option->cost_or_max() < best->cost_or_max() : option->hours < best->hours;
        if ((within && !best->within_budget) || (within == best->within_budget && better)) {
            best = option;
        }
    }
    return best;
}

// When nothing in a rung can run (the model fits none of its GPUs), the step shows the one that costs
// least an hour (on the single-GPU rung, the baseline GPU), not whichever the pool listed first.
const Option* cheapest_per_hour(const Walk& walk, const std::vector<const Option*>& options)
{
    const auto per_hour = [&](const Option* o) { return hourly_price(walk, *o->instance).value_or(std::numeric_limits<double>::infinity()) * o->count; };
    return *std::min_element(options.begin(), options.end(), [&](const Option* a, const Option* b) { return per_hour(a) < per_hour(b); });
}

void choose(Walk& walk, const Option* option)
{
    walk.chosen = option;
    for (auto& step : walk.out.ladder) {
        step.chosen = false;
    }
    if (!walk.out.ladder.empty()) {
        walk.out.ladder.back().chosen = true;
    }
}

// How today's setup runs, as the fix step's "why" begins: "today cpu-bound (observed) at ...;
// the GPUs could take ...; start-up ... today, none after; after: ".
std::string today_before_fix(const Walk& walk, const Option& fixed)
{
    const Estimate& e = walk.today->e;
    // Telemetry wins: a bottleneck classified from it is today's, whatever the model says.
    const bool observed = walk.profile.bottleneck_basis == "observed" && walk.profile.bottleneck != "none";
    // Trainium's chips are not GPUs (as in why_for): "chip-bound", "the chips could take".
    const std::string bound =
        bound_word(observed || e.bottleneck == Bottleneck::None ? walk.profile.bottleneck : std::string(bottleneck_name(e.bottleneck)), *walk.today->instance);
    const std::string devices = device(*walk.today->instance, true);
    std::string why = fmt::format("today {}-bound{} at {}", bound, observed ? " (observed)" : "", rate_text(walk, e.samples_per_sec));
    if (e.network_samples_per_sec > e.samples_per_sec * 1.01) {
        why += fmt::format("; the {} could take {}", devices, rate_text(walk, e.network_samples_per_sec));
    }
    // A download before training can outweigh the training itself (File mode over many small files).
    const double saved_minutes = e.startup_minutes - fixed.e.startup_minutes;
    if (saves_download(walk, saved_minutes)) {
        const std::string after = fixed.e.startup_minutes < 0.5 ? std::string("none") : hours_text(fixed.e.startup_minutes / 60.0);
        // A measured start-up holds more than the download (provisioning, the image): only the download goes.
        const auto measured = walk.job.current.observed.startup_minutes;
        why += measured && *measured > e.startup_minutes * 1.05
            ? fmt::format("; the data downloads before training, {} of today's measured {} start-up, {} after", hours_text(e.startup_minutes / 60.0),
                  hours_text(*measured / 60.0), after)
            : fmt::format("; start-up {} today (the data downloads before training), {} after", hours_text(e.startup_minutes / 60.0), after);
    }
    return why + "; after: ";
}

// Rung 0: today's instances with the pipeline fixed, the storage that feeds them and, if the
// CPUs cannot, a preparation cluster (data-bottleneck-first).
void add_fix_step(Walk& walk)
{
    if (!walk.today_fixed) {
        if (!walk.fixes.empty()) {
            LadderStep step;
            step.rung = rung_name(Rung::FixPipeline);
            step.change = fmt::format("{}", fmt::join(walk.fixes, "; "));
            step.why = "applied to every configuration below, before any GPU is added";
            step.concepts = {"data-bottleneck-first"};
            step.concepts.insert(step.concepts.end(), walk.fix_concepts.begin(), walk.fix_concepts.end());
            walk.out.ladder.push_back(step);
        }
        return;
    }
    const Option& fixed = *walk.today_fixed;
    std::vector<std::string> changes = walk.fixes;
    if (fixed.storage.efs_to_elastic) {
        changes.push_back(fixed.storage.new_file_system
                ? std::string("copy the data to a new General Purpose EFS with Elastic throughput")
                : fmt::format("switch EFS from {} to Elastic throughput", walk.job.storage.efs.throughput_mode.value_or("bursting")));
    }
    if (walk.today && fixed.storage.service == "s3" && walk.today->config.storage == "s3" && fixed.storage.input_mode != walk.today->config.input_mode) {
        const bool file = walk.today->config.input_mode == "file";
        changes.push_back(!walk.sagemaker_job
                ? std::string(file ? "stream from S3 instead of copying the data to the instance first"
                                   : "copy the data to the instance before training instead of streaming it")
                : fmt::format("{} instead of {}",
                      fixed.storage.input_mode == "file" ? "File mode" : (fixed.storage.input_mode == "pipe" ? "Pipe mode" : "FastFile"),
                      file ? "File mode's download" : (walk.today->config.input_mode == "pipe" ? "Pipe mode" : "FastFile")));
    }
    if (walk.today && fixed.config.s3_prefixes > walk.today->config.s3_prefixes) {
        changes.push_back(fmt::format("spread the objects over {} key prefixes", grouped(fixed.config.s3_prefixes)));
    }
    // The fixed setup is estimated with the parallelism the plan would run it with: where that is not
    // today's, part of the gain is the parallelism's, and the step says so.
    if (walk.today && !walk.today->parallelism.mode.empty() && !fixed.parallelism.mode.empty() &&
        parallelism_label(fixed.config.parallelism) != parallelism_label(walk.today->config.parallelism)) {
        changes.push_back(
            fmt::format("{} instead of today's {}", parallelism_label(fixed.config.parallelism), parallelism_label(walk.today->config.parallelism)));
    }
    if (fixed.storage.ebs_gp3_mib_s) {
        changes.push_back(fmt::format(
            "modify the EBS volume in place to gp3 with {} MiB/s and {} IOPS", grouped(*fixed.storage.ebs_gp3_mib_s), grouped(fixed.storage.ebs_gp3_iops)));
    }
    if (changes.empty() && walk.removed_wait.empty() && walk.unexplained_wait.empty() && !fixed.storage.fsx && fixed.prep.count == 0 && !fixed.meets) {
        return; // nothing to fix and today's setup misses: the plan's "today" line says how it runs
    }
    if (fixed.storage.fsx) {
        changes.push_back(fixed.storage.resizes_today
                ? fsx_in_place_change(walk, *fixed.storage.fsx)
                : fmt::format("{} FSx for Lustre ({} GiB)", fixed.storage.new_file_system ? "move the data to a new" : "move the data to",
                      grouped(fixed.storage.fsx->capacity_gib)));
    }
    if (fixed.prep.count > 0) {
        changes.push_back(fmt::format("a data-preparation cluster of {} x {}", fixed.prep.count, fixed.prep.instance->name));
    }
    std::string why;
    if (walk.today && walk.today->known) {
        why = today_before_fix(walk, fixed);
    }
    why += why_for(walk, fixed);
    std::vector<std::string> concepts = {"data-bottleneck-first"};
    concepts.insert(concepts.end(), walk.fix_concepts.begin(), walk.fix_concepts.end());
    if (walk.profile.bottleneck == "io" || walk.profile.bottleneck == "cpu") {
        concepts.push_back("io-vs-compute-bound");
    }
    concepts.insert(concepts.end(), fixed.storage.concepts.begin(), fixed.storage.concepts.end());
    if (fixed.prep.count > 0) {
        concepts.push_back("data-prep-cluster");
    }
    const std::string keep = fmt::format("keep {} x {}", type_name(walk, *fixed.instance), fixed.count);
    if (!walk.removed_wait.empty()) {
        changes.push_back(walk.removed_wait);
    } else if (!changes.empty() && !walk.unexplained_wait.empty()) {
        changes.push_back(walk.unexplained_wait);
    }
    const std::string change = !changes.empty() ? fmt::format("{} (on {} x {})", fmt::join(changes, "; "), type_name(walk, *fixed.instance), fixed.count)
        : !walk.unexplained_wait.empty()        ? keep + " and " + walk.unexplained_wait
                                                : keep + ": nothing in the data pipeline to fix";
    walk.out.ladder.push_back(step_from(walk, fixed, change, why, concepts));
    walk.out.ladder.back().rung = rung_name(Rung::FixPipeline);
}

// Today's setup (fixed) meets: the cheapest configuration at or below today's rung that also
// meets, when it saves enough (rightsizing); else today's setup stays.
void rightsize(Walk& walk)
{
    const Option& today = *walk.today_fixed;
    const int top = rung_order(walk.today ? walk.today->rung : Rung::MultiNode);
    const double ceiling = today.cost_or_max() * (1.0 - k_rightsize_min_saving);
    const Option* best = nullptr;
    for (const Rung rung : k_climb) {
        if (rung_order(rung) > top) {
            break;
        }
        std::vector<const Option*> cheaper;
        for (const Option* option : in_rung(walk, rung)) {
            if (option->cost_or_max() < ceiling) {
                cheaper.push_back(option);
            }
        }
        const Option* here = cheapest_meeting(cheaper);
        if (here == nullptr) {
            continue;
        }
        auto concepts = concepts_for(walk, *here);
        concepts.push_back("rightsizing");
        walk.out.ladder.push_back(step_from(walk, *here, change_for(walk, *here),
            why_for(walk, *here) +
                fmt::format("; {} cheaper than today's {} x {}", usd(today.cost_or_max() - here->cost_or_max()), type_name(walk, *today.instance), today.count),
            concepts));
        if (best == nullptr || replaces(*here, *best)) {
            best = here;                                        // a higher rung only when clearly cheaper, or as cheap on as many GPUs and faster
        } else if (here->cost_or_max() < best->cost_or_max()) { // cheaper, but within the noise: say why it is not taken
            walk.out.ladder.back().why += fmt::format("; within {:.0f} % of the {} rung's {} x {} ({}): a near tie, so the configuration on fewer GPUs stays",
                k_rightsize_min_saving * 100, rung_name(best->rung), best->count, type_name(walk, *best->instance), usd(best->cost_or_max()) + on_spot(*best));
        }
    }
    if (best == nullptr) {
        // Nothing clearly cheaper, but today's job in today's time for no more on fewer of today's
        // instances: the same tie-break as within a rung (linear scaling makes them cost the same);
        // another type for a saving below 10 % is noise, not a reason to move. Nor is a tie-break a
        // reason to give up the margin to the target today has: 8 of today's 16 p5 nodes "no dearer"
        // but 236 h against a 240 h target, inside the model's median error, where today takes 121 h.
        const auto safe = [&](const Option& o) {
            return !walk.target || walk.target_implicit || o.hours <= *walk.target * (1.0 - k_model_median_error) ||
                today.hours > *walk.target * (1.0 - k_model_median_error);
        };
        for (const Rung rung : k_climb) {
            if (rung_order(rung) > top) {
                break;
            }
            for (const Option* option : in_rung(walk, rung)) {
                const bool fewer = option->count < today.count || (option->count == today.count && gpus(*option) < gpus(today));
                if (option->instance != today.instance || !option->meets || !fewer || option->cost_or_max() > today.cost_or_max() * (1.0 + 1e-9) ||
                    !safe(*option)) {
                    continue;
                }
                if (best == nullptr || smaller(*option, *best)) {
                    best = option;
                }
            }
        }
        if (best != nullptr) {
            auto concepts = concepts_for(walk, *best);
            concepts.push_back("rightsizing");
            walk.out.ladder.push_back(step_from(walk, *best, change_for(walk, *best),
                why_for(walk, *best) +
                    fmt::format("; no dearer than today's {} x {} with the pipeline fixed ({}), on {} GPUs instead of {} (rightsizing)",
                        type_name(walk, *today.instance), today.count, usd(today.cost_or_max()), gpus(*best), gpus(today)),
                concepts));
        }
    }
    if (best != nullptr) {
        walk.rightsized = true;
        walk.chosen = best;
        // The chosen step is the cheapest, not necessarily the last: mark it.
        for (auto& step : walk.out.ladder) {
            step.chosen = step.instance_type == type_name(walk, *best->instance) && step.instance_count == best->count && step.rung == rung_name(best->rung);
        }
        return;
    }
    const std::string none_cheaper = fmt::format("; nothing meets the target for {:.0f} % less (rightsizing)", k_rightsize_min_saving * 100);
    if (walk.out.ladder.empty() || walk.out.ladder.back().rung != rung_name(Rung::FixPipeline)) {
        walk.out.ladder.push_back(step_from(
            walk, today, fmt::format("keep {} x {}", type_name(walk, *today.instance), today.count), why_for(walk, today) + none_cheaper, {"rightsizing"}));
    } else {
        walk.out.ladder.back().why += none_cheaper;
    }
    choose(walk, &today);
}

// The rungs the climb visits when today's setup, fixed, misses: every GPU rung, below today's too
// (one node of faster GPUs, or a GPU instance with more vCPUs for a CPU-bound pipeline, before more
// nodes of today's), except single-gpu where today runs on one GPU the model times and may stay
// (bigger-gpu covers the faster ones; where today's GPU has no rate, every single GPU is on
// single-gpu; where today's instance cannot stay, outside the allowed families, another single GPU
// as fast may be what keeps its time for least).
std::vector<Rung> rungs_to_climb(const Walk& walk)
{
    std::vector<Rung> out;
    for (const Rung rung : k_climb) {
        if (!(walk.today && walk.today->rung == Rung::SingleGpu && rung == Rung::SingleGpu && walk.baseline_gpu_rate > 0 && walk.today_fixed)) {
            out.push_back(rung);
        }
    }
    return out;
}

bool below_today(const Walk& walk, Rung rung)
{
    return walk.today && rung_order(rung) < rung_order(walk.today->rung);
}

void no_option_step(Walk& walk, Rung rung)
{
    LadderStep step;
    step.rung = rung_name(rung);
    step.change = rung == Rung::BiggerGpu && walk.baseline_gpu != nullptr
        ? (walk.baseline_gpu_rate > 0
                  ? fmt::format("no single {} faster than {} in the allowed instance families", device(*walk.baseline_gpu, false), gpu_name(*walk.baseline_gpu))
                  : fmt::format("no single {} to compare with {}: the throughput is not estimated (see the assumptions)", device(*walk.baseline_gpu, false),
                        gpu_name(*walk.baseline_gpu)))
        : fmt::format("no {} configuration in the allowed instance families and limits", rung_name(rung));
    if (walk.job.training.target_hours || walk.budget) {
        step.meets_target = false;
    }
    step.why = "none to try: the walk goes on to the next rung";
    step.concepts = {"scale-up-first"};
    walk.out.ladder.push_back(step);
}

// The first rung that meets is where the climb stops, unless a higher rung meets for clearly less:
// more GPUs finish sooner, and when the shorter run outweighs the dearer hour (more vCPUs for a
// CPU-bound pipeline, a GPU that is better value) the higher rung is the cheaper plan. Scale-up-first
// orders the search; it does not make the plan pay more.
void take_cheaper_higher_rung(Walk& walk, Rung met_rung, const Option& met)
{
    const Option* cheaper = nullptr;
    for (const Rung rung : rungs_to_climb(walk)) {
        if (rung_order(rung) <= rung_order(met_rung)) {
            continue;
        }
        const Option* here = cheapest_meeting(in_rung(walk, rung));
        const Option* against = cheaper != nullptr ? cheaper : &met;
        if (here != nullptr && replaces(*here, *against)) {
            cheaper = here;
        }
    }
    if (cheaper == nullptr) {
        return;
    }
    const bool less = cheaper->cost_or_max() < met.cost_or_max();
    walk.out.ladder.back().why += fmt::format("; meets, but {} x {} on the {} rung meets {}", cheaper->count, type_name(walk, *cheaper->instance),
        rung_name(cheaper->rung), less ? "for less" : "as cheaply and sooner");
    const std::string against = fmt::format("the {} rung's {} x {}", rung_name(met.rung), met.count, type_name(walk, *met.instance));
    walk.out.ladder.push_back(step_from(walk, *cheaper, change_for(walk, *cheaper),
        why_for(walk, *cheaper) +
            (less ? fmt::format("; {} less than {}", usd(met.cost_or_max() - cheaper->cost_or_max()), against)
                  : fmt::format("; within {:.0f} % of the cost of {} and done in {} instead of {}{}", k_rightsize_min_saving * 100, against,
                        hours_text(cheaper->hours), hours_text(met.hours), met.runnable ? "" : ", within one SageMaker training job's 28 days")),
        concepts_for(walk, *cheaper)));
    choose(walk, cheaper);
}

// Where the tie-break took a configuration that runs as one training job over a smaller one that
// meets for about as much but needs several, the step says so.
std::string one_job_text(const Walk& walk, const std::vector<const Option*>& options, const Option& best)
{
    if (!best.meets || !best.runnable) {
        return {};
    }
    const Option* fewer = nullptr;
    for (const Option* option : options) {
        if (option->meets && !option->runnable && option->count < best.count && (fewer == nullptr || option->cost_or_max() < fewer->cost_or_max())) {
            fewer = option;
        }
    }
    if (fewer == nullptr) {
        return {};
    }
    return fmt::format("; {} x {} meets for {} but runs {}, beyond one SageMaker training job's 28 days", fewer->count, type_name(walk, *fewer->instance),
        usd(fewer->cost_or_max()), hours_text(fewer->hours));
}

// A rung's best effort is in time but over the budget: a higher rung's configuration in time for
// less (four T4s for less than one L4) is the nearer miss, and its step says so.
void cheaper_in_time_above(Walk& walk, Rung rung, const Option& best, std::vector<const Option*>& efforts)
{
    const Option* cheaper = nullptr;
    for (const Rung higher : rungs_to_climb(walk)) {
        if (rung_order(higher) <= rung_order(rung)) {
            continue;
        }
        for (const Option* option : in_rung(walk, higher)) {
            if (option->in_time && option->cost_or_max() < (cheaper != nullptr ? cheaper : &best)->cost_or_max()) {
                cheaper = option;
            }
        }
    }
    if (cheaper == nullptr) {
        return;
    }
    walk.out.ladder.push_back(step_from(walk, *cheaper, change_for(walk, *cheaper),
        why_for(walk, *cheaper) +
            fmt::format("; {} less than the {} rung's {} x {}", usd(best.cost_or_max() - cheaper->cost_or_max()), rung_name(rung), best.count,
                type_name(walk, *best.instance)),
        concepts_for(walk, *cheaper)));
    if (cheaper->meets) {
        choose(walk, cheaper); // the cheapest in time is within the budget: it meets
    } else {
        efforts.push_back(cheaper);
    }
}

// Today's setup, fixed, is in time but over the budget: the climb skips today's own rung (one GPU
// the model times), yet a smaller instance of today's GPU can meet the time for less (one L40S on
// a g6e.xlarge, not today's g6e.8xlarge): that rightsizing meets, where it is within the budget
// (true when it returns), else it is a best effort, and the nearer miss where it costs least.
bool cheaper_in_time_below(Walk& walk, std::vector<const Option*>& efforts)
{
    if (!walk.today_fixed || !walk.today_fixed->in_time) {
        return false;
    }
    const Option& today = *walk.today_fixed;
    const int top = rung_order(walk.today ? walk.today->rung : Rung::MultiNode);
    const auto climbed = rungs_to_climb(walk);
    const Option* cheaper = nullptr;
    for (const Rung rung : k_climb) {
        if (rung_order(rung) > top || std::find(climbed.begin(), climbed.end(), rung) != climbed.end()) {
            continue;
        }
        for (const Option* option : in_rung(walk, rung)) {
            if (option->in_time && option->cost_or_max() < today.cost_or_max() * (1.0 - k_rightsize_min_saving) &&
                (cheaper == nullptr || option->cost_or_max() < cheaper->cost_or_max())) {
                cheaper = option;
            }
        }
    }
    if (cheaper == nullptr) {
        return false;
    }
    auto concepts = concepts_for(walk, *cheaper);
    concepts.push_back("rightsizing");
    walk.out.ladder.push_back(step_from(walk, *cheaper, change_for(walk, *cheaper),
        why_for(walk, *cheaper) +
            fmt::format("; {} cheaper than today's {} x {} with the pipeline fixed (rightsizing)", usd(today.cost_or_max() - cheaper->cost_or_max()),
                type_name(walk, *today.instance), today.count),
        concepts));
    if (!cheaper->meets) {
        efforts.push_back(cheaper);
        return false;
    }
    choose(walk, cheaper);
    take_cheaper_higher_rung(walk, cheaper->rung, *cheaper);
    return true;
}

// Up the rungs: stop at the first whose cheapest configuration meets the target and the budget
// (or a higher one that meets for clearly less).
void climb(Walk& walk, std::vector<const Option*>& efforts)
{
    if (cheaper_in_time_below(walk, efforts)) {
        return;
    }
    for (const Rung rung : rungs_to_climb(walk)) {
        const auto options = in_rung(walk, rung);
        if (options.empty()) {
            if (!below_today(walk, rung)) {
                no_option_step(walk, rung);
            }
            continue;
        }
        const Option* best = cheapest_meeting(options);
        const bool met = best != nullptr;
        if (!met) {
            best = best_effort_of(walk, options);
        }
        if (!met && rung == Rung::SingleGpu && below_today(walk, rung) && walk.target && (best == nullptr || !best->in_time)) {
            continue; // a single GPU below today's several: a step only where it meets, or is the nearer miss
        }
        if (best == nullptr) {
            best = cheapest_per_hour(walk, options);
        } else if (!met) {
            efforts.push_back(best);
        }
        walk.out.ladder.push_back(
            step_from(walk, *best, change_for(walk, *best), why_for(walk, *best) + one_job_text(walk, options, *best), concepts_for(walk, *best)));
        if (met) {
            choose(walk, best);
            take_cheaper_higher_rung(walk, rung, *best);
            return;
        }
        if (best->in_time) {
            cheaper_in_time_above(walk, rung, *best, efforts); // fast enough but over the budget: the budget binds
            return;
        }
    }
}

// No target, no budget, no working setup today: what costs least, the fastest of near ties.
void cheapest_overall(Walk& walk)
{
    const Option* cheapest = nullptr;
    for (const auto& option : walk.options_pool) {
        if (option.usable() && option.total_cost && (cheapest == nullptr || *option.total_cost < *cheapest->total_cost)) {
            cheapest = &option;
        }
    }
    if (cheapest == nullptr) {
        return;
    }
    // The fastest of the near ties; but where the cheapest already runs in under an hour, the near tie
    // that costs least an hour: start-up (provisioning, the image) is billed at the configuration's
    // hourly price and not timed, so at equal modelled cost the dearer hour costs more (128 B200s,
    // then one 8-GPU B200 node, for a 1-minute BERT fine-tune were the picks).
    const bool short_run = cheapest->hours < k_short_run_hours;
    const auto per_hour = [&](const Option& o) { return hourly_price(walk, *o.instance).value_or(std::numeric_limits<double>::infinity()) * o.count; };
    const Option* pick = cheapest;
    for (const auto& option : walk.options_pool) {
        if (!option.usable() || !option.total_cost || *option.total_cost > *cheapest->total_cost * (1.0 + k_cost_tie)) {
            continue;
        }
        const bool better =
            short_run ? per_hour(option) < per_hour(*pick) || (per_hour(option) == per_hour(*pick) && option.hours < pick->hours) : option.hours < pick->hours;
        if (better) {
            pick = &option;
        }
    }
    for (const Rung rung : k_climb) {
        if (rung_order(rung) > rung_order(pick->rung)) {
            break;
        }
        if (rung == pick->rung) {
            walk.out.ladder.push_back(step_from(walk, *pick, change_for(walk, *pick),
                why_for(walk, *pick) +
                    fmt::format("; no target_hours: the least cost ({} or within {:.0f} % of it){}", usd(*cheapest->total_cost) + on_spot(*cheapest),
                        k_cost_tie * 100,
                        short_run ? "; a run under an hour: of those the one that costs least an hour, as start-up is billed at it and not timed"
                                  : ", fastest of those"),
                concepts_for(walk, *pick)));
            choose(walk, pick);
            return;
        }
        const auto options = in_rung(walk, rung);
        const Option* best = nullptr;
        for (const Option* option : options) {
            if (option->usable() && option->total_cost && (best == nullptr || *option->total_cost < *best->total_cost)) {
                best = option;
            }
        }
        if (best != nullptr) {
            walk.out.ladder.push_back(step_from(
                walk, *best, change_for(walk, *best), why_for(walk, *best) + "; not chosen: the next rung is no dearer and faster", concepts_for(walk, *best)));
        }
    }
}

// Where nothing runs within the budget: "; the cheapest configuration, N x type, costs $X (Kx the
// budget) and takes H" (empty where something does, or nothing is priced).
// The cheapest priced configuration of every one timed (null where none is priced).
const Option* pool_cheapest(const Walk& walk)
{
    const Option* cheapest = nullptr;
    for (const auto& option : walk.options_pool) {
        if (option.usable() && option.total_cost && (cheapest == nullptr || *option.total_cost < *cheapest->total_cost)) {
            cheapest = &option;
        }
    }
    return cheapest;
}

std::string cheapest_text(const Walk& walk)
{
    const Option* cheapest = pool_cheapest(walk);
    if (!walk.budget || cheapest == nullptr || *cheapest->total_cost <= *walk.budget) {
        return {};
    }
    const double times = *cheapest->total_cost / *walk.budget;
    return fmt::format(": the cheapest configuration, {} x {}, costs {} ({}x the {} budget) and takes {}", cheapest->count,
        type_name(walk, *cheapest->instance), usd(*cheapest->total_cost) + on_spot(*cheapest),
        times < 10 ? fmt::format("{:.2g}", times) : grouped(std::round(times)), usd(*walk.budget), hours_text(cheapest->hours));
}

// Which constraint keeps every configuration from the target (the budget, max_instances/max_gpus,
// the instance families, or the target itself).
std::string binding_constraint(const Walk& walk)
{
    const Option* cheapest_in_time = nullptr;
    const Option* fastest = nullptr;
    for (const auto& option : walk.options_pool) {
        if (option.in_time && (cheapest_in_time == nullptr || option.cost_or_max() < cheapest_in_time->cost_or_max())) {
            cheapest_in_time = &option;
        }
        if (option.usable() && (fastest == nullptr || option.hours < fastest->hours)) {
            fastest = &option;
        }
    }
    if (cheapest_in_time != nullptr && walk.budget) {
        return fmt::format("budget_usd binds: the cheapest configuration that {}, {} x {}, costs {} (budget {})", meets_words(walk), cheapest_in_time->count,
            type_name(walk, *cheapest_in_time->instance), usd(cheapest_in_time->cost_or_max()) + on_spot(*cheapest_in_time), usd(*walk.budget));
    }
    if (fastest == nullptr) {
        return "memory binds: the model does not fit the allowed GPUs in any split";
    }
    auto first_in_time = [&](const std::vector<Option>& relaxed) {
        const Option* best = nullptr;
        for (const auto& option : relaxed) {
            if (option.in_time && (best == nullptr || option.cost_or_max() < best->cost_or_max())) {
                best = &option;
            }
        }
        return best == nullptr ? std::string()
                               : fmt::format("{} x {} would take {}{}", best->count, type_name(walk, *best->instance), hours_text(best->hours),
                                     best->total_cost ? " at " + usd(*best->total_cost) + on_spot(*best) : "");
    };
    const auto& constraints = walk.job.constraints;
    if (walk.target && (constraints.max_instances || constraints.max_gpus)) {
        if (const auto relaxed = first_in_time(relaxed_options(walk, true, false)); !relaxed.empty()) {
            return fmt::format("{} binds: {}", constraints.max_instances ? "max_instances" : "max_gpus", relaxed);
        }
    }
    if (walk.target && !constraints.instance_families.empty()) {
        if (const auto relaxed = first_in_time(relaxed_options(walk, false, true)); !relaxed.empty()) {
            return fmt::format("instance_families binds: {}", relaxed);
        }
    }
    if (!walk.target) {
        return fmt::format("budget_usd binds: nothing runs within {}{}", usd(*walk.budget), cheapest_text(walk));
    }
    // The budget may bind as well: nothing at all runs within it.
    const std::string budget_too = cheapest_text(walk);
    return fmt::format("{} binds: the fastest allowed configuration, {} x {}, takes {}{}", time_constraint_name(walk), fastest->count,
        type_name(walk, *fastest->instance), hours_text(fastest->hours), budget_too.empty() ? budget_too : "; budget_usd binds too" + budget_too);
}

// The ladder's first step keeps today's setup (inserted when add_fix_step left it out).
void ensure_today_step(Walk& walk, const Option& today)
{
    const bool as_measured = walk.today && &today == &*walk.today; // not today_fixed: its own step, ahead of the fix
    if (as_measured || walk.out.ladder.empty() || walk.out.ladder.front().rung != rung_name(Rung::FixPipeline)) {
        walk.out.ladder.insert(walk.out.ladder.begin(),
            step_from(walk, today, fmt::format("keep {} x {}{}", type_name(walk, *today.instance), today.count, as_measured ? " as it runs today" : ""),
                why_for(walk, today), {"rightsizing"}));
        walk.out.ladder.front().rung = rung_name(Rung::FixPipeline);
    }
}

// Over a budget with no target, nothing within it: the cheapest configuration of the whole pool
// (the one the binding note names), which the climb from today's rung may not have stepped on (a
// smaller instance with today's GPU). Its step goes in rung order. Null where something is within
// the budget, or there is a target.
const Option* cheapest_over_budget(Walk& walk, const std::vector<const Option*>& efforts)
{
    if (!walk.budget || walk.target ||
        std::any_of(walk.options_pool.begin(), walk.options_pool.end(), [](const Option& o) { return o.within_budget && o.usable(); })) {
        return nullptr;
    }
    const Option* cheapest = pool_cheapest(walk);
    if (cheapest == nullptr || std::find(efforts.begin(), efforts.end(), cheapest) != efforts.end()) {
        return cheapest;
    }
    const std::string rung = rung_name(cheapest->rung);
    const bool stepped = std::any_of(walk.out.ladder.begin(), walk.out.ladder.end(), [&](const LadderStep& step) {
        return step.instance_type == type_name(walk, *cheapest->instance) && step.instance_count == cheapest->count && step.rung == rung;
    });
    if (!stepped) {
        auto at = std::find_if(walk.out.ladder.begin(), walk.out.ladder.end(), [&](const LadderStep& step) {
            return step.rung != rung_name(Rung::FixPipeline) && std::none_of(std::begin(k_climb), std::end(k_climb), [&](Rung r) {
                return rung_name(r) == step.rung && rung_order(r) <= rung_order(cheapest->rung);
            });
        });
        walk.out.ladder.insert(at,
            step_from(walk, *cheapest, change_for(walk, *cheapest), why_for(walk, *cheapest) + "; the cheapest configuration: nothing runs within the budget",
                concepts_for(walk, *cheapest)));
    }
    return cheapest;
}

void settle_best_effort(Walk& walk, std::vector<const Option*> efforts)
{
    if (walk.today_fixed) {
        efforts.push_back(&*walk.today_fixed);
    }
    if (const Option* cheapest = cheapest_over_budget(walk, efforts)) {
        efforts.push_back(cheapest);
    }
    const Option* best = best_effort_of(walk, efforts);
    if (best == nullptr) {
        return;
    }
    walk.chosen = best;
    const bool today = walk.today_fixed && best == &*walk.today_fixed;
    if (today) {
        ensure_today_step(walk, *best);
    }
    const std::string rung = today ? rung_name(Rung::FixPipeline) : rung_name(best->rung);
    for (auto& step : walk.out.ladder) {
        step.chosen = step.instance_type == type_name(walk, *best->instance) && step.instance_count == best->count && step.rung == rung;
    }
    if (walk.target || walk.budget) {
        walk.binding = binding_constraint(walk);
    }
}

// Never both slower and dearer than today's setup as it runs (unless today cannot run at all).
void keep_today_if_better(Walk& walk)
{
    if (walk.chosen == nullptr || !walk.today || !walk.today->usable() || !walk.chosen->total_cost || !walk.today->total_cost ||
        !why_today_cannot_stay(walk).empty()) {
        return;
    }
    const auto worse_than_today = [&](const Option& option) {
        return option.hours > walk.today->hours * 1.001 && option.total_cost && *option.total_cost > *walk.today->total_cost * 1.001;
    };
    // Today with its pipeline fixed, unless the fix (re-estimated, not measured) is itself worse than today as measured.
    const Option& today = walk.today_fixed && walk.today_fixed->usable() && !worse_than_today(*walk.today_fixed) ? *walk.today_fixed : *walk.today;
    if (worse_than_today(*walk.chosen)) {
        walk.out.assumptions.push_back(fmt::format("every configuration that would change the setup is slower and dearer than today's {} x {}: "
                                                   "it stays",
            type_name(walk, *today.instance), today.count));
        walk.chosen = &today;
        for (auto& step : walk.out.ladder) {
            step.chosen = false;
        }
        ensure_today_step(walk, today);
        walk.out.ladder.front().chosen = true;
    }
}

} // namespace

void walk_ladder(Walk& walk)
{
    add_fix_step(walk);
    std::vector<const Option*> efforts;
    if (walk.today_fixed && walk.today_fixed->meets) {
        rightsize(walk);
    } else if (walk.target || walk.budget) {
        climb(walk, efforts);
    } else {
        cheapest_overall(walk);
    }
    if (walk.chosen == nullptr) {
        settle_best_effort(walk, efforts);
    }
    keep_today_if_better(walk);
}

} // namespace mlscale::walk
