// Number and text formatting shared by the renderers (private to src/render).
#pragma once

#include <optional>
#include <string>
#include <type_traits>

namespace mlscale {
struct Report;
}

namespace mlscale::render {

/// A number for people: rounded as the JSON output rounds it, trailing zeros trimmed.
std::string number(double value);

/// "$1,234.50"-style money without thousands separators: "$1234.5".
std::string money(double value);

/// A duration in hours as "9.5 h", or days past 72 h: "12.3 days (295 h)".
std::string hours(double value);

/// " on spot" after a cost whose `purchase` is "spot" (docs/output.md), else nothing.
inline std::string on_spot(const std::string& purchase)
{
    return purchase == "spot" ? " on spot" : "";
}

template <typename T> std::string maybe(const std::optional<T>& value, const std::string& unit = "")
{
    if (!value) {
        return "unknown";
    }
    if constexpr (std::is_same_v<T, bool>) {
        return *value ? "yes" : "no";
    } else {
        return number(static_cast<double>(*value)) + unit;
    }
}

/// The model in one phrase: "transformer, 110 M parameters, fp32 precision, adamw optimizer", or for
/// a model that is not a deep network what it is given as: "gbdt (xgboost), 500 trees of depth 6
/// over 40 features".
std::string model_summary(const Report& report);

/// Who consumes the input today: "GPUs" ("chips" on Trainium), or "CPUs" where today's instance has none.
std::string consumers(const Report& report);
/// What today's accelerator is called in text: "chip" on Trainium (and Inferentia), else "GPU".
std::string accelerator(const Report& report);
/// A bottleneck as text names it: the JSON's "gpu" is "chip" where the accelerator (`unit`) is a chip.
std::string bound_word(const std::string& bottleneck, const std::string& unit);

} // namespace mlscale::render
