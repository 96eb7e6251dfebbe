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
