// A strict JSON reader that remembers where every value came from, so that any later stage can
// point at file:line:column of a JSON pointer. Rejects duplicate keys, invalid UTF-8, BOMs,
// NaN/Infinity, comments and trailing garbage, and nests no deeper than a stated limit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "mlscale/diagnostics.hpp"
#include "mlscale/source.hpp"

namespace mlscale {

struct JsonLimits {
    std::uint32_t max_depth = 256; ///< arrays/objects nested deeper are refused (no stack overflow)
    /// false: positions are not recorded while parsing, which is several times faster for a file
    /// whose errors are rare; the document finds them on first use (`ensure_positions`) by parsing
    /// its text again.
    bool record_positions = true;
    /// false: the document does not keep a copy of the text, so it cannot find positions later.
    /// For a caller that keeps the source alive and parses again with positions when it has
    /// something to report (the job loader).
    bool keep_text = true;
};

/// Where a value (or a member's key) starts and how many characters it spans on its first line.
struct TextSpan {
    Location begin;
    std::uint32_t columns = 1;
};

/// A parsed JSON document with the position of every value and member key, by JSON pointer.
class JsonDocument {
public:
    nlohmann::json value;
    std::string file;
    std::string text;
    /// Positions by JSON pointer. Read them through locate()/locate_key()/diagnostic_at(), or call
    /// ensure_positions() before reading these maps directly.
    mutable std::unordered_map<std::string, TextSpan> value_spans;
    mutable std::unordered_map<std::string, TextSpan> key_spans;
    /// Set by parse_json when positions were not recorded: the first locate() parses `text` again.
    mutable bool positions_pending = false;
    std::uint32_t max_depth = 256;

    /// Records the positions now if the parse left them for later (no-op otherwise).
    void ensure_positions() const;

    /// The span of the value at `pointer`, else of its nearest ancestor that has one.
    [[nodiscard]] std::optional<TextSpan> locate(const std::string& pointer) const;
    /// The span of the member key at `pointer` (falls back to `locate`).
    [[nodiscard]] std::optional<TextSpan> locate_key(const std::string& pointer) const;
    /// A diagnostic for `pointer`, carrying file, line, column and the source line.
    [[nodiscard]] Diagnostic diagnostic_at(const std::string& pointer, std::string message, std::string help = {}, bool at_key = false) const;
};

/// Parses `source` as one JSON document. Syntax errors stop the parse (one error); duplicate keys
/// are all reported. Returns nothing when any error was added.
std::optional<JsonDocument> parse_json(const SourceFile& source, Diagnostics& diagnostics, const JsonLimits& limits = {});

/// Escapes one reference token of a JSON pointer (RFC 6901: '~' -> "~0", '/' -> "~1").
std::string escape_pointer_token(const std::string& token);

/// A diagnostic at a byte offset of `source` (for parsers of other formats).
Diagnostic diagnostic_at_offset(const SourceFile& source, std::size_t offset, std::string message, std::string help = {});

/// The 1-based line and character column of a byte offset.
Location location_of_offset(const std::string& text, std::size_t offset);

} // namespace mlscale
