// Reading inputs and writing outputs atomically.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "mlscale/source.hpp"

using namespace mlscale;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path)
{
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace

TEST_CASE("an atomic write replaces the file and leaves no temporary behind", "[io]")
{
    const fs::path dir = fs::temp_directory_path() / "mlscale-atomic-test";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const fs::path target = dir / "out.json";
    std::ofstream(target) << "old";
    CHECK(write_file_atomic(target.string(), "new").empty());
    CHECK(slurp(target) == "new");
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}) == 1);
    fs::remove_all(dir);
}

TEST_CASE("a failed atomic write leaves the target untouched and creates nothing", "[io]")
{
    const fs::path dir = fs::temp_directory_path() / "mlscale-atomic-fail";
    fs::remove_all(dir);
    fs::create_directories(dir / "sub");
    // The target is a directory: the rename must fail, and the temporary must be gone.
    CHECK(write_file_atomic((dir / "sub").string(), "x") == (dir / "sub").string() + ": is a directory");
    CHECK(write_file_atomic((dir / "missing" / "f").string(), "x").find("does not exist") != std::string::npos);
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}) == 1);
    fs::remove_all(dir);
}

TEST_CASE("reading refuses missing files, directories and files over the limit", "[io]")
{
    Diagnostics diagnostics;
    CHECK_FALSE(read_source("/nonexistent/job.json", diagnostics));
    CHECK_FALSE(read_source("/tmp", diagnostics));
    const fs::path big = fs::temp_directory_path() / "mlscale-big.json";
    std::ofstream(big) << std::string(2048, ' ');
    CHECK_FALSE(read_source(big.string(), diagnostics, 1024));
    fs::remove(big);
    REQUIRE(diagnostics.items().size() == 3);
    CHECK(diagnostics.items()[0].message == "no such file");
    CHECK(diagnostics.items()[1].message == "is a directory, expected a file");
    CHECK(diagnostics.items()[2].message == "file is 2048 bytes, larger than the 0 MiB limit");
}
