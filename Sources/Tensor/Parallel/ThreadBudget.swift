import CBLAS
import Dispatch
import Synchronization

/// The one thread budget shared by the kernels' parallel loops, OpenBLAS and the data loader
/// (DESIGN.md, decision 4), so that nothing oversubscribes the cores. OpenBLAS itself runs on
/// one thread: the kernels split products across the budget (see `BLAS`).
///
/// Results never depend on it: parallel loops split work at boundaries fixed by the problem size,
/// and reductions combine partial results in a fixed order.
public enum ThreadBudget {
    private static let current = Mutex(ThreadBudget.defaultCount)

    /// The number of cores this process may use.
    public static var defaultCount: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// The number of threads kernels may use (default: the number of cores).
    public static var count: Int {
        get { current.withLock { $0 } }
        set {
            let value = max(1, newValue)
            current.withLock { $0 = value }
        }
    }

    /// OpenBLAS's description of itself (version, kernel, threading), for checkpoint metadata.
    public static var blasConfiguration: String {
        String(cString: openblas_get_config())
    }
}

/// Runs `body` over `0..<count` split into chunks of at least `grain` items, on up to
/// `ThreadBudget.count` threads (the caller and `WorkerPool`'s workers). Chunk boundaries depend
/// only on `count` and `grain`.
///
/// - Parameters:
///   - count: the number of items.
///   - grain: the fewest items worth a chunk of their own.
///   - body: receives a half-open range of items; ranges never overlap.
@inline(__always)
public func parallelChunks(count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
    // One chunk runs here, inlined into the kernel's caller (the small tensors of a tape).
    if count <= grain {
        if count > 0 { body(0..<count) }
        return
    }
    parallelChunksAcrossThreads(count: count, grain: grain, body)
}

/// `parallelChunks` for more than one chunk.
@usableFromInline
func parallelChunksAcrossThreads(count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
    let chunkSize = max(grain, 1)
    let chunks = (count + chunkSize - 1) / chunkSize
    let threads = min(ThreadBudget.count, chunks)
    if threads <= 1 {
        body(0..<count)
        return
    }
    // Each task takes a contiguous run of whole chunks.
    withoutActuallyEscaping(body) { escapingBody in
        // The chunks are disjoint, so the kernels' captured pointers are never written by two threads.
        nonisolated(unsafe) let body = escapingBody
        let task = { @Sendable (thread: Int) in
            let firstChunk = chunks * thread / threads
            let endChunk = chunks * (thread + 1) / threads
            let start = firstChunk * chunkSize
            let end = min(endChunk * chunkSize, count)
            if start < end { body(start..<end) }
        }
        if !WorkerPool.shared.run(tasks: threads, task) {
            DispatchQueue.concurrentPerform(iterations: threads, execute: task)
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
