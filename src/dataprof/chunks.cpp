// Chunked line reading: per-chunk problems and counters, then stitching in file order.
#include "chunks.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace mlscale::dataprof {

namespace {

constexpr std::size_t k_max_shown_line = 300; ///< bytes of a bad line kept for the caret display

LineProblem make_problem(
    Level level, std::uint64_t line_number, std::string_view line, std::size_t column, std::size_t span, std::string message, std::string help)
{
    LineProblem problem;
    problem.level = level;
    problem.line = line_number;
    problem.text = std::string(line.substr(0, k_max_shown_line));
    problem.column_byte = std::min(column, problem.text.size());
    problem.span = span;
    problem.message = std::move(message);
    problem.help = std::move(help);
    return problem;
}

} // namespace

void ChunkState::error(const DataprofLimits& limits, std::string_view line, std::size_t column, std::size_t span, std::string message, std::string help)
{
    ++errors;
    ++info.malformed_lines;
    if (problems.size() < limits.max_reported_errors) {
        problems.push_back(make_problem(Level::Error, lines, line, column, span, std::move(message), std::move(help)));
    }
}

void ChunkState::warn_once(std::string_view line, std::string message, std::string help)
{
    if (!once) {
        once = make_problem(Level::Warning, lines, line, 0, 1, std::move(message), std::move(help));
    }
}

void scan_lines(ByteReader& reader, LineParser& parser, ChunkState& state, const DataprofLimits& limits)
{
    LineReader lines(reader, limits.max_line_bytes);
    std::string_view line;
    bool too_long = false;
    while (lines.next(line, too_long)) {
        ++state.lines;
        if (too_long) {
            state.error(limits, line, 0, 1, fmt::format("line is longer than the {}-byte limit", limits.max_line_bytes),
                "is this the right file? listing and inventory lines are a few hundred bytes");
            continue;
        }
        parser.parse(line, state);
    }
    if (const std::string why = reader.error(); !why.empty()) {
        ++state.errors;
        LineProblem problem;
        problem.message = fmt::format("cannot read: {}", why);
        state.problems.push_back(std::move(problem));
    }
}

void stitch_chunks(std::vector<ChunkState>& chunks, const std::string& name, const DataprofLimits& limits, DatasetAccumulator& into, SourceInfo& info,
    Diagnostics& diagnostics)
{
    std::vector<LineProblem> problems;
    std::optional<LineProblem> once;
    std::uint64_t line_offset = 0;
    std::uint64_t errors = 0;
    for (auto& chunk : chunks) {
        for (auto& problem : chunk.problems) {
            if (problem.line > 0) {
                problem.line += line_offset;
            }
            problems.push_back(std::move(problem));
        }
        if (chunk.once && !once) {
            once = std::move(chunk.once);
            once->line += line_offset;
        }
        errors += chunk.errors;
        line_offset += chunk.lines;
        into.merge(chunk.accumulator);
        info.lines += chunk.lines;
        info.directory_markers += chunk.info.directory_markers;
        info.prefix_lines += chunk.info.prefix_lines;
        info.delete_markers += chunk.info.delete_markers;
        info.noncurrent_versions += chunk.info.noncurrent_versions;
        info.malformed_lines += chunk.info.malformed_lines;
        info.approximate_sizes = info.approximate_sizes || chunk.info.approximate_sizes;
        if (chunk.info.listed_total_objects) {
            info.listed_total_objects = chunk.info.listed_total_objects;
        }
    }

    if (once) {
        diagnostics.add(to_diagnostic(name, *once));
    }
    std::stable_sort(problems.begin(), problems.end(), [](const LineProblem& a, const LineProblem& b) { return a.line < b.line; });
    const std::size_t shown = std::min(problems.size(), limits.max_reported_errors);
    for (std::size_t i = 0; i < shown; ++i) {
        diagnostics.add(to_diagnostic(name, problems[i]));
    }
    if (errors > shown) {
        Diagnostic note;
        note.level = Level::Note;
        note.file = name;
        note.message = fmt::format("{} more malformed lines not shown (the first {} are)", errors - shown, shown);
        diagnostics.add(std::move(note));
    }
}

} // namespace mlscale::dataprof
