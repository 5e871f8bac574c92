/// Running metrics for a training loop: a mean updated batch by batch.

/// A mean accumulated one batch at a time — the epoch's mean loss, say.
///
/// Each value is weighted by its count, so that a smaller last batch counts for what it holds:
///
/// ```swift
/// var epochLoss = RunningMean()
/// for batch in loader {
///     let loss = crossEntropy(logits: model(Variable(batch.features)), labels: batch.labels)
///     epochLoss.add(loss.value.scalar, count: batch.labels.count)
/// }
/// print(epochLoss.mean)
/// ```
public struct RunningMean: Sendable, Equatable {
    /// The weighted sum of the values added: `Σ value · count`.
    public private(set) var total: Double = 0
    /// The number of samples the values stand for: `Σ count`.
    public private(set) var count: Int = 0

    /// An empty mean.
    public init() {}

    /// Adds `value`, the mean over `count` samples (a batch's mean loss and its batch size).
    public mutating func add<Value: BinaryFloatingPoint>(_ value: Value, count: Int = 1) {
        precondition(count >= 0, "RunningMean.add: count \(count) must be ≥ 0")
        total += Double(value) * Double(count)
        self.count += count
    }

    /// `total / count`; NaN before anything was added.
    public var mean: Double { count == 0 ? .nan : total / Double(count) }

    /// Starts again from nothing (at the start of an epoch).
    public mutating func reset() { self = RunningMean() }
}
