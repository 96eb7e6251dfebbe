// `mlscale version`: the tool's version and what data it carries.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "mlscale/catalogue.hpp"
#include "mlscale/version.hpp"

namespace mlscale::cli {

namespace {

std::string version_text(const std::string& format)
{
    nlohmann::ordered_json data;
    for (const auto& [kind, as_of] : builtin_catalogue().as_of) {
        data[kind] = as_of;
    }
    if (format == "json") {
        nlohmann::ordered_json out;
        out["name"] = "mlscale";
        out["version"] = k_version;
        out["profiles_as_of"] = data;
        return out.dump(2) + "\n";
    }
    std::string out = fmt::format("mlscale {}\n", k_version);
    for (const auto& [kind, as_of] : data.items()) {
        out += fmt::format("  profiles/{}.json as of {}\n", kind, as_of.get<std::string>());
    }
    return out;
}

} // namespace

Command version_command(const Context&)
{
    auto format = std::make_shared<std::string>("text");
    Command command{.name = "version", .summary = "Print the version of mlscale and of its data", .example = "mlscale version --format json"};
    command.options = {format_option(*format, {"text", "json"}, "Output format: text or json")};
    command.run = [format] { return write_output("", version_text(*format)) ? ExitCode::Clean : ExitCode::BadInput; };
    return command;
}

} // namespace mlscale::cli
