// Lexer for the rule expression language: tokens with exact byte spans.
#include "ast.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace mlscale::expr::detail {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_ident_start(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_ident_char(char c) noexcept { return is_ident_start(c) || is_digit(c); }

/// Length of the UTF-8 sequence starting with lead byte `c` (1 for ASCII and stray bytes).
std::size_t utf8_length(unsigned char c) noexcept
{
    if (c >= 0xF0 && c <= 0xF4) return 4;
    if (c >= 0xE0) return c <= 0xEF ? 3 : 1;
    if (c >= 0xC2) return 2;
    return 1;
}

} // namespace

bool is_keyword(std::string_view word) noexcept
{
    return word == "and" || word == "or" || word == "not" || word == "in" || word == "true" || word == "false";
}

void Lexer::error(std::string message, std::size_t begin, std::size_t end, std::string help)
{
    errors_.push_back(Error{std::move(message),
                            Span{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)},
                            std::move(help)});
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
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
        ++pos_;
    }
    const std::size_t begin = pos_;
    if (pos_ >= text_.size()) return make(Tok::Eof, begin, begin);

    const char c = text_[pos_];
    if (is_digit(c)) return number(begin);
    if (is_ident_start(c)) return path(begin);
    if (c == '"' || c == '\'') return string(begin);

    const char n = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
    auto one = [&](Tok kind) { ++pos_; return make(kind, begin, pos_); };
    auto two = [&](Tok kind) { pos_ += 2; return make(kind, begin, pos_); };
    switch (c) {
    case '(': return one(Tok::LParen);
    case ')': return one(Tok::RParen);
    case '[': return one(Tok::LBracket);
    case ']': return one(Tok::RBracket);
    case ',': return one(Tok::Comma);
    case '+': return one(Tok::Plus);
    case '-': return one(Tok::Minus);
    case '*': return one(Tok::Star);
    case '/': return one(Tok::Slash);
    case '%': return one(Tok::Percent);
    case '<': return n == '=' ? two(Tok::LessEq) : one(Tok::Less);
    case '>': return n == '=' ? two(Tok::GreaterEq) : one(Tok::Greater);
    case '=':
        if (n == '=') return two(Tok::EqEq);
        break;
    case '!':
        if (n == '=') return two(Tok::BangEq);
        break;
    default: break;
    }
    return unexpected(begin);
}

Token Lexer::unexpected(std::size_t begin)
{
    const char c = text_[begin];
    std::size_t end = begin + utf8_length(static_cast<unsigned char>(c));
    if (end > text_.size()) end = text_.size();
    std::string help;
    switch (c) {
    case '=': help = "use '==' to compare"; break;
    case '!': help = "use 'not' to negate"; break;
    case '&':
        help = "use 'and'";
        if (end < text_.size() && text_[end] == '&') ++end;
        break;
    case '|':
        help = "use 'or'";
        if (end < text_.size() && text_[end] == '|') ++end;
        break;
    case '.':
        if (end < text_.size() && is_digit(text_[end])) help = "write a leading zero, e.g. 0.5";
        break;
    default: break;
    }
    std::string shown(text_.substr(begin, end - begin));
    if (shown.size() == 2 && shown[0] == shown[1] && (c == '&' || c == '|')) shown.resize(1);
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
        shown = fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    }
    error(fmt::format("unexpected character '{}'", shown), begin, end, std::move(help));
    pos_ = end;
    return make(Tok::Error, begin, end);
}

Token Lexer::number(std::size_t begin)
{
    std::size_t p = begin;
    while (p < text_.size() && is_digit(text_[p])) ++p;
    if (p + 1 < text_.size() && text_[p] == '.' && is_digit(text_[p + 1])) {
        ++p;
        while (p < text_.size() && is_digit(text_[p])) ++p;
    }
    if (p < text_.size() && (text_[p] == 'e' || text_[p] == 'E')) {
        std::size_t q = p + 1;
        if (q < text_.size() && (text_[q] == '+' || text_[q] == '-')) ++q;
        if (q < text_.size() && is_digit(text_[q])) {
            p = q;
            while (p < text_.size() && is_digit(text_[p])) ++p;
        }
    }
    // A number glued to letters, digits or dots ("12abc", "1.", "1.2.3") is one bad token.
    if (p < text_.size() && (is_ident_char(text_[p]) || text_[p] == '.')) {
        while (p < text_.size() && (is_ident_char(text_[p]) || text_[p] == '.')) ++p;
        error(fmt::format("invalid number '{}'", text_.substr(begin, p - begin)), begin, p);
        pos_ = p;
        return make(Tok::Number, begin, p);
    }
    pos_ = p;
    Token t = make(Tok::Number, begin, p);
    const char* first = text_.data() + begin;
    const char* last = text_.data() + p;
    double value = 0;
    const auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || ptr != last || !std::isfinite(value)) {
        error(fmt::format("number '{}' is out of range", text_.substr(begin, p - begin)), begin, p);
        value = 0;
    }
    t.number = value;
    return t;
}

Token Lexer::string(std::size_t begin)
{
    const char quote = text_[begin];
    std::string value;
    std::size_t p = begin + 1;
    while (p < text_.size() && text_[p] != quote) {
        if (text_[p] == '\\') {
            if (p + 1 >= text_.size()) {
                ++p;
                break;
            }
            const char e = text_[p + 1];
            switch (e) {
            case '"': value += '"'; break;
            case '\'': value += '\''; break;
            case '\\': value += '\\'; break;
            case 'n': value += '\n'; break;
            default: {
                const std::size_t len = utf8_length(static_cast<unsigned char>(e));
                const std::size_t end = std::min(text_.size(), p + 1 + len);
                error(fmt::format("unknown escape '\\{}' in string", text_.substr(p + 1, end - p - 1)), p, end,
                      "the escapes are \\\" \\' \\\\ and \\n");
                value.append(text_.substr(p, end - p));
                p = end;
                continue;
            }
            }
            p += 2;
            continue;
        }
        value += text_[p];
        ++p;
    }
    if (p >= text_.size()) {
        error("unterminated string", begin, text_.size(),
              fmt::format("close it with {}", quote == '"' ? "\"" : "'"));
        pos_ = text_.size();
        Token t = make(Tok::String, begin, text_.size());
        t.text = std::move(value);
        return t;
    }
    pos_ = p + 1;
    Token t = make(Tok::String, begin, pos_);
    t.text = std::move(value);
    return t;
}

Token Lexer::path(std::size_t begin)
{
    std::size_t p = begin;
    bool first = true;
    while (true) {
        const std::size_t seg = p;
        while (p < text_.size() && is_ident_char(text_[p])) ++p;
        const std::string_view word = text_.substr(seg, p - seg);
        if (first) {
            const bool dotted = p < text_.size() && text_[p] == '.';
            if (word == "and") { pos_ = p; return make(Tok::And, begin, p); }
            if (word == "or") { pos_ = p; return make(Tok::Or, begin, p); }
            if (word == "not") { pos_ = p; return make(Tok::Not, begin, p); }
            if (word == "in") { pos_ = p; return make(Tok::In, begin, p); }
            if (word == "true" && !dotted) { pos_ = p; return make(Tok::True, begin, p); }
            if (word == "false" && !dotted) { pos_ = p; return make(Tok::False, begin, p); }
            if (word == "true" || word == "false") {
                error(fmt::format("'{}' is a keyword and cannot start a path", word), seg, p);
            }
        } else if (is_keyword(word)) {
            error(fmt::format("'{}' is a keyword and cannot be used in a path", word), seg, p);
        }
        first = false;
        if (p < text_.size() && text_[p] == '.') {
            if (p + 1 < text_.size() && is_ident_start(text_[p + 1])) {
                ++p;
                continue;
            }
            error("expected a name after '.'", p, p + 1);
            pos_ = p + 1;
            return make(Tok::Path, begin, p);  // the path without its trailing dot
        }
        break;
    }
    pos_ = p;
    return make(Tok::Path, begin, p);
}

} // namespace mlscale::expr::detail
