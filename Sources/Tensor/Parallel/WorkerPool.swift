#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// Worker threads that stay awake for a moment between parallel loops, so that handing half of a
/// loop to another core costs about a microsecond rather than a thread wake-up.
///
/// `DispatchQueue.concurrentPerform` puts its workers to sleep as soon as a loop ends, and waking
/// one on these virtual machines took 20–30 µs: a 128³ matrix product split over two cores ran no
/// faster than on one. OpenBLAS and OpenMP keep their threads spinning after each job for the same
/// reason. Here each worker spins for `spinNanoseconds` after a job, then sleeps on a condition
/// variable until the next one.
///
/// One loop runs on the pool at a time. A loop that finds the pool busy (a nested loop inside a
/// job, or a second thread's loop) or needs more threads than the pool has runs on
/// `concurrentPerform` as before. Which thread runs which part never changes what a part computes,
/// so results stay independent of who runs them.
package final class WorkerPool: @unchecked Sendable {
    /// The pool the kernels' parallel loops share: one worker per core beyond the caller's.
    package static let shared = WorkerPool(workers: ThreadBudget.defaultCount - 1)

    /// How long an idle worker keeps checking for a new job before it sleeps.
    static let spinNanoseconds: UInt64 = 200_000

    /// The number of worker threads (the caller of a loop is one more participant).
    package let workerCount: Int

    /// Incremented to publish a job; workers wait for it to change.
    private let generation = Atomic<Int>(0)
    /// Workers that have not yet finished the current job.
    private let unfinished = Atomic<Int>(0)
    /// Taken by the caller that owns the pool for one loop.
    private let isBusy = Atomic<Bool>(false)
    /// The current job: part `index` of `participants` (the caller runs part 0). Written only
    /// while no worker reads it: before `generation` is published and after `unfinished` is 0.
    nonisolated(unsafe) private var job: ((Int) -> Void)?
    nonisolated(unsafe) private var participants = 0
    /// Where workers sleep when no job came during their spin.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    /// Whether the threads have been started (on the first loop, so that a process that never
    /// runs a parallel loop starts none).
    private let started = Atomic<Bool>(false)
    private let startLock = Mutex(())

    package init(workers: Int) {
        workerCount = max(0, workers)
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    /// Runs `body(part)` for every `part` in `0..<parts`, the caller taking part 0 and workers the
    /// rest, and returns when all are done; `false` (having run nothing) when the pool is busy or
    /// too small.
    package func run(parts: Int, _ body: (Int) -> Void) -> Bool {
        guard parts - 1 <= workerCount,
              isBusy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else { return false }
        startWorkersOnce()
        withoutActuallyEscaping(body) { escapingBody in
            job = escapingBody
            participants = parts
            unfinished.store(workerCount, ordering: .relaxed)
            generation.wrappingAdd(1, ordering: .releasing)
            pthread_mutex_lock(mutex)
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
            escapingBody(0)
            var spins = 0
            while unfinished.load(ordering: .acquiring) > 0 {
                spins += 1
                if spins & 1023 == 0 { sched_yield() }
            }
            job = nil
        }
        isBusy.store(false, ordering: .releasing)
        return true
    }

    private func startWorkersOnce() {
        if started.load(ordering: .acquiring) { return }
        startLock.withLock { _ in
            if started.load(ordering: .relaxed) { return }
            for index in stride(from: 1, through: workerCount, by: 1) {
                let start = Unmanaged.passRetained(WorkerStart(pool: self, index: index,
                                                                    generation: generation.load(ordering: .acquiring)))
                var handle = pthread_t()
                let status = pthread_create(&handle, nil, { context in
                    let start = Unmanaged<WorkerStart>.fromOpaque(context!).takeRetainedValue()
                    start.pool.work(index: start.index, after: start.generation)
                }, start.toOpaque())
                precondition(status == 0, "WorkerPool: pthread_create failed with \(status)")
                pthread_detach(handle)
            }
            started.store(true, ordering: .releasing)
        }
    }

    /// A worker's life: wait for each new job, run its part, report it done.
    /// `seen` is the generation before the worker was started: a job published since (even
    /// before the thread got going) is one it must run.
    private func work(index: Int, after seen: Int) -> Never {
        var seen = seen
        while true {
            seen = waitForJob(after: seen)
            if index < participants, let job { job(index) }
            unfinished.subtract(1, ordering: .releasing)
        }
    }

    /// Spins until `generation` moves past `seen`, then sleeps; returns the new generation.
    private func waitForJob(after seen: Int) -> Int {
        let deadline = monotonicNanoseconds() + Self.spinNanoseconds
        var spins = 0
        while true {
            let current = generation.load(ordering: .acquiring)
            if current != seen { return current }
            spins += 1
            if spins & 63 == 0 && monotonicNanoseconds() > deadline { break }
        }
        pthread_mutex_lock(mutex)
        var current = generation.load(ordering: .acquiring)
        while current == seen {
            pthread_cond_wait(condition, mutex)
            current = generation.load(ordering: .acquiring)
        }
        pthread_mutex_unlock(mutex)
        return current
    }
}

/// What a new worker thread needs: its pool, its part number and the last generation before it.
private final class WorkerStart {
    let pool: WorkerPool
    let index: Int
    let generation: Int
    init(pool: WorkerPool, index: Int, generation: Int) {
        self.pool = pool
        self.index = index
        self.generation = generation
    }
}

/// The monotonic clock in nanoseconds.
private func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}
