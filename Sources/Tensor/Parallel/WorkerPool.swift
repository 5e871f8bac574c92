import Dispatch
import Foundation
import Synchronization

/// Worker threads for `parallelChunks` that stay awake briefly between parallel loops.
///
/// NOTE: `DispatchQueue.concurrentPerform` wakes sleeping threads for every loop, and on this
/// class of machine (virtual CPUs) a wake-up takes tens of microseconds, longer than a whole
/// chunk of a fast kernel: a row sum over 16 MB ran barely faster on two threads than on one.
/// Here each worker spins for `spinSeconds` after its last task, so that the next kernel of a
/// forward or backward pass finds it awake, and then sleeps on a semaphore. The price: for
/// 0.2 ms after each parallel loop a worker holds a core that another process (or the data
/// loader) could have used, which on a busy machine makes loops slower than before.
///
/// One loop runs at a time. A loop started while another runs (from inside a parallel body, or
/// from a second thread) goes to `concurrentPerform` instead. Tasks are claimed dynamically and
/// the caller takes part, so a worker that wakes late finds its task already done by the
/// caller. Who runs a task never changes what it computes.
final class WorkerPool: @unchecked Sendable {
    /// The pool behind `parallelChunks`.
    static let shared = WorkerPool()

    /// How long an idle worker spins before it sleeps.
    static let spinSeconds = 0.000_2

    /// The loop being run: its generation (bits 32…), task count (bits 16–31) and next unclaimed
    /// task (bits 0–15). Packed in one word so that a worker woken for an old loop can never
    /// claim a task of a new one.
    private let state = Atomic<Int>(0)
    /// Tasks of the current loop that have finished.
    private let finished = Atomic<Int>(0)
    /// Whether a loop is running (its caller owns the pool).
    private let running = Atomic<Bool>(false)
    /// Workers asleep or about to sleep on `wakeUp`.
    private let sleepers = Atomic<Int>(0)
    /// Where sleeping workers wait; signalled once per sleeper when a loop starts.
    private let wakeUp = DispatchSemaphore(value: 0)
    /// The number of worker threads started (they are never stopped).
    private let started = Mutex(0)
    /// The current loop's body; written before the loop is published in `state`, read only by
    /// whoever claims one of its tasks.
    nonisolated(unsafe) private var body: ((Int) -> Void)?

    /// Runs `body(task)` for every task in `0..<tasks` on the caller and up to `tasks − 1`
    /// workers, and returns when all have finished; returns `false` without running anything if
    /// the pool is busy.
    func run(tasks: Int, _ body: (Int) -> Void) -> Bool {
        precondition(tasks > 0 && tasks < 1 << 16, "WorkerPool.run: \(tasks) tasks")
        guard running.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            return false
        }
        startWorkers(count: tasks - 1)
        withoutActuallyEscaping(body) { escapingBody in
            self.body = escapingBody
            finished.store(0, ordering: .relaxed)
            let generation = (state.load(ordering: .relaxed) >> 32) + 1
            // Sequentially consistent with the sleepers' count below: a worker going to sleep
            // either sees this loop or is counted, and then woken.
            state.store(generation << 32 | tasks << 16, ordering: .sequentiallyConsistent)
            let sleeping = min(sleepers.load(ordering: .sequentiallyConsistent), tasks - 1)
            for _ in 0..<sleeping { wakeUp.signal() }
            work(generation: generation)
            var spins = 0
            while finished.load(ordering: .acquiring) < tasks {
                spins += 1
                if spins % 64 == 0 { sched_yield() }
            }
            self.body = nil
        }
        running.store(false, ordering: .releasing)
        return true
    }

    /// Claims and runs tasks of loop `generation` until none is left.
    private func work(generation: Int) {
        var current = state.load(ordering: .acquiring)
        while current >> 32 == generation {
            let task = current & 0xffff, tasks = (current >> 16) & 0xffff
            if task >= tasks { return }
            let (exchanged, original) = state.compareExchange(
                expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged {
                body!(task)
                finished.add(1, ordering: .releasing)
                current = current + 1
            } else {
                current = original
            }
        }
    }

    /// Starts worker threads until there are `count`.
    private func startWorkers(count: Int) {
        started.withLock { started in
            while started < count {
                let thread = Thread { [unowned self] in self.workerLoop() }
                thread.start()
                started += 1
            }
        }
    }

    /// A worker's life: wait for a new loop (spinning, then asleep), take part in it, repeat.
    private func workerLoop() {
        var seen = state.load(ordering: .acquiring) >> 32
        while true {
            var deadline = DispatchTime.now().uptimeNanoseconds + UInt64(Self.spinSeconds * 1e9)
            var spins = 0
            while state.load(ordering: .acquiring) >> 32 == seen {
                spins += 1
                guard spins % 64 == 0 else { continue }
                // Yield now and then: woken on the caller's core, a spinning worker would
                // otherwise take turns with the caller there until the scheduler moved it.
                sched_yield()
                guard DispatchTime.now().uptimeNanoseconds > deadline else { continue }
                sleepers.add(1, ordering: .sequentiallyConsistent)
                if state.load(ordering: .sequentiallyConsistent) >> 32 == seen { wakeUp.wait() }
                sleepers.subtract(1, ordering: .sequentiallyConsistent)
                deadline = DispatchTime.now().uptimeNanoseconds + UInt64(Self.spinSeconds * 1e9)
            }
            seen = state.load(ordering: .acquiring) >> 32
            work(generation: seen)
        }
    }
}
