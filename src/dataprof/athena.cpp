// At scale, an existing engine: the Athena (Trino) query that computes the dataset summary over
// an S3 Inventory table, and the reader of its CSV result. The SQL applies the same rules as
// summary.cpp (extension, prefix, buckets, directory markers), so both give the same summary.
#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "chunks.hpp"
#include "listing.hpp"

namespace mlscale {

namespace {

bool valid_identifier_part(std::string_view part)
{
    if (part.empty() || part.size() > 128 || (part.front() >= '0' && part.front() <= '9')) {
        return false;
    }
    return std::all_of(part.begin(), part.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; });
}

// A table name goes into SQL as it is, so only plain identifiers are accepted: db.table or
// catalog.db.table.
bool valid_table_name(std::string_view name)
{
    std::size_t parts = 0;
    std::size_t at = 0;
    for (;;) {
        const auto dot = name.find('.', at);
        const auto part = name.substr(at, dot == std::string_view::npos ? std::string_view::npos : dot - at);
        if (!valid_identifier_part(part) || ++parts > 3) {
            return false;
        }
        if (dot == std::string_view::npos) {
            return true;
        }
        at = dot + 1;
    }
}

std::string bucket_case()
{
    std::string sql = "CASE WHEN size = 0 THEN 0";
    for (std::size_t i = 2; i < k_histogram_buckets; ++i) {
        sql += fmt::format(" WHEN size < {} THEN {}", k_bucket_lower_bytes[i], i - 1);
    }
    return sql + fmt::format(" ELSE {} END", k_histogram_buckets - 1);
}

} // namespace

std::string athena_profile_sql(const AthenaQueryOptions& options, Diagnostics& diagnostics)
{
    if (!valid_table_name(options.table)) {
        Diagnostic d;
        d.file = "--emit-athena-sql";
        d.message = fmt::format("\"{}\" is not a table name mlscale will put into SQL", options.table);
        d.help = "give the S3 Inventory table as TABLE, DATABASE.TABLE or CATALOG.DATABASE.TABLE (letters, digits, _)";
        diagnostics.add(std::move(d));
        return {};
    }
    const auto& table = options.table;
    const std::string key = options.url_encoded_keys ? "url_decode(key)" : "key";
    const std::string snapshot = options.latest_snapshot ? fmt::format("\n    AND dt = (SELECT max(dt) FROM {})", table) : "";
    const std::size_t depth = options.limits.prefix_depth;
    return fmt::format(R"(-- mlscale profile: the dataset summary of an S3 Inventory table (schema_version 1).
-- Run it in Athena, download the result as CSV, then: mlscale profile RESULT.csv
-- Same rules as `mlscale profile` on a listing: delete markers (no size) and directory markers
-- (empty keys ending in '/') are left out; extensions and prefixes are computed from the key.
-- An inventory of all versions: add "AND is_latest" to the WHERE clause.
WITH objects AS (
  SELECT {key} AS key, size
  FROM {table}
  WHERE size IS NOT NULL{snapshot}
),
files AS (
  SELECT key, size,
    coalesce(regexp_extract(lower(key), '[^/]\.([a-z0-9]{{1,10}}\.(?:gz|bz2|xz|zst)|[a-z0-9]{{1,10}})$', 1), '') AS extension,
    regexp_extract(key, '^(?:[^/]*/){{0,{depth}}}') AS prefix,
    {buckets} AS bucket
  FROM objects
  WHERE NOT (size = 0 AND key LIKE '%/')
)
SELECT 'total' AS kind, '' AS name, count(*) AS objects, coalesce(sum(size), 0) AS bytes FROM files
UNION ALL SELECT 'small', '', count(*), coalesce(sum(size), 0) FROM files WHERE size < {small}
UNION ALL SELECT 'over_single_put', '', count(*), 0 FROM files WHERE size > {single_put}
UNION ALL SELECT 'over_max_object', '', count(*), 0 FROM files WHERE size > {max_object}
UNION ALL SELECT 'histogram', CAST(bucket AS varchar), count(*), sum(size) FROM files GROUP BY bucket
UNION ALL SELECT 'extension', extension, count(*), sum(size) FROM files GROUP BY extension
UNION ALL SELECT 'prefix_count', '{depth}', count(DISTINCT prefix), 0 FROM files
UNION ALL SELECT * FROM (SELECT 'prefix', prefix, count(*), sum(size) FROM files GROUP BY prefix ORDER BY sum(size) DESC, prefix LIMIT {top})
UNION ALL SELECT * FROM (SELECT 'largest', key, 1, size FROM files ORDER BY size DESC, key LIMIT 1)
)",
        fmt::arg("key", key), fmt::arg("table", table), fmt::arg("snapshot", snapshot), fmt::arg("depth", depth), fmt::arg("buckets", bucket_case()),
        fmt::arg("small", k_small_file_bytes), fmt::arg("single_put", k_s3_single_put_bytes), fmt::arg("max_object", k_s3_max_object_bytes),
        fmt::arg("top", options.limits.top_prefixes));
}

namespace {

using dataprof::ChunkState;

class AthenaResultParser final : public dataprof::LineParser {
public:
    explicit AthenaResultParser(const DataprofLimits& limits) : m_limits(limits) { }

    void parse(std::string_view line, ChunkState& state) override
    {
        if (state.lines == 1) {
            if (line != "\"kind\",\"name\",\"objects\",\"bytes\"" && line != "kind,name,objects,bytes") {
                state.error(m_limits, line, 0, std::max<std::size_t>(1, line.size()),
                    "expected the header \"kind\",\"name\",\"objects\",\"bytes\" of the query's result", k_help);
            }
            return;
        }
        if (line.empty()) {
            return;
        }
        std::array<std::string_view, 4> fields;
        std::array<std::size_t, 4> starts{};
        std::optional<dataprof::CsvError> csv_error;
        const std::size_t count = dataprof::split_csv(line, fields.data(), starts.data(), fields.size(), csv_error);
        if (csv_error) {
            state.error(m_limits, line, csv_error->offset, 1, csv_error->message, k_help);
            return;
        }
        if (count != fields.size()) {
            state.error(m_limits, line, line.size(), 1, fmt::format("expected 4 fields (kind, name, objects, bytes), found {}", count), k_help);
            return;
        }
        std::string kind_buffer;
        std::string name_buffer;
        std::string number_buffer;
        const std::string kind(dataprof::InventoryParser::unquote(fields[0], kind_buffer));
        const std::string name(dataprof::InventoryParser::unquote(fields[1], name_buffer));
        SizeStats stats;
        for (std::size_t i = 2; i < 4; ++i) {
            const auto text = dataprof::InventoryParser::unquote(fields[i], number_buffer);
            std::uint64_t value = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (ec != std::errc{} || end != text.data() + text.size()) {
                state.error(m_limits, line, starts[i], std::max<std::size_t>(1, fields[i].size()),
                    fmt::format("expected a whole number of {}", i == 2 ? "objects" : "bytes"), k_help);
                return;
            }
            (i == 2 ? stats.objects : stats.bytes) = value;
        }
        if (!apply(kind, name, stats)) {
            state.error(m_limits, line, starts[0], std::max<std::size_t>(1, fields[0].size()), fmt::format("unknown row kind \"{}\"", kind), k_help);
        }
    }

    [[nodiscard]] DatasetSummary finish() const
    {
        DatasetSummary summary = m_summary;
        std::sort(summary.formats.begin(), summary.formats.end(), [](const ExtensionStats& a, const ExtensionStats& b) {
            if (a.stats.bytes != b.stats.bytes) {
                return a.stats.bytes > b.stats.bytes;
            }
            if (a.stats.objects != b.stats.objects) {
                return a.stats.objects > b.stats.objects;
            }
            return a.extension < b.extension;
        });
        std::sort(summary.top_prefixes.begin(), summary.top_prefixes.end(), [](const PrefixStats& a, const PrefixStats& b) {
            if (a.stats.bytes != b.stats.bytes) {
                return a.stats.bytes > b.stats.bytes;
            }
            return a.prefix < b.prefix;
        });
        if (summary.top_prefixes.size() > m_limits.top_prefixes) {
            summary.top_prefixes.resize(m_limits.top_prefixes);
        }
        if (!m_saw_depth) {
            summary.prefix_depth = m_limits.prefix_depth;
        }
        return summary;
    }

private:
    static constexpr const char* k_help = "expected the CSV result of the query `mlscale profile --emit-athena-sql TABLE` prints";

    bool apply(const std::string& kind, const std::string& name, const SizeStats& stats)
    {
        auto& s = m_summary;
        if (kind == "total") {
            s.total = stats;
        } else if (kind == "small") {
            s.small = stats;
        } else if (kind == "over_single_put") {
            s.over_single_put = stats.objects;
        } else if (kind == "over_max_object") {
            s.over_max_object = stats.objects;
        } else if (kind == "histogram") {
            std::size_t bucket = 0;
            if (std::from_chars(name.data(), name.data() + name.size(), bucket).ec != std::errc{} || bucket >= k_histogram_buckets) {
                return false;
            }
            s.histogram[bucket] = stats;
        } else if (kind == "extension") {
            const bool full = s.formats.size() >= m_limits.max_extensions;
            const std::string extension = full ? "(other)" : name;
            auto it = std::find_if(s.formats.begin(), s.formats.end(), [&](const ExtensionStats& e) { return e.extension == extension; });
            if (it == s.formats.end()) {
                s.formats.push_back(ExtensionStats{extension, std::string(format_of_extension(extension)), stats});
            } else {
                it->stats.add(stats);
            }
        } else if (kind == "prefix_count") {
            std::from_chars(name.data(), name.data() + name.size(), s.prefix_depth);
            s.distinct_prefixes = stats.objects;
            m_saw_depth = true;
        } else if (kind == "prefix") {
            s.top_prefixes.push_back(PrefixStats{name, stats});
        } else if (kind == "largest") {
            s.largest = LargestObject{name, stats.bytes};
        } else {
            return false;
        }
        return true;
    }

    const DataprofLimits& m_limits;
    DatasetSummary m_summary;
    bool m_saw_depth = false;
};

} // namespace

ReadOutcome read_athena_result(ByteReader& reader, const std::string& name, const DataprofLimits& limits, Diagnostics& diagnostics)
{
    ReadOutcome outcome;
    outcome.source.kind = "athena-result";
    outcome.source.inputs.push_back(name);
    std::vector<ChunkState> chunks;
    chunks.emplace_back(limits);
    AthenaResultParser parser(limits);
    dataprof::scan_lines(reader, parser, chunks.front(), limits);
    DatasetAccumulator unused(limits);
    dataprof::stitch_chunks(chunks, name, limits, unused, outcome.source, diagnostics);
    outcome.summary = parser.finish();
    return outcome;
}

} // namespace mlscale
