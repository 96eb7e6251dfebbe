#include "mlscale/parallel.hpp"

#include <atomic>
#include <mutex>
#include <utility>

#include <pthread.h>
#include <sched.h>

namespace mlscale {

namespace {

// Another CPU this process may run on than the one the caller runs on now, or -1.
int other_cpu()
{
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) {
        return -1;
    }
    const int here = sched_getcpu();
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (cpu != here && CPU_ISSET(cpu, &allowed)) {
            return cpu;
        }
    }
    return -1;
}

} // namespace

bool more_than_one_cpu()
{
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    return sched_getaffinity(0, sizeof allowed, &allowed) == 0 && CPU_COUNT(&allowed) > 1;
}

Beside::Beside(std::function<void()> work)
{
    const int cpu = other_cpu();
    m_thread = std::thread([this, work = std::move(work)] {
        try {
            work();
        } catch (...) {
            m_error = std::current_exception();
        }
    });
    if (cpu >= 0) {
        // Moved at once, even if it has not started yet; a failure only leaves it to the scheduler.
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        (void)pthread_setaffinity_np(m_thread.native_handle(), sizeof set, &set);
    }
}

Beside::~Beside()
{
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

void Beside::join()
{
    if (m_thread.joinable()) {
        m_thread.join();
    }
    if (m_error) {
        std::rethrow_exception(std::exchange(m_error, nullptr));
    }
}

void for_each_index(std::size_t n, const std::function<void(std::size_t)>& body)
{
    std::atomic<std::size_t> next{0};
    std::exception_ptr error;
    std::mutex error_mutex;
    const auto worker = [&] {
        for (std::size_t i = next++; i < n; i = next++) {
            try {
                body(i);
            } catch (...) {
                const std::lock_guard lock(error_mutex);
                if (!error) {
                    error = std::current_exception();
                }
                next = n; // stop taking more
            }
        }
    };
    if (n > 1 && more_than_one_cpu()) {
        Beside helper(worker);
        worker();
        helper.join();
    } else {
        worker();
    }
    if (error) {
        std::rethrow_exception(error);
    }
}

} // namespace mlscale
