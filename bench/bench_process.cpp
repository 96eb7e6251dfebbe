// Whole-process wall time of commands: fork, exec, wait, timed with the monotonic clock, stdout to
// /dev/null. By default the commands run in turn, round after round, so a noisy neighbour on a
// shared machine slows all of them alike and no run finds the caches warm from a run of the same
// command just before; --repeat runs each command's runs back to back instead (as hyperfine does).
//
//   mlscale_bench_process [--runs N] [--warmup N] [--repeat] 'CMD ARG...' ['CMD ARG...' ...]
//
// Prints one line per command: runs=N mean_ms=… median_ms=… p90_ms=… min_ms=… cmd=CMD ARG...
// Arguments are split on spaces (no quoting).
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

double now_ms()
{
    timespec t{};
    clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

std::vector<std::string> split(const std::string& command)
{
    std::vector<std::string> words;
    std::istringstream in(command);
    for (std::string word; in >> word;) {
        words.push_back(word);
    }
    return words;
}

// One run; returns its wall time, or a negative number when it did not exit 0 or 1.
double run_once(const std::vector<std::string>& words)
{
    std::vector<char*> argv;
    for (const auto& word : words) {
        argv.push_back(const_cast<char*>(word.c_str()));
    }
    argv.push_back(nullptr);
    const double start = now_ms();
    const pid_t pid = fork();
    if (pid == 0) {
        const int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, STDOUT_FILENO);
        }
        execv(argv[0], argv.data());
        std::fprintf(stderr, "cannot run %s: %s\n", argv[0], std::strerror(errno));
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid) {
        return -1;
    }
    const double elapsed = now_ms() - start;
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return code == 0 || code == 1 ? elapsed : -1;
}

} // namespace

int main(int argc, char** argv)
{
    int runs = 200;
    int warmup = 20;
    bool repeat = false;
    std::vector<std::string> commands;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--repeat") {
            repeat = true;
        } else if ((arg == "--runs" || arg == "--warmup") && i + 1 < argc) {
            (arg == "--runs" ? runs : warmup) = std::max(1, std::atoi(argv[++i]));
        } else {
            commands.push_back(arg);
        }
    }
    if (commands.empty()) {
        std::fprintf(stderr, "usage: mlscale_bench_process [--runs N] [--warmup N] [--repeat] 'CMD ARG...' ...\n");
        return 2;
    }
    std::vector<std::vector<std::string>> words;
    for (const auto& command : commands) {
        words.push_back(split(command));
    }
    std::vector<std::vector<double>> times(commands.size());
    const auto measure = [&](std::size_t c, int round) {
        const double ms = run_once(words[c]);
        if (ms < 0) {
            std::fprintf(stderr, "failed: %s\n", commands[c].c_str());
            std::exit(1);
        }
        if (round >= warmup) {
            times[c].push_back(ms);
        }
    };
    if (repeat) {
        for (std::size_t c = 0; c < commands.size(); ++c) {
            for (int round = 0; round < warmup + runs; ++round) {
                measure(c, round);
            }
        }
    } else {
        for (int round = 0; round < warmup + runs; ++round) {
            for (std::size_t c = 0; c < commands.size(); ++c) {
                measure(c, round);
            }
        }
    }
    for (std::size_t c = 0; c < commands.size(); ++c) {
        auto& t = times[c];
        std::sort(t.begin(), t.end());
        const double mean = std::accumulate(t.begin(), t.end(), 0.0) / static_cast<double>(t.size());
        const double median = t[t.size() / 2];
        const double p90 = t[std::min(t.size() - 1, t.size() * 9 / 10)];
        std::printf("runs=%zu mean_ms=%.2f median_ms=%.2f p90_ms=%.2f min_ms=%.2f cmd=%s\n", t.size(), mean, median, p90, t.front(), commands[c].c_str());
    }
    return 0;
}
