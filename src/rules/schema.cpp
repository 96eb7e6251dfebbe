// The fact schema rules compile against, derived from the job schema and rules/facts.json, and
// the concept list (rules/concepts.json): both embedded data, read once.
#include <stdexcept>

#include "mlscale/resources.hpp"
#include "mlscale/rules.hpp"

namespace mlscale {

namespace {

nlohmann::json embedded_json(std::string_view path)
{
    const auto text = embedded_file(path);
    if (!text) {
        throw std::runtime_error("the binary carries no " + std::string(path));
    }
    return nlohmann::json::parse(*text);
}

// A JSON Schema "type" (a name, or a list with "null") as an expression type; nullopt for objects.
std::optional<expr::Type> expression_type(const nlohmann::json& type)
{
    std::vector<std::string> names;
    if (type.is_string()) {
        names.push_back(type.get<std::string>());
    } else if (type.is_array()) {
        for (const auto& name : type) {
            names.push_back(name.get<std::string>());
        }
    }
    for (const auto& name : names) {
        if (name == "number" || name == "integer") {
            return expr::Type::Number;
        }
        if (name == "string") {
            return expr::Type::String;
        }
        if (name == "boolean") {
            return expr::Type::Bool;
        }
        if (name == "array") {
            return expr::Type::List;
        }
    }
    return std::nullopt;
}

// Every leaf property of the job schema becomes a dotted path with its type; the fields rules must
// not read (the editor hint and the suppressions themselves) are left out.
void add_job_paths(expr::MapSchema& schema, const nlohmann::json& node, const std::string& prefix)
{
    if (!node.contains("properties")) {
        return;
    }
    for (const auto& [name, property] : node["properties"].items()) {
        if (prefix.empty() && (name == "$schema" || name == "suppress")) {
            continue;
        }
        const std::string path = prefix + name;
        if (property.contains("properties")) {
            add_job_paths(schema, property, path + ".");
        } else if (const auto type = expression_type(property.value("type", nlohmann::json()))) {
            schema.add(path, *type);
        }
    }
}

expr::Type fact_type(const std::string& name)
{
    if (name == "number") {
        return expr::Type::Number;
    }
    if (name == "string") {
        return expr::Type::String;
    }
    if (name == "bool") {
        return expr::Type::Bool;
    }
    if (name == "list") {
        return expr::Type::List;
    }
    return expr::Type::Any;
}

} // namespace

namespace {

expr::MapSchema (*&compiled_factory())()
{
    static expr::MapSchema (*factory)() = nullptr;
    return factory;
}

} // namespace

void use_compiled_fact_schema(expr::MapSchema (*factory)())
{
    compiled_factory() = factory;
}

expr::MapSchema derived_fact_schema()
{
    expr::MapSchema result;
    add_job_paths(result, job_schema_json(), ""); // parsed once, shared with the job loader
    const nlohmann::json facts = embedded_json("rules/facts.json");
    for (const auto& [path, fact] : facts.at("facts").items()) {
        result.add(path, fact_type(fact.value("type", "any")));
    }
    return result;
}

const expr::MapSchema& fact_schema()
{
    static const expr::MapSchema schema = compiled_factory() != nullptr ? compiled_factory()() : derived_fact_schema();
    return schema;
}

const std::vector<Concept>& concepts()
{
    static const std::vector<Concept> list = [] {
        std::vector<Concept> result;
        const nlohmann::json document = embedded_json("rules/concepts.json");
        for (const auto& item : document.at("concepts")) {
            result.push_back(Concept{item.at("key").get<std::string>(), item.value("section", ""), item.value("practice", "")});
        }
        return result;
    }();
    return list;
}

} // namespace mlscale
