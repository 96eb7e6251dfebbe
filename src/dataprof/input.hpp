// Streaming input for the dataset readers: files, byte ranges, stdin, gzip, and a line splitter
// that reads into one large buffer and hands out string_views (no allocation per line).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mlscale/dataprof.hpp"

namespace mlscale::dataprof {

/// Reads a file descriptor from its current position (owning it when asked).
std::unique_ptr<ByteReader> fd_reader(int fd, bool owned);
/// Reads bytes [begin, end) of a file with pread (several may share one descriptor).
std::unique_ptr<ByteReader> range_reader(int fd, std::uint64_t begin, std::uint64_t end);
/// Inflates gzip (several members in a row, as `cat a.gz b.gz` makes) from `inner`.
std::unique_ptr<ByteReader> gzip_reader(ByteReader& inner);

/// Wraps a reader so that its first bytes can be looked at before they are read.
class PeekReader final : public ByteReader {
public:
    explicit PeekReader(ByteReader& inner) : m_inner(inner) { }
    /// Up to `size` first bytes (fewer at the end of the input).
    std::string_view peek(std::size_t size);
    std::size_t read(char* buffer, std::size_t size) override;
    [[nodiscard]] std::string error() const override
    {
        return m_inner.error();
    }

private:
    ByteReader& m_inner;
    std::string m_peeked;
    std::size_t m_position = 0;
};

/// True when `bytes` start with gzip's magic number.
bool is_gzip(std::string_view bytes);

/// Splits a reader into lines. A line is valid until the next call to next().
class LineReader {
public:
    LineReader(ByteReader& reader, std::size_t max_line_bytes);
    /// The next line without its "\n" (and "\r"); false at the end. A line longer than the
    /// limit comes back cut to the limit with `too_long` set; the rest of it is skipped.
    bool next(std::string_view& line, bool& too_long);
    /// Byte offset (from the reader's start) of the line next() returned last.
    [[nodiscard]] std::uint64_t line_offset() const
    {
        return m_line_offset;
    }

private:
    bool fill();

    ByteReader& m_reader;
    std::size_t m_max_line;
    std::vector<char> m_buffer;
    std::size_t m_begin = 0;
    std::size_t m_end = 0;
    std::uint64_t m_consumed = 0; ///< bytes before m_buffer[0]
    std::uint64_t m_line_offset = 0;
    bool m_eof = false;
    bool m_skipping = false;
};

/// A problem on one line, kept until line numbers are final (threads count lines of their own
/// chunk; chunks are stitched together afterwards).
struct LineProblem {
    Level level = Level::Error;
    std::uint64_t line = 0;      ///< 1-based within the chunk, then within the file
    std::size_t column_byte = 0; ///< 0-based byte in the line
    std::size_t span = 1;
    std::string text; ///< the line (cut to a few hundred bytes)
    std::string message;
    std::string help;
};

/// Builds the diagnostic for a problem in file `name`.
Diagnostic to_diagnostic(const std::string& name, const LineProblem& problem);

} // namespace mlscale::dataprof
