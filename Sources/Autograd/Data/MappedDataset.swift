/// A dataset whose samples are transformed lazily, each time they are read.
///
/// Random transforms (augmentation) receive a generator derived from `(seed, epoch, index)`:
/// `PhiloxGenerator(seed: seed).forked(stream: epoch).forked(stream: index)`. So a sample's
/// augmentation is the same whichever thread reads it and in whatever order, differs between
/// epochs and between samples, and the same seed reproduces a run bit for bit.
///
/// ```swift
/// let augmented = training.map(seed: 7) { sample, generator in
///     var image = sample.features.randomlyCropped(height: 32, width: 32, padding: 4, using: &generator)
///     image = image.randomlyFlippedHorizontally(using: &generator)
///     return LabeledSample(features: image, label: sample.label)
/// }
/// ```
public struct MappedDataset<Base: Dataset, Sample: Sendable>: Dataset {
    /// The transform: the base sample and a generator for its random choices.
    public typealias Transform = @Sendable (Base.Sample, inout PhiloxGenerator) -> Sample

    /// The dataset whose samples are transformed.
    public let base: Base
    /// The seed of the generators handed to `transform`.
    public let seed: UInt64
    private let transform: Transform

    /// `base` with `transform` applied to each sample as it is read.
    public init(_ base: Base, seed: UInt64, transform: @escaping Transform) {
        self.base = base
        self.seed = seed
        self.transform = transform
    }

    /// The number of samples of `base`.
    public var count: Int { base.count }

    /// The transformed sample at `index`, as in epoch 0.
    public func sample(at index: Int) -> Sample {
        sample(at: index, epoch: 0)
    }

    /// The transformed sample at `index` in epoch `epoch`.
    ///
    /// - Precondition: `index` and `epoch` are non-negative.
    public func sample(at index: Int, epoch: Int) -> Sample {
        var generator = generator(index: index, epoch: epoch)
        return transform(base.sample(at: index, epoch: epoch), &generator)
    }

    /// The generator `transform` receives for sample `index` in epoch `epoch`.
    public func generator(index: Int, epoch: Int) -> PhiloxGenerator {
        precondition(index >= 0 && epoch >= 0, "MappedDataset: index \(index) and epoch \(epoch) must be non-negative")
        return PhiloxGenerator(seed: seed).forked(stream: UInt64(epoch)).forked(stream: UInt64(index))
    }
}

extension Dataset {
    /// This dataset with a random `transform` applied lazily to each sample as it is read.
    ///
    /// `transform` receives the sample and a generator derived from `(seed, epoch, index)` (see
    /// `MappedDataset`); it must draw its random numbers only from that generator.
    public func map<Transformed: Sendable>(
        seed: UInt64, _ transform: @escaping @Sendable (Sample, inout PhiloxGenerator) -> Transformed
    ) -> MappedDataset<Self, Transformed> {
        MappedDataset(self, seed: seed, transform: transform)
    }

    /// This dataset with a deterministic `transform` applied lazily to each sample as it is read.
    public func map<Transformed: Sendable>(
        _ transform: @escaping @Sendable (Sample) -> Transformed
    ) -> MappedDataset<Self, Transformed> {
        MappedDataset(self, seed: 0) { sample, _ in transform(sample) }
    }
}
