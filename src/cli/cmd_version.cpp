// `mlscale version`: the tool's version and what data it carries.
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "mlscale/catalogue.hpp"
#include "mlscale/version.hpp"

namespace mlscale::cli {

void setup_version(CLI::App& app, Context& context)
{
    auto format = std::make_shared<std::string>("text");
    auto* command = app.add_subcommand("version", "Print the version of mlscale and of its data");
    command->add_option("-f,--format", *format, "Output format: text or json")->check(format_validator({"text", "json"}));
    add_example(command, "mlscale version --format json");
    command->callback([format, &context] {
        configure_logging(context);
        const Catalogue& catalogue = builtin_catalogue();
        nlohmann::ordered_json data;
        for (const auto& [kind, as_of] : catalogue.as_of) {
            data[kind] = as_of;
        }
        if (*format == "json") {
            nlohmann::ordered_json out;
            out["name"] = "mlscale";
            out["version"] = k_version;
            out["profiles_as_of"] = data;
            std::cout << out.dump(2) << "\n";
        } else {
            std::cout << fmt::format("mlscale {}\n", k_version);
            for (const auto& [kind, as_of] : data.items()) {
                std::cout << fmt::format("  profiles/{}.json as of {}\n", kind, as_of.get<std::string>());
            }
        }
        context.exit_code = ExitCode::Clean;
    });
}

} // namespace mlscale::cli
