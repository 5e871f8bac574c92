import Dispatch
import Synchronization
import Testing
import Tensor

/// The spinning worker pool behind `parallelChunks`: every part of every job runs exactly once,
/// a busy or too small pool declines (so the caller falls back to Dispatch), and loops from
/// several threads at once, or nested inside a job, still cover every item once.
@Suite struct WorkerPoolTests {
    @Test func everyPartOfEveryJobRunsOnce() {
        let pool = WorkerPool(workers: 3)
        let runs = Mutex([Int](repeating: 0, count: 4))
        for _ in 0..<2000 {
            let accepted = pool.run(parts: 4) { part in runs.withLock { $0[part] += 1 } }
            #expect(accepted)
        }
        // Fewer parts than workers: the idle workers must not run anything.
        for _ in 0..<500 {
            #expect(pool.run(parts: 2) { part in runs.withLock { $0[part] += 1 } })
        }
        #expect(runs.withLock { $0 } == [2500, 2500, 2000, 2000])
    }

    @Test func aBusyOrTooSmallPoolDeclines() {
        let pool = WorkerPool(workers: 1)
        #expect(!pool.run(parts: 3) { _ in Issue.record("a declined job ran") })
        let nestedAccepted = Mutex<[Bool]>([])
        #expect(pool.run(parts: 2) { _ in
            let accepted = pool.run(parts: 2) { _ in }
            nestedAccepted.withLock { $0.append(accepted) }
        })
        #expect(nestedAccepted.withLock { $0 } == [false, false])
        #expect(pool.run(parts: 2) { _ in })  // free again once the job is done
    }

    @Test func loopsFromSeveralThreadsAndNestedLoopsCoverEveryItemOnce() {
        let callers = 6, count = 5000
        let hits = Mutex([Int](repeating: 0, count: callers * count))
        DispatchQueue.concurrentPerform(iterations: callers) { caller in
            for _ in 0..<20 {
                parallelChunks(count: count, grain: 64) { range in
                    hits.withLock { hits in
                        for item in range { hits[caller * count + item] += 1 }
                    }
                    // A loop inside a part runs too (on Dispatch or inline), covering its items.
                    parallelChunks(count: 4, grain: 1) { _ in }
                }
            }
        }
        #expect(hits.withLock { $0.allSatisfy { $0 == 20 } })
    }
}
