// Fuzz target: the expression language — compile as a condition and as a template, evaluate
// against a small fact tree; errors must carry spans inside the text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "mlscale/expr.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace mlscale::expr;
    static const MapSchema schema = [] {
        MapSchema s;
        s.add("dataset.size_gb", Type::Number).add("dataset.format", Type::String).add("security.vpc", Type::Bool);
        s.add("constraints.instance_families", Type::List).add_prefix("param", Type::Any);
        return s;
    }();
    static const nlohmann::json facts = nlohmann::json::parse(
        R"({"dataset": {"size_gb": 150, "format": "jpeg"}, "security": {"vpc": true}, "constraints": {"instance_families": ["p4d", "g5"]}, "param": {"x": 3}})");
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto check_spans = [&](const std::vector<Error>& errors) {
        for (const auto& error : errors) {
            if (error.span.begin > text.size() || error.span.end > text.size() || error.span.begin > error.span.end) {
                std::abort();
            }
            (void)format_diagnostic(text, error);
        }
    };
    const auto compiled = compile(text, schema);
    check_spans(compiled.errors);
    if (compiled.expression) {
        (void)evaluate(*compiled.expression, facts).to_display();
        (void)referenced_paths(*compiled.expression);
    }
    const auto templated = compile_template(text, schema);
    check_spans(templated.errors);
    if (templated.tmpl) {
        (void)render(*templated.tmpl, facts);
    }
    return 0;
}
