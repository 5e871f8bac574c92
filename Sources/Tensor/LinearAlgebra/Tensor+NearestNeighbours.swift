/// Nearest-neighbour search over a large bank of candidates, a block of candidates at a time, so
/// that only the best `k` per query are ever kept: searching 10⁵ candidates for 10⁴ queries never
/// holds the 10⁹-entry score matrix.

/// How `nearestNeighbours(among:k:metric:)` scores a candidate against a query.
public enum NeighbourMetric: Sendable, Equatable {
    /// Cosine similarity of the rows (`Tensor.cosineSimilarities(to:)`): larger is nearer.
    case cosine
    /// The plain dot product (for rows that are already normalized): larger is nearer.
    case dotProduct
    /// Squared Euclidean distance (`Tensor.squaredDistances(to:)`): smaller is nearer.
    case squaredEuclidean

    /// Whether a larger score means a nearer candidate.
    public var largerIsNearer: Bool { self != .squaredEuclidean }
}

extension Tensor where Scalar: FloatingPointTensorElement {
    /// The `k` rows of `candidates` nearest to each row of `self`, nearest first, like
    /// `torch.topk(scores, k)` over the full score matrix, computed in blocks.
    ///
    /// The scores of one block of candidates are one matrix product; the best `k` of a block are
    /// merged into the best `k` so far. Ties go to the candidate with the lower index, as in
    /// `topK`. A candidate `j` is left out for query `i` when `queryKeys[i] == candidateKeys[j]`
    /// (leave-one-out search: pass dataset indices, or positions when the queries are the
    /// candidates). Where fewer than `k` candidates remain, the missing slots hold index `-1` and
    /// the worst score (`-∞`, or `+∞` for distances). Results do not depend on the thread count;
    /// the block sizes change only the last bits of a score, through the matrix products.
    ///
    /// - Parameters:
    ///   - candidates: `[m, d]`.
    ///   - k: how many neighbours to return, `k ≥ 0`.
    ///   - metric: how candidates are scored (cosine by default).
    ///   - queryKeys: one key per query (optional; both key arrays or neither).
    ///   - candidateKeys: one key per candidate.
    ///   - queryBlockSize: the number of queries per block; with `candidateBlockSize` it bounds
    ///     the memory used to `queryBlockSize × candidateBlockSize` scores.
    ///   - candidateBlockSize: the number of candidates per block.
    /// - Returns: `scores` `[n, k]` (similarities or squared distances) and `indices` `[n, k]`
    ///   into `candidates`, for `self` of shape `[n, d]`.
    /// - Precondition: both are matrices with rows of the same length; key arrays, when given,
    ///   have one key per row.
    public func nearestNeighbours(
        among candidates: Tensor, k: Int, metric: NeighbourMetric = .cosine,
        queryKeys: [Int]? = nil, candidateKeys: [Int]? = nil,
        queryBlockSize: Int = 1024, candidateBlockSize: Int = 4096
    ) -> (scores: Tensor, indices: Tensor<Int>) {
        checkRowsComparable(self, candidates, op: "nearestNeighbours")
        precondition(k >= 0, "nearestNeighbours: k = \(k) must not be negative")
        precondition((queryKeys == nil) == (candidateKeys == nil),
                     "nearestNeighbours: pass both queryKeys and candidateKeys, or neither")
        precondition(queryKeys.map { $0.count == shape[0] } ?? true,
                     "nearestNeighbours: \(queryKeys?.count ?? 0) query keys for \(shape[0]) queries")
        precondition(candidateKeys.map { $0.count == candidates.shape[0] } ?? true,
                     "nearestNeighbours: \(candidateKeys?.count ?? 0) candidate keys for \(candidates.shape[0]) candidates")
        precondition(queryBlockSize > 0 && candidateBlockSize > 0, "nearestNeighbours: block sizes must be positive")
        let queryCount = shape[0], candidateCount = candidates.shape[0]
        let larger = metric.largerIsNearer
        let worst: Scalar = larger ? -Scalar.infinity : Scalar.infinity
        // Cosine is the dot product of normalized rows: normalize once, not once per block.
        let (queries, bank) = metric == .cosine ? (rowsNormalized(), candidates.rowsNormalized()) : (self, candidates)
        let bankNorms = metric == .squaredEuclidean ? (bank * bank).sum(alongAxes: [1]) : nil  // [m]

        var bestScores = [Scalar](repeating: worst, count: queryCount * k)
        var bestIndices = [Int](repeating: -1, count: queryCount * k)
        for queryStart in Swift.stride(from: 0, to: queryCount, by: queryBlockSize) {
            let queryEnd = Swift.min(queryStart + queryBlockSize, queryCount)
            let queryBlock = queries.sliced(axis: 0, from: queryStart, to: queryEnd)        // [q, d]
            let queryNorms = metric == .squaredEuclidean
                ? (queryBlock * queryBlock).sum(alongAxes: [1], keepingDimensions: true) : nil  // [q, 1]
            for candidateStart in Swift.stride(from: 0, to: candidateCount, by: candidateBlockSize) {
                let candidateEnd = Swift.min(candidateStart + candidateBlockSize, candidateCount)
                let candidateBlock = bank.sliced(axis: 0, from: candidateStart, to: candidateEnd)  // [b, d]
                var scores = matmul(queryBlock, candidateBlock.transposed())                     // [q, b]
                if let queryNorms, let bankNorms {
                    let blockNorms = bankNorms.sliced(axis: 0, from: candidateStart, to: candidateEnd)
                    scores = (queryNorms + blockNorms - scores * Scalar(2)).clamped(min: Scalar.zeroValue)
                }
                scores = scores.contiguous()
                if let queryKeys, let candidateKeys {
                    excludeMatchingKeys(scores, queryKeys: queryKeys[queryStart..<queryEnd],
                                        candidateKeys: candidateKeys[candidateStart..<candidateEnd], worst: worst)
                }
                let blockBest = scores.topK(Swift.min(k, candidateEnd - candidateStart), largest: larger)  // [q, ≤k]
                mergeBest(blockBest, offset: candidateStart, intoRowsFrom: queryStart, k: k, larger: larger,
                          worst: worst, scores: &bestScores, indices: &bestIndices)
            }
        }
        return (Tensor(shape: [queryCount, k], scalars: bestScores), Tensor<Int>(shape: [queryCount, k], scalars: bestIndices))
    }
}

/// Sets `scores[i, j]` to `worst` wherever the query's key equals the candidate's.
private func excludeMatchingKeys<Scalar: FloatingPointTensorElement>(
    _ scores: Tensor<Scalar>, queryKeys: ArraySlice<Int>, candidateKeys: ArraySlice<Int>, worst: Scalar
) {
    // `scores` is a fresh contiguous block owned by the caller, so it is written in place.
    let columns = candidateKeys.count
    let base = scores.storage.base + scores.offset
    // Most blocks hold a query's key at most once: index the block's keys, then look each up.
    var positions: [Int: [Int]] = [:]
    for (column, key) in candidateKeys.enumerated() { positions[key, default: []].append(column) }
    for (row, key) in queryKeys.enumerated() {
        for column in positions[key] ?? [] { base[row * columns + column] = worst }
    }
}

/// Merges one block's best (sorted, block-local indices) into the best so far, row by row.
///
/// Earlier blocks hold lower indices, so on equal scores the kept entry comes first.
/// Excluded entries (the worst score) never enter.
private func mergeBest<Scalar: FloatingPointTensorElement>(
    _ block: (values: Tensor<Scalar>, indices: Tensor<Int>), offset: Int, intoRowsFrom firstRow: Int,
    k: Int, larger: Bool, worst: Scalar, scores: inout [Scalar], indices: inout [Int]
) {
    let rows = block.values.shape[0], width = block.values.shape[1]
    let blockValues = block.values.scalars, blockIndices = block.indices.scalars
    var mergedScores = [Scalar](repeating: worst, count: k), mergedIndices = [Int](repeating: -1, count: k)
    for row in 0..<rows {
        let base = (firstRow + row) * k
        var kept = 0, incoming = 0
        for slot in 0..<k {
            let keptValid = kept < k && indices[base + kept] >= 0
            let incomingValid = incoming < width && blockValues[row * width + incoming] != worst
            if !keptValid && !incomingValid { mergedScores[slot] = worst; mergedIndices[slot] = -1; continue }
            let takeIncoming: Bool
            if !keptValid { takeIncoming = true } else if !incomingValid { takeIncoming = false } else {
                let a = scores[base + kept], b = blockValues[row * width + incoming]
                takeIncoming = larger ? b > a : b < a
            }
            if takeIncoming {
                mergedScores[slot] = blockValues[row * width + incoming]
                mergedIndices[slot] = blockIndices[row * width + incoming] + offset
                incoming += 1
            } else {
                mergedScores[slot] = scores[base + kept]
                mergedIndices[slot] = indices[base + kept]
                kept += 1
            }
        }
        for slot in 0..<k { scores[base + slot] = mergedScores[slot]; indices[base + slot] = mergedIndices[slot] }
    }
}
