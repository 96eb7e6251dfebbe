#include "mlscale/parallel.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

#include <pthread.h>
#include <sched.h>

namespace mlscale {

struct Beside::Task {
    enum State { Queued, Running, Done, Cancelled };
    std::function<void()> work;
    std::mutex mutex;
    std::condition_variable changed;
    State state = Queued;
    std::exception_ptr error;

    void run()
    {
        {
            const std::lock_guard lock(mutex);
            if (state != Queued) {
                return; // cancelled: its caller no longer needs it
            }
            state = Running;
        }
        try {
            work();
        } catch (...) {
            error = std::current_exception();
        }
        const std::lock_guard lock(mutex);
        state = Done;
        changed.notify_all();
    }

    // Takes a task back that has not started; false when it has (then wait() for it).
    bool cancel()
    {
        const std::lock_guard lock(mutex);
        if (state == Queued) {
            state = Cancelled;
            return true;
        }
        return false;
    }

    void wait()
    {
        std::unique_lock lock(mutex);
        changed.wait(lock, [this] { return state == Done || state == Cancelled; });
    }
};

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

// The one helper thread: tasks in order, until the process ends.
class Helper {
public:
    Helper()
    {
        const int cpu = other_cpu();
        m_thread = std::thread([this] { loop(); });
        if (cpu >= 0) {
            // Moved at once, even before it starts; a failure only leaves it to the scheduler.
            cpu_set_t set;
            CPU_ZERO(&set);
            CPU_SET(cpu, &set);
            (void)pthread_setaffinity_np(m_thread.native_handle(), sizeof set, &set);
        }
    }

    ~Helper()
    {
        {
            const std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_all();
        m_thread.join();
    }

    Helper(const Helper&) = delete;
    Helper& operator=(const Helper&) = delete;

    void submit(std::shared_ptr<Beside::Task> task)
    {
        {
            const std::lock_guard lock(m_mutex);
            m_queue.push_back(std::move(task));
        }
        m_wake.notify_one();
    }

    [[nodiscard]] bool is_this_thread() const { return std::this_thread::get_id() == m_thread.get_id(); }

private:
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::shared_ptr<Beside::Task>> m_queue;
    bool m_stop = false;

    void loop()
    {
        for (;;) {
            std::shared_ptr<Beside::Task> task;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
                if (m_queue.empty()) {
                    return; // stopping, nothing left
                }
                task = std::move(m_queue.front());
                m_queue.pop_front();
            }
            task->run();
        }
    }
};

// The helper, started on first use; null with a single CPU.
Helper* helper()
{
    static const std::unique_ptr<Helper> instance = more_than_one_cpu() ? std::make_unique<Helper>() : nullptr;
    return instance.get();
}

} // namespace

bool more_than_one_cpu()
{
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    return sched_getaffinity(0, sizeof allowed, &allowed) == 0 && CPU_COUNT(&allowed) > 1;
}

Beside::Beside(std::function<void()> work) : m_task(std::make_shared<Task>())
{
    m_task->work = std::move(work);
    Helper* const h = helper();
    if (h == nullptr || h->is_this_thread()) {
        m_task->run();
    } else {
        h->submit(m_task);
    }
}

Beside::~Beside()
{
    m_task->wait();
}

void Beside::join()
{
    m_task->wait();
    if (m_task->error) {
        std::rethrow_exception(std::exchange(m_task->error, nullptr));
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
    Helper* const h = n > 1 ? helper() : nullptr;
    if (h == nullptr || h->is_this_thread()) {
        worker();
    } else {
        auto task = std::make_shared<Beside::Task>();
        task->work = worker;
        h->submit(task);
        worker();
        // All indices are taken: a share the helper has not started is taken back, one it is
        // running is waited for (it captures this frame).
        if (!task->cancel()) {
            task->wait();
        }
    }
    if (error) {
        std::rethrow_exception(error);
    }
}

} // namespace mlscale
