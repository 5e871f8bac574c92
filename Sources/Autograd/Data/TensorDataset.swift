/// A dataset held in memory: row `i` of a features tensor with label `i` of a labels tensor.
///
/// ```swift
/// let images = Tensor<Float>.uniform([100, 1, 28, 28], using: &generator)
/// let labels = Tensor<Int>.randomIntegers([100], in: 0..<10, using: &generator)
/// let dataset = TensorDataset(features: images, labels: labels)
/// dataset.sample(at: 3).features.shape  // [1, 28, 28]
/// ```
public struct TensorDataset<Scalar: FloatingPointTensorElement>: Dataset {
    /// All samples' features, `[N, …]`.
    public let features: Tensor<Scalar>
    /// All samples' labels, `[N]`.
    public let labels: Tensor<Int>
    // Labels are read once per sample; an array avoids the tensor subscript's index checks.
    private let labelValues: [Int]

    /// A dataset over `features` `[N, …]` (rank ≥ 1) and `labels` `[N]`.
    ///
    /// - Precondition: `labels` has rank 1 and as many elements as `features` has rows.
    public init(features: Tensor<Scalar>, labels: Tensor<Int>) {
        precondition(features.rank >= 1,
                     "TensorDataset: features need a leading sample axis, got shape \(features.shape)")
        precondition(labels.shape == [features.shape[0]],
                     "TensorDataset: features \(features.shape) need labels of shape [\(features.shape[0])], got \(labels.shape)")
        self.features = features
        self.labels = labels
        self.labelValues = labels.scalars
    }

    /// The number of samples, `N`.
    public var count: Int { labelValues.count }

    /// Row `index` of the features (a view, `[…]`) and its label.
    ///
    /// - Precondition: `0 ≤ index < count`.
    public func sample(at index: Int) -> LabeledSample<Scalar> {
        precondition(index >= 0 && index < count, "TensorDataset.sample: index \(index) out of range 0..<\(count)")
        return LabeledSample(features: features.selecting(index, alongAxis: 0), label: labelValues[index])
    }
}
