// JSON Schema subset validator with located, teaching error messages.
#include "mlscale/schema.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "mlscale/suggest.hpp"
#include "pattern.hpp"

namespace mlscale {

namespace {

// A schema "pattern" (ECMAScript, searched as JSON Schema does), compiled to a SimplePattern
// (core/pattern.hpp): matched in time linear in the text, so no value can make validation
// backtrack. The schemas are mlscale's own; a pattern outside the subset is refused when the
// schema is compiled, like an unsupported keyword.
class Pattern {
public:
    Pattern(const std::string& text, const std::string& where) : m_text(text), m_compiled(compile_pattern(text, where)) { }

    [[nodiscard]] bool search(const std::string& text) const
    {
        return m_compiled.search(text);
    }

    [[nodiscard]] const std::string& text() const
    {
        return m_text;
    }

private:
    static SimplePattern compile_pattern(const std::string& text, const std::string& where)
    {
        auto compiled = SimplePattern::compile(text);
        if (!compiled) {
            throw std::invalid_argument(fmt::format("schema at {}: pattern /{}/ uses regular expression syntax outside the supported subset "
                                                    "(src/core/pattern.hpp)",
                where, text));
        }
        return std::move(*compiled);
    }

    std::string m_text;
    SimplePattern m_compiled;
};

} // namespace

struct JsonSchema::Node {
    std::set<std::string> types; // empty: any
    std::map<std::string, std::unique_ptr<Node>> properties;
    std::vector<std::pair<Pattern, std::unique_ptr<Node>>> pattern_properties;
    bool additional_allowed = true;
    std::vector<std::string> required;
    std::optional<std::vector<nlohmann::json>> enum_values;
    std::map<std::string, std::string> aliases; ///< x-aliases: another name for an enum value (lower case), for "did you mean"
    std::optional<double> minimum;
    std::optional<double> maximum;
    std::optional<double> exclusive_minimum;
    std::optional<double> exclusive_maximum;
    std::optional<std::size_t> min_length;
    std::optional<std::size_t> max_length;
    std::optional<Pattern> pattern;
    std::unique_ptr<Node> items;
    std::optional<std::size_t> min_items;
    std::optional<std::size_t> max_items;
    std::string description;
};

namespace {

using Node = JsonSchema::Node;

const std::set<std::string>& annotation_keywords()
{
    static const std::set<std::string> keywords{"$schema", "$id", "title", "description", "default", "examples", "$comment"};
    return keywords;
}

std::unique_ptr<Node> compile(const nlohmann::json& schema, const std::string& where, const nlohmann::json& root, int depth = 0);

// The property whose description opens with the name a user wrote from another tool (the AWS API
// field, or Terraform's snake_case of it): "StorageCapacity, in GiB" for "storage_capacity".
std::pair<std::string, std::string> named_in_description(const std::string& key, const Node& node)
{
    const std::string wanted = folded_name(key);
    for (const auto& [name, sub] : node.properties) {
        const std::string& description = sub->description;
        const std::string_view field = std::string_view(description).substr(0, description.find_first_of(" ,(;:"));
        const std::string_view last = field.substr(field.find_last_of('.') == std::string_view::npos ? 0 : field.find_last_of('.') + 1);
        if (!wanted.empty() && (folded_name(field) == wanted || folded_name(last) == wanted)) {
            return {name, description};
        }
    }
    return {};
}

// A local reference ("#/$defs/name"), compiled in place: the schemas are mlscale's own and not
// recursive, so inlining is exact (a cycle is refused by the depth limit).
std::unique_ptr<Node> compile_ref(const nlohmann::json& ref, const std::string& where, const nlohmann::json& root, int depth)
{
    constexpr int k_max_depth = 32;
    if (!ref.is_string() || ref.get<std::string>().rfind("#/", 0) != 0) {
        throw std::invalid_argument(fmt::format("schema at {}: only local references (\"#/...\") are supported", where));
    }
    if (depth >= k_max_depth) {
        throw std::invalid_argument(fmt::format("schema at {}: references nest deeper than {} (a cycle?)", where, k_max_depth));
    }
    const nlohmann::json::json_pointer pointer(ref.get<std::string>().substr(1));
    if (!root.contains(pointer)) {
        throw std::invalid_argument(fmt::format("schema at {}: reference {} points at nothing", where, ref.get<std::string>()));
    }
    return compile(root.at(pointer), ref.get<std::string>(), root, depth + 1);
}

std::unique_ptr<Node> compile(const nlohmann::json& schema, const std::string& where, const nlohmann::json& root, int depth)
{
    if (!schema.is_object()) {
        throw std::invalid_argument(fmt::format("schema at {}: expected an object", where));
    }
    // The referenced schema first, then this one's own keywords over it.
    auto node = schema.contains("$ref") ? compile_ref(schema["$ref"], where, root, depth) : std::make_unique<Node>();
    for (const auto& [key, value] : schema.items()) {
        if (key == "$ref" || key == "$defs") {
            continue; // resolved above; definitions are compiled where they are referenced
        }
        if (annotation_keywords().count(key) != 0) {
            if (key == "description" && value.is_string()) {
                node->description = value.get<std::string>();
            }
        } else if (key == "type") {
            if (value.is_string()) {
                node->types.insert(value.get<std::string>());
            } else {
                for (const auto& type : value) {
                    node->types.insert(type.get<std::string>());
                }
            }
        } else if (key == "properties") {
            for (const auto& [name, sub] : value.items()) {
                node->properties[name] = compile(sub, where + "/properties/" + name, root, depth);
            }
        } else if (key == "patternProperties") {
            for (const auto& [pattern, sub] : value.items()) {
                node->pattern_properties.emplace_back(Pattern(pattern, where + "/patternProperties"), compile(sub, where + "/patternProperties", root, depth));
            }
        } else if (key == "additionalProperties") {
            if (!value.is_boolean()) {
                throw std::invalid_argument(fmt::format("schema at {}: additionalProperties must be a boolean", where));
            }
            node->additional_allowed = value.get<bool>();
        } else if (key == "required") {
            node->required = value.get<std::vector<std::string>>();
        } else if (key == "enum") {
            node->enum_values = value.get<std::vector<nlohmann::json>>();
        } else if (key == "x-aliases") {
            // mlscale's annotation: the names users write for an enum value ("fsdp" for "sharded").
            node->aliases = value.get<std::map<std::string, std::string>>();
        } else if (key == "minimum") {
            node->minimum = value.get<double>();
        } else if (key == "maximum") {
            node->maximum = value.get<double>();
        } else if (key == "exclusiveMinimum") {
            node->exclusive_minimum = value.get<double>();
        } else if (key == "exclusiveMaximum") {
            node->exclusive_maximum = value.get<double>();
        } else if (key == "minLength") {
            node->min_length = value.get<std::size_t>();
        } else if (key == "maxLength") {
            node->max_length = value.get<std::size_t>();
        } else if (key == "pattern") {
            node->pattern.emplace(value.get<std::string>(), where + "/pattern");
        } else if (key == "items") {
            node->items = compile(value, where + "/items", root, depth);
        } else if (key == "minItems") {
            node->min_items = value.get<std::size_t>();
        } else if (key == "maxItems") {
            node->max_items = value.get<std::size_t>();
        } else {
            throw std::invalid_argument(fmt::format("schema at {}: unsupported keyword \"{}\"", where, key));
        }
    }
    for (const auto& [alias, target] : node->aliases) {
        if (!node->enum_values || std::find(node->enum_values->begin(), node->enum_values->end(), nlohmann::json(target)) == node->enum_values->end()) {
            throw std::invalid_argument(
                fmt::format("schema at {}: x-aliases maps \"{}\" to \"{}\", which is not one of its enum values", where, alias, target));
        }
    }
    return node;
}

bool has_type(const nlohmann::json& value, const std::string& type)
{
    if (type == "null") {
        return value.is_null();
    }
    if (type == "boolean") {
        return value.is_boolean();
    }
    if (type == "object") {
        return value.is_object();
    }
    if (type == "array") {
        return value.is_array();
    }
    if (type == "string") {
        return value.is_string();
    }
    if (type == "number") {
        return value.is_number();
    }
    if (type == "integer") {
        if (value.is_number_unsigned()) {
            return value.get<std::uint64_t>() <= 9223372036854775807ULL;
        }
        if (value.is_number_integer()) {
            return true;
        }
        if (value.is_number_float()) {
            // Whole and within a 64-bit integer, which is what the job model stores.
            const double number = value.get<double>();
            return std::floor(number) == number && number >= -9223372036854775808.0 && number < 9223372036854775808.0;
        }
    }
    return false;
}

std::string type_phrase(const std::string& type)
{
    if (type == "integer") {
        return "a whole number";
    }
    if (type == "number") {
        return "a number";
    }
    if (type == "string") {
        return "a string";
    }
    if (type == "boolean") {
        return "true or false";
    }
    if (type == "object") {
        return "an object";
    }
    if (type == "array") {
        return "an array";
    }
    return "null";
}

std::string number_text(double number)
{
    if (std::floor(number) == number && std::fabs(number) < 1e15) {
        return fmt::format("{}", static_cast<long long>(number));
    }
    return fmt::format("{}", number);
}

// The one property whose underscore-separated words include every word of `key`: "trees" for
// "num_trees", "features" for "num_features"; else the one of two or more words all in `key`:
// "capacity_gib" for "storage_capacity_gib". Empty when none or several do.
std::string named_by_words(const std::string& key, const std::vector<std::string>& names)
{
    const auto words = [](const std::string& name) {
        std::vector<std::string> out;
        for (std::size_t begin = 0; begin <= name.size();) {
            const std::size_t end = std::min(name.find('_', begin), name.size());
            if (end > begin) {
                out.push_back(name.substr(begin, end - begin));
            }
            begin = end + 1;
        }
        return out;
    };
    const auto wanted = words(key);
    const auto within = [](const std::vector<std::string>& part, const std::vector<std::string>& whole) {
        return std::all_of(part.begin(), part.end(), [&](const std::string& w) { return std::find(whole.begin(), whole.end(), w) != whole.end(); });
    };
    for (const bool longer : {true, false}) {
        std::string found;
        for (const auto& name : names) {
            const auto have = words(name);
            const bool match = longer ? !wanted.empty() && have.size() > wanted.size() && within(wanted, have)
                                      : have.size() >= 2 && have.size() < wanted.size() && within(have, wanted);
            if (match) {
                if (!found.empty()) {
                    return {};
                }
                found = name;
            }
        }
        if (!found.empty()) {
            return found;
        }
    }
    return {};
}

class Validator {
public:
    Validator(const JsonDocument& document, Diagnostics& diagnostics, const Node& root) : m_document(document), m_diagnostics(diagnostics), m_root(root) { }

    void check(const Node& node, const nlohmann::json& value, const std::string& pointer)
    {
        if (!check_type(node, value, pointer) || value.is_null() || !check_enum(node, value, pointer)) {
            return;
        }
        if (value.is_number()) {
            check_number(node, value.get<double>(), pointer);
        }
        if (value.is_string()) {
            check_string(node, value.get_ref<const std::string&>(), pointer);
        }
        if (value.is_array()) {
            check_array(node, value, pointer);
        }
        if (value.is_object()) {
            check_object(node, value, pointer);
        }
    }

private:
    const JsonDocument& m_document;
    Diagnostics& m_diagnostics;
    const Node& m_root;

    // The other section of the document's root that has a field named `key` ("num_features" written
    // under /dataset belongs in /model): its name, or empty.
    std::string section_with(const std::string& key, const Node& here) const
    {
        for (const auto& [section, node] : m_root.properties) {
            if (node.get() != &here && node->properties.count(key) != 0) {
                return section;
            }
        }
        return {};
    }

    // The one field of the document whose enum holds `value` (its name or an x-alias, ignoring case):
    // "fine_tuning": "lora" under /training is what /model/peft says. Its pointer and enum value, or
    // empty where none or several fields hold it ("none" is a value of many).
    std::pair<std::string, std::string> field_with_value(const std::string& value) const
    {
        std::vector<std::pair<std::string, std::string>> found;
        fields_with_value(m_root, "", lower_case(value), 0, found);
        return found.size() == 1 ? found.front() : std::pair<std::string, std::string>{};
    }

    static std::string lower_case(std::string text)
    {
        std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return text;
    }

    static void fields_with_value(
        const Node& node, const std::string& pointer, const std::string& lower, int depth, std::vector<std::pair<std::string, std::string>>& found)
    {
        for (const auto& [name, sub] : node.properties) {
            const std::string here = pointer + "/" + name;
            if (sub->enum_values) {
                for (const auto& allowed : *sub->enum_values) {
                    if (allowed.is_string() && lower_case(allowed.get<std::string>()) == lower) {
                        found.emplace_back(here, allowed.get<std::string>());
                    }
                }
                const bool named = !found.empty() && found.back().first == here;
                if (const auto alias = sub->aliases.find(lower); alias != sub->aliases.end() && !named) {
                    found.emplace_back(here, alias->second);
                }
            }
            if (depth < 3) {
                fields_with_value(*sub, here, lower, depth + 1, found);
            }
        }
    }

    // Whether `value` has one of the node's types (any, when it names none).
    bool check_type(const Node& node, const nlohmann::json& value, const std::string& pointer)
    {
        if (node.types.empty() || std::any_of(node.types.begin(), node.types.end(), [&](const std::string& type) { return has_type(value, type); })) {
            return true;
        }
        std::vector<std::string> wanted;
        for (const auto& type : node.types) {
            if (type != "null") {
                wanted.push_back(type_phrase(type));
            }
        }
        std::string expected = wanted.empty() ? "null" : fmt::format("{}", fmt::join(wanted, " or "));
        std::string help;
        if (value.is_string() && (node.types.count("number") != 0 || node.types.count("integer") != 0)) {
            help = "write the number without quotes";
        } else if (value.is_number_float() && node.types.count("integer") != 0) {
            const double number = value.get<double>();
            help = std::floor(number) == number ? "a whole number here is at most 9223372036854775807 (2^63 - 1)" : "counts are whole numbers";
        } else if (value.is_number_unsigned() && node.types.count("integer") != 0) {
            help = "a whole number here is at most 9223372036854775807 (2^63 - 1)";
        }
        report(pointer, fmt::format("expected {}, got {}", expected, describe_json(value)), help);
        return false;
    }

    // Whether `value` is one of the node's enumerated values (any, when it has none).
    bool check_enum(const Node& node, const nlohmann::json& value, const std::string& pointer)
    {
        if (!node.enum_values ||
            std::any_of(node.enum_values->begin(), node.enum_values->end(), [&](const nlohmann::json& allowed) { return allowed == value; })) {
            return true;
        }
        std::vector<std::string> names;
        for (const auto& allowed : *node.enum_values) {
            if (allowed.is_string()) {
                names.push_back(allowed.get<std::string>());
            }
        }
        std::vector<std::string> quoted;
        for (const auto& name : names) {
            quoted.push_back("\"" + name + "\"");
        }
        report(pointer, fmt::format("expected one of {}, got {}", fmt::join(quoted, ", "), describe_json(value)),
            value.is_string() ? enum_help(value.get<std::string>(), names, node.aliases) : std::string());
        return false;
    }

    // "did you mean": another name for a value (x-aliases), the same name in another case, else the
    // closest one.
    static std::string enum_help(const std::string& given, const std::vector<std::string>& names, const std::map<std::string, std::string>& aliases)
    {
        const std::string lower = lower_case(given);
        if (const auto alias = aliases.find(lower); alias != aliases.end()) {
            return fmt::format("did you mean \"{}\"? (mlscale's name for {})", alias->second, given);
        }
        std::string help;
        for (const auto& name : names) {
            if (name.size() == given.size() &&
                std::equal(name.begin(), name.end(), given.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
                help = fmt::format("did you mean \"{}\"? values are case-sensitive", name);
            }
        }
        if (help.empty()) {
            if (auto match = closest_match(given, names)) {
                help = fmt::format("did you mean \"{}\"?", *match);
            }
        }
        return help;
    }

    void check_number(const Node& node, double number, const std::string& pointer)
    {
        if (node.minimum && number < *node.minimum) {
            report(pointer, fmt::format("must be at least {}, got {}", number_text(*node.minimum), number_text(number)));
        }
        if (node.maximum && number > *node.maximum) {
            report(pointer, fmt::format("must be at most {}, got {}", number_text(*node.maximum), number_text(number)));
        }
        if (node.exclusive_minimum && number <= *node.exclusive_minimum) {
            report(pointer, fmt::format("must be greater than {}, got {}", number_text(*node.exclusive_minimum), number_text(number)));
        }
        if (node.exclusive_maximum && number >= *node.exclusive_maximum) {
            report(pointer, fmt::format("must be less than {}, got {}", number_text(*node.exclusive_maximum), number_text(number)));
        }
    }

    void check_string(const Node& node, const std::string& text, const std::string& pointer)
    {
        const std::size_t length = count_characters(text);
        if (node.min_length && length < *node.min_length) {
            report(pointer, *node.min_length == 1 ? std::string("must not be empty") : fmt::format("must be at least {} characters long", *node.min_length));
        }
        if (node.max_length && length > *node.max_length) {
            report(pointer, fmt::format("must be at most {} characters long, got {}", *node.max_length, length));
        }
        if (node.pattern && !node.pattern->search(text)) {
            report(pointer, fmt::format("\"{}\" does not match the expected form", text),
                node.description.empty() ? fmt::format("expected a match for /{}/", node.pattern->text()) : node.description);
        }
    }

    void check_array(const Node& node, const nlohmann::json& value, const std::string& pointer)
    {
        if (node.min_items && value.size() < *node.min_items) {
            report(pointer, fmt::format("expected at least {} items, got {}", *node.min_items, value.size()));
        }
        if (node.max_items && value.size() > *node.max_items) {
            report(pointer, fmt::format("expected at most {} items, got {}", *node.max_items, value.size()));
        }
        if (node.items) {
            for (std::size_t i = 0; i < value.size(); ++i) {
                check(*node.items, value[i], pointer + "/" + std::to_string(i));
            }
        }
    }

    void report(const std::string& pointer, std::string message, std::string help = {}, bool at_key = false)
    {
        m_diagnostics.add(m_document.diagnostic_at(pointer, std::move(message), std::move(help), at_key));
    }

    void check_object(const Node& node, const nlohmann::json& value, const std::string& pointer)
    {
        // Members in document order, so errors come out in reading order.
        std::vector<std::pair<std::uint32_t, std::string>> keys;
        for (const auto& [key, member] : value.items()) {
            const auto span = m_document.locate_key(pointer + "/" + escape_pointer_token(key));
            keys.emplace_back(span ? span->begin.offset : 0, key);
        }
        std::sort(keys.begin(), keys.end());
        for (const auto& [offset, key] : keys) {
            const std::string member = pointer + "/" + escape_pointer_token(key);
            if (const auto it = node.properties.find(key); it != node.properties.end()) {
                check(*it->second, value.at(key), member);
                continue;
            }
            bool matched = false;
            for (const auto& [pattern, sub] : node.pattern_properties) {
                if (pattern.search(key)) {
                    matched = true;
                    check(*sub, value.at(key), member);
                }
            }
            if (matched || node.additional_allowed) {
                continue;
            }
            std::vector<std::string> names;
            for (const auto& [name, sub] : node.properties) {
                names.push_back(name);
            }
            std::string help;
            const std::string section = section_with(key, node);
            const std::string by_words = named_by_words(key, names);
            if (const auto [name, description] = named_in_description(key, node); !name.empty()) {
                help = fmt::format("did you mean \"{}\"? It is {}", name, description);
            } else if (!section.empty()) {
                help = fmt::format("\"{}\" is a field of /{}: move it there", key, section);
            } else if (const auto [field, meant] =
                           value.at(key).is_string() ? field_with_value(value.at(key).get<std::string>()) : std::pair<std::string, std::string>{};
                       !field.empty()) {
                const auto slash = field.rfind('/');
                help = fmt::format("\"{}\" is a value of {}: write \"{}\": \"{}\" in {}", value.at(key).get<std::string>(), field, field.substr(slash + 1),
                    meant, slash == 0 ? std::string("the job's root") : field.substr(0, slash));
            } else if (auto match = closest_match(key, names)) {
                help = fmt::format("did you mean \"{}\"?", *match);
            } else if (!by_words.empty()) {
                help = fmt::format("did you mean \"{}\"?", by_words);
            } else {
                help = fmt::format("known fields here: {}", fmt::join(names, ", "));
            }
            report(member, fmt::format("unknown field \"{}\"", key), help + " (fields starting with \"x-\" are free for notes)", true);
        }
        for (const auto& name : node.required) {
            if (!value.contains(name)) {
                report(pointer, fmt::format("missing required field \"{}\"", name));
            }
        }
    }
};

const Node* descend(const Node* node, const std::string& pointer)
{
    std::size_t start = 1;
    while (node != nullptr && start <= pointer.size() && !pointer.empty()) {
        std::size_t end = pointer.find('/', start);
        if (end == std::string::npos) {
            end = pointer.size();
        }
        const std::string token = pointer.substr(start, end - start);
        if (const auto it = node->properties.find(token); it != node->properties.end()) {
            node = it->second.get();
        } else if (node->items) {
            node = node->items.get();
        } else {
            return nullptr;
        }
        start = end + 1;
    }
    return node;
}

} // namespace

JsonSchema::JsonSchema(const nlohmann::json& schema) : m_root(compile(schema, "#", schema)) { }
JsonSchema::~JsonSchema() = default;
JsonSchema::JsonSchema(JsonSchema&&) noexcept = default;
JsonSchema& JsonSchema::operator=(JsonSchema&&) noexcept = default;

void JsonSchema::validate(const JsonDocument& document, Diagnostics& diagnostics) const
{
    Validator(document, diagnostics, *m_root).check(*m_root, document.value, "");
}

std::vector<std::string> JsonSchema::properties_at(const std::string& pointer) const
{
    std::vector<std::string> names;
    if (const Node* node = descend(m_root.get(), pointer)) {
        for (const auto& [name, sub] : node->properties) {
            names.push_back(name);
        }
    }
    return names;
}

std::string describe_json(const nlohmann::json& value)
{
    switch (value.type()) {
    case nlohmann::json::value_t::null:
        return "null";
    case nlohmann::json::value_t::boolean:
        return value.get<bool>() ? "true" : "false";
    case nlohmann::json::value_t::string: {
        std::string text = value.get<std::string>();
        if (count_characters(text) > 40) {
            text = text.substr(0, 40) + "...";
        }
        return fmt::format("string {}", nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
        return fmt::format("number {}", value.dump());
    case nlohmann::json::value_t::object:
        return "an object";
    case nlohmann::json::value_t::array:
        return "an array";
    default:
        return "a value";
    }
}

} // namespace mlscale
