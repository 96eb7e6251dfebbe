// Dataset profiling: the key rules, each reader on exact lines, and the three sources agreeing
// on one dataset.
#include <catch2/catch.hpp>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <fcntl.h>
#include <zlib.h>

#include "mlscale/dataprof.hpp"

using namespace mlscale;
namespace fs = std::filesystem;

namespace {

std::string extension(std::string_view key)
{
    char buffer[24];
    return std::string(buffer, object_extension(key, buffer));
}

ReadOutcome listing(const std::string& text, Diagnostics& diagnostics, const DataprofLimits& limits = {})
{
    auto reader = string_reader(text);
    return read_s3_listing(*reader, "listing.txt", limits, diagnostics);
}

std::string gzip(const std::string& text)
{
    z_stream stream{};
    REQUIRE(deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&stream, text.size()) + 64, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    stream.avail_in = static_cast<uInt>(text.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

// awscli's line: timestamp, size right-justified to 10, one space, the key (formats.md §7.2).
std::string listing_line(const std::string& key, std::uint64_t size)
{
    std::string size_text = std::to_string(size);
    if (size_text.size() < 10) {
        size_text.insert(0, 10 - size_text.size(), ' ');
    }
    return "2023-10-26 10:21:18 " + size_text + " " + key + "\n";
}

std::string url_encode(const std::string& key)
{
    static const char* k_hex = "0123456789ABCDEF";
    std::string out;
    for (const char c : key) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) != 0 || c == '/' || c == '.' || c == '-' || c == '_') {
            out += c;
        } else if (c == ' ') {
            out += '+';
        } else {
            out += '%';
            out += k_hex[byte >> 4];
            out += k_hex[byte & 15];
        }
    }
    return out;
}

} // namespace

TEST_CASE("extensions follow the documented rule (and Athena's regex)", "[dataprof]")
{
    CHECK(extension("train/a.JPG") == "jpg");
    CHECK(extension("data/part-0001.csv.gz") == "csv.gz");
    CHECK(extension("a.tar.gz") == "tar.gz");
    CHECK(extension("x.gz") == "gz");
    CHECK(extension(".tar.gz") == "gz");
    CHECK(extension("dir/.hidden") == "");
    CHECK(extension("dir.d/noext") == "");
    CHECK(extension("a.verylongextension") == "");
    CHECK(extension("a.b-c") == "");
    CHECK(extension("data.2023.csv") == "csv");
    CHECK(format_of_extension("csv.gz") == "csv");
    CHECK(format_of_extension("tar") == "webdataset");
    CHECK(format_of_extension("xyz") == "other");
    CHECK(modality_of_format("jpeg") == "image");
    CHECK(modality_of_format("tfrecord").empty());
}

TEST_CASE("prefixes and buckets", "[dataprof]")
{
    CHECK(key_prefix("a/b/c/d.jpg", 2) == "a/b/");
    CHECK(key_prefix("a/d.jpg", 2) == "a/");
    CHECK(key_prefix("d.jpg", 2) == "");
    CHECK(key_prefix("a/b/c", 0) == "");
    CHECK(histogram_bucket(0) == 0);
    CHECK(histogram_bucket(1) == 1);
    CHECK(histogram_bucket(999) == 1);
    CHECK(histogram_bucket(1000) == 2);
    CHECK(histogram_bucket(49'999'999) == 6);
    CHECK(histogram_bucket(5'000'000'000'000ULL) == 11);
}

TEST_CASE("an aws s3 ls listing: keys with spaces, multi-GB sizes, markers and the footer", "[dataprof]")
{
    Diagnostics diagnostics;
    const auto outcome = listing("2023-10-26 10:21:18          0 data/\n"
                                 "2023-10-26 10:21:18      52428 data/train/part-00000.csv\n"
                                 "2023-10-26 10:21:19 1073741824 data/train/shard 00001.tar\n"
                                 "2023-10-26 10:21:19 6442450944  data/leading space.bin\n"
                                 "2023-10-26 10:21:19 7696581394432 data/too-big.bin\n"
                                 "\n"
                                 "Total Objects: 5\n"
                                 "   Total Size: 7704097454068\n",
        diagnostics);
    CHECK(diagnostics.empty());
    const auto& s = outcome.summary;
    CHECK(s.total.objects == 4);
    CHECK(s.total.bytes == 52428ULL + 1073741824ULL + 6442450944ULL + 7696581394432ULL);
    CHECK(outcome.source.directory_markers == 1);
    CHECK(outcome.source.listed_total_objects == 5U);
    REQUIRE(s.largest);
    CHECK(s.largest->key == "data/too-big.bin");
    CHECK(s.over_single_put == 2);
    CHECK(s.over_max_object == 1);
    CHECK(s.small.objects == 1);
    // The key is everything after the one space that follows the size.
    CHECK(s.top_prefixes.front().prefix == "data/");
    bool found_space_key = false;
    for (const auto& f : s.formats) {
        found_space_key = found_space_key || f.extension == "tar";
    }
    CHECK(found_space_key);
}

TEST_CASE("malformed listing lines are errors with line and column; the rest is still read", "[dataprof]")
{
    Diagnostics diagnostics;
    DataprofLimits limits;
    limits.max_reported_errors = 2;
    const auto outcome = listing("2023-10-26 10:21:18      52428 ok.csv\n"
                                 "2023-10-26 10:21:18 abc x\n"
                                 "garbage\n"
                                 "2023-10-26 10:21:18 12\n",
        diagnostics, limits);
    CHECK(outcome.summary.total.objects == 1);
    CHECK(outcome.source.malformed_lines == 3);
    REQUIRE(diagnostics.items().size() == 3);
    CHECK(diagnostics.items()[0].location->line == 2);
    CHECK(diagnostics.items()[0].location->column == 21);
    CHECK(diagnostics.items()[0].message == "expected the object size in bytes after the timestamp");
    CHECK(diagnostics.items()[1].location->line == 3);
    CHECK(diagnostics.items()[2].level == Level::Note);
    CHECK(diagnostics.items()[2].message == "1 more malformed lines not shown (the first 2 are)");
}

TEST_CASE("a human-readable listing is read with rounded sizes and said so", "[dataprof]")
{
    Diagnostics diagnostics;
    const auto outcome = listing("2023-10-26 10:21:18    1.5 MiB a/b.jpg\n2023-10-26 10:21:18   12 Bytes a/c.txt\n", diagnostics);
    CHECK(diagnostics.empty());
    CHECK(outcome.source.approximate_sizes);
    CHECK(outcome.summary.total.bytes == 1572864 + 12);
}

TEST_CASE("an inventory CSV: default order, manifest order, gzip, versions", "[dataprof]")
{
    Diagnostics diagnostics;
    const std::string rows = "\"bkt\",\"train/a+b.jpg\",\"1000\",\"2023-10-26T10:21:18.000Z\"\n"
                             "\"bkt\",\"train/c%2Bd.jpg\",\"3000\",\"2023-10-26T10:21:18.000Z\"\n";
    auto plain = string_reader(rows);
    const auto first = read_inventory_csv(*plain, "inv.csv", InventorySchema::default_order(), {}, diagnostics);
    CHECK(diagnostics.empty());
    CHECK(first.summary.total.objects == 2);
    CHECK(first.summary.largest->key == "train/c+d.jpg");

    auto zipped = string_reader(gzip(rows));
    const auto second = read_inventory_csv(*zipped, "inv.csv.gz", InventorySchema::default_order(), {}, diagnostics);
    CHECK(diagnostics.empty());
    CHECK(second.summary == first.summary);

    const auto schema = InventorySchema::from_file_schema("Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size");
    REQUIRE(schema);
    auto versions = string_reader("\"bkt\",\"k/a.csv\",\"v1\",\"true\",\"false\",\"10\"\n"
                                  "\"bkt\",\"k/a.csv\",\"v0\",\"false\",\"false\",\"8\"\n"
                                  "\"bkt\",\"k/b.csv\",\"v2\",\"true\",\"true\",\"\"\n");
    const auto third = read_inventory_csv(*versions, "inv.csv", *schema, {}, diagnostics);
    CHECK(diagnostics.empty());
    CHECK(third.summary.total.objects == 1);
    CHECK(third.source.noncurrent_versions == 1);
    CHECK(third.source.delete_markers == 1);
    CHECK_FALSE(InventorySchema::from_file_schema("Bucket, Key, ETag"));
}

TEST_CASE("an inventory row without a size in the expected column is an error", "[dataprof]")
{
    Diagnostics diagnostics;
    auto reader = string_reader("\"bkt\",\"k/a.csv\",\"v1\",\"true\"\n");
    const auto outcome = read_inventory_csv(*reader, "inv.csv", InventorySchema::default_order(), {}, diagnostics);
    REQUIRE(diagnostics.items().size() == 1);
    CHECK(diagnostics.items()[0].message == "expected the object size in bytes in column 3 (Size), found \"v1\"");
    CHECK(diagnostics.items()[0].location->column == 17);
}

TEST_CASE("the prefix cap shrinks the depth the same way whatever the order", "[dataprof]")
{
    DataprofLimits limits;
    limits.max_prefixes = 3;
    DatasetAccumulator forward(limits);
    DatasetAccumulator backward(limits);
    std::vector<std::string> keys;
    for (int a = 0; a < 2; ++a) {
        for (int b = 0; b < 3; ++b) {
            keys.push_back("p" + std::to_string(a) + "/q" + std::to_string(b) + "/f.bin");
        }
    }
    for (std::size_t i = 0; i < keys.size(); ++i) {
        forward.add(keys[i], i + 1);
        backward.add(keys[keys.size() - 1 - i], keys.size() - i);
    }
    const auto a = forward.finish();
    const auto b = backward.finish();
    CHECK(a.prefix_depth == 1);
    CHECK(a.distinct_prefixes == 2);
    CHECK(a == b);
}

TEST_CASE("the Athena query carries the same rules; its result reads back", "[dataprof]")
{
    Diagnostics diagnostics;
    AthenaQueryOptions options;
    options.table = "s3_inventory.my_bucket";
    const std::string sql = athena_profile_sql(options, diagnostics);
    CHECK(sql.find("FROM s3_inventory.my_bucket") != std::string::npos);
    CHECK(sql.find("WHEN size < 1000 THEN 1") != std::string::npos);
    CHECK(sql.find("'^(?:[^/]*/){0,2}'") != std::string::npos);
    options.table = "x; DROP TABLE y";
    CHECK(athena_profile_sql(options, diagnostics).empty());
    CHECK(diagnostics.has_errors());
}

TEST_CASE("a local tree, its listing, its inventory and its Athena result give one summary", "[dataprof]")
{
    const fs::path root = fs::temp_directory_path() / "mlscale-dataprof-equivalence";
    fs::remove_all(root);
    struct Entry {
        std::string key;
        std::size_t size;
    };
    const std::vector<Entry> entries{{"train/cats/0001.jpg", 1500}, {"train/cats/0002.JPG", 2500}, {"train/dogs/with space.jpg", 0},
        {"train/shards/shard-000.tar", 70'000}, {"val/labels.csv", 999}, {"val/labels.csv.gz", 400}, {"README", 12}, {"deep/a/b/c/d.npy", 123'456}};
    std::string listing_text;
    std::string inventory_text;
    for (const auto& entry : entries) {
        const fs::path path = root / entry.key;
        fs::create_directories(path.parent_path());
        std::ofstream(path) << std::string(entry.size, 'x');
        listing_text += listing_line(entry.key, entry.size);
        inventory_text += "\"bucket\",\"" + url_encode(entry.key) + "\",\"" + std::to_string(entry.size) + "\",\"2023-10-26T10:21:18.000Z\"\n";
    }
    listing_text = listing_line("train/", 0) + listing_text; // a console folder marker, skipped
    fs::create_symlink("../train", root / "val" / "loop");   // never followed

    Diagnostics diagnostics;
    DataprofLimits limits;
    limits.threads = 3;
    const auto tree = walk_directory(root.string(), limits, diagnostics);
    const auto from_listing = listing(listing_text, diagnostics, limits);
    auto inventory_reader = string_reader(gzip(inventory_text));
    const auto from_inventory = read_inventory_csv(*inventory_reader, "inv.csv.gz", InventorySchema::default_order(), limits, diagnostics);
    CHECK(diagnostics.empty());
    CHECK(tree.summary.total.objects == entries.size());
    CHECK(tree.source.symlinks == 1);
    CHECK(from_listing.summary == tree.summary);
    CHECK(from_inventory.summary == tree.summary);
    CHECK(render_dataset_json(from_listing).find("\"format\": \"npy\"") != std::string::npos);

    // The Athena result written as Athena would from the same objects reads back to the same summary.
    const auto& s = tree.summary;
    std::string result = "\"kind\",\"name\",\"objects\",\"bytes\"\n";
    const auto row = [&](const std::string& kind, const std::string& name, std::uint64_t objects, std::uint64_t bytes) {
        result += "\"" + kind + "\",\"" + name + "\",\"" + std::to_string(objects) + "\",\"" + std::to_string(bytes) + "\"\n";
    };
    row("total", "", s.total.objects, s.total.bytes);
    row("small", "", s.small.objects, s.small.bytes);
    row("over_single_put", "", 0, 0);
    row("over_max_object", "", 0, 0);
    for (std::size_t i = 0; i < k_histogram_buckets; ++i) {
        if (s.histogram[i].objects > 0) {
            row("histogram", std::to_string(i), s.histogram[i].objects, s.histogram[i].bytes);
        }
    }
    for (auto it = s.formats.rbegin(); it != s.formats.rend(); ++it) {
        row("extension", it->extension, it->stats.objects, it->stats.bytes);
    }
    row("prefix_count", "2", s.distinct_prefixes, 0);
    for (const auto& prefix : s.top_prefixes) {
        row("prefix", prefix.prefix, prefix.stats.objects, prefix.stats.bytes);
    }
    row("largest", s.largest->key, 1, s.largest->bytes);
    auto result_reader = string_reader(result);
    const auto from_athena = read_athena_result(*result_reader, "result.csv", limits, diagnostics);
    CHECK(diagnostics.empty());
    CHECK(from_athena.summary == tree.summary);
    fs::remove_all(root);
}

TEST_CASE("the walk reports an unreadable directory as a warning and goes on", "[dataprof]")
{
    const fs::path root = fs::temp_directory_path() / "mlscale-dataprof-unreadable";
    fs::remove_all(root);
    fs::create_directories(root / "locked");
    fs::create_directories(root / "open");
    std::ofstream(root / "locked" / "a.bin") << "abc";
    std::ofstream(root / "open" / "b.bin") << "abcd";
    WalkOptions options;
    // Running as root ignores permissions, so the test makes the directory fail to open.
    options.open_directory = [](int parent, const char* name) {
        if (std::string_view(name) == "locked") {
            errno = EACCES;
            return -1;
        }
        return ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    };
    Diagnostics diagnostics;
    const auto outcome = walk_directory(root.string(), {}, diagnostics, options);
    CHECK(outcome.summary.total.objects == 1);
    CHECK(outcome.source.unreadable == 1);
    REQUIRE(diagnostics.items().size() == 1);
    CHECK(diagnostics.items()[0].level == Level::Warning);
    CHECK(diagnostics.items()[0].file == (root / "locked").string());
    CHECK(diagnostics.items()[0].message == "cannot read directory: Permission denied; skipped");
    fs::remove_all(root);
}
