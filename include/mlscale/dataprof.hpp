// Dataset profiling: what a dataset looks like from where it lives (a local tree, an `aws s3 ls
// --recursive` listing, an S3 Inventory CSV, an Athena result), summarised in bounded memory.
// Fills the `dataset` section of a job (size_gb, num_files, format, modality). See docs/profile.md.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mlscale/diagnostics.hpp"
#include "mlscale/job.hpp"

namespace mlscale {

/// Limits of the profiler, each bounding memory or output. One struct so that tests and the CLI
/// agree on them; docs/profile.md lists them.
struct DataprofLimits {
    std::size_t prefix_depth = 2;          ///< key components ("a/b/") that name a prefix
    std::size_t max_prefixes = 10'000;     ///< distinct prefixes kept; beyond, the depth shrinks by one
    std::size_t top_prefixes = 10;         ///< prefixes shown, largest first
    std::size_t max_extensions = 1'000;    ///< distinct extensions kept; later ones count as "(other)"
    std::size_t max_reported_errors = 20;  ///< malformed lines reported one by one; the rest are counted
    std::size_t max_line_bytes = 1U << 20; ///< a longer line is malformed (S3 keys are at most 1 KiB)
    unsigned threads = 0;                  ///< worker threads for trees and plain files; 0 = cores (at least 2)
};

/// Objects and bytes of one group (a bucket, an extension, a prefix).
struct SizeStats {
    std::uint64_t objects = 0;
    std::uint64_t bytes = 0;
    void add(std::uint64_t size)
    {
        ++objects;
        bytes += size;
    }
    void add(const SizeStats& other)
    {
        objects += other.objects;
        bytes += other.bytes;
    }
    bool operator==(const SizeStats&) const = default;
};

/// Size histogram: bucket 0 holds empty objects, bucket i (1..11) holds sizes in
/// [k_bucket_bounds[i-1], k_bucket_bounds[i]) with decimal units (1 KB = 1000 B); the last bucket
/// is open-ended.
inline constexpr std::size_t k_histogram_buckets = 12;
inline constexpr std::array<std::uint64_t, k_histogram_buckets> k_bucket_lower_bytes{
    0, 1, 1'000, 10'000, 100'000, 1'000'000, 10'000'000, 100'000'000, 1'000'000'000, 10'000'000'000, 100'000'000'000, 1'000'000'000'000};

/// AWS's guidance: files under 50 MB are "small" for SageMaker input (thresholds.md STOR-002).
inline constexpr std::uint64_t k_small_file_bytes = 50'000'000;
/// S3's limits (aws_storage.md §1): one PUT uploads at most 5 GB, an object is at most 5 TB. The
/// service counts them in binary units (5 GiB, 5 TiB), which is what is compared here.
inline constexpr std::uint64_t k_s3_single_put_bytes = 5ULL << 30;
inline constexpr std::uint64_t k_s3_max_object_bytes = 5ULL << 40;

/// The histogram bucket of an object size.
std::size_t histogram_bucket(std::uint64_t size);

/// The extension that names an object's format: the lower-cased text after the basename's last
/// dot (1 to 10 characters of [a-z0-9], the dot not first in the basename); a compression suffix
/// (gz, bz2, xz, zst) keeps the extension before it ("csv.gz"). Empty when there is none.
/// Written into `out` (at least 24 bytes); returns its length. Athena's query uses the same rule.
std::size_t object_extension(std::string_view key, char* out);

/// The dataset format (the job schema's enum) an extension names, "other" when unknown.
std::string_view format_of_extension(std::string_view extension);
/// The modality a format implies, empty when it does not say (tfrecord, webdataset, ...).
std::string_view modality_of_format(std::string_view format);

/// The prefix of `key` at `depth`: its first `depth` directory components with their slashes
/// ("a/b/" for "a/b/c/d.jpg" at depth 2), fewer when the key has fewer, "" at the root.
std::string_view key_prefix(std::string_view key, std::size_t depth);

struct ExtensionStats {
    std::string extension; ///< "" for objects without one; "(other)" beyond the cap
    std::string format;
    SizeStats stats;
    bool operator==(const ExtensionStats&) const = default;
};

struct PrefixStats {
    std::string prefix;
    SizeStats stats;
    bool operator==(const PrefixStats&) const = default;
};

struct LargestObject {
    std::string key;
    std::uint64_t bytes = 0;
    bool operator==(const LargestObject&) const = default;
};

/// The summary of a dataset: every figure is a function of the set of objects alone (not of the
/// order they were read in), so every source gives the same summary for the same objects.
struct DatasetSummary {
    SizeStats total;
    std::array<SizeStats, k_histogram_buckets> histogram{};
    SizeStats small;                      ///< objects under k_small_file_bytes
    std::optional<LargestObject> largest; ///< ties go to the smallest key
    std::uint64_t over_single_put = 0;    ///< objects over k_s3_single_put_bytes (need multipart)
    std::uint64_t over_max_object = 0;    ///< objects over k_s3_max_object_bytes (cannot be in S3)
    std::vector<ExtensionStats> formats;  ///< by bytes, then objects, descending; then by name
    std::size_t prefix_depth = 0;
    std::uint64_t distinct_prefixes = 0;
    std::vector<PrefixStats> top_prefixes; ///< by bytes descending, then by name

    /// The job's `dataset` fields this summary supplies: size_gb (bytes / 1e9), num_files,
    /// format (of the extension holding the most bytes), modality (when the format implies one).
    [[nodiscard]] Dataset dataset() const;
    bool operator==(const DatasetSummary&) const = default;
};

/// What the reader met besides objects: counts of skipped entries and notes on the source.
struct SourceInfo {
    std::string kind; ///< directory|s3-ls|s3-inventory|athena-result
    std::vector<std::string> inputs;
    std::uint64_t lines = 0;             ///< lines read (listings, CSV)
    std::uint64_t directory_markers = 0; ///< zero-byte keys ending in '/' (console folders)
    std::uint64_t prefix_lines = 0;      ///< "PRE name/" lines of a listing without --recursive
    std::uint64_t delete_markers = 0;
    std::uint64_t noncurrent_versions = 0;
    std::uint64_t symlinks = 0;      ///< never followed
    std::uint64_t special_files = 0; ///< fifos, sockets, devices
    std::uint64_t unreadable = 0;    ///< entries that could not be read (reported as warnings)
    std::uint64_t malformed_lines = 0;
    bool approximate_sizes = false;                    ///< a --human-readable listing: sizes were rounded
    std::optional<std::uint64_t> listed_total_objects; ///< from a --summarize footer
};

/// Streaming aggregate of objects: constant work per object and bounded memory (the prefix and
/// extension maps are capped by DataprofLimits). Merging partial aggregates from threads gives
/// the same result as one aggregate over all objects.
class DatasetAccumulator {
public:
    explicit DatasetAccumulator(const DataprofLimits& limits);
    /// Adds one object. `key` is its full key (or path relative to the tree's root).
    void add(std::string_view key, std::uint64_t size);
    void merge(DatasetAccumulator& other);
    [[nodiscard]] DatasetSummary finish() const;

private:
    struct StringHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const noexcept
        {
            return std::hash<std::string_view>{}(text);
        }
    };
    using StatsMap = std::unordered_map<std::string, SizeStats, StringHash, std::equal_to<>>;

    void flush_prefix();
    void flush_extension();
    void shrink_prefixes(std::size_t depth);

    DataprofLimits m_limits;
    DatasetSummary m_summary;
    StatsMap m_prefixes;
    StatsMap m_extensions;
    std::size_t m_depth;
    // Listings are sorted, trees are walked a directory at a time: consecutive objects mostly share
    // a prefix and an extension, so each is summed here and written to its map when it changes.
    std::string m_last_prefix;
    SizeStats m_last_prefix_stats;
    std::string m_last_extension;
    SizeStats m_last_extension_stats;
};

/// Sources `profile_dataset` reads.
enum class SourceKind { Auto, Directory, S3Listing, Inventory, AthenaResult };

/// Reads bytes: a file, standard input, a byte range of a file, a string (tests), or another
/// reader through gzip. read() returns the bytes read, 0 at the end, and throws nothing: errors
/// are kept and read by error().
class ByteReader {
public:
    virtual ~ByteReader() = default;
    virtual std::size_t read(char* buffer, std::size_t size) = 0;
    /// Why reading stopped early; empty when the input simply ended.
    [[nodiscard]] virtual std::string error() const = 0;
};

/// A reader over a string (tests and small inputs).
std::unique_ptr<ByteReader> string_reader(std::string text);

/// The S3 Inventory columns a reader needs, located in the CSV's column order.
struct InventorySchema {
    std::vector<std::string> columns; ///< as in manifest.json's fileSchema
    /// The default order when no manifest is given: the order of AWS's documented example
    /// (Bucket, Key, Size, LastModifiedDate, ETag, StorageClass, ...), see formats.md §7.3.
    static InventorySchema default_order();
    /// Parses "Bucket, Key, Size, ..." (fileSchema). Empty when it has no Key or no Size column.
    static std::optional<InventorySchema> from_file_schema(std::string_view text);
};

/// Reads an inventory's manifest.json for its fileSchema; problems are diagnostics.
std::optional<InventorySchema> read_inventory_manifest(const std::string& path, Diagnostics& diagnostics);

/// One line-oriented reader's outcome on an in-memory or streamed input (used by tests).
struct ReadOutcome {
    DatasetSummary summary;
    SourceInfo source;
};

/// Profiles an `aws s3 ls --recursive` listing read from `reader`, named `name` in diagnostics.
ReadOutcome read_s3_listing(ByteReader& reader, const std::string& name, const DataprofLimits& limits, Diagnostics& diagnostics);
/// Profiles S3 Inventory CSV rows (no header) in `schema`'s column order; gzip is detected.
ReadOutcome read_inventory_csv(
    ByteReader& reader, const std::string& name, const InventorySchema& schema, const DataprofLimits& limits, Diagnostics& diagnostics);
/// Reads the CSV result of the query `athena_profile_sql` prints.
ReadOutcome read_athena_result(ByteReader& reader, const std::string& name, const DataprofLimits& limits, Diagnostics& diagnostics);

/// Walks a local tree in parallel: lstat only, symbolic links counted and never followed,
/// unreadable entries reported as warnings and skipped.
struct WalkOptions {
    /// Opens a directory below the root (relative to `parent_fd`); the default is openat with
    /// O_DIRECTORY|O_NOFOLLOW. Tests replace it to make an entry unreadable.
    std::function<int(int parent_fd, const char* name)> open_directory;
};
ReadOutcome walk_directory(const std::string& root, const DataprofLimits& limits, Diagnostics& diagnostics, const WalkOptions& options = {});

/// What to profile and how.
struct ProfileRequest {
    std::vector<std::string> inputs; ///< a directory, files, or "-" for stdin
    SourceKind kind = SourceKind::Auto;
    std::optional<std::string> manifest; ///< an inventory manifest.json for the column order
    DataprofLimits limits;
};

/// Profiles the inputs (all of one kind, summed). Problems in them are diagnostics; returns
/// nothing when there was an error (a malformed line is an error: it is reported with its
/// file:line:column, the reading goes on so that all are counted, and no summary is returned).
std::optional<ReadOutcome> profile_dataset(const ProfileRequest& request, Diagnostics& diagnostics);

/// Options of the Athena query.
struct AthenaQueryOptions {
    std::string table;             ///< the S3 Inventory table, e.g. "inventory_db.my_bucket"
    bool url_encoded_keys = false; ///< CSV inventories store keys URL-encoded: decode them in SQL
    bool latest_snapshot = true;   ///< filter the newest `dt` partition (AWS's documented table)
    DataprofLimits limits;
};
/// The Athena (Trino) query that computes the same summary over an S3 Inventory table; its CSV
/// result is read by read_athena_result. Empty and a diagnostic when the table name is unsafe.
std::string athena_profile_sql(const AthenaQueryOptions& options, Diagnostics& diagnostics);

/// The summary as JSON: {"schema_version": 1, "source": ..., "dataset": ..., "summary": ...}.
std::string render_dataset_json(const ReadOutcome& outcome);
/// The summary as readable text.
std::string render_dataset_text(const ReadOutcome& outcome);

/// Human-readable byte counts in decimal units: "1.5 GB", "999 B".
std::string format_bytes(std::uint64_t bytes);

} // namespace mlscale
