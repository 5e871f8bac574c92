/// Classification accuracy from logits and integer labels, for one batch or accumulated.

/// The number of rows of `logits` whose label is among the `topK` largest logits.
///
/// Ties go to the lower class index, as `argmax` breaks them, so the count is deterministic.
///
/// - Parameters:
///   - logits: `[N, C]` scores (logits, probabilities or log-probabilities: only their order counts).
///   - labels: `[N]` class indices.
///   - topK: how many of the largest scores count as a hit (1: ordinary accuracy; 5: top-5).
public func correctPredictionCount<Scalar: FloatingPointTensorElement>(
    logits: Tensor<Scalar>, labels: Tensor<Int>, topK: Int = 1
) -> Int {
    precondition(logits.rank == 2 && labels.shape == [logits.shape[0]],
                 "accuracy: logits \(logits.shape) must be [N, C] and labels \(labels.shape) [N]")
    precondition(topK >= 1 && topK <= logits.shape[1],
                 "accuracy: topK \(topK) must lie in 1...\(logits.shape[1]) for logits \(logits.shape)")
    let labelValues = labels.scalars
    if topK == 1 {
        return zip(logits.argmax(alongAxis: 1).scalars, labelValues).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
    }
    let predictions = logits.topK(topK, alongAxis: 1).indices.scalars
    return labelValues.enumerated().reduce(0) { hits, row in
        hits + (predictions[row.offset * topK ..< (row.offset + 1) * topK].contains(row.element) ? 1 : 0)
    }
}

/// The fraction of rows of `logits` whose label is among the `topK` largest logits, in `[0, 1]`.
///
/// `accuracy(logits: output.value, labels: labels)` is `(output.argmax(1) == labels).float().mean()`
/// in PyTorch.
///
/// - Parameters:
///   - logits: `[N, C]` scores, `N ≥ 1`.
///   - labels: `[N]` class indices.
///   - topK: how many of the largest scores count as a hit.
public func accuracy<Scalar: FloatingPointTensorElement>(
    logits: Tensor<Scalar>, labels: Tensor<Int>, topK: Int = 1
) -> Double {
    precondition(labels.count > 0, "accuracy: an empty batch (labels \(labels.shape)) has no accuracy")
    return Double(correctPredictionCount(logits: logits, labels: labels, topK: topK)) / Double(labels.count)
}

/// Accuracy accumulated over batches: correct predictions over samples seen.
///
/// ```swift
/// var validationAccuracy = Accuracy()
/// evaluate(model, on: validationLoader) { batch in
///     validationAccuracy.add(logits: model(Variable(batch.features)).value, labels: batch.labels)
/// }
/// print(validationAccuracy.value)
/// ```
public struct Accuracy: Sendable, Equatable {
    /// How many of the largest scores count as a hit (1: ordinary accuracy; 5: top-5).
    public let topK: Int
    /// The samples predicted correctly so far.
    public private(set) var correct = 0
    /// The samples seen so far.
    public private(set) var total = 0

    /// A running accuracy counting a hit when the label is among the `topK` largest scores.
    public init(topK: Int = 1) {
        precondition(topK >= 1, "Accuracy: topK \(topK) must be ≥ 1")
        self.topK = topK
    }

    /// Counts one batch: `logits` `[N, C]`, `labels` `[N]`.
    public mutating func add<Scalar: FloatingPointTensorElement>(logits: Tensor<Scalar>, labels: Tensor<Int>) {
        correct += correctPredictionCount(logits: logits, labels: labels, topK: topK)
        total += labels.count
    }

    /// `correct / total`, in `[0, 1]`; NaN before any batch was added.
    public var value: Double { total == 0 ? .nan : Double(correct) / Double(total) }

    /// Starts again from nothing.
    public mutating func reset() { self = Accuracy(topK: topK) }
}
