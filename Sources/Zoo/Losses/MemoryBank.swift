/// A first-in-first-out memory of detached features with the label and dataset index of each,
/// the candidate set of the scalable LOOK loss (and of MoCo-style queues).

/// A ring buffer of `capacity` feature rows, each stored with its label and the index of its
/// image in the dataset, so that a query can leave its own image out of its neighbours.
///
/// Rows are written in order and overwrite the oldest once the bank is full; the three arrays are
/// always written together, so `labels[i]` and `datasetIndices[i]` describe `features[i]`.
///
/// ```swift
/// var bank = MemoryBank<Float>(capacity: 4096, featureCount: 128)
/// bank.enqueue(features: keys, labels: batchLabels, datasetIndices: batchIndices)  // keys: [B, 128]
/// let neighbours = bank.nearestNeighbours(of: queries, k: 10, excluding: batchIndices)
/// ```
public struct MemoryBank<Scalar: FloatingPointTensorElement>: Sendable {
    /// The most rows the bank holds.
    public let capacity: Int
    /// The length of each feature row.
    public let featureCount: Int
    /// The label of each stored row, `count` of them, in slot order.
    public private(set) var labels: [Int] = []
    /// The dataset index of each stored row's image, in slot order.
    public private(set) var datasetIndices: [Int] = []
    /// The slot the next row is written to.
    public private(set) var nextSlot = 0
    private var storage: [Scalar]

    /// An empty bank.
    ///
    /// - Precondition: `capacity > 0` and `featureCount > 0`.
    public init(capacity: Int, featureCount: Int) {
        precondition(capacity > 0 && featureCount > 0,
                     "MemoryBank: capacity \(capacity) and feature count \(featureCount) must be positive")
        self.capacity = capacity
        self.featureCount = featureCount
        storage = [Scalar](repeating: Scalar.zeroValue, count: capacity * featureCount)
    }

    /// The number of rows stored, at most `capacity`.
    public var count: Int { labels.count }

    /// Whether every slot holds a row.
    public var isFull: Bool { count == capacity }

    /// The stored rows, `[count, featureCount]`, in slot order (not in the order they came).
    public var features: Tensor<Scalar> {
        Tensor(shape: [count, featureCount], scalars: storage[0..<(count * featureCount)])
    }

    /// Writes one batch of rows at the next slots, wrapping around to overwrite the oldest.
    ///
    /// - Parameters:
    ///   - features: `[B, featureCount]`, detached (the bank keeps values, never a graph).
    ///   - newLabels: `B` labels.
    ///   - newIndices: `B` dataset indices of the images.
    /// - Precondition: the counts agree and `B ≤ capacity`.
    public mutating func enqueue(features: Tensor<Scalar>, labels newLabels: [Int], datasetIndices newIndices: [Int]) {
        precondition(features.rank == 2 && features.shape[1] == featureCount,
                     "MemoryBank.enqueue: features of shape \(features.shape) are not [B, \(featureCount)]")
        let batch = features.shape[0]
        precondition(newLabels.count == batch && newIndices.count == batch,
                     "MemoryBank.enqueue: \(batch) rows, \(newLabels.count) labels, \(newIndices.count) dataset indices")
        precondition(batch <= capacity, "MemoryBank.enqueue: a batch of \(batch) rows exceeds the capacity \(capacity)")
        let rows = features.contiguous().scalars
        for row in 0..<batch {
            let slot = nextSlot
            storage.replaceSubrange(slot * featureCount ..< (slot + 1) * featureCount,
                                    with: rows[row * featureCount ..< (row + 1) * featureCount])
            if slot == labels.count {
                labels.append(newLabels[row])
                datasetIndices.append(newIndices[row])
            } else {
                labels[slot] = newLabels[row]
                datasetIndices[slot] = newIndices[row]
            }
            nextSlot = (slot + 1) % capacity
        }
    }

    /// The `k` stored rows with the largest dot product with each query (cosine similarity when
    /// both are normalized), leaving out every row whose dataset index is the query's own.
    ///
    /// - Parameters:
    ///   - queries: `[B, featureCount]`.
    ///   - k: neighbours per query.
    ///   - queryIndices: the dataset index of each query.
    /// - Returns: `indices` `[B, k]` into the bank's slots (`-1` where fewer than `k` rows remain)
    ///   and their `scores`.
    public func nearestNeighbours(of queries: Tensor<Scalar>, k: Int, excluding queryIndices: [Int])
        -> (scores: Tensor<Scalar>, indices: Tensor<Int>)
    {
        precondition(queries.rank == 2 && queries.shape[1] == featureCount,
                     "MemoryBank.nearestNeighbours: queries of shape \(queries.shape) are not [B, \(featureCount)]")
        return queries.nearestNeighbours(among: features, k: k, metric: .dotProduct,
                                         queryKeys: queryIndices, candidateKeys: datasetIndices)
    }
}
