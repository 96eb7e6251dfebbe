#include "known_failures.hpp"

#include <cstdint>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "invariants.hpp"

namespace mlscale::property {

std::optional<std::map<std::string, KnownFailure>> read_known_failures(const std::string& path, std::string& error)
{
    std::ifstream in(path);
    if (!in) {
        error = fmt::format("{}: cannot read", path);
        return std::nullopt;
    }
    std::map<std::string, KnownFailure> out;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        KnownFailure entry;
        if (const auto hash = line.find('#'); hash != std::string::npos) {
            entry.note = line.substr(hash + 1);
            line = line.substr(0, hash);
        }
        std::istringstream fields(line);
        std::string count;
        if (!(fields >> entry.invariant)) {
            continue;
        }
        if (!(fields >> count >> entry.reproducer) || count.find_first_not_of("0123456789") != std::string::npos) {
            error = fmt::format("{}:{}: expected `INVARIANT COUNT REPRODUCER  # note`", path, number);
            return std::nullopt;
        }
        if (!is_invariant(entry.invariant)) {
            error = fmt::format("{}:{}: no invariant is named \"{}\"", path, number, entry.invariant);
            return std::nullopt;
        }
        entry.count = std::stoi(count);
        out[entry.invariant] = entry;
    }
    return out;
}

bool write_known_failures(const std::string& path, const std::map<std::string, KnownFailure>& failures, int jobs, std::uint64_t seed)
{
    std::ofstream out(path);
    out << "# Invariants that fail today (tests/property/invariants.cpp), each with the number of generated jobs\n"
        << fmt::format("# that failed it in the seeded run (seed {}, {} jobs) and a minimal reproducer. The ctest\n", seed, jobs)
        << "# property.generated-jobs fails on a failure that is not listed here and on a listed invariant that no\n"
        << "# longer fails (neither in the seeded run nor on its reproducer): remove its line then. The goal is an\n"
        << "# empty list. Regenerate counts and reproducers with\n"
        << "#   build/tests/mlscale_property run --write-known tests/property/known-failures.txt\n"
        << "# invariant                               jobs  reproducer\n";
    for (const auto& [name, failure] : failures) {
        out << fmt::format("{:<40} {:>5}  {}", name, failure.count, failure.reproducer);
        if (!failure.note.empty()) {
            out << "  #" << failure.note;
        }
        out << "\n";
    }
    return static_cast<bool>(out);
}

} // namespace mlscale::property
