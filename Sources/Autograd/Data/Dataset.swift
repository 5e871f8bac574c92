/// A finite, indexable collection of samples — the one thing a `DataLoader` needs.
///
/// Reading a sample must be safe from several threads at once (loaders prefetch in the
/// background), and must not depend on which thread reads it: randomness (augmentation) comes
/// from a generator derived from the sample's index and the epoch, never from shared state.
public protocol Dataset<Sample>: Sendable {
    associatedtype Sample: Sendable
    /// The number of samples.
    var count: Int { get }
    /// The sample at `index`, in `0..<count`.
    func sample(at index: Int) -> Sample
}

/// An image (or any feature tensor) with an integer class label: what classification datasets
/// yield. Images are `[C, H, W]`, floats in `[0, 1]` unless a transform says otherwise.
public struct LabeledSample<Scalar: FloatingPointTensorElement>: Sendable {
    public var features: Tensor<Scalar>
    public var label: Int

    public init(features: Tensor<Scalar>, label: Int) {
        self.features = features
        self.label = label
    }
}
