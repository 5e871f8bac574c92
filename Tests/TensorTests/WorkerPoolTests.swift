import Dispatch
import Synchronization
import Testing
@testable import Tensor

/// The worker pool behind `parallelChunks`: every chunk runs exactly once, from one caller, from
/// inside a parallel body (nested), and from several callers at once (all but one fall back to
/// `concurrentPerform`).
@Suite(.serialized) struct WorkerPoolTests {
    /// Runs `parallelChunks` over `count` items on `threads` threads and returns how many times
    /// each item was visited.
    func visits(count: Int, grain: Int, threads: Int) -> [Int] {
        let saved = ThreadBudget.count
        ThreadBudget.count = threads
        defer { ThreadBudget.count = saved }
        let counters = Mutex([Int](repeating: 0, count: count))
        parallelChunks(count: count, grain: grain) { range in
            counters.withLock { for item in range { $0[item] += 1 } }
        }
        return counters.withLock { $0 }
    }

    @Test func everyChunkRunsOnce() {
        for threads in [2, 3, 8] {
            for round in 0..<200 {
                let count = 1 + round * 37
                #expect(visits(count: count, grain: 16, threads: threads) == Array(repeating: 1, count: count),
                        "\(threads) threads, \(count) items")
            }
        }
    }

    @Test func nestedLoopsFallBackAndRunOnce() {
        let saved = ThreadBudget.count
        ThreadBudget.count = 2
        defer { ThreadBudget.count = saved }
        let counters = Mutex([Int](repeating: 0, count: 64))
        parallelChunks(count: 8, grain: 1) { outer in
            for row in outer {
                parallelChunks(count: 8, grain: 1) { inner in
                    counters.withLock { for column in inner { $0[row * 8 + column] += 1 } }
                }
            }
        }
        #expect(counters.withLock { $0 } == Array(repeating: 1, count: 64))
    }

    @Test func concurrentCallersEachGetTheirResult() {
        let saved = ThreadBudget.count
        ThreadBudget.count = 2
        defer { ThreadBudget.count = saved }
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { caller in
            for round in 0..<100 {
                let x = Tensor<Float>(shape: [64, 1024], scalars: (0..<(64 * 1024)).map { Float(($0 + caller + round) % 7) })
                let sums = x.sum(alongAxes: [1]).scalars
                let expected = (0..<64).map { row in
                    Float((0..<1024).reduce(0) { $0 + (row * 1024 + $1 + caller + round) % 7 })
                }
                if sums != expected { failures.add(1, ordering: .relaxed) }
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
    }
}
