/// LOOK, the leave-one-out kNN loss of Feng et al., *Rethinking Supervised Pre-training for
/// Better Downstream Transferring*, ICLR 2022 (https://arxiv.org/abs/2110.06014).
///
/// Cross-entropy pulls every image of a class towards one weight vector and erases the
/// differences inside a class that a downstream task may need. LOOK only asks that each image
/// share its label with most of its `k` nearest neighbours, so a class may keep several modes.

/// The LOOK loss over the batch (the small version) or over a memory bank filled by a momentum
/// encoder (the scalable version).
///
/// With `z = normalize(features)`, `s_ij = z_i · z_j / τ` and `N_k(i)` the `k` candidates most
/// similar to `i`, leaving `i` itself out:
///
/// `p_i = Σ_{j ∈ N_k(i), y_j = y_i} exp(s_ij) / Σ_{j ∈ N_k(i)} exp(s_ij)`,  `L = −mean_i log(p_i + ε)`.
///
/// The selection `N_k(i)` is a constant; the gradient flows through the selected `s_ij`.
/// The exponentials are taken of `s_ij − max_j s_ij` with the row maximum detached (the same
/// `p_i`, no overflow at `τ = 0.01`), and `ε` keeps the loss finite (and its gradient zero) when
/// no neighbour shares the query's label.
///
/// ```swift
/// let look = LOOKLoss(neighbourCount: 10, temperature: 0.1)
/// let features = head(backbone(images))                          // [B, 128]
/// let loss = look(features, labels: labels)                      // the batch as candidates
/// let scalable = look(features, labels: labels, datasetIndices: indices, bank: bank)
/// ```
public struct LOOKLoss: Sendable {
    /// `k`, the neighbours each query is compared with (the paper's default is 10).
    public var neighbourCount: Int
    /// `τ`, the temperature that divides the cosine similarities (0.1 by default).
    public var temperature: Double
    /// `ε` in `log(p_i + ε)`.
    public var epsilon: Double

    /// - Precondition: `neighbourCount > 0`, `temperature > 0`, `epsilon > 0`.
    public init(neighbourCount: Int = 10, temperature: Double = 0.1, epsilon: Double = 1e-8) {
        precondition(neighbourCount > 0, "LOOKLoss: k = \(neighbourCount) must be positive")
        precondition(temperature > 0, "LOOKLoss: temperature \(temperature) must be positive")
        precondition(epsilon > 0, "LOOKLoss: ε = \(epsilon) must be positive")
        self.neighbourCount = neighbourCount
        self.temperature = temperature
        self.epsilon = epsilon
    }

    /// The small version: every other image of the batch is a candidate.
    ///
    /// - Parameters:
    ///   - features: `[B, D]`, the head's output (normalized here).
    ///   - labels: `B` labels.
    /// - Returns: the scalar loss; `k` is capped at `B − 1`.
    /// - Precondition: `B ≥ 2` and one label per row.
    public func callAsFunction<Scalar: FloatingPointTensorElement>(_ features: Variable<Scalar>, labels: [Int]) -> Variable<Scalar> {
        let batch = checkedBatch(features, labels: labels, op: "LOOKLoss")
        precondition(batch >= 2, "LOOKLoss: a batch of \(batch) has no other image to be a neighbour")
        let z = features.rowsNormalized()                                               // [B, D]
        let similarities = matmul(z, z.transposed()) / Scalar(temperature)              // [B, B]
        // Leave one out: the query's own similarity can never be selected.
        var masked = similarities.value.contiguous().scalars
        for row in 0..<batch { masked[row * batch + row] = -Scalar.infinity }
        let neighbours = Tensor(shape: [batch, batch], scalars: masked)
            .topK(Swift.min(neighbourCount, batch - 1)).indices                         // [B, k]
        let scores = similarities.gathering(alongAxis: 1, indices: neighbours)          // [B, k]
        let neighbourLabels = neighbours.scalars.map { labels[$0] }
        return leaveOneOutLoss(scores: scores, labels: labels, neighbourLabels: neighbourLabels,
                               valid: [Bool](repeating: true, count: neighbourLabels.count))
    }

    /// The scalable version: the candidates are the rows of a memory bank of normalized,
    /// detached features (written by a momentum encoder); rows holding the query's own image
    /// (the same dataset index) are left out.
    ///
    /// - Parameters:
    ///   - features: `[B, D]`, the head's output for the queries (normalized here).
    ///   - labels: `B` labels.
    ///   - datasetIndices: the `B` images' indices in the dataset.
    ///   - bank: the candidates; its rows must be normalized.
    /// - Returns: the scalar loss. Where fewer than `k` bank rows remain, the query uses those
    ///   there are.
    /// - Precondition: one label and index per row; every query has at least one candidate.
    public func callAsFunction<Scalar: FloatingPointTensorElement>(_ features: Variable<Scalar>, labels: [Int], datasetIndices: [Int],
                                       bank: MemoryBank<Scalar>) -> Variable<Scalar> {
        let batch = checkedBatch(features, labels: labels, op: "LOOKLoss (memory bank)")
        precondition(datasetIndices.count == batch, "LOOKLoss (memory bank): \(datasetIndices.count) dataset indices for \(batch) rows")
        precondition(features.shape[1] == bank.featureCount,
                     "LOOKLoss (memory bank): features of shape \(features.shape) but bank rows of length \(bank.featureCount)")
        let z = features.rowsNormalized()                                                        // [B, D]
        let neighbours = bank.nearestNeighbours(of: z.value, k: neighbourCount, excluding: datasetIndices).indices  // [B, k]
        let slots = neighbours.scalars
        let valid = slots.map { $0 >= 0 }
        for row in 0..<batch {
            precondition(valid[(row * neighbourCount)..<((row + 1) * neighbourCount)].contains(true),
                         "LOOKLoss (memory bank): query \(row) (dataset index \(datasetIndices[row])) has no candidate in a bank of \(bank.count) rows")
        }
        // The selected bank rows as a constant, [B, k, D]; the scores are differentiable in z only.
        let safeSlots = Tensor<Int>(shape: [batch * neighbourCount], scalars: slots.map { Swift.max($0, 0) })
        let selected = bank.features.indexSelect(alongAxis: 0, indices: safeSlots)
            .reshaped(to: [batch, neighbourCount, bank.featureCount])                            // [B, k, D]
        let scores = (z.unsqueezed(at: 1) * Variable(selected)).sum(alongAxes: [2]) / Scalar(temperature)  // [B, k]
        let neighbourLabels = slots.map { $0 >= 0 ? bank.labels[$0] : -1 }
        return leaveOneOutLoss(scores: scores, labels: labels, neighbourLabels: neighbourLabels, valid: valid)
    }

    /// `−mean_i log(p_i + ε)` from the selected scores `[B, k]` and the neighbours' labels
    /// (row-major, `B · k`); invalid slots carry no weight.
    func leaveOneOutLoss<Scalar: FloatingPointTensorElement>(scores: Variable<Scalar>, labels: [Int], neighbourLabels: [Int],
                                 valid: [Bool]) -> Variable<Scalar> {
        let batch = scores.shape[0], k = scores.shape[1]
        let values = scores.value.contiguous().scalars
        var maxima = [Scalar](repeating: -Scalar.infinity, count: batch)
        var same = [Scalar](repeating: Scalar.zeroValue, count: batch * k)
        var weightMask = [Scalar](repeating: Scalar.zeroValue, count: batch * k)
        for row in 0..<batch {
            for column in 0..<k where valid[row * k + column] {
                let slot = row * k + column
                maxima[row] = Swift.max(maxima[row], values[slot])
                weightMask[slot] = Scalar.oneValue
                if neighbourLabels[slot] == labels[row] { same[slot] = Scalar.oneValue }
            }
        }
        // The detached row maximum: exp never overflows, and p_i is unchanged.
        let shifted = scores - Variable(Tensor(shape: [batch, 1], scalars: maxima))                 // [B, k]
        // Invalid slots may hold −∞ − max; zero them before the exponential.
        let weights = Variable.where(Tensor(shape: [batch, k], scalars: valid), shifted, Variable(Tensor.zeros([batch, k]))).exp()
            * Variable(Tensor(shape: [batch, k], scalars: weightMask))                               // [B, k]
        let matching = (weights * Variable(Tensor(shape: [batch, k], scalars: same))).sum(alongAxes: [1])  // [B]
        let probability = matching / weights.sum(alongAxes: [1])                                     // [B]
        return -(probability + Scalar(epsilon)).log().mean()
    }

    private func checkedBatch<Scalar: FloatingPointTensorElement>(_ features: Variable<Scalar>, labels: [Int], op: String) -> Int {
        precondition(features.rank == 2, "\(op): features of shape \(features.shape) are not [B, D]")
        precondition(labels.count == features.shape[0], "\(op): \(labels.count) labels for \(features.shape[0]) rows")
        return features.shape[0]
    }
}
