// A reader for the subset of HCL that Terraform resource files use (docs/check.md lists it):
// blocks, attributes, literals, lists, maps, heredocs and comments. Anything that needs
// Terraform to evaluate (references, function calls, interpolation, operators) is kept as an
// unknown value, which is exactly what a static check may assume about it.
#include <fmt/format.h>

#include "mlscale/proposals.hpp"

namespace mlscale {

namespace {

constexpr std::size_t k_max_hcl_depth = 64; ///< nesting limit for blocks and collections

struct HclError {
    std::size_t offset;
    std::string message;
};

class HclParser {
public:
    HclParser(const SourceFile& source, JsonDocument& document) : m_text(source.text), m_document(document) { }

    void parse_file()
    {
        m_document.value = nlohmann::json::object();
        parse_body(m_document.value, "", 0, false);
    }

private:
    // --- characters and trivia ---
    [[nodiscard]] bool at_end() const
    {
        return m_pos >= m_text.size();
    }
    [[nodiscard]] char peek(std::size_t ahead = 0) const
    {
        return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : '\0';
    }

    /// Skips spaces, tabs, comments and (when `newlines`) line ends.
    void skip_trivia(bool newlines)
    {
        while (!at_end()) {
            const char c = peek();
            if (c == ' ' || c == '\t' || c == '\r' || (newlines && c == '\n')) {
                ++m_pos;
            } else if (c == '#' || (c == '/' && peek(1) == '/')) {
                while (!at_end() && peek() != '\n') {
                    ++m_pos;
                }
            } else if (c == '/' && peek(1) == '*') {
                const auto end = m_text.find("*/", m_pos + 2);
                if (end == std::string::npos) {
                    throw HclError{m_pos, "unterminated /* comment"};
                }
                m_pos = end + 2;
            } else {
                return;
            }
        }
    }

    static bool ident_start(char c)
    {
        return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_';
    }
    static bool ident_char(char c)
    {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
    }

    std::string identifier()
    {
        const std::size_t start = m_pos;
        while (!at_end() && ident_char(peek())) {
            ++m_pos;
        }
        return m_text.substr(start, m_pos - start);
    }

    void span(std::unordered_map<std::string, TextSpan>& spans, const std::string& pointer, std::size_t begin, std::size_t end)
    {
        TextSpan s{location_of_offset(m_text, begin), 1};
        const auto line_end = m_text.find('\n', begin);
        const std::size_t stop = std::min(end, line_end == std::string::npos ? m_text.size() : line_end);
        s.columns = std::max<std::uint32_t>(1, count_characters(std::string_view(m_text).substr(begin, stop > begin ? stop - begin : 0)));
        spans[pointer] = s;
    }

    // --- structure ---
    void parse_body(nlohmann::json& body, const std::string& pointer, std::size_t depth, bool nested)
    {
        if (depth > k_max_hcl_depth) {
            throw HclError{m_pos, fmt::format("nesting deeper than {} levels", k_max_hcl_depth)};
        }
        while (true) {
            skip_trivia(true);
            if (at_end()) {
                if (nested) {
                    throw HclError{m_pos, "expected \"}\" to close the block"};
                }
                return;
            }
            if (peek() == '}') {
                if (!nested) {
                    throw HclError{m_pos, "unexpected \"}\""};
                }
                ++m_pos;
                return;
            }
            if (!ident_start(peek())) {
                throw HclError{m_pos, fmt::format("expected an attribute or a block, found \"{}\"", peek())};
            }
            const std::size_t name_begin = m_pos;
            const std::string name = identifier();
            skip_trivia(false);
            if (peek() == '=' && peek(1) != '=') {
                ++m_pos;
                const std::string child = pointer + "/" + escape_pointer_token(name);
                if (body.contains(name)) {
                    throw HclError{name_begin, fmt::format("attribute \"{}\" is set twice", name)};
                }
                span(m_document.key_spans, child, name_begin, name_begin + name.size());
                body[name] = expression(child, depth + 1);
                end_of_line();
                continue;
            }
            parse_block(body, pointer, name, name_begin, depth);
        }
    }

    void parse_block(nlohmann::json& body, const std::string& pointer, const std::string& type, std::size_t type_begin, std::size_t depth)
    {
        std::vector<std::string> labels;
        while (true) {
            skip_trivia(false);
            if (peek() == '"') {
                const std::size_t begin = m_pos;
                nlohmann::json label = string_literal();
                if (!label.is_string()) {
                    throw HclError{begin, "a block label cannot use interpolation"};
                }
                labels.push_back(label.get<std::string>());
            } else if (ident_start(peek())) {
                labels.push_back(identifier());
            } else if (peek() == '{') {
                ++m_pos;
                break;
            } else {
                throw HclError{m_pos, fmt::format("expected a block label or \"{{\" after \"{}\"", type)};
            }
        }
        // Blocks with labels nest by label (resource/<type>/<name>); unlabelled blocks are lists of
        // objects, as in `terraform show -json`.
        std::string child = pointer + "/" + escape_pointer_token(type);
        nlohmann::json* target = &body[type];
        if (labels.empty()) {
            if (!target->is_array()) {
                *target = nlohmann::json::array();
            }
            child += "/" + std::to_string(target->size());
            target->push_back(nlohmann::json::object());
            target = &target->back();
        } else {
            for (const auto& label : labels) {
                if (!target->is_object()) {
                    *target = nlohmann::json::object();
                }
                child += "/" + escape_pointer_token(label);
                target = &(*target)[label];
            }
            if (!target->is_null()) {
                throw HclError{type_begin, fmt::format("duplicate block {} \"{}\"", type, fmt::join(labels, "\" \""))};
            }
            *target = nlohmann::json::object();
        }
        span(m_document.value_spans, child, type_begin, type_begin + type.size());
        span(m_document.key_spans, child, type_begin, type_begin + type.size());
        parse_body(*target, child, depth + 1, true);
    }

    void end_of_line()
    {
        skip_trivia(false);
        if (!at_end() && peek() != '\n' && peek() != '}') {
            throw HclError{m_pos, fmt::format("expected a new line after the attribute, found \"{}\"", peek())};
        }
    }

    // --- expressions ---
    nlohmann::json expression(const std::string& pointer, std::size_t depth)
    {
        if (depth > k_max_hcl_depth) {
            throw HclError{m_pos, fmt::format("nesting deeper than {} levels", k_max_hcl_depth)};
        }
        skip_trivia(false);
        const std::size_t begin = m_pos;
        nlohmann::json value = primary(pointer, depth);
        skip_trivia(false);
        if (is_operator_start()) {
            skip_to_expression_end();
            value = unknown_value(trimmed(begin, m_pos));
        }
        span(m_document.value_spans, pointer, begin, m_pos);
        return value;
    }

    [[nodiscard]] bool is_operator_start() const
    {
        const char c = peek();
        return std::string_view("+-*/%=!<>&|?:.[").find(c) != std::string_view::npos && c != '\0';
    }

    /// Consumes the rest of an expression: up to a line end, comma or closing bracket at depth 0.
    void skip_to_expression_end()
    {
        int depth = 0;
        while (!at_end()) {
            const char c = peek();
            if (c == '"') {
                string_literal();
                continue;
            }
            if (c == '(' || c == '[' || c == '{') {
                ++depth;
            } else if (c == ')' || c == ']' || c == '}') {
                if (depth == 0) {
                    return;
                }
                --depth;
            } else if ((c == '\n' || c == ',') && depth == 0) {
                return;
            } else if (c == '#' || (c == '/' && (peek(1) == '/' || peek(1) == '*'))) {
                skip_trivia(false);
                continue;
            }
            ++m_pos;
        }
    }

    std::string trimmed(std::size_t begin, std::size_t end) const
    {
        std::string text = m_text.substr(begin, end - begin);
        while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
            text.pop_back();
        }
        return text;
    }

    nlohmann::json primary(const std::string& pointer, std::size_t depth)
    {
        const char c = peek();
        const std::size_t begin = m_pos;
        if (c == '"') {
            return string_literal();
        }
        if (c == '<' && peek(1) == '<') {
            return heredoc();
        }
        if (std::isdigit(static_cast<unsigned char>(c)) != 0 || (c == '-' && std::isdigit(static_cast<unsigned char>(peek(1))) != 0)) {
            return number();
        }
        if (c == '[') {
            return tuple(pointer, depth);
        }
        if (c == '{') {
            return object(pointer, depth);
        }
        if (c == '(') {
            skip_balanced();
            return unknown_value(trimmed(begin, m_pos));
        }
        if (ident_start(c)) {
            const std::string word = identifier();
            if (word == "true" || word == "false") {
                return word == "true";
            }
            if (word == "null") {
                return nullptr;
            }
            skip_trivia(false);
            if (peek() == '(') {
                skip_balanced(); // a function call: jsonencode(...), file(...), lookup(...)
            }
            while (peek() == '.' || peek() == '[') { // a traversal: aws_kms_key.this.arn, var.x[0]
                if (peek() == '.') {
                    ++m_pos;
                    if (peek() == '*') {
                        ++m_pos;
                    } else {
                        identifier();
                    }
                } else {
                    skip_balanced();
                }
            }
            return unknown_value(trimmed(begin, m_pos));
        }
        throw HclError{m_pos, c == '\0' ? std::string("expected a value, found the end of the file") : fmt::format("expected a value, found \"{}\"", c)};
    }

    void skip_balanced()
    {
        const char open = peek();
        const char close = open == '(' ? ')' : (open == '[' ? ']' : '}');
        const std::size_t begin = m_pos;
        int depth = 0;
        while (!at_end()) {
            const char c = peek();
            if (c == '"') {
                string_literal();
                continue;
            }
            if (c == '<' && peek(1) == '<' && (ident_start(peek(2)) || peek(2) == '-')) {
                heredoc();
                continue;
            }
            if (c == '#' || (c == '/' && (peek(1) == '/' || peek(1) == '*'))) {
                skip_trivia(false);
                continue;
            }
            ++m_pos;
            if (c == open) {
                ++depth;
            } else if (c == close && --depth == 0) {
                return;
            }
        }
        throw HclError{begin, fmt::format("\"{}\" is never closed", open)};
    }

    nlohmann::json number()
    {
        const std::size_t begin = m_pos;
        if (peek() == '-') {
            ++m_pos;
        }
        bool fractional = false;
        while (!at_end() &&
            (std::isdigit(static_cast<unsigned char>(peek())) != 0 || peek() == '.' || peek() == 'e' || peek() == 'E' ||
                ((peek() == '+' || peek() == '-') && (m_text[m_pos - 1] == 'e' || m_text[m_pos - 1] == 'E')))) {
            if (peek() == '.') {
                if (std::isdigit(static_cast<unsigned char>(peek(1))) == 0) {
                    break;
                }
                fractional = true;
            }
            fractional = fractional || peek() == 'e' || peek() == 'E';
            ++m_pos;
        }
        const std::string text = m_text.substr(begin, m_pos - begin);
        try {
            if (fractional) {
                return std::stod(text);
            }
            return std::stoll(text);
        } catch (const std::exception&) {
            throw HclError{begin, fmt::format("invalid number \"{}\"", text)};
        }
    }

    /// A quoted template. With interpolation (`${`, `%{`) it cannot be known statically.
    nlohmann::json string_literal()
    {
        const std::size_t begin = m_pos;
        ++m_pos;
        std::string out;
        bool interpolated = false;
        int template_depth = 0;
        while (true) {
            if (at_end() || (peek() == '\n' && template_depth == 0)) {
                throw HclError{begin, "unterminated string"};
            }
            const char c = peek();
            if (template_depth > 0) {
                if (c == '{') {
                    ++template_depth;
                } else if (c == '}') {
                    --template_depth;
                } else if (c == '"') {
                    string_literal();
                    continue;
                }
                ++m_pos;
                continue;
            }
            if (c == '"') {
                ++m_pos;
                break;
            }
            if ((c == '$' || c == '%') && peek(1) == '{') {
                if (peek(2) == '{') { // "$${" is not an escape in HCL, but "$${" followed by text is literal "${"
                    out += c;
                    ++m_pos;
                    continue;
                }
                interpolated = true;
                template_depth = 1;
                m_pos += 2;
                continue;
            }
            if (c == '\\') {
                const char e = peek(1);
                m_pos += 2;
                switch (e) {
                case 'n':
                    out += '\n';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case '"':
                    out += '"';
                    break;
                case '\\':
                    out += '\\';
                    break;
                default:
                    out += e;
                    break; // \uNNNN kept verbatim-ish: rare in resource attributes
                }
                continue;
            }
            out += c;
            ++m_pos;
        }
        if (interpolated) {
            return unknown_value(m_text.substr(begin, m_pos - begin));
        }
        return out;
    }

    nlohmann::json heredoc()
    {
        const std::size_t begin = m_pos;
        m_pos += 2;
        const bool indented = peek() == '-';
        if (indented) {
            ++m_pos;
        }
        const std::string marker = identifier();
        if (marker.empty()) {
            throw HclError{begin, "expected a heredoc marker after <<"};
        }
        const auto line_end = m_text.find('\n', m_pos);
        if (line_end == std::string::npos) {
            throw HclError{begin, fmt::format("heredoc <<{} is never closed", marker)};
        }
        std::size_t cursor = line_end + 1;
        std::vector<std::string> lines;
        while (true) {
            if (cursor > m_text.size()) {
                throw HclError{begin, fmt::format("heredoc <<{} is never closed", marker)};
            }
            auto next = m_text.find('\n', cursor);
            const std::string line = m_text.substr(cursor, next == std::string::npos ? std::string::npos : next - cursor);
            const auto first = line.find_first_not_of(" \t");
            const std::string stripped = first == std::string::npos ? std::string() : line.substr(first);
            if (stripped == marker ||
                (stripped.size() > marker.size() && stripped.compare(0, marker.size(), marker) == 0 &&
                    stripped.find_first_not_of(" \t\r", marker.size()) == std::string::npos)) {
                m_pos = next == std::string::npos ? m_text.size() : next;
                break;
            }
            lines.push_back(line);
            if (next == std::string::npos) {
                throw HclError{begin, fmt::format("heredoc <<{} is never closed", marker)};
            }
            cursor = next + 1;
        }
        std::string out;
        for (const auto& line : lines) {
            out += line + "\n";
        }
        if (out.find("${") != std::string::npos || out.find("%{") != std::string::npos) {
            return unknown_value(fmt::format("<<{} heredoc with interpolation", marker));
        }
        return out;
    }

    nlohmann::json tuple(const std::string& pointer, std::size_t depth)
    {
        const std::size_t begin = m_pos;
        ++m_pos;
        skip_trivia(true);
        if (m_text.compare(m_pos, 4, "for ") == 0) {
            m_pos = begin;
            skip_balanced();
            return unknown_value(trimmed(begin, m_pos));
        }
        nlohmann::json array = nlohmann::json::array();
        while (true) {
            skip_trivia(true);
            if (peek() == ']') {
                ++m_pos;
                return array;
            }
            array.push_back(expression(pointer + "/" + std::to_string(array.size()), depth + 1));
            skip_trivia(true);
            if (peek() == ',') {
                ++m_pos;
            } else if (peek() != ']') {
                throw HclError{m_pos, "expected \",\" or \"]\" in the list"};
            }
        }
    }

    nlohmann::json object(const std::string& pointer, std::size_t depth)
    {
        const std::size_t begin = m_pos;
        ++m_pos;
        skip_trivia(true);
        if (m_text.compare(m_pos, 4, "for ") == 0) {
            m_pos = begin;
            skip_balanced();
            return unknown_value(trimmed(begin, m_pos));
        }
        nlohmann::json result = nlohmann::json::object();
        while (true) {
            skip_trivia(true);
            if (peek() == '}') {
                ++m_pos;
                return result;
            }
            const std::size_t key_begin = m_pos;
            std::string key;
            if (peek() == '"') {
                nlohmann::json literal = string_literal();
                if (!literal.is_string()) {
                    throw HclError{key_begin, "an object key cannot use interpolation here"};
                }
                key = literal.get<std::string>();
            } else if (ident_start(peek())) {
                key = identifier();
            } else if (peek() == '(') {
                skip_balanced();
                key = trimmed(key_begin, m_pos);
            } else {
                throw HclError{m_pos, fmt::format("expected an object key, found \"{}\"", peek())};
            }
            skip_trivia(false);
            if (peek() != '=' && peek() != ':') {
                throw HclError{m_pos, fmt::format("expected \"=\" or \":\" after the key \"{}\"", key)};
            }
            ++m_pos;
            const std::string child = pointer + "/" + escape_pointer_token(key);
            span(m_document.key_spans, child, key_begin, m_pos - 1);
            result[key] = expression(child, depth + 1);
            skip_trivia(false);
            if (peek() == ',') {
                ++m_pos;
            }
        }
    }

    const std::string& m_text;
    JsonDocument& m_document;
    std::size_t m_pos = 0;
};

} // namespace

nlohmann::json unknown_value(std::string why)
{
    return nlohmann::json{{"\x01unknown", std::move(why)}};
}

bool is_unknown_value(const nlohmann::json& value)
{
    return value.is_object() && value.size() == 1 && value.contains("\x01unknown");
}

std::optional<JsonDocument> parse_hcl(const SourceFile& source, Diagnostics& diagnostics)
{
    JsonDocument document;
    document.file = source.name;
    document.text = source.text;
    HclParser parser(source, document);
    try {
        parser.parse_file();
    } catch (const HclError& error) {
        diagnostics.add(diagnostic_at_offset(source, error.offset, "invalid Terraform: " + error.message,
            "mlscale reads the HCL subset described in docs/check.md; use `terraform show -json` for anything else"));
        return std::nullopt;
    }
    return document;
}

} // namespace mlscale
