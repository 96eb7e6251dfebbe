// Line-oriented reading in chunks: one chunk per thread over a plain file's byte ranges (cut at
// line ends), or one chunk over a stream (stdin, gzip). Each chunk counts its own lines and keeps
// its first problems; chunks are stitched in order so line numbers and results are exact.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "input.hpp"
#include "mlscale/dataprof.hpp"

namespace mlscale::dataprof {

/// What one chunk found.
struct ChunkState {
    explicit ChunkState(const DataprofLimits& limits) : accumulator(limits) { }
    DatasetAccumulator accumulator;
    SourceInfo info;
    std::uint64_t lines = 0; ///< lines read so far: the current line's number within the chunk
    std::uint64_t errors = 0;
    std::vector<LineProblem> problems; ///< the chunk's first errors
    std::optional<LineProblem> once;   ///< a warning worth saying once per input (the first)
    std::string scratch;               ///< reused buffer (decoded keys)

    /// Records an error on the current line (kept when under the reporting limit).
    void error(const DataprofLimits& limits, std::string_view line, std::size_t column, std::size_t span, std::string message, std::string help = {});
    /// Records a warning to say once per input (the first one wins).
    void warn_once(std::string_view line, std::string message, std::string help = {});
};

/// A line parser: parse(line, state) for each line; header() tells whether the first line of the
/// input is a header to check rather than data.
class LineParser {
public:
    virtual ~LineParser() = default;
    virtual void parse(std::string_view line, ChunkState& state) = 0;
};

/// Reads `reader` line by line into `state` with `parser`.
void scan_lines(ByteReader& reader, LineParser& parser, ChunkState& state, const DataprofLimits& limits);

/// Stitches chunks (in file order) into `into` and `info`, turning problems into diagnostics for
/// `name`: errors up to the limit, a note for the rest, and the once-warning.
void stitch_chunks(std::vector<ChunkState>& chunks, const std::string& name, const DataprofLimits& limits, DatasetAccumulator& into, SourceInfo& info,
    Diagnostics& diagnostics);

} // namespace mlscale::dataprof
