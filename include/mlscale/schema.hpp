// A JSON Schema (2020-12 subset) validator whose errors point into the user's file. The job
// loader is driven by docs/job.schema.json itself, so the published schema and the loader
// cannot disagree about which fields exist.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mlscale/diagnostics.hpp"
#include "mlscale/json_document.hpp"

namespace mlscale {

/// Keywords understood: type, properties, patternProperties, additionalProperties (bool),
/// required, enum, minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength, maxLength,
/// pattern, items, minItems, maxItems; annotations ($schema, $id, title, description, default,
/// examples, $comment) are ignored. Any other keyword is refused when the schema is loaded.
class JsonSchema {
public:
    /// Compiles `schema`; throws std::invalid_argument naming the unsupported keyword or bad value.
    explicit JsonSchema(const nlohmann::json& schema);
    ~JsonSchema();
    JsonSchema(JsonSchema&&) noexcept;
    JsonSchema& operator=(JsonSchema&&) noexcept;

    /// Validates `document`, adding one diagnostic per violation (all of them, in document order).
    void validate(const JsonDocument& document, Diagnostics& diagnostics) const;

    /// The property names the schema allows at `pointer` (for tools and tests); empty if none.
    [[nodiscard]] std::vector<std::string> properties_at(const std::string& pointer) const;

    struct Node;

private:
    std::unique_ptr<Node> m_root;
};

/// Describes a JSON value for a message: `string "big"`, `number 2.5`, `an object`.
std::string describe_json(const nlohmann::json& value);

} // namespace mlscale
