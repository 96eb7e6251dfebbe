// Lexer for the rule expression language: tokens with exact byte spans.
#include "ast.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace mlscale::expr::detail {
namespace {

bool is_digit(char c) noexcept
{
    return c >= '0' && c <= '9';
}
bool is_ident_start(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_ident_char(char c) noexcept
{
    return is_ident_start(c) || is_digit(c);
}

/// Length of the UTF-8 sequence starting with lead byte `c` (1 for ASCII and stray bytes).
std::size_t utf8_length(unsigned char c) noexcept
{
    if (c >= 0xF0 && c <= 0xF4)
        return 4;
    if (c >= 0xE0)
        return c <= 0xEF ? 3 : 1;
    if (c >= 0xC2)
        return 2;
    return 1;
}

} // namespace

bool is_keyword(std::string_view word) noexcept
{
    return word == "and" || word == "or" || word == "not" || word == "in" || word == "true" || word == "false";
}

void Lexer::error(std::string message, std::size_t begin, std::size_t end, std::string help)
{
    m_errors.push_back(Error{std::move(message), Span{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)}, std::move(help)});
}

Token Lexer::make(Tok kind, std::size_t begin, std::size_t end) const
{
    Token t;
    t.kind = kind;
    t.span = Span{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)};
    return t;
}

Token Lexer::next()
{
    while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' || m_text[m_pos] == '\n' || m_text[m_pos] == '\r')) {
        ++m_pos;
    }
    const std::size_t begin = m_pos;
    if (m_pos >= m_text.size())
        return make(Tok::Eof, begin, begin);

    const char c = m_text[m_pos];
    if (is_digit(c))
        return number(begin);
    if (is_ident_start(c))
        return path(begin);
    if (c == '"' || c == '\'')
        return string(begin);

    const char n = m_pos + 1 < m_text.size() ? m_text[m_pos + 1] : '\0';
    auto one = [&](Tok kind) {
        ++m_pos;
        return make(kind, begin, m_pos);
    };
    auto two = [&](Tok kind) {
        m_pos += 2;
        return make(kind, begin, m_pos);
    };
    switch (c) {
    case '(':
        return one(Tok::LParen);
    case ')':
        return one(Tok::RParen);
    case '[':
        return one(Tok::LBracket);
    case ']':
        return one(Tok::RBracket);
    case ',':
        return one(Tok::Comma);
    case '+':
        return one(Tok::Plus);
    case '-':
        return one(Tok::Minus);
    case '*':
        return one(Tok::Star);
    case '/':
        return one(Tok::Slash);
    case '%':
        return one(Tok::Percent);
    case '<':
        return n == '=' ? two(Tok::LessEq) : one(Tok::Less);
    case '>':
        return n == '=' ? two(Tok::GreaterEq) : one(Tok::Greater);
    case '=':
        if (n == '=')
            return two(Tok::EqEq);
        break;
    case '!':
        if (n == '=')
            return two(Tok::BangEq);
        break;
    default:
        break;
    }
    return unexpected(begin);
}

Token Lexer::unexpected(std::size_t begin)
{
    const char c = m_text[begin];
    std::size_t end = begin + utf8_length(static_cast<unsigned char>(c));
    if (end > m_text.size())
        end = m_text.size();
    std::string help;
    switch (c) {
    case '=':
        help = "use '==' to compare";
        break;
    case '!':
        help = "use 'not' to negate";
        break;
    case '&':
        help = "use 'and'";
        if (end < m_text.size() && m_text[end] == '&')
            ++end;
        break;
    case '|':
        help = "use 'or'";
        if (end < m_text.size() && m_text[end] == '|')
            ++end;
        break;
    case '.':
        if (end < m_text.size() && is_digit(m_text[end]))
            help = "write a leading zero, e.g. 0.5";
        break;
    default:
        break;
    }
    std::string shown(m_text.substr(begin, end - begin));
    if (shown.size() == 2 && shown[0] == shown[1] && (c == '&' || c == '|'))
        shown.resize(1);
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
        shown = fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    }
    error(fmt::format("unexpected character '{}'", shown), begin, end, std::move(help));
    m_pos = end;
    return make(Tok::Error, begin, end);
}

Token Lexer::number(std::size_t begin)
{
    std::size_t p = begin;
    while (p < m_text.size() && is_digit(m_text[p]))
        ++p;
    if (p + 1 < m_text.size() && m_text[p] == '.' && is_digit(m_text[p + 1])) {
        ++p;
        while (p < m_text.size() && is_digit(m_text[p]))
            ++p;
    }
    if (p < m_text.size() && (m_text[p] == 'e' || m_text[p] == 'E')) {
        std::size_t q = p + 1;
        if (q < m_text.size() && (m_text[q] == '+' || m_text[q] == '-'))
            ++q;
        if (q < m_text.size() && is_digit(m_text[q])) {
            p = q;
            while (p < m_text.size() && is_digit(m_text[p]))
                ++p;
        }
    }
    // A number glued to letters, digits or dots ("12abc", "1.", "1.2.3") is one bad token.
    if (p < m_text.size() && (is_ident_char(m_text[p]) || m_text[p] == '.')) {
        while (p < m_text.size() && (is_ident_char(m_text[p]) || m_text[p] == '.'))
            ++p;
        error(fmt::format("invalid number '{}'", m_text.substr(begin, p - begin)), begin, p);
        m_pos = p;
        return make(Tok::Number, begin, p);
    }
    m_pos = p;
    Token t = make(Tok::Number, begin, p);
    const char* first = m_text.data() + begin;
    const char* last = m_text.data() + p;
    double value = 0;
    const auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || ptr != last || !std::isfinite(value)) {
        error(fmt::format("number '{}' is out of range", m_text.substr(begin, p - begin)), begin, p);
        value = 0;
    }
    t.number = value;
    return t;
}

Token Lexer::string(std::size_t begin)
{
    const char quote = m_text[begin];
    std::string value;
    std::size_t p = begin + 1;
    while (p < m_text.size() && m_text[p] != quote) {
        if (m_text[p] == '\\') {
            if (p + 1 >= m_text.size()) {
                ++p;
                break;
            }
            const char e = m_text[p + 1];
            switch (e) {
            case '"':
                value += '"';
                break;
            case '\'':
                value += '\'';
                break;
            case '\\':
                value += '\\';
                break;
            case 'n':
                value += '\n';
                break;
            default: {
                const std::size_t len = utf8_length(static_cast<unsigned char>(e));
                const std::size_t end = std::min(m_text.size(), p + 1 + len);
                error(fmt::format("unknown escape '\\{}' in string", m_text.substr(p + 1, end - p - 1)), p, end, "the escapes are \\\" \\' \\\\ and \\n");
                value.append(m_text.substr(p, end - p));
                p = end;
                continue;
            }
            }
            p += 2;
            continue;
        }
        value += m_text[p];
        ++p;
    }
    if (p >= m_text.size()) {
        error("unterminated string", begin, m_text.size(), fmt::format("close it with {}", quote == '"' ? "\"" : "'"));
        m_pos = m_text.size();
        Token t = make(Tok::String, begin, m_text.size());
        t.text = std::move(value);
        return t;
    }
    m_pos = p + 1;
    Token t = make(Tok::String, begin, m_pos);
    t.text = std::move(value);
    return t;
}

Token Lexer::path(std::size_t begin)
{
    std::size_t p = begin;
    bool first = true;
    while (true) {
        const std::size_t seg = p;
        while (p < m_text.size() && is_ident_char(m_text[p]))
            ++p;
        const std::string_view word = m_text.substr(seg, p - seg);
        if (first) {
            const bool dotted = p < m_text.size() && m_text[p] == '.';
            if (word == "and") {
                m_pos = p;
                return make(Tok::And, begin, p);
            }
            if (word == "or") {
                m_pos = p;
                return make(Tok::Or, begin, p);
            }
            if (word == "not") {
                m_pos = p;
                return make(Tok::Not, begin, p);
            }
            if (word == "in") {
                m_pos = p;
                return make(Tok::In, begin, p);
            }
            if (word == "true" && !dotted) {
                m_pos = p;
                return make(Tok::True, begin, p);
            }
            if (word == "false" && !dotted) {
                m_pos = p;
                return make(Tok::False, begin, p);
            }
            if (word == "true" || word == "false") {
                error(fmt::format("'{}' is a keyword and cannot start a path", word), seg, p);
            }
        } else if (is_keyword(word)) {
            error(fmt::format("'{}' is a keyword and cannot be used in a path", word), seg, p);
        }
        first = false;
        if (p < m_text.size() && m_text[p] == '.') {
            if (p + 1 < m_text.size() && is_ident_start(m_text[p + 1])) {
                ++p;
                continue;
            }
            error("expected a name after '.'", p, p + 1);
            m_pos = p + 1;
            return make(Tok::Path, begin, p); // the path without its trailing dot
        }
        break;
    }
    m_pos = p;
    return make(Tok::Path, begin, p);
}

} // namespace mlscale::expr::detail
