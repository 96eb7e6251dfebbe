// The line parsers of the dataset readers: `aws s3 ls` listings and S3 Inventory CSV rows.
#pragma once

#include <optional>

#include <array>
#include <string>
#include <string_view>

#include "chunks.hpp"

namespace mlscale::dataprof {

/// One `aws s3 ls --recursive` line (awscli's ListCommand._display_page, formats.md §7.2):
/// 19-character local-time timestamp, spaces, the size (right-justified to 10), one space, the
/// key verbatim. Also accepts --human-readable sizes (rounded; the summary says so), the
/// --summarize footer and, with a warning, "PRE" lines of a listing without --recursive.
class ListingParser final : public LineParser {
public:
    explicit ListingParser(const DataprofLimits& limits) : m_limits(limits) { }
    void parse(std::string_view line, ChunkState& state) override;

private:
    const DataprofLimits& m_limits;
};

/// A CSV syntax error inside one line: where, and what.
struct CsvError {
    std::size_t offset = 0;
    const char* message = "";
};

/// Splits one CSV line into at most `max` fields (RFC 4180 quoting: a quoted field may hold
/// commas and "" for a quote). Stores each field's text (quotes kept; see unquote) and start
/// offset, and returns how many were found; an unterminated quote or text after a closing quote
/// sets `error`. Shared by the inventory and Athena readers, so both read CSV the same way.
std::size_t split_csv(std::string_view line, std::string_view* fields, std::size_t* starts, std::size_t max, std::optional<CsvError>& error);

/// One S3 Inventory CSV row (formats.md §7.3): no header, columns in fileSchema order, fields
/// double-quoted, Key URL-encoded. Delete markers and noncurrent versions are skipped.
class InventoryParser final : public LineParser {
public:
    static constexpr std::size_t k_max_columns = 64;
    static constexpr std::size_t k_none = static_cast<std::size_t>(-1);
    InventoryParser(const InventorySchema& schema, const DataprofLimits& limits);
    void parse(std::string_view line, ChunkState& state) override;
    /// The content of a CSV field: quotes removed and "" unescaped (into `buffer` when needed).
    static std::string_view unquote(std::string_view field, std::string& buffer);

private:
    static constexpr const char* k_inventory_help =
        "expected an S3 Inventory CSV row: \"bucket\",\"key\",\"size\",... in the order of manifest.json's fileSchema";
    const DataprofLimits& m_limits;
    std::size_t m_key = 1;
    std::size_t m_size = 2;
    std::size_t m_is_latest = k_none;
    std::size_t m_is_delete_marker = k_none;
    std::size_t m_needed = 3;
    std::size_t m_column_count = 0;
};

/// Percent-decodes an URL-encoded key ('+' is a space) into `out`; bad escapes stay as they are.
void url_decode_into(std::string_view text, std::string& out);

} // namespace mlscale::dataprof
