// Reading a dataset from where it lives: which kind of source an input is, streaming or chunked
// reading of listings and inventories, and summing several inputs into one summary.
#include "readers.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>

#include "chunks.hpp"
#include "listing.hpp"
#include "mlscale/json_document.hpp"
#include "mlscale/source.hpp"

namespace mlscale {

namespace {

using dataprof::ChunkState;
using dataprof::LineParser;

/// A plain file at least this large is read by several threads, each over its own byte range.
constexpr std::uint64_t k_parallel_min_bytes = 16U << 20;

void file_error(Diagnostics& diagnostics, const std::string& name, std::string message, std::string help = {})
{
    Diagnostic d;
    d.file = name;
    d.message = std::move(message);
    d.help = std::move(help);
    diagnostics.add(std::move(d));
}

const char* kind_name(SourceKind kind)
{
    switch (kind) {
    case SourceKind::Directory:
        return "directory";
    case SourceKind::S3Listing:
        return "s3-ls";
    case SourceKind::Inventory:
        return "s3-inventory";
    case SourceKind::AthenaResult:
        return "athena-result";
    case SourceKind::Auto:
        break;
    }
    return "auto";
}

bool looks_like_listing_line(std::string_view line)
{
    static constexpr std::string_view k_pattern = "dddd-dd-dd dd:dd:dd ";
    if (line.size() < k_pattern.size()) {
        return false;
    }
    for (std::size_t i = 0; i < k_pattern.size(); ++i) {
        const char c = line[i];
        if (k_pattern[i] == 'd' ? !(c >= '0' && c <= '9') : c != k_pattern[i]) {
            return false;
        }
    }
    return true;
}

bool is_athena_header(std::string_view line)
{
    return line == "\"kind\",\"name\",\"objects\",\"bytes\"" || line == "kind,name,objects,bytes";
}

/// Tells a listing, an inventory and an Athena result apart by their first line.
std::optional<SourceKind> detect_kind(std::string_view head)
{
    const auto newline = head.find('\n');
    std::string_view first = head.substr(0, newline);
    if (!first.empty() && first.back() == '\r') {
        first.remove_suffix(1);
    }
    if (head.empty() || looks_like_listing_line(first)) {
        return SourceKind::S3Listing;
    }
    if (is_athena_header(first)) {
        return SourceKind::AthenaResult;
    }
    const auto text = first.substr(std::min(first.find_first_not_of(' '), first.size()));
    if (text.substr(0, 4) == "PRE ") {
        return SourceKind::S3Listing;
    }
    if (!first.empty() && first.front() == '"' && first.find("\",\"") != std::string_view::npos) {
        return SourceKind::Inventory;
    }
    return std::nullopt;
}

std::unique_ptr<LineParser> make_parser(SourceKind kind, const InventorySchema& schema, const DataprofLimits& limits)
{
    if (kind == SourceKind::Inventory) {
        return std::make_unique<dataprof::InventoryParser>(schema, limits);
    }
    return std::make_unique<dataprof::ListingParser>(limits);
}

/// Reads one stream (stdin, gzip, a small file) in one chunk.
void read_stream(ByteReader& reader, const std::string& name, SourceKind kind, const InventorySchema& schema, const DataprofLimits& limits,
    DatasetAccumulator& into, SourceInfo& info, Diagnostics& diagnostics)
{
    std::vector<ChunkState> chunks;
    chunks.emplace_back(limits);
    auto parser = make_parser(kind, schema, limits);
    scan_lines(reader, *parser, chunks.front(), limits);
    stitch_chunks(chunks, name, limits, into, info, diagnostics);
}

/// Reads a plain file with one thread per byte range; ranges are cut just after a newline.
void read_file_parallel(int fd, std::uint64_t size, const std::string& name, SourceKind kind, const InventorySchema& schema, const DataprofLimits& limits,
    unsigned threads, DatasetAccumulator& into, SourceInfo& info, Diagnostics& diagnostics)
{
    std::vector<std::uint64_t> cuts{0};
    for (unsigned i = 1; i < threads; ++i) {
        std::uint64_t at = std::max(size * i / threads, cuts.back());
        char buffer[4096];
        for (;;) {
            const ssize_t got = ::pread(fd, buffer, sizeof buffer, static_cast<off_t>(at));
            if (got <= 0) {
                at = size;
                break;
            }
            const void* newline = std::memchr(buffer, '\n', static_cast<std::size_t>(got));
            if (newline != nullptr) {
                at += static_cast<std::uint64_t>(static_cast<const char*>(newline) - buffer) + 1;
                break;
            }
            at += static_cast<std::uint64_t>(got);
        }
        cuts.push_back(std::min(at, size));
    }
    cuts.push_back(size);

    std::vector<ChunkState> chunks;
    chunks.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) {
        chunks.emplace_back(limits);
    }
    const auto work = [&](unsigned i) {
        auto reader = dataprof::range_reader(fd, cuts[i], cuts[i + 1]);
        auto parser = make_parser(kind, schema, limits);
        scan_lines(*reader, *parser, chunks[i], limits);
    };
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i) {
        pool.emplace_back(work, i);
    }
    work(0);
    for (auto& thread : pool) {
        thread.join();
    }
    stitch_chunks(chunks, name, limits, into, info, diagnostics);
}

struct OpenInput {
    int fd = -1;
    bool owned = false;
    bool regular = false;
    std::uint64_t size = 0;
};

std::optional<OpenInput> open_input(const std::string& path, Diagnostics& diagnostics)
{
    OpenInput input;
    if (path == "-") {
        input.fd = STDIN_FILENO;
        return input;
    }
    input.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (input.fd < 0) {
        file_error(diagnostics, path, errno == ENOENT ? std::string("no such file or directory") : fmt::format("cannot read: {}", std::strerror(errno)));
        return std::nullopt;
    }
    input.owned = true;
    struct stat info { };
    if (::fstat(input.fd, &info) == 0 && S_ISREG(info.st_mode)) {
        input.regular = true;
        input.size = static_cast<std::uint64_t>(info.st_size);
    }
    return input;
}

bool is_directory(const std::string& path)
{
    struct stat info { };
    return path != "-" && ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

} // namespace

InventorySchema InventorySchema::default_order()
{
    return *from_file_schema("Bucket, Key, Size, LastModifiedDate, ETag, StorageClass, IsMultipartUploaded, ReplicationStatus, "
                             "EncryptionStatus, ObjectLockRetainUntilDate, ObjectLockMode, ObjectLockLegalHoldStatus, "
                             "IntelligentTieringAccessTier, BucketKeyStatus, ChecksumAlgorithm");
}

std::optional<InventorySchema> InventorySchema::from_file_schema(std::string_view text)
{
    InventorySchema schema;
    std::size_t at = 0;
    while (at <= text.size()) {
        auto comma = text.find(',', at);
        if (comma == std::string_view::npos) {
            comma = text.size();
        }
        auto field = text.substr(at, comma - at);
        while (!field.empty() && field.front() == ' ') {
            field.remove_prefix(1);
        }
        while (!field.empty() && field.back() == ' ') {
            field.remove_suffix(1);
        }
        schema.columns.emplace_back(field);
        at = comma + 1;
    }
    const auto has = [&](const char* name) { return std::find(schema.columns.begin(), schema.columns.end(), name) != schema.columns.end(); };
    if (!has("Key") || !has("Size") || schema.columns.size() > dataprof::InventoryParser::k_max_columns) {
        return std::nullopt;
    }
    return schema;
}

std::optional<InventorySchema> read_inventory_manifest(const std::string& path, Diagnostics& diagnostics)
{
    auto source = read_source(path, diagnostics);
    if (!source) {
        return std::nullopt;
    }
    auto document = parse_json(*source, diagnostics);
    if (!document) {
        return std::nullopt;
    }
    const auto& value = document->value;
    if (!value.is_object() || !value.contains("fileSchema") || !value["fileSchema"].is_string()) {
        diagnostics.add(document->diagnostic_at(value.is_object() ? "" : "", "expected an S3 Inventory manifest with a \"fileSchema\" string",
            "the manifest.json beside the inventory's data files: {\"fileFormat\": \"CSV\", \"fileSchema\": \"Bucket, Key, Size, ...\"}"));
        return std::nullopt;
    }
    if (value.contains("fileFormat") && value["fileFormat"].is_string() && value["fileFormat"].get<std::string>() != "CSV") {
        diagnostics.add(
            document->diagnostic_at("/fileFormat", fmt::format("a {} inventory: mlscale reads CSV inventories", value["fileFormat"].get<std::string>()),
                "query ORC and Parquet inventories with Athena: mlscale profile --emit-athena-sql TABLE"));
        return std::nullopt;
    }
    auto schema = InventorySchema::from_file_schema(value["fileSchema"].get<std::string>());
    if (!schema) {
        diagnostics.add(document->diagnostic_at("/fileSchema", "fileSchema has no Key or no Size column",
            "the inventory must include the Size field (an optional field of the inventory configuration)"));
    }
    return schema;
}

ReadOutcome read_s3_listing(ByteReader& reader, const std::string& name, const DataprofLimits& limits, Diagnostics& diagnostics)
{
    ReadOutcome outcome;
    outcome.source.kind = "s3-ls";
    outcome.source.inputs.push_back(name);
    DatasetAccumulator accumulator(limits);
    read_stream(reader, name, SourceKind::S3Listing, InventorySchema::default_order(), limits, accumulator, outcome.source, diagnostics);
    outcome.summary = accumulator.finish();
    return outcome;
}

ReadOutcome read_inventory_csv(
    ByteReader& reader, const std::string& name, const InventorySchema& schema, const DataprofLimits& limits, Diagnostics& diagnostics)
{
    ReadOutcome outcome;
    outcome.source.kind = "s3-inventory";
    outcome.source.inputs.push_back(name);
    DatasetAccumulator accumulator(limits);
    dataprof::PeekReader peek(reader);
    if (dataprof::is_gzip(peek.peek(2))) {
        auto inflated = dataprof::gzip_reader(peek);
        read_stream(*inflated, name, SourceKind::Inventory, schema, limits, accumulator, outcome.source, diagnostics);
    } else {
        read_stream(peek, name, SourceKind::Inventory, schema, limits, accumulator, outcome.source, diagnostics);
    }
    outcome.summary = accumulator.finish();
    return outcome;
}

namespace {

// An opened input as text: the file (or stdin), inflated when it is gzip, with its first bytes
// available to look at before reading.
struct TextStream {
    std::unique_ptr<ByteReader> raw;
    std::unique_ptr<dataprof::PeekReader> peek;
    std::unique_ptr<ByteReader> inflated;
    std::unique_ptr<dataprof::PeekReader> inflated_peek;

    explicit TextStream(const OpenInput& opened) : raw(dataprof::fd_reader(opened.fd, opened.owned)), peek(std::make_unique<dataprof::PeekReader>(*raw))
    {
        if (dataprof::is_gzip(peek->peek(2))) {
            inflated = dataprof::gzip_reader(*peek);
            inflated_peek = std::make_unique<dataprof::PeekReader>(*inflated);
        }
    }
    [[nodiscard]] bool gzip() const
    {
        return inflated != nullptr;
    }
    dataprof::PeekReader& text()
    {
        return gzip() ? *inflated_peek : *peek;
    }
    [[nodiscard]] std::string error() const
    {
        return gzip() ? inflated->error() : raw->error();
    }
};

// What the input is (the requested kind, else detected from its first bytes); nothing, with an
// error, when it is empty, starts with a BOM or is none of the known kinds.
std::optional<SourceKind> input_kind(TextStream& stream, const std::string& name, SourceKind requested, Diagnostics& diagnostics)
{
    const std::string_view head = stream.text().peek(4096);
    if (head.empty()) {
        // Nothing to profile: a listing of an empty prefix, a capture that failed, or a read error.
        if (const std::string error = stream.error(); !error.empty()) {
            file_error(diagnostics, name, fmt::format("cannot read: {}", error));
        } else {
            diagnostics.add(
                diagnostic_at_offset(SourceFile{name, ""}, 0, "file is empty, expected an `aws s3 ls` listing, an S3 Inventory CSV or an Athena result",
                    "check that the listing ran (`aws s3 ls s3://BUCKET/PREFIX --recursive` prints nothing for an empty prefix)"));
        }
        return std::nullopt;
    }
    if (head.substr(0, 3) == "\xEF\xBB\xBF") {
        diagnostics.add(diagnostic_at_offset(SourceFile{name, std::string(head.substr(0, head.find('\n')))}, 0, "file starts with a UTF-8 byte-order mark",
            "save the file as UTF-8 without a BOM (aws s3 ls and S3 Inventory never write one)"));
        return std::nullopt;
    }
    if (requested != SourceKind::Auto) {
        return requested;
    }
    const auto detected = detect_kind(head);
    if (!detected) {
        diagnostics.add(diagnostic_at_offset(SourceFile{name, std::string(head.substr(0, head.find('\n')))}, 0,
            "cannot tell what this is: not an `aws s3 ls` listing, an S3 Inventory CSV or an Athena result",
            "give a directory, the output of `aws s3 ls s3://BUCKET/PREFIX --recursive`, an inventory data file "
            "(CSV, plain or .gz) or the CSV result of `mlscale profile --emit-athena-sql`; --source says which"));
    }
    return detected;
}

// Warnings about the totals of a listing: rounded sizes, or fewer lines than its footer counts.
void warn_about_totals(const ReadOutcome& outcome, const std::vector<std::string>& inputs, DatasetAccumulator& accumulator, Diagnostics& diagnostics)
{
    const std::string file = inputs.front() == "-" ? "<stdin>" : inputs.front();
    if (outcome.source.approximate_sizes) {
        Diagnostic d;
        d.level = Level::Warning;
        d.file = file;
        d.message = "a --human-readable listing: sizes are rounded, so the totals are approximate";
        d.help = "list without --human-readable for exact sizes";
        diagnostics.add(std::move(d));
    }
    if (outcome.source.listed_total_objects && inputs.size() == 1 && outcome.source.malformed_lines == 0) {
        const std::uint64_t counted = accumulator.finish().total.objects + outcome.source.directory_markers;
        if (*outcome.source.listed_total_objects != counted) {
            Diagnostic d;
            d.level = Level::Warning;
            d.file = file;
            d.message = fmt::format("the listing's footer says {} objects, but {} object lines were read: is the listing cut short?",
                *outcome.source.listed_total_objects, counted);
            diagnostics.add(std::move(d));
        }
    }
}

} // namespace

std::optional<ReadOutcome> profile_dataset(const ProfileRequest& request, Diagnostics& diagnostics)
{
    const std::size_t errors_before = diagnostics.error_count();
    const auto& limits = request.limits;
    std::vector<std::string> inputs = request.inputs.empty() ? std::vector<std::string>{"-"} : request.inputs;

    InventorySchema schema = InventorySchema::default_order();
    if (request.manifest) {
        auto from_manifest = read_inventory_manifest(*request.manifest, diagnostics);
        if (!from_manifest) {
            return std::nullopt;
        }
        schema = std::move(*from_manifest);
    }

    ReadOutcome outcome;
    outcome.source.inputs = inputs;
    DatasetAccumulator accumulator(limits);
    std::optional<SourceKind> kind_seen;
    const auto agree = [&](SourceKind kind, const std::string& name) {
        if (kind_seen && *kind_seen != kind) {
            file_error(diagnostics, name, fmt::format("is a {} source, but an earlier input is a {} source", kind_name(kind), kind_name(*kind_seen)),
                "profile inputs of one kind at a time");
            return false;
        }
        kind_seen = kind;
        return true;
    };

    for (const auto& input : inputs) {
        const std::string name = input == "-" ? "<stdin>" : input;
        if (request.kind == SourceKind::Directory || (request.kind == SourceKind::Auto && is_directory(input))) {
            if (!agree(SourceKind::Directory, name)) {
                break;
            }
            dataprof::walk_into(input, limits, WalkOptions{}, accumulator, outcome.source, diagnostics);
            continue;
        }
        auto opened = open_input(input, diagnostics);
        if (!opened) {
            continue;
        }
        TextStream stream(*opened);
        const auto kind = input_kind(stream, name, request.kind, diagnostics);
        if (!kind) {
            continue;
        }
        if (!agree(*kind, name)) {
            break;
        }
        if (*kind == SourceKind::AthenaResult) {
            if (inputs.size() > 1) {
                file_error(diagnostics, name, "an Athena result is a whole summary: profile it on its own");
                break;
            }
            auto result = read_athena_result(stream.text(), name, limits, diagnostics);
            result.source.inputs = inputs;
            if (diagnostics.error_count() > errors_before) {
                return std::nullopt;
            }
            return result;
        }
        const unsigned threads = dataprof::worker_threads(limits);
        if (!stream.gzip() && opened->regular && opened->size >= k_parallel_min_bytes && threads > 1 && input != "-") {
            read_file_parallel(opened->fd, opened->size, name, *kind, schema, limits, threads, accumulator, outcome.source, diagnostics);
        } else {
            read_stream(stream.text(), name, *kind, schema, limits, accumulator, outcome.source, diagnostics);
        }
    }
    outcome.source.kind = kind_seen ? kind_name(*kind_seen) : "s3-ls";
    warn_about_totals(outcome, inputs, accumulator, diagnostics);
    if (diagnostics.error_count() > errors_before) {
        return std::nullopt;
    }
    outcome.summary = accumulator.finish();
    return outcome;
}

} // namespace mlscale
