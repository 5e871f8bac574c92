import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Background threads that build a loader's batches ahead of the consumer, delivered in order.
///
/// Workers claim batch indices in increasing order, build them, and park them until the consumer
/// asks; a worker claims batch `b` only while `b < delivered + capacity`, which bounds the memory
/// held. Which worker builds which batch does not matter: a batch is a function of its index.
/// The threads are POSIX threads so that `stop()` can join them, not just signal them.
final class BatchPrefetcher<Batch: Sendable>: @unchecked Sendable {
    // Everything below is guarded by `condition`'s lock.
    private let condition = NSCondition()
    private var nextToClaim = 0
    private var nextToDeliver = 0
    private var ready: [Int: Batch] = [:]
    private var stopped = false
    private var threads: [pthread_t] = []

    let batchCount: Int
    let capacity: Int
    private let counter: WorkerCounter
    private let produce: @Sendable (Int) -> Batch

    init(batchCount: Int, workers: Int, capacity: Int, counter: WorkerCounter,
         produce: @escaping @Sendable (Int) -> Batch) {
        self.batchCount = batchCount
        self.capacity = capacity
        self.counter = counter
        self.produce = produce
        start(workers: workers)
    }

    private func start(workers: Int) {
        for _ in 0..<workers {
            counter.started()
            threads.append(JoinableThread.start { [self] in work() })
        }
    }

    /// One worker's loop: claim the next index while there is room, build it, park it.
    private func work() {
        defer { counter.finished() }
        while true {
            condition.lock()
            while !stopped && nextToClaim < batchCount && nextToClaim >= nextToDeliver + capacity {
                condition.wait()
            }
            if stopped || nextToClaim >= batchCount {
                condition.unlock()
                return
            }
            let index = nextToClaim
            nextToClaim += 1
            condition.unlock()

            let batch = produce(index)

            condition.lock()
            if !stopped { ready[index] = batch }
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The next batch in order (waiting for a worker to finish it), or `nil` after the last.
    func next() -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped && nextToDeliver < batchCount else { return nil }
        while ready[nextToDeliver] == nil { condition.wait() }
        let batch = ready.removeValue(forKey: nextToDeliver)
        nextToDeliver += 1
        condition.broadcast()
        return batch
    }

    /// Tells the workers to stop after the batch each is building, and joins them.
    func stop() {
        condition.lock()
        stopped = true
        ready.removeAll()
        let running = threads
        threads.removeAll()
        condition.broadcast()
        condition.unlock()
        for thread in running { pthread_join(thread, nil) }
    }
}

/// Starting POSIX threads from a Swift closure, so they can be joined (Foundation's `Thread` cannot).
enum JoinableThread {
    /// A non-generic box: a C entry point cannot capture generic context.
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Starts a thread running `body`; join it with `pthread_join`.
    static func start(_ body: @escaping @Sendable () -> Void) -> pthread_t {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { context in
            Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        precondition(status == 0, "DataLoader: could not start a worker thread (pthread_create returned \(status))")
        return thread
    }
}

/// Owns a prefetcher on behalf of an iterator: the workers hold the prefetcher itself, so only
/// this handle's end can tell when the consumer has gone.
final class PrefetchHandle<Batch: Sendable> {
    let prefetcher: BatchPrefetcher<Batch>

    init(_ prefetcher: BatchPrefetcher<Batch>) { self.prefetcher = prefetcher }

    deinit { prefetcher.stop() }
}

/// Counts the worker threads of one loader that have started and not yet finished.
final class WorkerCounter: Sendable {
    private let live = Atomic(0)
    private let total = Atomic(0)

    func started() {
        live.add(1, ordering: .sequentiallyConsistent)
        total.add(1, ordering: .sequentiallyConsistent)
    }

    func finished() { live.subtract(1, ordering: .sequentiallyConsistent) }

    /// Worker threads running now.
    var liveCount: Int { live.load(ordering: .sequentiallyConsistent) }
    /// Worker threads ever started.
    var startedCount: Int { total.load(ordering: .sequentiallyConsistent) }
}
