// Number formatting shared by the renderers.
#include "format.hpp"

#include <cmath>
#include <fmt/format.h>

#include "mlscale/render.hpp"

namespace mlscale::render {

std::string number(double value)
{
    const double rounded = round_for_output(value);
    std::string text = std::fabs(rounded) < 1 && rounded != 0 ? fmt::format("{:.3g}", rounded) : fmt::format("{:.2f}", rounded);
    if (text.find('e') == std::string::npos) {
        while (text.find('.') != std::string::npos && (text.back() == '0' || text.back() == '.')) {
            text.pop_back();
        }
    }
    return text == "-0" ? "0" : text;
}

std::string money(double value)
{
    return "$" + number(value >= 100 ? std::round(value) : value);
}

std::string hours(double value)
{
    if (value > 72) {
        return fmt::format("{} days ({} h)", number(value / 24.0), number(std::round(value)));
    }
    return number(value) + " h";
}

} // namespace mlscale::render

namespace mlscale::render {

std::string model_summary(const Report& report)
{
    const auto& m = report.profile.model;
    if (m.deep) {
        return fmt::format("{}, {} M parameters, {} precision, {} optimizer", m.family, maybe(m.params_millions), m.precision, m.optimizer);
    }
    const nlohmann::json model = report.job_inputs.value("model", nlohmann::json::object());
    const auto text = [&](const char* key) { return model.contains(key) && model[key].is_string() ? model[key].get<std::string>() : std::string(); };
    const auto count = [&](const char* key) { return model.contains(key) && model[key].is_number() ? number(model[key].get<double>()) : std::string(); };
    std::string out = m.family;
    if (const std::string algorithm = text("builtin_algorithm").empty() ? text("framework") : text("builtin_algorithm"); !algorithm.empty()) {
        out += " (" + algorithm + ")";
    }
    const std::string trees = count("num_trees");
    const std::string depth = count("max_depth");
    const std::string features = count("num_features");
    if (!trees.empty()) {
        out += ", " + trees + " trees" + (depth.empty() ? "" : " of depth " + depth);
    }
    if (!features.empty()) {
        out += (trees.empty() ? ", " : " over ") + features + " features";
    }
    return out;
}

std::string consumers(const Report& report)
{
    const auto& derived = report.profile.derived;
    const bool cpus = derived.contains("estimate") && derived["estimate"].contains("gpus") && derived["estimate"]["gpus"] == 0;
    if (cpus) {
        return "CPUs";
    }
    return accelerator(report) + "s";
}

std::string bound_word(const std::string& bottleneck, const std::string& unit)
{
    return bottleneck == "gpu" && unit == "chip" ? unit : bottleneck;
}

std::string accelerator(const Report& report)
{
    const auto& derived = report.profile.derived;
    const bool chips = derived.contains("instance") && derived["instance"].contains("gpu_generation") &&
        (derived["instance"]["gpu_generation"] == "trainium" || derived["instance"]["gpu_generation"] == "inferentia");
    return chips ? "chip" : "GPU";
}

} // namespace mlscale::render
