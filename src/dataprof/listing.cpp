// `aws s3 ls --recursive` listings and S3 Inventory CSV rows, parsed line by line with
// string_views and std::from_chars (no allocation per line).
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "chunks.hpp"
#include "listing.hpp"

namespace mlscale::dataprof {

std::size_t split_csv(std::string_view line, std::string_view* fields, std::size_t* starts, std::size_t max, std::optional<CsvError>& error)
{
    std::size_t count = 0;
    std::size_t at = 0;
    while (count < max) {
        starts[count] = at;
        std::size_t end = at;
        if (at < line.size() && line[at] == '"') {
            end = at + 1;
            for (;;) {
                const auto quote = line.find('"', end);
                if (quote == std::string_view::npos) {
                    error = CsvError{at, "unterminated quoted field"};
                    return count;
                }
                if (quote + 1 < line.size() && line[quote + 1] == '"') {
                    end = quote + 2;
                    continue;
                }
                end = quote + 1;
                break;
            }
        } else {
            end = std::min(line.find(',', at), line.size());
        }
        fields[count++] = line.substr(at, end - at);
        if (end >= line.size()) {
            break;
        }
        if (line[end] != ',') {
            error = CsvError{end, "expected a comma after the quoted field"};
            return count;
        }
        at = end + 1;
    }
    return count;
}

namespace {

constexpr std::size_t k_timestamp_chars = 19; // "YYYY-MM-DD HH:MM:SS", local time, awscli's last_mod_str

bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool digit_at(std::string_view line, std::size_t i)
{
    return static_cast<unsigned char>(line[i] - '0') < 10;
}

// The first column (0-based) where `line` stops looking like awscli's timestamp, or 19 when the
// whole timestamp is there. The common case is checked without branching per character.
std::size_t timestamp_mismatch(std::string_view line)
{
    if (line.size() >= k_timestamp_chars) {
        // Bitwise on unsigned values (not && on bools) so the check compiles without branches.
        const unsigned separators = static_cast<unsigned>(line[4] == '-') & static_cast<unsigned>(line[7] == '-') & static_cast<unsigned>(line[10] == ' ') &
            static_cast<unsigned>(line[13] == ':') & static_cast<unsigned>(line[16] == ':');
        unsigned digits = 1;
        for (const std::size_t at : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) {
            digits &= static_cast<unsigned>(digit_at(line, at));
        }
        if ((separators & digits) != 0U) {
            return k_timestamp_chars;
        }
    }
    static constexpr std::string_view k_pattern = "dddd-dd-dd dd:dd:dd";
    for (std::size_t i = 0; i < k_timestamp_chars; ++i) {
        if (i >= line.size()) {
            return i;
        }
        const char want = k_pattern[i];
        if (want == 'd' ? !is_digit(line[i]) : line[i] != want) {
            return i;
        }
    }
    return k_timestamp_chars;
}

std::string_view trim_left(std::string_view text)
{
    const auto first = text.find_first_not_of(' ');
    return first == std::string_view::npos ? std::string_view{} : text.substr(first);
}

bool starts_with(std::string_view text, std::string_view prefix)
{
    return text.substr(0, prefix.size()) == prefix;
}

// awscli's human_readable_size units (base 1024).
std::optional<std::uint64_t> unit_multiplier(std::string_view unit)
{
    static constexpr std::array<std::string_view, 6> k_units{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    std::uint64_t multiplier = 1024;
    for (const auto name : k_units) {
        if (unit == name) {
            return multiplier;
        }
        multiplier *= 1024;
    }
    return std::nullopt;
}

const char* const k_listing_help = "expected the output of `aws s3 ls s3://BUCKET/PREFIX --recursive`: "
                                   "\"YYYY-MM-DD HH:MM:SS       SIZE KEY\"";

// A line without a timestamp: a "PRE" line of a listing without --recursive, --summarize's
// totals, or an error at the first byte that does not fit a timestamp.
void parse_other_line(std::string_view line, std::size_t mismatch, const DataprofLimits& limits, ChunkState& state)
{
    const std::string_view rest = trim_left(line);
    if (starts_with(rest, "PRE ")) {
        ++state.info.prefix_lines;
        state.warn_once(line, "a listing without --recursive: \"PRE\" prefix lines are skipped and their objects are not counted",
            "list with `aws s3 ls s3://BUCKET/PREFIX --recursive`");
        return;
    }
    if (starts_with(rest, "Total Objects: ")) {
        std::uint64_t total = 0;
        const auto number = rest.substr(15);
        if (std::from_chars(number.data(), number.data() + number.size(), total).ec == std::errc{}) {
            state.info.listed_total_objects = total;
        }
        return;
    }
    if (starts_with(rest, "Total Size: ")) {
        return;
    }
    state.error(limits, line, mismatch, 1, "not an `aws s3 ls` line: expected a timestamp YYYY-MM-DD HH:MM:SS", k_listing_help);
}

// A --human-readable size after the digits at `size_at` ("1.5 MiB", "12 Bytes"): rounded, so the
// totals are approximate. Sets `size`, moves `at` past the unit; false (with an error) on a
// malformed one. Leaves a plain size alone.
bool read_human_size(std::string_view line, std::size_t size_at, std::size_t& at, std::uint64_t& size, const DataprofLimits& limits, ChunkState& state)
{
    if (at < line.size() && line[at] == '.') {
        double value = 0;
        auto [float_end, float_ec] = std::from_chars(line.data() + size_at, line.data() + line.size(), value);
        const std::size_t unit_at = static_cast<std::size_t>(float_end - line.data()) + 1;
        const auto space = line.find(' ', unit_at);
        const auto multiplier = float_ec == std::errc{} && unit_at <= line.size() && space != std::string_view::npos
            ? unit_multiplier(line.substr(unit_at, space - unit_at))
            : std::nullopt;
        if (!multiplier) {
            state.error(limits, line, size_at, 1, "expected a size such as \"1.5 MiB\" (a --human-readable listing)");
            return false;
        }
        size = static_cast<std::uint64_t>(std::llround(value * static_cast<double>(*multiplier)));
        at = space;
        state.info.approximate_sizes = true;
    } else if (at + 1 < line.size() && line[at + 1] == 'B' && (starts_with(line.substr(at), " Bytes ") || starts_with(line.substr(at), " Byte "))) {
        at = line.find(' ', at + 1);
        state.info.approximate_sizes = true;
    }
    return true;
}

} // namespace

void ListingParser::parse(std::string_view line, ChunkState& state)
{
    if (line.empty()) {
        return; // the blank line before --summarize's totals
    }
    if (const std::size_t mismatch = timestamp_mismatch(line); mismatch < k_timestamp_chars) {
        parse_other_line(line, mismatch, m_limits, state);
        return;
    }
    std::size_t at = k_timestamp_chars;
    if (at >= line.size() || line[at] != ' ') {
        state.error(m_limits, line, at, 1, "expected a space after the timestamp", k_listing_help);
        return;
    }
    while (at < line.size() && line[at] == ' ') {
        ++at;
    }
    const std::size_t size_at = at;
    // The size: digits accumulated inline (the hot path of a 10-million-line listing).
    std::uint64_t size = 0;
    const char* const first = line.data() + at;
    const char* const last = line.data() + line.size();
    const char* end = first;
    bool overflow = false;
    while (end != last && static_cast<unsigned char>(*end - '0') < 10) {
        overflow |= __builtin_mul_overflow(size, 10U, &size);
        overflow |= __builtin_add_overflow(size, static_cast<unsigned>(*end - '0'), &size);
        ++end;
    }
    if (overflow) {
        state.error(m_limits, line, size_at, static_cast<std::size_t>(end - first), "object size out of range");
        return;
    }
    if (end == first) {
        state.error(m_limits, line, size_at, 1, "expected the object size in bytes after the timestamp", k_listing_help);
        return;
    }
    at = static_cast<std::size_t>(end - line.data());
    if (!read_human_size(line, size_at, at, size, m_limits, state)) {
        return;
    }
    if (at >= line.size() || line[at] != ' ') {
        state.error(m_limits, line, at, 1, "expected one space and the key after the size", k_listing_help);
        return;
    }
    const std::string_view key = line.substr(at + 1); // verbatim: keys may hold spaces
    if (key.empty()) {
        state.error(m_limits, line, at, 1, "missing key after the size", k_listing_help);
        return;
    }
    if (const auto bad = invalid_utf8_offset(key)) {
        // S3 keys are UTF-8; other bytes mean the listing was re-encoded on its way here.
        state.error(m_limits, line, at + 1 + *bad, 1, fmt::format("invalid UTF-8 byte 0x{:02X} in the key", static_cast<unsigned char>(key[*bad])),
            "S3 keys are UTF-8 and `aws s3 ls` prints them so: save its output without converting the encoding");
        return;
    }
    if (size == 0 && key.back() == '/') {
        ++state.info.directory_markers;
        return;
    }
    state.accumulator.add(key, size);
}

InventoryParser::InventoryParser(const InventorySchema& schema, const DataprofLimits& limits) : m_limits(limits)
{
    for (std::size_t i = 0; i < schema.columns.size(); ++i) {
        const auto& name = schema.columns[i];
        if (name == "Key") {
            m_key = i;
        } else if (name == "Size") {
            m_size = i;
        } else if (name == "IsLatest") {
            m_is_latest = i;
        } else if (name == "IsDeleteMarker") {
            m_is_delete_marker = i;
        }
    }
    m_needed = std::max({m_key, m_size, m_is_latest == k_none ? 0 : m_is_latest, m_is_delete_marker == k_none ? 0 : m_is_delete_marker}) + 1;
    m_column_count = schema.columns.size();
}

std::string_view InventoryParser::unquote(std::string_view field, std::string& buffer)
{
    if (field.size() < 2 || field.front() != '"') {
        return field;
    }
    field = field.substr(1, field.size() - 2);
    if (field.find('"') == std::string_view::npos) {
        return field;
    }
    buffer.clear();
    for (std::size_t i = 0; i < field.size(); ++i) {
        buffer += field[i];
        if (field[i] == '"' && i + 1 < field.size() && field[i + 1] == '"') {
            ++i;
        }
    }
    return buffer;
}

void url_decode_into(std::string_view text, std::string& out)
{
    out.clear();
    const auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
            out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
            i += 2;
        } else {
            out += c;
        }
    }
}

void InventoryParser::parse(std::string_view line, ChunkState& state)
{
    if (line.empty()) {
        return;
    }
    // Split the first m_needed fields: quoted ("a ""b""") or bare, separated by commas.
    std::array<std::string_view, k_max_columns> fields{};
    std::array<std::size_t, k_max_columns> starts{};
    std::optional<CsvError> csv_error;
    const std::size_t count = split_csv(line, fields.data(), starts.data(), m_needed, csv_error);
    if (csv_error) {
        state.error(m_limits, line, csv_error->offset, 1, csv_error->message, k_inventory_help);
        return;
    }
    if (count < m_needed) {
        state.error(m_limits, line, line.size(), 1, fmt::format("expected {} columns ({} in the schema), found {}", m_needed, m_column_count, count),
            "give the inventory's manifest.json with --manifest so the columns are known");
        return;
    }
    std::string unquoted;
    const auto flag = [&](std::size_t column) { return column != k_none && unquote(fields[column], unquoted) == "true"; };
    if (m_is_delete_marker != k_none && flag(m_is_delete_marker)) {
        ++state.info.delete_markers;
        return;
    }
    if (m_is_latest != k_none && unquote(fields[m_is_latest], unquoted) == "false") {
        ++state.info.noncurrent_versions;
        return;
    }
    const std::string_view size_text = unquote(fields[m_size], unquoted);
    std::uint64_t size = 0;
    const auto [end, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size);
    if (ec != std::errc{} || end != size_text.data() + size_text.size()) {
        state.error(m_limits, line, starts[m_size], std::max<std::size_t>(1, fields[m_size].size()),
            fmt::format("expected the object size in bytes in column {} (Size), found \"{}\"", m_size + 1, size_text),
            "Size is a whole number of bytes; if the columns are in another order, give the inventory's manifest.json with --manifest");
        return;
    }
    // Keys in CSV inventories are URL-encoded (form encoding: '+' is a space).
    std::string key_buffer;
    const std::string_view raw_key = unquote(fields[m_key], key_buffer);
    url_decode_into(raw_key, state.scratch);
    if (state.scratch.empty()) {
        state.error(m_limits, line, starts[m_key], 1, "empty Key", k_inventory_help);
        return;
    }
    if (const auto bad = invalid_utf8_offset(state.scratch)) {
        state.error(m_limits, line, starts[m_key], std::max<std::size_t>(1, fields[m_key].size()),
            fmt::format("invalid UTF-8 byte 0x{:02X} in the key (URL-decoded)", static_cast<unsigned char>(state.scratch[*bad])),
            "S3 keys are UTF-8: an inventory's keys are their UTF-8 bytes, URL-encoded");
        return;
    }
    if (size == 0 && state.scratch.back() == '/') {
        ++state.info.directory_markers;
        return;
    }
    state.accumulator.add(state.scratch, size);
}

} // namespace mlscale::dataprof
