/// A finite, indexable collection of samples — the one thing a `DataLoader` needs.
///
/// Reading a sample must be safe from several threads at once (loaders prefetch in the
/// background), and must not depend on which thread reads it: randomness (augmentation) comes
/// from a generator derived from the sample's index and the epoch, never from shared state.
public protocol Dataset<Sample>: Sendable {
    /// What one sample is: a `LabeledSample`, a tensor, a pair of views, …
    associatedtype Sample: Sendable
    /// The number of samples.
    var count: Int { get }
    /// The sample at `index`, in `0..<count`.
    func sample(at index: Int) -> Sample
    /// The sample at `index` as seen in epoch `epoch`: what a `DataLoader` calls, so that random
    /// augmentation (`MappedDataset`) differs per epoch. Datasets without randomness need not
    /// implement it: the default ignores the epoch.
    func sample(at index: Int, epoch: Int) -> Sample
}

extension Dataset {
    public func sample(at index: Int, epoch: Int) -> Sample { sample(at: index) }
}

/// An image (or any feature tensor) with an integer class label: what classification datasets
/// yield. Images are `[C, H, W]`, floats in `[0, 1]` unless a transform says otherwise.
public struct LabeledSample<Scalar: FloatingPointTensorElement>: Sendable {
    /// The sample's input, e.g. an image `[C, H, W]`.
    public var features: Tensor<Scalar>
    /// The sample's class index.
    public var label: Int

    /// A sample of `features` with class `label`.
    public init(features: Tensor<Scalar>, label: Int) {
        self.features = features
        self.label = label
    }
}
