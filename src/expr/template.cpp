// Message templates: literal text with `{expression}` placeholders; `{{` and `}}` are
// literal braces. Also the caret diagnostic formatter.
#include "ast.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace mlscale::expr {
namespace detail {

struct TemplatePart {
    std::string literal;            // text before the placeholder (or the trailing text)
    std::optional<Expression> expr; // the placeholder, when there is one
};

struct TemplateProgram {
    std::string source;
    std::vector<TemplatePart> parts;
};

namespace {

void shift(std::vector<Error>& errors, std::size_t offset)
{
    for (auto& e : errors) {
        e.span.begin += static_cast<std::uint32_t>(offset);
        e.span.end += static_cast<std::uint32_t>(offset);
    }
}

/// Index of the '}' closing the placeholder opened at `open`, skipping quoted strings;
/// npos when there is none.
std::size_t find_close(std::string_view text, std::size_t open)
{
    std::size_t i = open + 1;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '}')
            return i;
        if (c == '"' || c == '\'') {
            ++i;
            while (i < text.size() && text[i] != c)
                i += text[i] == '\\' ? 2u : 1u;
            if (i >= text.size())
                return std::string_view::npos;
        }
        ++i;
    }
    return std::string_view::npos;
}

} // namespace
} // namespace detail

std::string_view Template::source() const noexcept
{
    return m_program->source;
}

TemplateResult compile_template(std::string_view text, const Schema& schema, const Limits& limits)
{
    TemplateResult result;
    const std::size_t max_bytes = std::min<std::size_t>(limits.max_template_bytes, std::numeric_limits<std::uint32_t>::max() - 1);
    if (text.size() > max_bytes) {
        const auto end = static_cast<std::uint32_t>(std::min<std::size_t>(text.size(), std::numeric_limits<std::uint32_t>::max()));
        result.errors.push_back(
            Error{fmt::format("template is too long ({} bytes; the limit is {})", text.size(), limits.max_template_bytes), Span{0, end}, {}});
        return result;
    }

    auto program = std::make_shared<detail::TemplateProgram>();
    program->source = std::string(text);
    std::vector<Error> errors;
    std::string literal;
    std::size_t placeholders = 0;
    auto span = [](std::size_t b, std::size_t e) { return Span{static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(e)}; };

    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
            literal += '{';
            i += 2;
            continue;
        }
        if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
            literal += '}';
            i += 2;
            continue;
        }
        if (c == '}') {
            errors.push_back(Error{"unmatched '}' in template", span(i, i + 1), "write '}}' for a literal '}'"});
            ++i;
            continue;
        }
        if (c != '{') {
            // Literal text up to the next brace, in one piece.
            const std::size_t next = std::min(text.find_first_of("{}", i + 1), text.size());
            literal.append(text.substr(i, next - i));
            i = next;
            continue;
        }

        const std::size_t close = detail::find_close(text, i);
        if (close == std::string_view::npos) {
            errors.push_back(Error{"unterminated placeholder; expected '}'", span(i, i + 1), "write '{{' for a literal '{'"});
            break;
        }
        if (++placeholders > limits.max_template_placeholders) {
            errors.push_back(
                Error{fmt::format("template has too many placeholders (the limit is {})", limits.max_template_placeholders), span(i, close + 1), {}});
            break;
        }
        const std::string_view inner = text.substr(i + 1, close - i - 1);
        if (inner.find_first_not_of(" \t\r\n") == std::string_view::npos) {
            errors.push_back(Error{"empty placeholder", span(i, close + 1), "write '{{}}' for literal braces"});
            i = close + 1;
            continue;
        }
        CompileResult compiled = compile(inner, schema, limits);
        if (!compiled.expression) {
            for (auto& e : compiled.errors) {
                if (e.message == "unexpected character '|'" || e.message == "unexpected character ':'") {
                    e.help = "templates have no format specs; values are formatted automatically";
                }
            }
            detail::shift(compiled.errors, i + 1);
            errors.insert(errors.end(), compiled.errors.begin(), compiled.errors.end());
        } else {
            program->parts.push_back(detail::TemplatePart{std::move(literal), std::move(compiled.expression)});
            literal.clear();
        }
        i = close + 1;
    }

    if (!errors.empty()) {
        std::stable_sort(errors.begin(), errors.end(), [](const Error& a, const Error& b) { return a.span.begin < b.span.begin; });
        if (errors.size() > limits.max_errors)
            errors.resize(limits.max_errors);
        result.errors = std::move(errors);
        return result;
    }
    if (!literal.empty() || program->parts.empty())
        program->parts.push_back(detail::TemplatePart{std::move(literal), {}});
    result.tmpl = detail::Access::make(std::shared_ptr<const detail::TemplateProgram>(std::move(program)));
    return result;
}

std::string render(const Template& t, const nlohmann::json& facts)
{
    std::string out;
    for (const auto& part : detail::Access::program(t).parts) {
        out += part.literal;
        if (part.expr)
            out += evaluate(*part.expr, facts).to_display();
    }
    return out;
}

std::vector<std::string> referenced_paths(const Template& t)
{
    std::vector<std::string> out;
    for (const auto& part : detail::Access::program(t).parts) {
        if (!part.expr)
            continue;
        for (auto& path : referenced_paths(*part.expr)) {
            if (std::find(out.begin(), out.end(), path) == out.end())
                out.push_back(std::move(path));
        }
    }
    return out;
}

std::string format_diagnostic(std::string_view source, const Error& error)
{
    const std::size_t begin = std::min<std::size_t>(error.span.begin, source.size());
    const std::size_t end = std::clamp<std::size_t>(error.span.end, begin, source.size());
    std::size_t line_start = 0;
    if (begin > 0) {
        const std::size_t newline = source.rfind('\n', begin - 1);
        if (newline != std::string_view::npos)
            line_start = newline + 1;
    }
    const std::size_t line_end = std::min(source.find('\n', begin), source.size());
    const std::string_view line = source.substr(line_start, line_end - line_start);

    // Pad with the line's own tabs so the caret lines up; count UTF-8 code points as columns.
    std::string pad;
    for (std::size_t k = line_start; k < begin; ++k) {
        const auto c = static_cast<unsigned char>(source[k]);
        if ((c & 0xC0) == 0x80)
            continue;
        pad += c == '\t' ? '\t' : ' ';
    }
    std::size_t width = 0;
    for (std::size_t k = begin; k < std::min(end, line_end); ++k) {
        width += (static_cast<unsigned char>(source[k]) & 0xC0) != 0x80;
    }
    std::string out = fmt::format("error: {}\n  {}\n  {}^{}\n", error.message, line, pad, std::string(width > 1 ? width - 1 : 0, '~'));
    if (!error.help.empty())
        out += fmt::format("  help: {}\n", error.help);
    return out;
}

} // namespace mlscale::expr
