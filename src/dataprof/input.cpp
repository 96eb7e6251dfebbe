// Streaming input: plain reads into a large buffer, pread ranges for parallel chunks, zlib for
// gzip, and the line splitter every dataset and telemetry reader shares.
#include "input.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unistd.h>

#include <fmt/format.h>
#include <zlib.h>

namespace mlscale::dataprof {

namespace {

class FdReader final : public ByteReader {
public:
    FdReader(int fd, bool owned) : m_fd(fd), m_owned(owned) { }
    FdReader(const FdReader&) = delete;
    FdReader& operator=(const FdReader&) = delete;
    ~FdReader() override
    {
        if (m_owned) {
            ::close(m_fd);
        }
    }
    std::size_t read(char* buffer, std::size_t size) override
    {
        for (;;) {
            const ssize_t got = ::read(m_fd, buffer, size);
            if (got >= 0) {
                return static_cast<std::size_t>(got);
            }
            if (errno != EINTR) {
                m_error = std::strerror(errno);
                return 0;
            }
        }
    }
    [[nodiscard]] std::string error() const override
    {
        return m_error;
    }

private:
    int m_fd;
    bool m_owned;
    std::string m_error;
};

class RangeReader final : public ByteReader {
public:
    RangeReader(int fd, std::uint64_t begin, std::uint64_t end) : m_fd(fd), m_position(begin), m_end(end) { }
    std::size_t read(char* buffer, std::size_t size) override
    {
        const auto left = static_cast<std::size_t>(std::min<std::uint64_t>(size, m_end - m_position));
        if (left == 0) {
            return 0;
        }
        for (;;) {
            const ssize_t got = ::pread(m_fd, buffer, left, static_cast<off_t>(m_position));
            if (got >= 0) {
                m_position += static_cast<std::uint64_t>(got);
                return static_cast<std::size_t>(got);
            }
            if (errno != EINTR) {
                m_error = std::strerror(errno);
                return 0;
            }
        }
    }
    [[nodiscard]] std::string error() const override
    {
        return m_error;
    }

private:
    int m_fd;
    std::uint64_t m_position;
    std::uint64_t m_end;
    std::string m_error;
};

} // namespace

class StringReader final : public ByteReader {
public:
    explicit StringReader(std::string text) : m_text(std::move(text)) { }
    std::size_t read(char* buffer, std::size_t size) override
    {
        const std::size_t n = std::min(size, m_text.size() - m_position);
        std::memcpy(buffer, m_text.data() + m_position, n);
        m_position += n;
        return n;
    }
    [[nodiscard]] std::string error() const override
    {
        return {};
    }

private:
    std::string m_text;
    std::size_t m_position = 0;
};

namespace {

class GzipReader final : public ByteReader {
public:
    explicit GzipReader(ByteReader& inner) : m_inner(inner), m_input(1U << 18)
    {
        // 15 + 16: gzip framing only (a zlib stream is not an inventory file).
        if (inflateInit2(&m_stream, 15 + 16) != Z_OK) {
            m_error = "gzip: cannot initialise zlib";
            m_done = true;
        }
    }
    GzipReader(const GzipReader&) = delete;
    GzipReader& operator=(const GzipReader&) = delete;
    ~GzipReader() override
    {
        inflateEnd(&m_stream);
    }

    std::size_t read(char* buffer, std::size_t size) override
    {
        if (m_done || size == 0) {
            return 0;
        }
        m_stream.next_out = reinterpret_cast<Bytef*>(buffer);
        m_stream.avail_out = static_cast<uInt>(std::min<std::size_t>(size, 1U << 30));
        while (m_stream.avail_out > 0) {
            if (m_stream.avail_in == 0 && !m_input_ended) {
                const std::size_t got = m_inner.read(reinterpret_cast<char*>(m_input.data()), m_input.size());
                if (got == 0) {
                    m_input_ended = true;
                    if (!m_inner.error().empty()) {
                        m_error = m_inner.error();
                        m_done = true;
                        break;
                    }
                }
                m_stream.next_in = m_input.data();
                m_stream.avail_in = static_cast<uInt>(got);
                m_member_has_input = m_member_has_input || got > 0;
            }
            const int status = inflate(&m_stream, Z_NO_FLUSH);
            if (status == Z_STREAM_END) {
                // Another gzip member may follow (concatenated files).
                inflateReset(&m_stream);
                m_member_has_input = false;
                if (m_stream.avail_in == 0 && m_input_ended) {
                    m_done = true;
                    break;
                }
                continue;
            }
            if (status == Z_BUF_ERROR && m_stream.avail_in == 0 && m_input_ended) {
                if (m_member_has_input) {
                    m_error = "gzip: the file is truncated";
                }
                m_done = true;
                break;
            }
            if (status != Z_OK && status != Z_BUF_ERROR) {
                m_error = fmt::format("gzip: {}", m_stream.msg != nullptr ? m_stream.msg : "corrupt data");
                m_done = true;
                break;
            }
        }
        return size - m_stream.avail_out;
    }
    [[nodiscard]] std::string error() const override
    {
        return m_error;
    }

private:
    ByteReader& m_inner;
    std::vector<Bytef> m_input;
    z_stream m_stream{};
    bool m_input_ended = false;
    bool m_member_has_input = false;
    bool m_done = false;
    std::string m_error;
};

} // namespace

std::unique_ptr<ByteReader> fd_reader(int fd, bool owned)
{
    return std::make_unique<FdReader>(fd, owned);
}

std::unique_ptr<ByteReader> range_reader(int fd, std::uint64_t begin, std::uint64_t end)
{
    return std::make_unique<RangeReader>(fd, begin, end);
}

std::unique_ptr<ByteReader> gzip_reader(ByteReader& inner)
{
    return std::make_unique<GzipReader>(inner);
}

std::string_view PeekReader::peek(std::size_t size)
{
    char buffer[4096];
    while (m_peeked.size() < size) {
        const std::size_t got = m_inner.read(buffer, std::min(sizeof buffer, size - m_peeked.size()));
        if (got == 0) {
            break;
        }
        m_peeked.append(buffer, got);
    }
    return std::string_view(m_peeked).substr(m_position, size);
}

std::size_t PeekReader::read(char* buffer, std::size_t size)
{
    if (m_position < m_peeked.size()) {
        const std::size_t n = std::min(size, m_peeked.size() - m_position);
        std::memcpy(buffer, m_peeked.data() + m_position, n);
        m_position += n;
        return n;
    }
    return m_inner.read(buffer, size);
}

bool is_gzip(std::string_view bytes)
{
    return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1F && static_cast<unsigned char>(bytes[1]) == 0x8B;
}

LineReader::LineReader(ByteReader& reader, std::size_t max_line_bytes)
    : m_reader(reader), m_max_line(max_line_bytes), m_buffer(std::max<std::size_t>(2 * max_line_bytes, 1U << 20))
{ }

bool LineReader::fill()
{
    if (m_begin > 0) {
        std::memmove(m_buffer.data(), m_buffer.data() + m_begin, m_end - m_begin);
        m_consumed += m_begin;
        m_end -= m_begin;
        m_begin = 0;
    }
    const std::size_t got = m_reader.read(m_buffer.data() + m_end, m_buffer.size() - m_end);
    if (got == 0) {
        m_eof = true;
        return false;
    }
    m_end += got;
    return true;
}

bool LineReader::next(std::string_view& line, bool& too_long)
{
    too_long = false;
    std::size_t searched = m_begin;
    for (;;) {
        const char* start = m_buffer.data() + searched;
        const auto* newline = static_cast<const char*>(std::memchr(start, '\n', m_end - searched));
        if (newline != nullptr) {
            const auto at = static_cast<std::size_t>(newline - m_buffer.data());
            if (m_skipping) {
                // The tail of a line already reported as too long.
                m_skipping = false;
                m_begin = at + 1;
                searched = m_begin;
                continue;
            }
            std::size_t end = at;
            if (end > m_begin && m_buffer[end - 1] == '\r') {
                --end;
            }
            line = std::string_view(m_buffer.data() + m_begin, end - m_begin);
            m_line_offset = m_consumed + m_begin;
            m_begin = at + 1;
            if (line.size() > m_max_line) {
                line = line.substr(0, m_max_line);
                too_long = true;
            }
            return true;
        }
        if (m_skipping) {
            m_begin = m_end;
        } else if (m_end - m_begin > m_max_line) {
            line = std::string_view(m_buffer.data() + m_begin, m_max_line);
            m_line_offset = m_consumed + m_begin;
            m_begin = m_end;
            m_skipping = true;
            too_long = true;
            return true;
        }
        // Nothing pending holds a newline: after fill() moves it to the front, search only the
        // bytes that came in.
        const std::size_t scanned = m_end - m_begin;
        if (m_eof || !fill()) {
            if (m_skipping || m_begin == m_end) {
                return false;
            }
            std::size_t end = m_end;
            if (m_buffer[end - 1] == '\r') {
                --end;
            }
            line = std::string_view(m_buffer.data() + m_begin, end - m_begin);
            m_line_offset = m_consumed + m_begin;
            m_begin = m_end;
            return true;
        }
        searched = m_begin + scanned;
    }
}

Diagnostic to_diagnostic(const std::string& name, const LineProblem& problem)
{
    Diagnostic d;
    d.level = problem.level;
    d.file = name;
    if (problem.line > 0) {
        Location location;
        location.line = static_cast<std::uint32_t>(std::min<std::uint64_t>(problem.line, UINT32_MAX));
        location.column = count_characters(std::string_view(problem.text).substr(0, problem.column_byte)) + 1;
        d.location = location;
        d.source_line = problem.text;
        d.span_columns = static_cast<std::uint32_t>(std::max<std::size_t>(1, problem.span));
    }
    d.message = problem.message;
    d.help = problem.help;
    return d;
}

} // namespace mlscale::dataprof

namespace mlscale {

std::unique_ptr<ByteReader> string_reader(std::string text)
{
    return std::make_unique<dataprof::StringReader>(std::move(text));
}

} // namespace mlscale
