// Telemetry readers: nvidia-smi CSV and vmstat captures, streamed line by line, reduced to
// percentiles per metric after a warm-up, then written into `current.observed`.
#include "mlscale/telemetry.hpp"

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <map>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "input.hpp"

namespace mlscale {

namespace {

using dataprof::LineProblem;

constexpr std::size_t k_max_line = 64U * 1024U;
constexpr double k_mib_to_gb = 1048576.0 / 1e9;
/// Largest memory.used believed, in MiB: 1 TiB, five times the largest GPU memory sold today.
constexpr double k_max_gpu_memory_mib = 1048576.0;

/// The values a metric can take; anything outside is a broken capture or a wrong column.
struct Range {
    double low;
    double high;
    const char* unit;
};
constexpr Range k_percent{0.0, 100.0, "%"};

/// One metric of one GPU, in capture order. A deque, not a vector: a capture of 100 MB holds
/// millions of samples, and growing a vector copies them into fresh pages again and again.
using Series = std::deque<double>;
constexpr Range k_memory_mib{0.0, k_max_gpu_memory_mib, "MiB"};

std::string_view trim(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

void add_problem(Diagnostics& diagnostics, const std::string& name, std::uint64_t line_number, std::string_view line, std::size_t column, std::string message,
    std::string help = {})
{
    LineProblem problem;
    problem.line = line_number;
    problem.text = std::string(line.substr(0, 300));
    problem.column_byte = std::min(column, problem.text.size());
    problem.message = std::move(message);
    problem.help = std::move(help);
    diagnostics.add(dataprof::to_diagnostic(name, problem));
}

// "87 %", "50234 MiB", "87" -> 87; "[N/A]", "[Not Supported]", "" -> nothing; else an error.
enum class ValueStatus { Ok, Missing, Bad };
ValueStatus parse_value(std::string_view text, double& value)
{
    text = trim(text);
    if (text.empty() || text.front() == '[' || text == "N/A") {
        return ValueStatus::Missing;
    }
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || !std::isfinite(value)) {
        return ValueStatus::Bad;
    }
    const std::string_view rest(end, static_cast<std::size_t>(text.data() + text.size() - end));
    if (!rest.empty() && (rest.front() != ' ' || rest.find(' ', 1) != std::string_view::npos)) {
        return ValueStatus::Bad;
    }
    return ValueStatus::Ok;
}

/// The metric of `series` (one vector per GPU), after dropping each series' warm-up.
MetricSummary summarise(
    std::string field, const std::string& name, std::string tool, std::string statistic, const std::vector<Series>& series, const TelemetryOptions& options)
{
    MetricSummary metric;
    metric.field = std::move(field);
    metric.file = name;
    metric.tool = std::move(tool);
    metric.statistic = std::move(statistic);
    metric.series = series.size();
    metric.warmup = options.warmup_samples;
    std::vector<double> pooled;
    std::size_t smallest = SIZE_MAX;
    for (const auto& values : series) {
        const std::size_t kept = values.size() > options.warmup_samples ? values.size() - options.warmup_samples : 0;
        smallest = std::min(smallest, kept);
        pooled.insert(pooled.end(), values.end() - static_cast<std::ptrdiff_t>(kept), values.end());
    }
    metric.samples = series.empty() ? 0 : smallest;
    if (!series.empty() && metric.samples >= options.min_samples && metric.samples > 0) {
        metric.stats = percentiles(std::move(pooled));
    }
    return metric;
}

/// Splits `line` at commas into `fields` (cleared first; reused so a row allocates nothing).
void split_csv(std::string_view line, std::vector<std::string_view>& fields)
{
    fields.clear();
    std::size_t at = 0;
    for (;;) {
        const auto comma = line.find(',', at);
        fields.push_back(line.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at));
        if (comma == std::string_view::npos) {
            return;
        }
        at = comma + 1;
    }
}

std::vector<std::string_view> split_spaces(std::string_view line)
{
    std::vector<std::string_view> tokens;
    std::size_t at = 0;
    while (at < line.size()) {
        const auto start = line.find_first_not_of(" \t", at);
        if (start == std::string_view::npos) {
            break;
        }
        const auto end = std::min(line.find_first_of(" \t", start), line.size());
        tokens.push_back(line.substr(start, end - start));
        at = end;
    }
    return tokens;
}

std::unique_ptr<ByteReader> open_file(const std::string& path, Diagnostics& diagnostics)
{
    if (path == "-") {
        return dataprof::fd_reader(STDIN_FILENO, false);
    }
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        Diagnostic d;
        d.file = path;
        d.message = errno == ENOENT ? std::string("no such file") : fmt::format("cannot read: {}", std::strerror(errno));
        diagnostics.add(std::move(d));
        return nullptr;
    }
    // open() succeeds on a directory; reading it would fail later with a less useful message.
    struct stat info { };
    if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
        ::close(fd);
        Diagnostic d;
        d.file = path;
        d.message = "is a directory, expected a file";
        diagnostics.add(std::move(d));
        return nullptr;
    }
    return dataprof::fd_reader(fd, true);
}

std::string format_number(double value)
{
    std::string text = fmt::format("{:.1f}", value);
    if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) {
        text.resize(text.size() - 2);
    }
    return text;
}

std::optional<double>* observed_field(Observed& observed, const std::string& field)
{
    if (field == "gpu_util_pct") {
        return &observed.gpu_util_pct;
    }
    if (field == "gpu_mem_used_gb") {
        return &observed.gpu_mem_used_gb;
    }
    if (field == "cpu_util_pct") {
        return &observed.cpu_util_pct;
    }
    if (field == "io_wait_pct") {
        return &observed.io_wait_pct;
    }
    return nullptr;
}

} // namespace

Percentiles percentiles(std::vector<double> values)
{
    Percentiles result;
    if (values.empty()) {
        return result;
    }
    double sum = 0;
    for (const double v : values) {
        sum += v;
    }
    result.mean = sum / static_cast<double>(values.size());
    // The two order statistics around each position, by selection rather than a full sort (a
    // capture holds millions of samples): the same values a sorted array would give.
    const auto at = [&](double q) {
        const double position = q * static_cast<double>(values.size() - 1);
        const auto low = static_cast<std::size_t>(std::floor(position));
        const auto nth = values.begin() + static_cast<std::ptrdiff_t>(low);
        std::nth_element(values.begin(), nth, values.end());
        const double low_value = *nth;
        const double high_value = nth + 1 == values.end() ? low_value : *std::min_element(nth + 1, values.end());
        return low_value + (high_value - low_value) * (position - static_cast<double>(low));
    };
    result.p5 = at(0.05);
    result.p50 = at(0.50);
    result.p95 = at(0.95);
    return result;
}

double MetricSummary::value() const
{
    if (!stats) {
        return 0;
    }
    return statistic == "p95" ? stats->p95 : statistic == "p5" ? stats->p5 : statistic == "mean" ? stats->mean : stats->p50;
}

namespace {

// Reads an nvidia-smi CSV capture line by line: the header names the columns, each row adds a
// sample per GPU. Problems in rows are counted; the first 20 are reported.
class SmiReader {
public:
    SmiReader(const std::string& name, Diagnostics& diagnostics) : m_name(name), m_diagnostics(diagnostics) { }

    /// Reads the header; false (with an error) when it names a column twice or neither metric.
    bool read_header(std::string_view line, std::uint64_t number)
    {
        split_csv(line, m_fields);
        std::vector<std::string_view> header_fields;
        for (auto field : m_fields) {
            field = trim(field);
            header_fields.push_back(field);
            // "utilization.gpu [%]": the unit in brackets goes (it is there even with nounits).
            if (const auto bracket = field.find(" ["); bracket != std::string_view::npos) {
                if (field.substr(bracket) == " [GiB]") {
                    m_memory_in_gib = true;
                }
                field = field.substr(0, bracket);
            }
            m_header.emplace_back(field);
        }
        for (std::size_t i = 0; i < m_header.size(); ++i) {
            const auto& column = m_header[i];
            if (const auto first = std::find(m_header.begin(), m_header.begin() + static_cast<std::ptrdiff_t>(i), column);
                first != m_header.begin() + static_cast<std::ptrdiff_t>(i)) {
                // Which copy would win is a guess: ask for the capture to name each field once.
                add_problem(m_diagnostics, m_name, number, line, static_cast<std::size_t>(header_fields[i].data() - line.data()),
                    fmt::format("column \"{}\" appears twice (columns {} and {})", column, first - m_header.begin() + 1, i + 1),
                    "query each field once, e.g. --query-gpu=timestamp,index,utilization.gpu,memory.used");
                return false;
            }
            if (column == "index" || (m_id_column == SIZE_MAX && (column == "uuid" || column == "pci.bus_id"))) {
                m_id_column = i;
            } else if (column == "utilization.gpu") {
                m_util_column = i;
            } else if (column == "memory.used") {
                m_memory_column = i;
            }
        }
        if (m_util_column == SIZE_MAX && m_memory_column == SIZE_MAX) {
            add_problem(m_diagnostics, m_name, number, line, 0, "expected nvidia-smi's CSV header with utilization.gpu or memory.used",
                "capture with `nvidia-smi --query-gpu=timestamp,index,utilization.gpu,memory.used --format=csv -l 1` (keep the header: "
                "without it the columns cannot be named)");
            return false;
        }
        return true;
    }

    [[nodiscard]] bool has_header() const
    {
        return !m_header.empty();
    }

    /// Adds the row's samples to its GPU's series.
    void read_row(std::string_view line, std::uint64_t number)
    {
        split_csv(line, m_fields);
        if (m_fields.size() != m_header.size()) {
            if (++m_errors <= 20) {
                add_problem(m_diagnostics, m_name, number, line, line.size(),
                    fmt::format("expected {} comma-separated values (as in the header), found {}", m_header.size(), m_fields.size()));
            }
            return;
        }
        const std::string_view id = m_id_column == SIZE_MAX ? std::string_view{} : trim(m_fields[m_id_column]);
        // Rows of one GPU often come in runs: look the id up only when it changes.
        if (m_last == m_gpus.end() || m_last->first != id) {
            m_last = m_gpus.find(id);
            if (m_last == m_gpus.end()) {
                m_last = m_gpus.emplace(std::string(id), m_util.size()).first;
                m_util.emplace_back();
                m_memory.emplace_back();
            }
        }
        const std::size_t gpu = m_last->second;
        take(line, number, m_util_column, m_util[gpu], 1.0, k_percent);
        take(line, number, m_memory_column, m_memory[gpu], m_memory_in_gib ? 1.073741824 : k_mib_to_gb,
            m_memory_in_gib ? Range{0.0, k_max_gpu_memory_mib / 1024.0, "GiB"} : k_memory_mib);
    }

    [[nodiscard]] std::vector<MetricSummary> summaries(const TelemetryOptions& options) const
    {
        std::vector<MetricSummary> metrics;
        if (m_util_column != SIZE_MAX) {
            // utilization.gpu is the "percent of time over the past sample period during which one or more kernels was
            // executing" (nvidia-smi --help-query-gpu): over equal sample periods the busy share of the capture is the mean.
            // A data-starved loop alternates 0 and 100: its median says 0 or 100, its mean the share of time computing.
            metrics.push_back(summarise("gpu_util_pct", m_name, "nvidia-smi", "mean", m_util, options));
        }
        if (m_memory_column != SIZE_MAX) {
            metrics.push_back(summarise("gpu_mem_used_gb", m_name, "nvidia-smi", "p95", m_memory, options));
        }
        return metrics;
    }

private:
    const std::string& m_name;
    Diagnostics& m_diagnostics;
    std::vector<std::string> m_header;
    std::size_t m_id_column = SIZE_MAX;
    std::size_t m_util_column = SIZE_MAX;
    std::size_t m_memory_column = SIZE_MAX;
    bool m_memory_in_gib = false;
    // Series per GPU in order of first appearance (std::map keeps the lookup cheap and stable).
    std::map<std::string, std::size_t, std::less<>> m_gpus;
    std::map<std::string, std::size_t, std::less<>>::iterator m_last = m_gpus.end();
    std::vector<Series> m_util;
    std::vector<Series> m_memory;
    std::vector<std::string_view> m_fields;
    std::size_t m_errors = 0;

    // The value of `column` (if the capture has it) into `out`, scaled, when it is a number in `range`.
    void take(std::string_view line, std::uint64_t number, std::size_t column, Series& out, double scale, const Range& range)
    {
        if (column == SIZE_MAX) {
            return;
        }
        double value = 0;
        switch (parse_value(m_fields[column], value)) {
        case ValueStatus::Ok:
            if (value < range.low || value > range.high) {
                if (++m_errors <= 20) {
                    add_problem(m_diagnostics, m_name, number, line, static_cast<std::size_t>(trim(m_fields[column]).data() - line.data()),
                        fmt::format("{} is {}, outside {} to {} {}", m_header[column], value, range.low, range.high, range.unit),
                        "a capture of nvidia-smi never holds this value: check that the header names the columns in their order");
                }
                break;
            }
            out.push_back(value * scale);
            break;
        case ValueStatus::Missing:
            break;
        case ValueStatus::Bad:
            if (++m_errors <= 20) {
                add_problem(m_diagnostics, m_name, number, line, static_cast<std::size_t>(m_fields[column].data() - line.data()),
                    fmt::format("expected a number for {}, found \"{}\"", m_header[column], trim(m_fields[column])));
            }
            break;
        }
    }
};

} // namespace

std::vector<MetricSummary> read_nvidia_smi(ByteReader& reader, const std::string& name, const TelemetryOptions& options, Diagnostics& diagnostics)
{
    dataprof::LineReader lines(reader, k_max_line);
    std::string_view line;
    bool too_long = false;
    std::uint64_t number = 0;
    SmiReader smi(name, diagnostics);
    while (lines.next(line, too_long)) {
        ++number;
        if (trim(line).empty()) {
            continue;
        }
        if (!smi.has_header()) {
            if (!smi.read_header(line, number)) {
                return {};
            }
            continue;
        }
        smi.read_row(line, number);
    }
    return smi.summaries(options);
}

std::vector<MetricSummary> read_vmstat(ByteReader& reader, const std::string& name, const TelemetryOptions& options, Diagnostics& diagnostics)
{
    dataprof::LineReader lines(reader, k_max_line);
    std::string_view line;
    bool too_long = false;
    std::uint64_t number = 0;
    std::size_t us = SIZE_MAX;
    std::size_t sy = SIZE_MAX;
    std::size_t wa = SIZE_MAX;
    std::size_t columns = 0;
    bool boot_row_dropped = false;
    std::vector<Series> cpu(1);
    std::vector<Series> io_wait(1);
    std::size_t errors = 0;
    while (lines.next(line, too_long)) {
        ++number;
        const auto tokens = split_spaces(line);
        if (tokens.empty() || tokens.front() == "procs" || tokens.front().substr(0, 2) == "--") {
            continue;
        }
        if (tokens.front() == "r") {
            // The column header (repeated every screen without -n); with -t a timestamp follows.
            for (std::size_t i = 0; i < tokens.size(); ++i) {
                if (tokens[i] == "us") {
                    us = i;
                } else if (tokens[i] == "sy") {
                    sy = i;
                } else if (tokens[i] == "wa") {
                    wa = i;
                }
            }
            columns = tokens.size();
            continue;
        }
        if (us == SIZE_MAX || sy == SIZE_MAX || wa == SIZE_MAX) {
            add_problem(diagnostics, name, number, line, 0, "expected vmstat's header line \" r  b   swpd ... us sy id wa st\" first",
                "capture with `vmstat -n 1` and keep its two header lines");
            return {};
        }
        if (tokens.size() < columns || tokens.size() <= std::max({us, sy, wa})) {
            if (++errors <= 20) {
                add_problem(diagnostics, name, number, line, line.size(),
                    fmt::format("expected {} columns (as in the header), found {}", std::max(columns, std::max({us, sy, wa}) + 1), tokens.size()));
            }
            continue;
        }
        double user = 0;
        double system = 0;
        double wait = 0;
        if (parse_value(tokens[us], user) != ValueStatus::Ok || parse_value(tokens[sy], system) != ValueStatus::Ok ||
            parse_value(tokens[wa], wait) != ValueStatus::Ok) {
            if (++errors <= 20) {
                add_problem(diagnostics, name, number, line, 0, "expected numbers in the us, sy and wa columns");
            }
            continue;
        }
        const auto outside = [&](std::size_t column, double value) {
            if (value >= k_percent.low && value <= k_percent.high) {
                return false;
            }
            if (++errors <= 20) {
                add_problem(diagnostics, name, number, line, static_cast<std::size_t>(tokens[column].data() - line.data()),
                    fmt::format("{} is {}, outside 0 to 100 %",
                        column == us       ? "us"
                            : column == sy ? "sy"
                                           : "wa",
                        value),
                    "vmstat's cpu columns are percentages: check that the header names the columns in their order");
            }
            return true;
        };
        if (outside(us, user) || outside(sy, system) || outside(wa, wait)) {
            continue;
        }
        if (!boot_row_dropped) {
            boot_row_dropped = true; // vmstat's first row averages everything since boot
            continue;
        }
        cpu[0].push_back(user + system);
        io_wait[0].push_back(wait);
    }
    if (us == SIZE_MAX) {
        add_problem(diagnostics, name, 0, {}, 0, "no vmstat header found", "capture with `vmstat -n 1` and keep its two header lines");
        return {};
    }
    // vmstat's us, sy and wa are shares of each interval's time, as utilization.gpu: their mean is the capture's share.
    return {summarise("cpu_util_pct", name, "vmstat", "mean", cpu, options), summarise("io_wait_pct", name, "vmstat", "mean", io_wait, options)};
}

std::vector<MetricSummary> read_telemetry(const std::vector<std::string>& paths, const TelemetryOptions& options, Diagnostics& diagnostics)
{
    std::vector<MetricSummary> metrics;
    for (const auto& path : paths) {
        const std::string name = path == "-" ? "<stdin>" : path;
        auto raw = open_file(path, diagnostics);
        if (!raw) {
            continue;
        }
        dataprof::PeekReader peek(*raw);
        const std::string_view head = peek.peek(4096);
        const std::string_view first = head.substr(0, head.find('\n'));
        if (head.empty()) {
            if (!raw->error().empty()) {
                Diagnostic d;
                d.file = name;
                d.message = fmt::format("cannot read: {}", raw->error());
                diagnostics.add(std::move(d));
            } else {
                add_problem(diagnostics, name, 1, {}, 0, "file is empty, expected nvidia-smi CSV or vmstat output",
                    "give `nvidia-smi --query-gpu=timestamp,index,utilization.gpu,memory.used --format=csv -l 1` or `vmstat -n 1` output");
            }
            continue;
        }
        if (first.substr(0, 3) == "\xEF\xBB\xBF") {
            add_problem(diagnostics, name, 1, first, 0, "file starts with a UTF-8 byte-order mark",
                "save the file as UTF-8 without a BOM (nvidia-smi and vmstat never write one)");
            continue;
        }
        std::vector<MetricSummary> found;
        if (first.find("procs") != std::string_view::npos || (split_spaces(first).size() > 2 && split_spaces(first)[0] == "r")) {
            found = read_vmstat(peek, name, options, diagnostics);
        } else if (first.find(',') != std::string_view::npos) {
            found = read_nvidia_smi(peek, name, options, diagnostics);
        } else {
            add_problem(diagnostics, name, 1, first, 0, "cannot tell what this telemetry is: not nvidia-smi CSV, not vmstat",
                "give `nvidia-smi --query-gpu=timestamp,index,utilization.gpu,memory.used --format=csv -l 1` or `vmstat -n 1` output");
            continue;
        }
        for (auto& metric : found) {
            if (!metric.stats) {
                Diagnostic d;
                d.level = Level::Warning;
                d.file = name;
                d.message = fmt::format("insufficient data for {}: {} samples per series after a {}-sample warm-up, {} needed; "
                                        "the job's value (if any) is used",
                    metric.field, metric.samples, metric.warmup, options.min_samples);
                d.help = "capture for longer (at one sample a second), or lower --min-samples / --warmup";
                diagnostics.add(std::move(d));
            }
            metrics.push_back(std::move(metric));
        }
    }
    return metrics;
}

void apply_telemetry(const std::vector<MetricSummary>& metrics, Observed& observed)
{
    static constexpr std::array<const char*, 4> k_fields{"gpu_util_pct", "gpu_mem_used_gb", "cpu_util_pct", "io_wait_pct"};
    for (const char* field : k_fields) {
        auto* slot = observed_field(observed, field);
        const MetricSummary* measured = nullptr;
        const MetricSummary* insufficient = nullptr;
        for (const auto& metric : metrics) {
            if (metric.field == field) {
                (metric.stats ? measured : insufficient) = &metric;
            }
        }
        if (measured != nullptr) {
            const auto& s = *measured->stats;
            std::string note = fmt::format("observed_source: {} = {} from telemetry ({} of {}, {} {}, {} samples{} after a {}-sample warm-up; "
                                           "p5 {}, p50 {}, p95 {}, mean {})",
                field, format_number(measured->value()), measured->statistic, measured->file, measured->tool,
                measured->series > 1 ? fmt::format("{} GPUs", measured->series) : std::string("1 series"), measured->samples,
                measured->series > 1 ? " each" : "", measured->warmup, format_number(s.p5), format_number(s.p50), format_number(s.p95), format_number(s.mean));
            if (slot->has_value()) {
                note += fmt::format("; the job's {} was overridden", format_number(**slot));
            }
            *slot = std::round(measured->value() * 10.0) / 10.0; // a tenth, as the note shows it: a mean has no more sense in it
            observed.sources.push_back(std::move(note));
        } else if (slot->has_value()) {
            observed.sources.push_back(fmt::format("observed_source: {} = {} from the job{}", field, format_number(**slot),
                insufficient != nullptr ? fmt::format(" (telemetry in {} had insufficient data)", insufficient->file) : std::string()));
        } else if (insufficient != nullptr) {
            observed.sources.push_back(fmt::format(
                "observed_source: {} unknown: insufficient data in {} ({} samples after the warm-up)", field, insufficient->file, insufficient->samples));
        }
    }
}

} // namespace mlscale
