// The helper thread (include/mlscale/parallel.hpp): work run once, errors carried back, work
// given from the helper itself run in place.
#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "mlscale/parallel.hpp"

using namespace mlscale;

TEST_CASE("Beside runs its work once and join rethrows what it threw", "[parallel]")
{
    std::atomic<int> ran{0};
    {
        Beside task([&] { ++ran; });
        task.join();
    }
    CHECK(ran == 1);
    {
        Beside waited([&] { ++ran; }); // the destructor waits too
    }
    CHECK(ran == 2);
    Beside failing([] { throw std::runtime_error("from the helper"); });
    CHECK_THROWS_WITH(failing.join(), "from the helper");
}

TEST_CASE("work given from the helper thread runs in place instead of waiting for itself", "[parallel]")
{
    std::atomic<int> inner{0};
    std::thread::id outer_thread;
    std::thread::id inner_thread;
    Beside outer([&] {
        outer_thread = std::this_thread::get_id();
        Beside nested([&] { inner_thread = std::this_thread::get_id(); });
        nested.join();
        ++inner;
    });
    outer.join();
    CHECK(inner == 1);
    CHECK(inner_thread == outer_thread);
}
