// Reading inputs with limits, writing outputs atomically (temp file + rename), and the date.
#include "mlscale/source.hpp"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <iostream>
#include <iterator>
#include <sys/stat.h>
#include <unistd.h>

namespace mlscale {

std::optional<SourceFile> read_source(const std::string& path, Diagnostics& diagnostics, std::size_t max_bytes)
{
    if (path == "-") {
        SourceFile source{"<stdin>", {}};
        char buffer[65536];
        while (std::cin.read(buffer, sizeof buffer) || std::cin.gcount() > 0) {
            source.text.append(buffer, static_cast<std::size_t>(std::cin.gcount()));
            if (source.text.size() > max_bytes) {
                diagnostics.add_file_error(source.name, fmt::format("input is larger than the {} MiB limit", max_bytes / (1024 * 1024)));
                return std::nullopt;
            }
        }
        return source;
    }

    struct stat info { };
    if (::stat(path.c_str(), &info) != 0) {
        const int error = errno;
        diagnostics.add_file_error(path, error == ENOENT ? std::string("no such file") : fmt::format("cannot read: {}", std::strerror(error)));
        return std::nullopt;
    }
    if (S_ISDIR(info.st_mode)) {
        diagnostics.add_file_error(path, "is a directory, expected a file");
        return std::nullopt;
    }
    if (static_cast<std::size_t>(info.st_size) > max_bytes) {
        diagnostics.add_file_error(
            path, fmt::format("file is {} bytes, larger than the {} MiB limit", static_cast<long long>(info.st_size), max_bytes / (1024 * 1024)));
        return std::nullopt;
    }
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
        diagnostics.add_file_error(path, fmt::format("cannot read: {}", std::strerror(errno)));
        return std::nullopt;
    }
    SourceFile source{path, {}};
    char buffer[65536];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
        source.text.append(buffer, got);
        if (source.text.size() > max_bytes) {
            std::fclose(file);
            diagnostics.add_file_error(path, fmt::format("input is larger than the {} MiB limit", max_bytes / (1024 * 1024)));
            return std::nullopt;
        }
    }
    const bool failed = std::ferror(file) != 0;
    std::fclose(file);
    if (failed) {
        diagnostics.add_file_error(path, "cannot read: I/O error");
        return std::nullopt;
    }
    return source;
}

std::string write_file_atomic(const std::string& path, const std::string& content)
{
    std::string directory = ".";
    if (const auto slash = path.find_last_of('/'); slash != std::string::npos) {
        directory = slash == 0 ? "/" : path.substr(0, slash);
    }
    struct stat info { };
    if (::stat(directory.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
        return fmt::format("{}: directory '{}' does not exist", path, directory);
    }
    if (::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
        return fmt::format("{}: is a directory", path);
    }
    std::string temp = path + ".tmp-XXXXXX";
    const int fd = ::mkstemp(temp.data());
    if (fd < 0) {
        return fmt::format("{}: cannot create a temporary file: {}", path, std::strerror(errno));
    }
    const char* data = content.data();
    std::size_t left = content.size();
    while (left > 0) {
        const ssize_t written = ::write(fd, data, left);
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            const std::string why = std::strerror(errno);
            ::close(fd);
            ::unlink(temp.c_str());
            return fmt::format("{}: write failed: {}", path, why);
        }
        data += written;
        left -= static_cast<std::size_t>(written);
    }
    ::fchmod(fd, 0644);
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(temp.c_str());
        return fmt::format("{}: write failed: {}", path, why);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(temp.c_str());
        return fmt::format("{}: cannot replace the file: {}", path, why);
    }
    return {};
}

std::string today_iso()
{
    if (const char* fixed = std::getenv("MLSCALE_TODAY"); fixed != nullptr && fixed[0] != '\0') {
        return fixed;
    }
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    return fmt::format("{:04}-{:02}-{:02}", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday);
}

} // namespace mlscale
