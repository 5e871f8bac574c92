/// Several datasets with the same sample type, one after another.
///
/// Sample `i` comes from the first part whose cumulative count exceeds `i`: with parts of 3 and 2
/// samples, indices 0, 1, 2 read the first part and 3, 4 read samples 0, 1 of the second.
/// The parts may be of different types (an MNIST reader and a mapped MNIST-M, say).
public struct ConcatenatedDataset<Sample: Sendable>: Dataset {
    /// The datasets joined, in order.
    public let parts: [any Dataset<Sample>]
    /// `starts[k]` is the index of part `k`'s first sample; `starts.last` is the total count.
    private let starts: [Int]

    /// The samples of `parts`, in order.
    public init(_ parts: [any Dataset<Sample>]) {
        self.parts = parts
        var starts = [0]
        for part in parts { starts.append(starts.last! + part.count) }
        self.starts = starts
    }

    /// The summed count of the parts.
    public var count: Int { starts.last! }

    /// The sample at `index` of the joined sequence.
    ///
    /// - Precondition: `0 ≤ index < count`.
    public func sample(at index: Int) -> Sample {
        let (part, local) = locate(index)
        return parts[part].sample(at: local)
    }

    /// The sample at `index` of the joined sequence, in epoch `epoch`.
    public func sample(at index: Int, epoch: Int) -> Sample {
        let (part, local) = locate(index)
        return parts[part].sample(at: local, epoch: epoch)
    }

    /// The part holding `index` and the index within it (binary search over `starts`).
    private func locate(_ index: Int) -> (part: Int, index: Int) {
        precondition(index >= 0 && index < count, "ConcatenatedDataset.sample: index \(index) out of range 0..<\(count)")
        var low = 0, high = parts.count - 1
        // Invariant: the part holding `index` lies in low...high. Empty parts are skipped because
        // their start equals the next one's.
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= index { low = middle } else { high = middle - 1 }
        }
        return (low, index - starts[low])
    }
}
