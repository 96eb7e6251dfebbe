// The located JSON parser: recursive descent over bytes, tracking line and column as it goes.
#include "mlscale/json_document.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace mlscale {

std::string escape_pointer_token(const std::string& token)
{
    std::string out;
    out.reserve(token.size());
    for (const char c : token) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

Location location_of_offset(const std::string& text, std::size_t offset)
{
    Location location{1, 1, static_cast<std::uint32_t>(offset)};
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++location.line;
            line_start = i + 1;
        }
    }
    location.column = count_characters(std::string_view(text).substr(line_start, offset - line_start)) + 1;
    return location;
}

Diagnostic diagnostic_at_offset(const SourceFile& source, std::size_t offset, std::string message, std::string help)
{
    Diagnostic d;
    d.file = source.name;
    d.location = location_of_offset(source.text, offset);
    d.source_line = line_of(source.text, d.location->line);
    d.message = std::move(message);
    d.help = std::move(help);
    return d;
}

void JsonDocument::ensure_positions() const
{
    if (!positions_pending) {
        return;
    }
    positions_pending = false;
    // The text parsed once already, so this parse succeeds; only its positions are kept.
    Diagnostics scratch;
    JsonLimits limits;
    limits.max_depth = max_depth;
    if (auto again = parse_json(SourceFile{file, text}, scratch, limits)) {
        value_spans = std::move(again->value_spans);
        key_spans = std::move(again->key_spans);
    }
}

std::optional<TextSpan> JsonDocument::locate(const std::string& pointer) const
{
    ensure_positions();
    std::string current = pointer;
    while (true) {
        if (const auto it = value_spans.find(current); it != value_spans.end()) {
            return it->second;
        }
        if (current.empty()) {
            return std::nullopt;
        }
        current = current.substr(0, current.find_last_of('/'));
    }
}

std::optional<TextSpan> JsonDocument::locate_key(const std::string& pointer) const
{
    ensure_positions();
    if (const auto it = key_spans.find(pointer); it != key_spans.end()) {
        return it->second;
    }
    return locate(pointer);
}

Diagnostic JsonDocument::diagnostic_at(const std::string& pointer, std::string message, std::string help, bool at_key) const
{
    Diagnostic d;
    d.file = file;
    d.pointer = pointer.empty() ? "/" : pointer;
    d.message = std::move(message);
    d.help = std::move(help);
    if (const auto span = at_key ? locate_key(pointer) : locate(pointer)) {
        d.location = span->begin;
        d.span_columns = span->columns;
        d.source_line = line_of(text, span->begin.line);
    }
    return d;
}

namespace {

struct SyntaxError {
    std::size_t offset;
    std::string message;
    std::string help;
};

class Parser {
public:
    Parser(const SourceFile& source, JsonDocument& document, Diagnostics& diagnostics, const JsonLimits& limits)
        : m_text(source.text), m_source(source), m_document(document), m_diagnostics(diagnostics), m_limits(limits)
    { }

    bool run()
    {
        if (m_text.size() >= 3 && m_text.compare(0, 3, "\xEF\xBB\xBF") == 0) {
            fail(0, "file starts with a UTF-8 byte-order mark", "save the file as UTF-8 without a BOM");
            return false;
        }
        skip_space();
        if (m_failed) {
            return false;
        }
        if (m_pos >= m_text.size()) {
            fail(m_pos, "file is empty, expected a JSON value");
            return false;
        }
        m_document.value = parse_value("", 0);
        if (m_failed) {
            return false;
        }
        skip_space();
        if (!m_failed && m_pos < m_text.size()) {
            fail(m_pos, fmt::format("unexpected {} after the end of the JSON document", describe_here()),
                "remove everything after the closing bracket, or put several values in an array");
        }
        return !m_failed && !m_had_errors;
    }

private:
    const std::string& m_text;
    const SourceFile& m_source;
    JsonDocument& m_document;
    Diagnostics& m_diagnostics;
    const JsonLimits& m_limits;
    std::size_t m_pos = 0;
    std::uint32_t m_line = 1;
    std::uint32_t m_column = 1;
    bool m_failed = false;
    bool m_had_errors = false;

    Location here() const
    {
        return Location{m_line, m_column, static_cast<std::uint32_t>(m_pos)};
    }

    void advance()
    {
        const auto byte = static_cast<unsigned char>(m_text[m_pos]);
        ++m_pos;
        if (byte == '\n') {
            ++m_line;
            m_column = 1;
        } else if ((byte & 0xC0) != 0x80) {
            ++m_column;
        }
    }

    void fail(std::size_t offset, std::string message, std::string help = {})
    {
        if (m_failed) {
            return;
        }
        m_failed = true;
        m_diagnostics.add(diagnostic_at_offset(m_source, offset, std::move(message), std::move(help)));
    }

    std::string describe_here() const
    {
        if (m_pos >= m_text.size()) {
            return "end of file";
        }
        const auto byte = static_cast<unsigned char>(m_text[m_pos]);
        if (byte >= 0x20 && byte < 0x7F) {
            return fmt::format("character '{}'", static_cast<char>(byte));
        }
        return fmt::format("byte 0x{:02X}", byte);
    }

    void skip_space()
    {
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            if (c == ' ' || c == '\t') {
                ++m_pos; // one column, no line break: advance() without its checks
                ++m_column;
            } else if (c == '\n' || c == '\r') {
                advance();
            } else if (c == '/' && m_pos + 1 < m_text.size() && (m_text[m_pos + 1] == '/' || m_text[m_pos + 1] == '*')) {
                fail(m_pos, "comments are not allowed in JSON", "remove the comment, or move notes into an \"x-\" field");
                return;
            } else {
                return;
            }
        }
    }

    TextSpan span_from(const Location& begin) const
    {
        const std::uint32_t columns = m_line == begin.line ? std::max<std::uint32_t>(1, m_column - begin.column) : 1;
        return TextSpan{begin, columns};
    }

    nlohmann::json parse_value(const std::string& pointer, std::uint32_t depth)
    {
        if (m_pos >= m_text.size()) {
            fail(m_pos, "unexpected end of file, expected a value");
            return {};
        }
        const Location begin = here();
        nlohmann::json value;
        const char c = m_text[m_pos];
        if (c == '{' || c == '[') {
            if (depth >= m_limits.max_depth) {
                fail(m_pos, fmt::format("nesting deeper than {} levels", m_limits.max_depth), "flatten the document; no valid input nests this deep");
                return {};
            }
            value = c == '{' ? parse_object(pointer, depth + 1) : parse_array(pointer, depth + 1);
            if (m_limits.record_positions) {
                m_document.value_spans[pointer] = TextSpan{begin, 1};
            }
            return value;
        }
        if (c == '"') {
            value = parse_string();
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            value = parse_number();
        } else if (m_text.compare(m_pos, 4, "true") == 0) {
            value = true;
            for (int i = 0; i < 4; ++i)
                advance();
        } else if (m_text.compare(m_pos, 5, "false") == 0) {
            value = false;
            for (int i = 0; i < 5; ++i)
                advance();
        } else if (m_text.compare(m_pos, 4, "null") == 0) {
            value = nullptr;
            for (int i = 0; i < 4; ++i)
                advance();
        } else if (m_text.compare(m_pos, 3, "NaN") == 0 || m_text.compare(m_pos, 8, "Infinity") == 0) {
            fail(m_pos, "NaN and Infinity are not valid JSON numbers", "use a finite number, or null when unknown");
            return {};
        } else if (c == '\'') {
            fail(m_pos, "strings must use double quotes in JSON");
            return {};
        } else {
            fail(m_pos, fmt::format("unexpected {}, expected a value (object, array, string, number, true, false or null)", describe_here()));
            return {};
        }
        if (!m_failed && m_limits.record_positions) {
            m_document.value_spans[pointer] = span_from(begin);
        }
        return value;
    }

    nlohmann::json parse_object(const std::string& pointer, std::uint32_t depth)
    {
        nlohmann::json object = nlohmann::json::object();
        std::unordered_map<std::string, Location> seen;
        advance(); // '{'
        skip_space();
        if (m_pos < m_text.size() && m_text[m_pos] == '}') {
            advance();
            return object;
        }
        while (!m_failed) {
            skip_space();
            if (m_failed) {
                break;
            }
            if (m_pos >= m_text.size() || m_text[m_pos] != '"') {
                fail(m_pos, fmt::format("unexpected {}, expected a member name in double quotes", describe_here()),
                    m_pos < m_text.size() && m_text[m_pos] == '}' ? "remove the trailing comma" : "");
                break;
            }
            const Location key_begin = here();
            std::string key = parse_string();
            if (m_failed) {
                break;
            }
            const TextSpan key_span = span_from(key_begin);
            const std::string member = m_limits.record_positions ? pointer + "/" + escape_pointer_token(key) : std::string();
            skip_space();
            if (m_pos >= m_text.size() || m_text[m_pos] != ':') {
                fail(m_pos, fmt::format("unexpected {}, expected ':' after the member name", describe_here()));
                break;
            }
            advance();
            skip_space();
            if (m_failed) {
                break;
            }
            if (!m_limits.record_positions) {
                auto& members = object.get_ref<nlohmann::json::object_t&>();
                nlohmann::json value = parse_value(member, depth);
                if (!members.emplace(std::move(key), std::move(value)).second) {
                    // Without positions the message is short; parse_json parses again to place it.
                    m_had_errors = true;
                    m_diagnostics.add(diagnostic_at_offset(m_source, key_begin.offset, "duplicate key"));
                }
            } else if (const auto previous = seen.find(key); previous != seen.end()) {
                m_had_errors = true;
                Diagnostic d = diagnostic_at_offset(m_source, key_begin.offset,
                    fmt::format("duplicate key \"{}\" (first at line {}, column {})", key, previous->second.line, previous->second.column),
                    "remove one of them: JSON readers disagree on which one wins");
                d.pointer = member;
                d.span_columns = key_span.columns;
                m_diagnostics.add(std::move(d));
                parse_value(member + "#duplicate", depth);
            } else {
                seen.emplace(key, key_begin);
                m_document.key_spans[member] = key_span;
                nlohmann::json value = parse_value(member, depth);
                object[key] = std::move(value);
            }
            if (m_failed) {
                break;
            }
            skip_space();
            if (m_pos < m_text.size() && m_text[m_pos] == ',') {
                advance();
                continue;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == '}') {
                advance();
                break;
            }
            fail(m_pos, fmt::format("unexpected {}, expected ',' or '}}'", describe_here()));
        }
        return object;
    }

    nlohmann::json parse_array(const std::string& pointer, std::uint32_t depth)
    {
        nlohmann::json array = nlohmann::json::array();
        advance(); // '['
        skip_space();
        if (m_pos < m_text.size() && m_text[m_pos] == ']') {
            advance();
            return array;
        }
        while (!m_failed) {
            skip_space();
            if (m_failed) {
                break;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == ']') {
                fail(m_pos, "unexpected ']', expected a value", "remove the trailing comma");
                break;
            }
            array.push_back(parse_value(m_limits.record_positions ? pointer + "/" + std::to_string(array.size()) : std::string(), depth));
            if (m_failed) {
                break;
            }
            skip_space();
            if (m_pos < m_text.size() && m_text[m_pos] == ',') {
                advance();
                continue;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == ']') {
                advance();
                break;
            }
            fail(m_pos, fmt::format("unexpected {}, expected ',' or ']'", describe_here()));
        }
        return array;
    }

    static void append_utf8(std::string& out, std::uint32_t code)
    {
        if (code < 0x80) {
            out += static_cast<char>(code);
        } else if (code < 0x800) {
            out += static_cast<char>(0xC0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else if (code < 0x10000) {
            out += static_cast<char>(0xE0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (code >> 18));
            out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        }
    }

    // Length of the valid UTF-8 sequence at m_pos, or 0 when it is invalid.
    std::size_t utf8_length() const
    {
        const auto* bytes = reinterpret_cast<const unsigned char*>(m_text.data()) + m_pos;
        const std::size_t left = m_text.size() - m_pos;
        const unsigned char b0 = bytes[0];
        std::size_t length = 0;
        std::uint32_t min = 0;
        std::uint32_t code = 0;
        if (b0 < 0x80) {
            return 1;
        }
        if ((b0 & 0xE0) == 0xC0) {
            length = 2, min = 0x80, code = b0 & 0x1F;
        } else if ((b0 & 0xF0) == 0xE0) {
            length = 3, min = 0x800, code = b0 & 0x0F;
        } else if ((b0 & 0xF8) == 0xF0) {
            length = 4, min = 0x10000, code = b0 & 0x07;
        } else {
            return 0;
        }
        if (left < length) {
            return 0;
        }
        for (std::size_t i = 1; i < length; ++i) {
            if ((bytes[i] & 0xC0) != 0x80) {
                return 0;
            }
            code = (code << 6) | (bytes[i] & 0x3F);
        }
        if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
            return 0;
        }
        return length;
    }

    std::uint32_t parse_hex4()
    {
        std::uint32_t code = 0;
        for (int i = 0; i < 4; ++i) {
            if (m_pos >= m_text.size() || std::isxdigit(static_cast<unsigned char>(m_text[m_pos])) == 0) {
                fail(m_pos, "invalid \\u escape, expected 4 hexadecimal digits");
                return 0;
            }
            const char c = m_text[m_pos];
            code = code * 16 + static_cast<std::uint32_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
            advance();
        }
        return code;
    }

    // The escape sequence at m_pos (its backslash) of the string opened at `start`, appended to
    // `out` as UTF-8; false after reporting a malformed one.
    bool parse_escape(std::string& out, std::size_t start)
    {
        const std::size_t escape_at = m_pos;
        advance();
        if (m_pos >= m_text.size()) {
            fail(start, "unterminated string");
            return false;
        }
        const char e = m_text[m_pos];
        advance();
        switch (e) {
        case '"':
            out += '"';
            return true;
        case '\\':
            out += '\\';
            return true;
        case '/':
            out += '/';
            return true;
        case 'b':
            out += '\b';
            return true;
        case 'f':
            out += '\f';
            return true;
        case 'n':
            out += '\n';
            return true;
        case 'r':
            out += '\r';
            return true;
        case 't':
            out += '\t';
            return true;
        case 'u':
            return parse_unicode_escape(out, escape_at);
        default:
            fail(escape_at, fmt::format("invalid escape '\\{}' in string", e), "valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
            return false;
        }
    }

    // The four hex digits after "\u" (and a second "\uXXXX" for a surrogate pair), as UTF-8.
    bool parse_unicode_escape(std::string& out, std::size_t escape_at)
    {
        std::uint32_t code = parse_hex4();
        if (m_failed) {
            return false;
        }
        if (code >= 0xD800 && code <= 0xDBFF) {
            if (m_text.compare(m_pos, 2, "\\u") != 0) {
                fail(escape_at, "unpaired UTF-16 surrogate in \\u escape");
                return false;
            }
            advance();
            advance();
            const std::uint32_t low = parse_hex4();
            if (m_failed) {
                return false;
            }
            if (low < 0xDC00 || low > 0xDFFF) {
                fail(escape_at, "unpaired UTF-16 surrogate in \\u escape");
                return false;
            }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        } else if (code >= 0xDC00 && code <= 0xDFFF) {
            fail(escape_at, "unpaired UTF-16 surrogate in \\u escape");
            return false;
        }
        append_utf8(out, code);
        return true;
    }

    std::string parse_string()
    {
        const std::size_t start = m_pos;
        std::string out;
        advance(); // opening quote
        while (true) {
            if (m_pos >= m_text.size()) {
                fail(start, "unterminated string", "add the closing double quote");
                return out;
            }
            const auto byte = static_cast<unsigned char>(m_text[m_pos]);
            if (byte == '"') {
                advance();
                return out;
            }
            if (byte == '\\') {
                if (!parse_escape(out, start)) {
                    return out;
                }
                continue;
            }
            if (byte >= 0x20 && byte < 0x80) {
                // A run of plain ASCII, the common case, is copied at once: it holds no escape,
                // no line break and no multi-byte character, so each byte is one column.
                std::size_t end = m_pos + 1;
                while (end < m_text.size()) {
                    const auto next = static_cast<unsigned char>(m_text[end]);
                    if (next < 0x20 || next >= 0x80 || next == '"' || next == '\\') {
                        break;
                    }
                    ++end;
                }
                out.append(m_text, m_pos, end - m_pos);
                m_column += static_cast<std::uint32_t>(end - m_pos);
                m_pos = end;
                continue;
            }
            if (byte < 0x20) {
                fail(m_pos, fmt::format("control character U+{:04X} in string", byte),
                    byte == '\n' ? "strings cannot span lines; write \\n" : "escape it as \\uXXXX");
                return out;
            }
            const std::size_t length = utf8_length();
            if (length == 0) {
                fail(m_pos, fmt::format("invalid UTF-8 byte 0x{:02X} in string", byte), "save the file as UTF-8");
                return out;
            }
            out.append(m_text, m_pos, length);
            for (std::size_t i = 0; i < length; ++i) {
                advance();
            }
        }
    }

    nlohmann::json parse_number()
    {
        const std::size_t start = m_pos;
        auto digit = [&](std::size_t at) { return at < m_text.size() && m_text[at] >= '0' && m_text[at] <= '9'; };
        std::size_t end = m_pos;
        bool is_float = false;
        if (m_text[end] == '-') {
            ++end;
        }
        if (m_text.compare(end, 8, "Infinity") == 0) {
            fail(start, "NaN and Infinity are not valid JSON numbers", "use a finite number, or null when unknown");
            return {};
        }
        if (!digit(end)) {
            fail(end, "expected a digit");
            return {};
        }
        if (m_text[end] == '0' && digit(end + 1)) {
            fail(start, "numbers cannot have leading zeros");
            return {};
        }
        while (digit(end)) {
            ++end;
        }
        if (end < m_text.size() && m_text[end] == '.') {
            is_float = true;
            ++end;
            if (!digit(end)) {
                fail(end, "expected a digit after the decimal point");
                return {};
            }
            while (digit(end)) {
                ++end;
            }
        }
        if (end < m_text.size() && (m_text[end] == 'e' || m_text[end] == 'E')) {
            is_float = true;
            ++end;
            if (end < m_text.size() && (m_text[end] == '+' || m_text[end] == '-')) {
                ++end;
            }
            if (!digit(end)) {
                fail(end, "expected a digit in the exponent");
                return {};
            }
            while (digit(end)) {
                ++end;
            }
        }
        const char* first = m_text.data() + start;
        const char* last = m_text.data() + end;
        nlohmann::json value;
        if (!is_float) {
            std::int64_t integer = 0;
            const auto [ptr, ec] = std::from_chars(first, last, integer);
            if (ec == std::errc() && ptr == last) {
                value = integer;
            } else {
                is_float = true;
            }
        }
        if (is_float) {
            double number = 0;
            const auto [ptr, ec] = std::from_chars(first, last, number);
            if (ec != std::errc() || ptr != last || !std::isfinite(number)) {
                fail(start, "number is out of range");
                return {};
            }
            value = number;
        }
        while (m_pos < end) {
            advance();
        }
        return value;
    }
};

} // namespace

std::optional<JsonDocument> parse_json(const SourceFile& source, Diagnostics& diagnostics, const JsonLimits& limits)
{
    JsonDocument document;
    document.file = source.name;
    if (limits.keep_text) {
        document.text = source.text;
    }
    document.max_depth = limits.max_depth;
    if (!limits.record_positions) {
        // The fast pass reports into a scratch list: on failure the parse with positions below
        // gives the full messages (where the first of two duplicate keys is, and so on).
        Diagnostics scratch;
        Parser parser(source, document, scratch, limits);
        if (parser.run()) {
            document.positions_pending = limits.keep_text;
            return document;
        }
        document.value = nullptr;
        JsonLimits with_positions = limits;
        with_positions.record_positions = true;
        return parse_json(source, diagnostics, with_positions);
    }
    Parser parser(source, document, diagnostics, limits);
    if (!parser.run()) {
        return std::nullopt;
    }
    return document;
}

} // namespace mlscale
