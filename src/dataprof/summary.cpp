// The dataset summary: the streaming accumulator every source feeds, and the rules that map keys
// to extensions, formats, modalities, prefixes and histogram buckets.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "mlscale/dataprof.hpp"

namespace mlscale {

namespace {

constexpr std::size_t k_max_extension_chars = 10;

constexpr std::array<bool, 256> k_extension_chars = [] {
    std::array<bool, 256> table{};
    for (int c = 0; c < 256; ++c) {
        table[static_cast<std::size_t>(c)] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
    return table;
}();

bool valid_extension(std::string_view text)
{
    if (text.empty() || text.size() > k_max_extension_chars) {
        return false;
    }
    bool valid = true;
    for (const char c : text) {
        valid &= k_extension_chars[static_cast<unsigned char>(c)];
    }
    return valid;
}

char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_lower(std::string_view text, std::string_view lower_word)
{
    if (text.size() != lower_word.size()) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (lower(text[i]) != lower_word[i]) {
            return false;
        }
    }
    return true;
}

bool is_compression_suffix(std::string_view text)
{
    return equals_lower(text, "gz") || equals_lower(text, "bz2") || equals_lower(text, "xz") || equals_lower(text, "zst");
}

std::size_t copy_lower(std::string_view text, char* out)
{
    for (std::size_t i = 0; i < text.size(); ++i) {
        out[i] = lower(text[i]);
    }
    return text.size();
}

struct FormatRow {
    std::string_view extension;
    std::string_view format;
};

// Extension -> the job schema's `dataset.format` enum (docs/job.schema.json).
constexpr std::array k_formats{
    FormatRow{"jpg", "jpeg"},
    FormatRow{"jpeg", "jpeg"},
    FormatRow{"jpe", "jpeg"},
    FormatRow{"png", "png"},
    FormatRow{"tif", "tiff"},
    FormatRow{"tiff", "tiff"},
    FormatRow{"bmp", "bmp"},
    FormatRow{"gif", "image"},
    FormatRow{"webp", "image"},
    FormatRow{"heic", "image"},
    FormatRow{"ppm", "image"},
    FormatRow{"csv", "csv"},
    FormatRow{"tsv", "tsv"},
    FormatRow{"parquet", "parquet"},
    FormatRow{"orc", "orc"},
    FormatRow{"avro", "avro"},
    FormatRow{"json", "json"},
    FormatRow{"jsonl", "jsonl"},
    FormatRow{"ndjson", "jsonl"},
    FormatRow{"rec", "recordio"},
    FormatRow{"recordio", "recordio"},
    FormatRow{"tfrecord", "tfrecord"},
    FormatRow{"tfrecords", "tfrecord"},
    FormatRow{"tar", "webdataset"},
    FormatRow{"mds", "mds"},
    FormatRow{"arrow", "arrow"},
    FormatRow{"feather", "arrow"},
    FormatRow{"h5", "hdf5"},
    FormatRow{"hdf5", "hdf5"},
    FormatRow{"npy", "npy"},
    FormatRow{"npz", "npy"},
    FormatRow{"libsvm", "libsvm"},
    FormatRow{"svm", "libsvm"},
    FormatRow{"txt", "text"},
    FormatRow{"text", "text"},
    FormatRow{"wav", "wav"},
    FormatRow{"flac", "flac"},
    FormatRow{"mp3", "mp3"},
    FormatRow{"ogg", "audio"},
    FormatRow{"m4a", "audio"},
    FormatRow{"opus", "audio"},
    FormatRow{"mp4", "mp4"},
    FormatRow{"avi", "video"},
    FormatRow{"mkv", "video"},
    FormatRow{"mov", "video"},
    FormatRow{"webm", "video"},
};

struct ModalityRow {
    std::string_view format;
    std::string_view modality;
};

constexpr std::array k_modalities{
    ModalityRow{"jpeg", "image"},
    ModalityRow{"png", "image"},
    ModalityRow{"tiff", "image"},
    ModalityRow{"bmp", "image"},
    ModalityRow{"image", "image"},
    ModalityRow{"csv", "tabular"},
    ModalityRow{"tsv", "tabular"},
    ModalityRow{"parquet", "tabular"},
    ModalityRow{"orc", "tabular"},
    ModalityRow{"avro", "tabular"},
    ModalityRow{"arrow", "tabular"},
    ModalityRow{"libsvm", "tabular"},
    ModalityRow{"json", "text"},
    ModalityRow{"jsonl", "text"},
    ModalityRow{"text", "text"},
    ModalityRow{"wav", "audio"},
    ModalityRow{"flac", "audio"},
    ModalityRow{"mp3", "audio"},
    ModalityRow{"audio", "audio"},
    ModalityRow{"mp4", "video"},
    ModalityRow{"video", "video"},
};

const std::string k_other_extension = "(other)";

} // namespace

std::size_t histogram_bucket(std::uint64_t size)
{
    std::size_t bucket = 0;
    for (std::size_t i = 1; i < k_histogram_buckets; ++i) {
        bucket += size >= k_bucket_lower_bytes[i] ? 1 : 0; // branch-free: the bounds ascend
    }
    return bucket;
}

std::size_t object_extension(std::string_view key, char* out)
{
    const auto slash = key.rfind('/');
    const std::string_view base = slash == std::string_view::npos ? key : key.substr(slash + 1);
    const auto last_dot = base.rfind('.');
    if (last_dot == std::string_view::npos || last_dot == 0) {
        return 0;
    }
    const std::string_view last = base.substr(last_dot + 1);
    if (!valid_extension(last)) {
        return 0;
    }
    if (last.size() <= 3 && is_compression_suffix(last)) {
        const auto inner_dot = base.rfind('.', last_dot - 1);
        if (inner_dot != std::string_view::npos && inner_dot > 0 && valid_extension(base.substr(inner_dot + 1, last_dot - inner_dot - 1))) {
            return copy_lower(base.substr(inner_dot + 1), out);
        }
    }
    return copy_lower(last, out);
}

std::string_view format_of_extension(std::string_view extension)
{
    // "csv.gz" names a compressed csv: the format is the part before the compression suffix.
    const auto dot = extension.find('.');
    const std::string_view inner = dot == std::string_view::npos ? extension : extension.substr(0, dot);
    for (const auto& row : k_formats) {
        if (row.extension == inner) {
            return row.format;
        }
    }
    return "other";
}

std::string_view modality_of_format(std::string_view format)
{
    for (const auto& row : k_modalities) {
        if (row.format == format) {
            return row.modality;
        }
    }
    return {};
}

std::string_view key_prefix(std::string_view key, std::size_t depth)
{
    std::size_t end = 0;
    for (std::size_t i = 0; i < depth; ++i) {
        const auto slash = key.find('/', end);
        if (slash == std::string_view::npos) {
            break;
        }
        end = slash + 1;
    }
    return key.substr(0, end);
}

Dataset DatasetSummary::dataset() const
{
    Dataset dataset;
    dataset.size_gb = static_cast<double>(total.bytes) / 1e9;
    dataset.num_files = static_cast<std::int64_t>(total.objects);
    // The format holding the most bytes (jpg and jpeg count together), ties to the most objects,
    // then to the name: what the training job mostly reads.
    std::vector<std::pair<std::string, SizeStats>> by_format;
    for (const auto& extension : formats) {
        auto it = std::find_if(by_format.begin(), by_format.end(), [&](const auto& row) { return row.first == extension.format; });
        if (it == by_format.end()) {
            by_format.emplace_back(extension.format, extension.stats);
        } else {
            it->second.add(extension.stats);
        }
    }
    const auto best = std::min_element(by_format.begin(), by_format.end(), [](const auto& a, const auto& b) {
        if (a.second.bytes != b.second.bytes) {
            return a.second.bytes > b.second.bytes;
        }
        if (a.second.objects != b.second.objects) {
            return a.second.objects > b.second.objects;
        }
        return a.first < b.first;
    });
    if (best != by_format.end()) {
        dataset.format = best->first;
        if (const auto modality = modality_of_format(best->first); !modality.empty()) {
            dataset.modality = std::string(modality);
        }
    }
    return dataset;
}

DatasetAccumulator::DatasetAccumulator(const DataprofLimits& limits) : m_limits(limits), m_depth(limits.prefix_depth) { }

void DatasetAccumulator::add(std::string_view key, std::uint64_t size)
{
    m_summary.total.add(size);
    m_summary.histogram[histogram_bucket(size)].add(size);
    if (size < k_small_file_bytes) {
        m_summary.small.add(size);
    }
    if (size > k_s3_single_put_bytes) {
        ++m_summary.over_single_put;
    }
    if (size > k_s3_max_object_bytes) {
        ++m_summary.over_max_object;
    }
    auto& largest = m_summary.largest;
    if (!largest || size > largest->bytes || (size == largest->bytes && key < largest->key)) {
        if (!largest) {
            largest.emplace();
        }
        largest->key.assign(key);
        largest->bytes = size;
    }

    if (key_prefix(key, m_depth) != m_last_prefix) {
        flush_prefix(); // may make the depth shallower: the prefix is taken after it
        m_last_prefix.assign(key_prefix(key, m_depth));
    }
    m_last_prefix_stats.add(size);

    char buffer[24];
    const std::string_view extension(buffer, object_extension(key, buffer));
    if (extension != m_last_extension) {
        flush_extension();
        m_last_extension.assign(extension);
    }
    m_last_extension_stats.add(size);
}

void DatasetAccumulator::flush_prefix()
{
    if (m_last_prefix_stats.objects == 0) {
        return;
    }
    auto it = m_prefixes.find(std::string_view(m_last_prefix));
    if (it == m_prefixes.end()) {
        it = m_prefixes.emplace(m_last_prefix, SizeStats{}).first;
    }
    it->second.add(m_last_prefix_stats);
    m_last_prefix_stats = {};
    while (m_prefixes.size() > m_limits.max_prefixes && m_depth > 0) {
        shrink_prefixes(m_depth - 1);
    }
}

void DatasetAccumulator::shrink_prefixes(std::size_t depth)
{
    // Too many distinct prefixes at this depth means too many at it over the whole dataset too,
    // so the final depth (the deepest one under the cap) does not depend on reading order.
    m_depth = depth;
    StatsMap shorter;
    for (const auto& [prefix, stats] : m_prefixes) {
        shorter[std::string(key_prefix(prefix, depth))].add(stats);
    }
    m_prefixes = std::move(shorter);
}

void DatasetAccumulator::flush_extension()
{
    if (m_last_extension_stats.objects == 0) {
        return;
    }
    auto it = m_extensions.find(std::string_view(m_last_extension));
    if (it == m_extensions.end()) {
        const bool full = m_extensions.size() >= m_limits.max_extensions;
        it = m_extensions.find(full ? std::string_view(k_other_extension) : std::string_view(m_last_extension));
        if (it == m_extensions.end()) {
            it = m_extensions.emplace(full ? k_other_extension : m_last_extension, SizeStats{}).first;
        }
    }
    it->second.add(m_last_extension_stats);
    m_last_extension_stats = {};
}

void DatasetAccumulator::merge(DatasetAccumulator& other)
{
    flush_prefix();
    flush_extension();
    other.flush_prefix();
    other.flush_extension();

    m_summary.total.add(other.m_summary.total);
    for (std::size_t i = 0; i < k_histogram_buckets; ++i) {
        m_summary.histogram[i].add(other.m_summary.histogram[i]);
    }
    m_summary.small.add(other.m_summary.small);
    m_summary.over_single_put += other.m_summary.over_single_put;
    m_summary.over_max_object += other.m_summary.over_max_object;
    if (const auto& theirs = other.m_summary.largest) {
        auto& ours = m_summary.largest;
        if (!ours || theirs->bytes > ours->bytes || (theirs->bytes == ours->bytes && theirs->key < ours->key)) {
            ours = theirs;
        }
    }

    if (other.m_depth < m_depth) {
        shrink_prefixes(other.m_depth);
    }
    for (const auto& [prefix, stats] : other.m_prefixes) {
        m_prefixes[std::string(key_prefix(prefix, m_depth))].add(stats);
    }
    while (m_prefixes.size() > m_limits.max_prefixes && m_depth > 0) {
        shrink_prefixes(m_depth - 1);
    }
    for (const auto& [extension, stats] : other.m_extensions) {
        auto it = m_extensions.find(extension);
        if (it == m_extensions.end() && m_extensions.size() >= m_limits.max_extensions) {
            it = m_extensions.try_emplace(k_other_extension).first;
        } else if (it == m_extensions.end()) {
            it = m_extensions.try_emplace(extension).first;
        }
        it->second.add(stats);
    }
    other = DatasetAccumulator(other.m_limits);
}

DatasetSummary DatasetAccumulator::finish() const
{
    DatasetAccumulator copy = *this;
    copy.flush_prefix();
    copy.flush_extension();

    DatasetSummary summary = copy.m_summary;
    for (const auto& [extension, stats] : copy.m_extensions) {
        summary.formats.push_back(ExtensionStats{extension, std::string(format_of_extension(extension)), stats});
    }
    std::sort(summary.formats.begin(), summary.formats.end(), [](const ExtensionStats& a, const ExtensionStats& b) {
        if (a.stats.bytes != b.stats.bytes) {
            return a.stats.bytes > b.stats.bytes;
        }
        if (a.stats.objects != b.stats.objects) {
            return a.stats.objects > b.stats.objects;
        }
        return a.extension < b.extension;
    });

    summary.prefix_depth = copy.m_depth;
    summary.distinct_prefixes = copy.m_prefixes.size();
    std::vector<PrefixStats> prefixes;
    prefixes.reserve(copy.m_prefixes.size());
    for (const auto& [prefix, stats] : copy.m_prefixes) {
        prefixes.push_back(PrefixStats{prefix, stats});
    }
    const std::size_t shown = std::min(prefixes.size(), m_limits.top_prefixes);
    std::partial_sort(prefixes.begin(), prefixes.begin() + static_cast<std::ptrdiff_t>(shown), prefixes.end(), [](const PrefixStats& a, const PrefixStats& b) {
        if (a.stats.bytes != b.stats.bytes) {
            return a.stats.bytes > b.stats.bytes;
        }
        return a.prefix < b.prefix;
    });
    prefixes.resize(shown);
    summary.top_prefixes = std::move(prefixes);
    if (summary.total.objects == 0) {
        summary.prefix_depth = m_limits.prefix_depth;
    }
    return summary;
}

std::string format_bytes(std::uint64_t bytes)
{
    static constexpr std::array<const char*, 7> k_units{"B", "KB", "MB", "GB", "TB", "PB", "EB"};
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1000.0 && unit + 1 < k_units.size()) {
        value /= 1000.0;
        ++unit;
    }
    if (unit == 0) {
        return fmt::format("{} B", bytes);
    }
    if (value < 10.0) {
        return fmt::format("{:.2f} {}", value, k_units[unit]);
    }
    if (value < 100.0) {
        return fmt::format("{:.1f} {}", value, k_units[unit]);
    }
    return fmt::format("{:.0f} {}", value, k_units[unit]);
}

} // namespace mlscale
