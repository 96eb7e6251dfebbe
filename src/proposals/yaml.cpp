// YAML into located JSON with yaml-cpp: every value and key keeps its line and column (from
// yaml-cpp's Marks), and CloudFormation's short-form intrinsic tags become their long form.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "mlscale/proposals.hpp"

namespace mlscale {

namespace {

constexpr std::size_t k_max_yaml_depth = 128; ///< deeper nesting is refused (no stack overflow in our walk)

Location location_of_mark(const YAML::Mark& mark)
{
    return Location{static_cast<std::uint32_t>(mark.line + 1), static_cast<std::uint32_t>(mark.column + 1),
        static_cast<std::uint32_t>(mark.pos)};
}

class YamlConverter {
public:
    YamlConverter(const SourceFile& source, JsonDocument& document, Diagnostics& diagnostics)
        : m_source(source), m_document(document), m_diagnostics(diagnostics)
    {
    }

    nlohmann::json convert(const YAML::Node& node, const std::string& pointer, std::size_t depth)
    {
        if (depth > k_max_yaml_depth) {
            error(node.Mark(), fmt::format("nesting deeper than {} levels", k_max_yaml_depth));
            return nullptr;
        }
        record(m_document.value_spans, pointer, node);
        nlohmann::json plain = convert_untagged(node, pointer, depth);
        const std::string& tag = node.Tag();
        if (tag.size() < 2 || tag[0] != '!' || tag[1] == '!') {
            return plain; // "?" (plain), "!" (quoted) and standard "!!" tags: no intrinsic
        }
        const std::string name = tag.substr(1);
        if (name == "Ref" || name == "Condition") {
            return nlohmann::json{{name, plain}};
        }
        if (name == "GetAtt" && plain.is_string()) {
            const std::string text = plain.get<std::string>();
            const auto dot = text.find('.');
            plain = dot == std::string::npos ? nlohmann::json::array({text})
                                             : nlohmann::json::array({text.substr(0, dot), text.substr(dot + 1)});
        }
        return nlohmann::json{{"Fn::" + name, plain}};
    }

private:
    nlohmann::json convert_untagged(const YAML::Node& node, const std::string& pointer, std::size_t depth)
    {
        switch (node.Type()) {
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            return nullptr;
        case YAML::NodeType::Scalar:
            return scalar(node);
        case YAML::NodeType::Sequence: {
            nlohmann::json array = nlohmann::json::array();
            std::size_t index = 0;
            for (const auto& item : node) {
                array.push_back(convert(item, pointer + "/" + std::to_string(index), depth + 1));
                ++index;
            }
            return array;
        }
        case YAML::NodeType::Map: {
            nlohmann::json object = nlohmann::json::object();
            for (const auto& entry : node) {
                const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : std::string("?");
                const std::string child = pointer + "/" + escape_pointer_token(key);
                if (object.contains(key)) {
                    error(entry.first.Mark(), fmt::format("duplicate key \"{}\"", key));
                    continue;
                }
                record(m_document.key_spans, child, entry.first);
                object[key] = convert(entry.second, child, depth + 1);
            }
            return object;
        }
        }
        return nullptr;
    }

    /// YAML 1.2 core schema for plain scalars; quoted scalars ("!" tag) stay strings.
    static nlohmann::json scalar(const YAML::Node& node)
    {
        const std::string& text = node.Scalar();
        if (node.Tag() != "?") {
            return text;
        }
        if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
            return nullptr;
        }
        if (text == "true" || text == "True" || text == "TRUE") {
            return true;
        }
        if (text == "false" || text == "False" || text == "FALSE") {
            return false;
        }
        const bool numeric = text.find_first_not_of("0123456789+-.eE") == std::string::npos &&
                             text.find_first_of("0123456789") != std::string::npos;
        if (numeric) {
            try {
                std::size_t used = 0;
                if (text.find_first_of(".eE") == std::string::npos) {
                    const long long integer = std::stoll(text, &used);
                    if (used == text.size() && !(text.size() > 1 && text[0] == '0')) {
                        return integer;
                    }
                } else {
                    const double number = std::stod(text, &used);
                    if (used == text.size()) {
                        return number;
                    }
                }
            } catch (const std::exception&) {
                // not a number after all (e.g. "1-2"): a string
            }
        }
        return text;
    }

    void record(std::unordered_map<std::string, TextSpan>& spans, const std::string& pointer, const YAML::Node& node)
    {
        TextSpan span{location_of_mark(node.Mark()), 1};
        if (node.IsScalar()) {
            span.columns = std::max<std::uint32_t>(1, count_characters(node.Scalar()) + (node.Tag() == "!" ? 2 : 0));
        }
        spans.emplace(pointer, span);
    }

    void error(const YAML::Mark& mark, std::string message)
    {
        Diagnostic d;
        d.file = m_source.name;
        d.location = location_of_mark(mark);
        d.source_line = line_of(m_source.text, d.location->line);
        d.message = std::move(message);
        m_diagnostics.add(std::move(d));
    }

    const SourceFile& m_source;
    JsonDocument& m_document;
    Diagnostics& m_diagnostics;
};

} // namespace

std::optional<JsonDocument> parse_yaml(const SourceFile& source, Diagnostics& diagnostics)
{
    JsonDocument document;
    document.file = source.name;
    document.text = source.text;
    std::vector<YAML::Node> roots;
    try {
        roots = YAML::LoadAll(source.text);
    } catch (const YAML::Exception& e) {
        Diagnostic d;
        d.file = source.name;
        d.location = location_of_mark(e.mark);
        d.source_line = line_of(source.text, d.location->line);
        d.message = fmt::format("invalid YAML: {}", e.msg);
        diagnostics.add(std::move(d));
        return std::nullopt;
    }
    const std::size_t errors_before = diagnostics.error_count();
    YamlConverter converter(source, document, diagnostics);
    if (roots.size() == 1) {
        document.value = converter.convert(roots.front(), "", 0);
    } else {
        document.value = nlohmann::json::array();
        for (std::size_t i = 0; i < roots.size(); ++i) {
            document.value.push_back(converter.convert(roots[i], "/" + std::to_string(i), 0));
        }
    }
    if (diagnostics.error_count() > errors_before) {
        return std::nullopt;
    }
    return document;
}

} // namespace mlscale
