// Diagnostics: problems found in user content, collected by every stage and rendered with
// file:line:column, the source line and a caret (shaped like LLVM's SMDiagnostic).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlscale {

/// A position in a source file: 1-based line and column (column counted in characters), and
/// the byte offset of the position.
struct Location {
    std::uint32_t line = 0;
    std::uint32_t column = 0;
    std::uint32_t offset = 0;
};

enum class Level { Error, Warning, Note };

/// One problem in user content. `pointer` is the JSON pointer of the offending value when the
/// content is a JSON/YAML document; `source_line` is a copy of the line, for the caret display.
struct Diagnostic {
    Level level = Level::Error;
    std::string file;
    std::optional<Location> location;
    std::string pointer;
    std::string message;
    std::string help;
    std::string source_line;
    std::uint32_t span_columns = 1; ///< how many characters the caret underlines
};

/// A problem with a file or an input as a whole (no position): rendered "file: message".
Diagnostic file_diagnostic(std::string file, std::string message, std::string help = {}, Level level = Level::Error);

/// An ordered list of diagnostics that stages append to; never printed by the library.
class Diagnostics {
public:
    void add(Diagnostic diagnostic)
    {
        m_items.push_back(std::move(diagnostic));
    }
    /// add(file_diagnostic(...)).
    void add_file_error(std::string file, std::string message, std::string help = {});
    [[nodiscard]] bool has_errors() const;
    [[nodiscard]] std::size_t error_count() const;
    [[nodiscard]] const std::vector<Diagnostic>& items() const
    {
        return m_items;
    }
    [[nodiscard]] bool empty() const
    {
        return m_items.empty();
    }

private:
    std::vector<Diagnostic> m_items;
};

/// The text of one line of `text` (without its line terminator), 1-based.
std::string line_of(std::string_view text, std::uint32_t line);

/// Renders a diagnostic as
///   file:line:col: pointer: message
///      4 |     "size_gb": "big",
///        |                ^~~~~
///     = help: ...
/// With `color`, the location and level are highlighted with ANSI escapes.
std::string format_diagnostic(const Diagnostic& diagnostic, bool color = false);

/// Counts characters (UTF-8 code points) in a string; invalid bytes count one each.
std::uint32_t count_characters(std::string_view text);

/// The byte offset of the first byte of `text` that is not part of a valid UTF-8 sequence
/// (overlong forms, surrogates and code points above U+10FFFF are invalid), if any.
std::optional<std::size_t> invalid_utf8_offset(std::string_view text);

} // namespace mlscale
