// Rendering a dataset profile: JSON for machines (schema_version 1, keys in a fixed order) and
// text for people. Both are pure functions of the outcome.
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "mlscale/dataprof.hpp"

namespace mlscale {

namespace {

using ordered = nlohmann::ordered_json;

double percent(std::uint64_t part, std::uint64_t whole)
{
    return whole == 0 ? 0.0 : std::round(10000.0 * static_cast<double>(part) / static_cast<double>(whole)) / 100.0;
}

const char* bucket_label(std::size_t bucket)
{
    static constexpr std::array<const char*, k_histogram_buckets> k_labels{"0 B", "1 B - 1 KB", "1 KB - 10 KB", "10 KB - 100 KB", "100 KB - 1 MB",
        "1 MB - 10 MB", "10 MB - 100 MB", "100 MB - 1 GB", "1 GB - 10 GB", "10 GB - 100 GB", "100 GB - 1 TB", ">= 1 TB"};
    return k_labels[bucket];
}

std::string with_commas(std::uint64_t value)
{
    std::string digits = std::to_string(value);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            out += ',';
        }
        out += digits[i];
    }
    return out;
}

} // namespace

std::string render_dataset_json(const ReadOutcome& outcome)
{
    const auto& s = outcome.summary;
    const auto& info = outcome.source;
    const Dataset dataset = s.dataset();

    ordered source;
    source["kind"] = info.kind;
    source["inputs"] = info.inputs;
    source["approximate_sizes"] = info.approximate_sizes;
    ordered skipped;
    skipped["directory_markers"] = info.directory_markers;
    skipped["prefix_lines"] = info.prefix_lines;
    skipped["delete_markers"] = info.delete_markers;
    skipped["noncurrent_versions"] = info.noncurrent_versions;
    skipped["symlinks"] = info.symlinks;
    skipped["special_files"] = info.special_files;
    skipped["unreadable"] = info.unreadable;
    source["skipped"] = skipped;

    ordered data;
    data["size_gb"] = dataset.size_gb ? ordered(*dataset.size_gb) : ordered(nullptr);
    data["num_files"] = dataset.num_files ? ordered(*dataset.num_files) : ordered(nullptr);
    data["format"] = dataset.format ? ordered(*dataset.format) : ordered(nullptr);
    data["modality"] = dataset.modality ? ordered(*dataset.modality) : ordered(nullptr);

    ordered summary;
    summary["objects"] = s.total.objects;
    summary["total_bytes"] = s.total.bytes;
    summary["mean_object_bytes"] = s.total.objects == 0 ? 0 : s.total.bytes / s.total.objects;
    ordered histogram = ordered::array();
    for (std::size_t i = 0; i < k_histogram_buckets; ++i) {
        ordered bucket;
        bucket["range"] = bucket_label(i);
        bucket["min_bytes"] = k_bucket_lower_bytes[i];
        bucket["max_bytes"] = i == 0 ? ordered(0) : (i + 1 < k_histogram_buckets ? ordered(k_bucket_lower_bytes[i + 1] - 1) : ordered(nullptr));
        bucket["objects"] = s.histogram[i].objects;
        bucket["bytes"] = s.histogram[i].bytes;
        histogram.push_back(bucket);
    }
    summary["histogram"] = histogram;
    ordered small;
    small["threshold_bytes"] = k_small_file_bytes;
    small["objects"] = s.small.objects;
    small["bytes"] = s.small.bytes;
    small["pct"] = percent(s.small.objects, s.total.objects);
    small["bytes_pct"] = percent(s.small.bytes, s.total.bytes);
    summary["small_files"] = small;
    if (s.largest) {
        ordered largest;
        largest["key"] = s.largest->key;
        largest["bytes"] = s.largest->bytes;
        summary["largest_object"] = largest;
    } else {
        summary["largest_object"] = nullptr;
    }
    ordered limits;
    limits["single_put_bytes"] = k_s3_single_put_bytes;
    limits["max_object_bytes"] = k_s3_max_object_bytes;
    limits["over_single_put"] = s.over_single_put;
    limits["over_max_object"] = s.over_max_object;
    summary["s3_limits"] = limits;
    ordered formats = ordered::array();
    for (const auto& extension : s.formats) {
        ordered row;
        row["extension"] = extension.extension;
        row["format"] = extension.format;
        row["objects"] = extension.stats.objects;
        row["bytes"] = extension.stats.bytes;
        row["bytes_pct"] = percent(extension.stats.bytes, s.total.bytes);
        formats.push_back(row);
    }
    summary["formats"] = formats;
    ordered prefixes;
    prefixes["depth"] = s.prefix_depth;
    prefixes["distinct"] = s.distinct_prefixes;
    ordered items = ordered::array();
    for (const auto& prefix : s.top_prefixes) {
        ordered ordered_row;
        ordered_row["prefix"] = prefix.prefix;
        ordered_row["objects"] = prefix.stats.objects;
        ordered_row["bytes"] = prefix.stats.bytes;
        ordered_row["bytes_pct"] = percent(prefix.stats.bytes, s.total.bytes);
        items.push_back(ordered_row);
    }
    prefixes["items"] = items;
    summary["top_prefixes"] = prefixes;

    ordered out;
    out["schema_version"] = 1;
    out["source"] = source;
    out["dataset"] = data;
    out["summary"] = summary;
    // Keys from a directory walk are bytes, not necessarily UTF-8: replace what JSON cannot hold.
    return out.dump(2, ' ', false, ordered::error_handler_t::replace) + "\n";
}

std::string render_dataset_text(const ReadOutcome& outcome)
{
    const auto& s = outcome.summary;
    const auto& info = outcome.source;
    const Dataset dataset = s.dataset();
    std::string out = fmt::format("Dataset profile of {} ({})\n\n", fmt::join(info.inputs, ", "), info.kind);
    out += fmt::format("  {:<18}{}\n", "objects", with_commas(s.total.objects));
    out += fmt::format(
        "  {:<18}{} ({} bytes{})\n", "size", format_bytes(s.total.bytes), with_commas(s.total.bytes), info.approximate_sizes ? ", approximate" : "");
    if (dataset.format) {
        out += fmt::format("  {:<18}{}{}\n", "format", *dataset.format, dataset.modality ? fmt::format(" ({})", *dataset.modality) : "");
    }
    if (s.total.objects > 0) {
        out += fmt::format("  {:<18}{}\n", "mean object", format_bytes(s.total.bytes / s.total.objects));
        out += fmt::format("  {:<18}{:.1f} % of objects, {:.1f} % of bytes under {}{}\n", "small files", percent(s.small.objects, s.total.objects),
            percent(s.small.bytes, s.total.bytes), format_bytes(k_small_file_bytes),
            s.small.objects * 2 > s.total.objects ? " (AWS: pack into ~150 MB shards)" : "");
    }
    if (s.largest) {
        std::string limit;
        if (s.largest->bytes > k_s3_max_object_bytes) {
            limit = " (over S3's 5 TiB object limit)";
        } else if (s.largest->bytes > k_s3_single_put_bytes) {
            limit = " (over the 5 GiB single-PUT limit: upload with multipart)";
        }
        out += fmt::format("  {:<18}{} {}{}\n", "largest object", format_bytes(s.largest->bytes), s.largest->key, limit);
    }
    if (s.over_single_put > 0) {
        out += fmt::format("  {:<18}{} objects over 5 GiB need multipart upload; {} over the 5 TiB object limit\n", "S3 limits", with_commas(s.over_single_put),
            with_commas(s.over_max_object));
    }

    out += "\nSizes\n";
    for (std::size_t i = 0; i < k_histogram_buckets; ++i) {
        if (s.histogram[i].objects == 0) {
            continue;
        }
        out += fmt::format("  {:<22}{:>12} objects {:>10}\n", bucket_label(i), with_commas(s.histogram[i].objects), format_bytes(s.histogram[i].bytes));
    }
    if (!s.formats.empty()) {
        out += "\nFormats by extension\n";
        for (const auto& extension : s.formats) {
            out += fmt::format("  {:<12}{:<12}{:>12} objects {:>10} {:>6.1f} %\n", extension.extension.empty() ? "(none)" : extension.extension,
                extension.format, with_commas(extension.stats.objects), format_bytes(extension.stats.bytes), percent(extension.stats.bytes, s.total.bytes));
        }
    }
    if (!s.top_prefixes.empty()) {
        out += fmt::format("\nTop prefixes (depth {}, {} distinct)\n", s.prefix_depth, with_commas(s.distinct_prefixes));
        for (const auto& prefix : s.top_prefixes) {
            out += fmt::format("  {:<30}{:>12} objects {:>10} {:>6.1f} %\n", prefix.prefix.empty() ? "(root)" : prefix.prefix,
                with_commas(prefix.stats.objects), format_bytes(prefix.stats.bytes), percent(prefix.stats.bytes, s.total.bytes));
        }
    }
    std::vector<std::string> skipped;
    const auto skip = [&](std::uint64_t count, const char* what) {
        if (count > 0) {
            skipped.push_back(fmt::format("{} {}", with_commas(count), what));
        }
    };
    skip(info.directory_markers, "directory markers");
    skip(info.prefix_lines, "PRE lines");
    skip(info.delete_markers, "delete markers");
    skip(info.noncurrent_versions, "noncurrent versions");
    skip(info.symlinks, "symbolic links (not followed)");
    skip(info.special_files, "special files");
    skip(info.unreadable, "unreadable entries");
    if (!skipped.empty()) {
        out += fmt::format("\nSkipped: {}\n", fmt::join(skipped, ", "));
    }
    return out;
}

} // namespace mlscale
