import Synchronization

/// A caching allocator for tensor storage.
///
/// Touching fresh memory costs about 3 µs per 4 KiB page on these machines, and glibc hands large
/// freed blocks back to the system, so a training step that allocates its activations anew would
/// pay more for page faults than for arithmetic (DESIGN.md, decision 12). Freed buffers are kept
/// in per-size free lists (sizes rounded up to a size class) and handed out again.
public final class BufferCache: Sendable {
    /// The cache every tensor allocates from.
    public static let shared = BufferCache(limitBytes: 4 << 30)

    /// Counters that benchmarks print to show the cache is doing its job.
    public struct Statistics: Sendable, Equatable {
        /// Allocations served from a free list.
        public var hits = 0
        /// Allocations that went to the system allocator.
        public var misses = 0
        /// Bytes held in the free lists now.
        public var cachedBytes = 0
        /// `hits / (hits + misses)`, 0 before the first allocation.
        public var hitRate: Double { hits + misses == 0 ? 0 : Double(hits) / Double(hits + misses) }
    }

    private struct State {
        // Addresses as integers: raw pointers are not Sendable, the Mutex guards them anyway.
        // One list per size class, indexed by `sizeClassIndex` (no hashing on the hot path).
        var freeLists: [[UInt]] = Array(repeating: [], count: BufferCache.sizeClassCount)
        var statistics = Statistics()
    }

    private let state = Mutex(State())
    private let limitBytes: Int
    static let alignment = 64

    init(limitBytes: Int) { self.limitBytes = limitBytes }

    /// The counters so far.
    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// Rounds a request up to its size class: multiples of 64 bytes up to 4 KiB, then four
    /// classes per power of two, so that reuse is likely and waste stays under 25 %.
    package static func sizeClass(_ byteCount: Int) -> Int {
        let bytes = max(byteCount, 64)
        if bytes <= 4096 { return (bytes + 63) & ~63 }
        let power = Int.bitWidth - 1 - (bytes - 1).leadingZeroBitCount  // floor(log2(bytes - 1))
        let quarter = 1 << (power - 2)
        return (bytes + quarter - 1) / quarter * quarter
    }

    /// The number of size classes: 64 up to 4 KiB, then 4 per power of two up to 2⁶³.
    package static let sizeClassCount = 64 + 51 * 4

    /// The position of a size class (a value returned by `sizeClass`) in the free lists.
    package static func sizeClassIndex(_ size: Int) -> Int {
        if size <= 4096 { return size / 64 - 1 }
        let power = Int.bitWidth - 1 - (size - 1).leadingZeroBitCount
        return 64 + (power - 12) * 4 + (size >> (power - 2)) - 5
    }

    func allocate(byteCount: Int) -> (pointer: UnsafeMutableRawPointer, capacity: Int) {
        let size = Self.sizeClass(byteCount)
        let index = Self.sizeClassIndex(size)
        let reused: UInt? = state.withLock { state in
            if let address = state.freeLists[index].popLast() {
                state.statistics.hits += 1
                state.statistics.cachedBytes -= size
                return address
            }
            state.statistics.misses += 1
            return nil
        }
        if let reused { return (UnsafeMutableRawPointer(bitPattern: reused)!, size) }
        return (UnsafeMutableRawPointer.allocate(byteCount: size, alignment: Self.alignment), size)
    }

    func deallocate(_ pointer: UnsafeMutableRawPointer, capacity: Int) {
        let address = UInt(bitPattern: pointer)
        let kept = state.withLock { state -> Bool in
            guard state.statistics.cachedBytes + capacity <= limitBytes else { return false }
            state.freeLists[Self.sizeClassIndex(capacity)].append(address)
            state.statistics.cachedBytes += capacity
            return true
        }
        if !kept { pointer.deallocate() }
    }

    /// Returns every cached buffer to the system.
    public func empty() {
        let addresses = state.withLock { state -> [UInt] in
            let all = state.freeLists.flatMap { $0 }
            state.freeLists = Array(repeating: [], count: BufferCache.sizeClassCount)
            state.statistics.cachedBytes = 0
            return all
        }
        for address in addresses { UnsafeMutableRawPointer(bitPattern: address)!.deallocate() }
    }
}
