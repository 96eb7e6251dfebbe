// The helper thread (include/mlscale/parallel.hpp): every index once, errors carried back, work
// given from the helper itself run in place.
#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "mlscale/parallel.hpp"

using namespace mlscale;

TEST_CASE("for_each_index calls the body once for every index", "[parallel]")
{
    for (const std::size_t n : {0U, 1U, 2U, 133U, 5000U}) {
        std::vector<std::atomic<int>> calls(n);
        for_each_index(n, [&](std::size_t i) { ++calls[i]; });
        for (std::size_t i = 0; i < n; ++i) {
            INFO("n " << n << " index " << i);
            CHECK(calls[i] == 1);
        }
    }
}

TEST_CASE("for_each_index rethrows what a call threw, after every running call stopped", "[parallel]")
{
    std::atomic<int> running{0};
    std::atomic<int> most{0};
    CHECK_THROWS_WITH(for_each_index(200, [&](std::size_t i) {
        ++running;
        most = std::max(most.load(), running.load());
        if (i == 50) {
            --running;
            throw std::runtime_error("index 50");
        }
        --running;
    }), "index 50");
    CHECK(running == 0);
    CHECK(most <= 2); // this thread and the helper, never more
}

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
        for_each_index(10, [&](std::size_t) { ++inner; });
    });
    outer.join();
    CHECK(inner == 10);
    CHECK(inner_thread == outer_thread);
}
