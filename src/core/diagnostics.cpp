// Diagnostic rendering: file:line:col, the source line and a caret under the span.
#include "mlscale/diagnostics.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace mlscale {

Diagnostic file_diagnostic(std::string file, std::string message, std::string help, Level level)
{
    Diagnostic d;
    d.level = level;
    d.file = std::move(file);
    d.message = std::move(message);
    d.help = std::move(help);
    return d;
}

void Diagnostics::add_file_error(std::string file, std::string message, std::string help)
{
    add(file_diagnostic(std::move(file), std::move(message), std::move(help)));
}

bool Diagnostics::has_errors() const
{
    return error_count() > 0;
}

std::size_t Diagnostics::error_count() const
{
    return static_cast<std::size_t>(std::count_if(m_items.begin(), m_items.end(), [](const Diagnostic& d) { return d.level == Level::Error; }));
}

std::string line_of(std::string_view text, std::uint32_t line)
{
    std::size_t start = 0;
    for (std::uint32_t current = 1; current < line; ++current) {
        const std::size_t newline = text.find('\n', start);
        if (newline == std::string_view::npos) {
            return {};
        }
        start = newline + 1;
    }
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
        end = text.size();
    }
    if (end > start && text[end - 1] == '\r') {
        --end;
    }
    return std::string(text.substr(start, end - start));
}

std::uint32_t count_characters(std::string_view text)
{
    std::uint32_t count = 0;
    for (const char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
            ++count;
        }
    }
    return count;
}

std::optional<std::size_t> invalid_utf8_offset(std::string_view text)
{
    std::size_t i = 0;
    while (i < text.size()) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x80) {
            ++i;
            continue;
        }
        // The lead byte gives the length and the range of the second byte (RFC 3629, section 4).
        std::size_t length = 0;
        unsigned char low = 0x80;
        unsigned char high = 0xBF;
        if (byte >= 0xC2 && byte <= 0xDF) {
            length = 2;
        } else if (byte >= 0xE0 && byte <= 0xEF) {
            length = 3;
            low = byte == 0xE0 ? 0xA0 : 0x80;
            high = byte == 0xED ? 0x9F : 0xBF;
        } else if (byte >= 0xF0 && byte <= 0xF4) {
            length = 4;
            low = byte == 0xF0 ? 0x90 : 0x80;
            high = byte == 0xF4 ? 0x8F : 0xBF;
        } else {
            return i;
        }
        if (i + length > text.size()) {
            return i;
        }
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if (next < (k == 1 ? low : 0x80) || next > (k == 1 ? high : 0xBF)) {
                return i;
            }
        }
        i += length;
    }
    return std::nullopt;
}

namespace {

const char* level_name(Level level)
{
    switch (level) {
    case Level::Error:
        return "error";
    case Level::Warning:
        return "warning";
    case Level::Note:
        return "note";
    }
    return "error";
}

// The caret line mirrors tabs of the source line so the caret lands under the right column;
// other characters become spaces. Non-printable bytes in the shown line become '?'.
std::string caret_line(const std::string& source_line, std::uint32_t column, std::uint32_t span)
{
    std::string caret;
    std::uint32_t current = 1;
    for (std::size_t i = 0; i < source_line.size() && current < column; ++i) {
        const auto byte = static_cast<unsigned char>(source_line[i]);
        if ((byte & 0xC0) == 0x80) {
            continue;
        }
        caret += byte == '\t' ? '\t' : ' ';
        ++current;
    }
    caret += '^';
    for (std::uint32_t i = 1; i < std::min<std::uint32_t>(span, 80); ++i) {
        caret += '~';
    }
    return caret;
}

std::string printable(const std::string& line)
{
    std::string out;
    out.reserve(line.size());
    for (const char c : line) {
        const auto byte = static_cast<unsigned char>(c);
        out += (byte < 0x20 && byte != '\t') || byte == 0x7F ? '?' : c;
    }
    return out;
}

// Long lines (minified JSON) are cut to a window around the column, marked with "...".
std::pair<std::string, std::uint32_t> window(const std::string& line, std::uint32_t column)
{
    constexpr std::uint32_t k_before = 60;
    constexpr std::uint32_t k_width = 120;
    if (count_characters(line) <= k_width) {
        return {line, column};
    }
    const std::uint32_t first = column > k_before ? column - k_before : 1;
    std::string shown = first > 1 ? "..." : "";
    std::uint32_t current = 1;
    std::uint32_t taken = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const bool starts_character = (static_cast<unsigned char>(line[i]) & 0xC0) != 0x80;
        if (starts_character && i > 0) {
            ++current;
        }
        if (current >= first) {
            if (starts_character && ++taken > k_width) {
                shown += "...";
                break;
            }
            shown += line[i];
        }
    }
    return {shown, column - first + 1 + (first > 1 ? 3 : 0)};
}

} // namespace

std::string format_diagnostic(const Diagnostic& d, bool color)
{
    const char* bold = color ? "\033[1m" : "";
    const char* red = color ? "\033[1;31m" : "";
    const char* yellow = color ? "\033[1;33m" : "";
    const char* reset = color ? "\033[0m" : "";

    std::string where = d.file.empty() ? std::string("<input>") : d.file;
    if (d.location) {
        where += fmt::format(":{}:{}", d.location->line, d.location->column);
    }
    std::string out = fmt::format("{}{}:{} ", bold, where, reset);
    if (d.level != Level::Error) {
        out += fmt::format("{}{}:{} ", d.level == Level::Warning ? yellow : bold, level_name(d.level), reset);
    }
    if (!d.pointer.empty()) {
        out += d.pointer + ": ";
    }
    out += d.message;
    out += '\n';
    if (d.location && !d.source_line.empty()) {
        const std::string number = std::to_string(d.location->line);
        const std::string gutter(number.size(), ' ');
        auto [shown, column] = window(d.source_line, d.location->column);
        out += fmt::format(" {} | {}\n", number, printable(shown));
        out += fmt::format(" {} | {}{}{}\n", gutter, red, caret_line(shown, column, d.span_columns), reset);
    }
    if (!d.help.empty()) {
        out += fmt::format("  = help: {}\n", d.help);
    }
    return out;
}

} // namespace mlscale
