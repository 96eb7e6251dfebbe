// The local tree walker: a pool of threads sharing a stack of directories; lstat semantics
// (fstatat with AT_SYMLINK_NOFOLLOW), symbolic links counted and never followed, unreadable
// entries reported as warnings and skipped.
#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <mutex>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>

#include "readers.hpp"

namespace mlscale::dataprof {

namespace {

struct WalkProblem {
    std::string path;
    std::string message;
};

struct Worker {
    explicit Worker(const DataprofLimits& limits) : accumulator(limits) { }
    DatasetAccumulator accumulator;
    SourceInfo info;
    std::vector<WalkProblem> problems;
};

int default_open_directory(int parent_fd, const char* name)
{
    return ::openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

class TreeWalk {
public:
    TreeWalk(int root_fd, const DataprofLimits& limits, const WalkOptions& options)
        : m_root_fd(root_fd), m_limits(limits), m_open(options.open_directory ? options.open_directory : default_open_directory)
    {
        m_stack.emplace_back(); // the root, as the empty relative path
    }

    void run(Worker& worker)
    {
        std::vector<std::string> subdirectories;
        std::string key;
        for (;;) {
            std::string directory;
            {
                std::unique_lock lock(m_mutex);
                m_ready.wait(lock, [&] { return !m_stack.empty() || m_active == 0; });
                if (m_stack.empty()) {
                    m_ready.notify_all();
                    return;
                }
                directory = std::move(m_stack.back());
                m_stack.pop_back();
                ++m_active;
            }
            scan(directory, worker, subdirectories, key);
            {
                std::lock_guard lock(m_mutex);
                for (auto& subdirectory : subdirectories) {
                    m_stack.push_back(std::move(subdirectory));
                }
                --m_active;
            }
            subdirectories.clear();
            m_ready.notify_all();
        }
    }

private:
    void problem(Worker& worker, const std::string& path, std::string message)
    {
        ++worker.info.unreadable;
        if (worker.problems.size() < m_limits.max_reported_errors) {
            worker.problems.push_back(WalkProblem{path.empty() ? std::string(".") : path, std::move(message)});
        }
    }

    void scan(const std::string& directory, Worker& worker, std::vector<std::string>& subdirectories, std::string& key)
    {
        const int fd = directory.empty() ? ::dup(m_root_fd) : m_open(m_root_fd, directory.c_str());
        if (fd < 0) {
            problem(worker, directory, fmt::format("cannot read directory: {}; skipped", std::strerror(errno)));
            return;
        }
        DIR* listing = ::fdopendir(fd);
        if (listing == nullptr) {
            ::close(fd);
            problem(worker, directory, fmt::format("cannot read directory: {}; skipped", std::strerror(errno)));
            return;
        }
        const int directory_fd = ::dirfd(listing);
        for (;;) {
            errno = 0;
            const dirent* entry = ::readdir(listing);
            if (entry == nullptr) {
                if (errno != 0) {
                    problem(worker, directory, fmt::format("cannot list the rest of the directory: {}; skipped", std::strerror(errno)));
                }
                break;
            }
            const char* name = entry->d_name;
            if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) {
                continue;
            }
            key.assign(directory);
            if (!directory.empty()) {
                key += '/';
            }
            key += name;
            unsigned char type = entry->d_type;
            struct stat info { };
            bool have_info = false;
            if (type == DT_UNKNOWN || type == DT_REG) {
                if (::fstatat(directory_fd, name, &info, AT_SYMLINK_NOFOLLOW) != 0) {
                    problem(worker, key, fmt::format("cannot stat: {}; skipped", std::strerror(errno)));
                    continue;
                }
                have_info = true;
                type = S_ISREG(info.st_mode) ? DT_REG : S_ISDIR(info.st_mode) ? DT_DIR : S_ISLNK(info.st_mode) ? DT_LNK : DT_FIFO;
            }
            switch (type) {
            case DT_REG:
                worker.accumulator.add(key, have_info ? static_cast<std::uint64_t>(info.st_size) : 0);
                break;
            case DT_DIR:
                subdirectories.push_back(key);
                break;
            case DT_LNK:
                ++worker.info.symlinks;
                break;
            default:
                ++worker.info.special_files;
                break;
            }
        }
        ::closedir(listing);
    }

    int m_root_fd;
    const DataprofLimits& m_limits;
    std::function<int(int, const char*)> m_open;
    std::mutex m_mutex;
    std::condition_variable m_ready;
    std::vector<std::string> m_stack;
    std::size_t m_active = 0;
};

} // namespace

unsigned worker_threads(const DataprofLimits& limits)
{
    if (limits.threads > 0) {
        return limits.threads;
    }
    return std::clamp(std::thread::hardware_concurrency(), 2U, 16U);
}

bool walk_into(
    const std::string& root, const DataprofLimits& limits, const WalkOptions& options, DatasetAccumulator& into, SourceInfo& info, Diagnostics& diagnostics)
{
    const int root_fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0) {
        Diagnostic d;
        d.file = root;
        d.message = fmt::format("cannot read directory: {}", std::strerror(errno));
        diagnostics.add(std::move(d));
        return false;
    }
    TreeWalk walk(root_fd, limits, options);
    const unsigned count = worker_threads(limits);
    std::vector<Worker> workers;
    workers.reserve(count);
    for (unsigned i = 0; i < count; ++i) {
        workers.emplace_back(limits);
    }
    std::vector<std::thread> threads;
    for (unsigned i = 1; i < count; ++i) {
        threads.emplace_back([&walk, &workers, i] { walk.run(workers[i]); });
    }
    walk.run(workers[0]);
    for (auto& thread : threads) {
        thread.join();
    }
    ::close(root_fd);

    // Problems in path order, so the report does not depend on which thread met them.
    std::vector<WalkProblem> problems;
    std::uint64_t unreadable = 0;
    for (auto& worker : workers) {
        into.merge(worker.accumulator);
        info.symlinks += worker.info.symlinks;
        info.special_files += worker.info.special_files;
        unreadable += worker.info.unreadable;
        for (auto& problem : worker.problems) {
            problems.push_back(std::move(problem));
        }
    }
    info.unreadable += unreadable;
    std::sort(problems.begin(), problems.end(), [](const WalkProblem& a, const WalkProblem& b) { return a.path < b.path; });
    const std::size_t shown = std::min(problems.size(), limits.max_reported_errors);
    for (std::size_t i = 0; i < shown; ++i) {
        Diagnostic d;
        d.level = Level::Warning;
        d.file = root + (root.empty() || root.back() == '/' ? "" : "/") + problems[i].path;
        d.message = problems[i].message;
        diagnostics.add(std::move(d));
    }
    if (unreadable > shown) {
        Diagnostic note;
        note.level = Level::Note;
        note.file = root;
        note.message = fmt::format("{} more unreadable entries not shown (the first {} are)", unreadable - shown, shown);
        diagnostics.add(std::move(note));
    }
    return true;
}

} // namespace mlscale::dataprof

namespace mlscale {

ReadOutcome walk_directory(const std::string& root, const DataprofLimits& limits, Diagnostics& diagnostics, const WalkOptions& options)
{
    ReadOutcome outcome;
    outcome.source.kind = "directory";
    outcome.source.inputs.push_back(root);
    DatasetAccumulator accumulator(limits);
    dataprof::walk_into(root, limits, options, accumulator, outcome.source, diagnostics);
    outcome.summary = accumulator.finish();
    return outcome;
}

} // namespace mlscale
