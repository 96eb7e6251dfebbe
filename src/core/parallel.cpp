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
    enum State { Queued, Running, Done };
    std::function<void()> work;
    std::mutex mutex;
    std::condition_variable changed;
    State state = Queued;
    std::exception_ptr error;

    void run()
    {
        {
            const std::lock_guard lock(mutex);
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

    void wait()
    {
        std::unique_lock lock(mutex);
        changed.wait(lock, [this] { return state == Done; });
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

    [[nodiscard]] bool is_this_thread() const
    {
        return std::this_thread::get_id() == m_thread.get_id();
    }

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

} // namespace mlscale
