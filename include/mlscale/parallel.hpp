// Work on the second core. On a virtual machine a new thread left to the scheduler often waits a
// millisecond or more before it runs (it is queued on the creating thread's busy CPU until load
// balancing moves it), and two helpers on the other CPU wait for each other's time slices. So
// there is one helper thread per process, started on first use on another allowed CPU than the
// caller's, taking tasks in the order given: advise hands it the job and it starts within ~0.1 ms
// (rule loading shares its files with a std::async thread of its own, src/rules/load.cpp).
// Nothing here changes what is computed, only where.
#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <memory>

namespace mlscale {

/// Whether this process may run on more than one CPU (its affinity mask, as taskset sets it).
bool more_than_one_cpu();

/// Runs `work` on the helper thread, after what it was given before; join() (or the destructor)
/// waits for it and join() rethrows what `work` threw. With a single CPU, or when called on the
/// helper thread itself, `work` runs at once on the calling thread.
class Beside {
public:
    explicit Beside(std::function<void()> work);
    ~Beside();
    Beside(const Beside&) = delete;
    Beside& operator=(const Beside&) = delete;
    void join();

    struct Task;

private:
    std::shared_ptr<Task> m_task;
};

} // namespace mlscale
