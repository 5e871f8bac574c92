/// Labeled images held in memory as bytes, converted to floats one sample at a time.
///
/// Bytes take a quarter of the memory of floats (Fashion-MNIST's training set: 47 MB instead of
/// 188 MB), and converting a sample costs less than reading it from memory would as floats.
/// The datasets in this folder wrap one of these; it is also a `Dataset` on its own.
public struct LabeledImages: Dataset, Sendable {
    /// All images, `[N, C, H, W]`, contiguous.
    public let pixels: Tensor<UInt8>
    /// The class of each image, in `0..<classCount`.
    public let labels: [Int]
    /// The byte value that means full intensity: 255 for photographs and MNIST, 16 for the 8×8
    /// digit datasets. Samples are `pixel / maximumValue`.
    public let maximumValue: UInt8
    /// How samples are shaped (padding, channel repetition).
    public var layout: ImageLayout
    /// The random crops and flips applied to each sample after the layout, and their seed;
    /// `nil`: none. Set by `augmented(_:seed:)`.
    public internal(set) var augmentation: AugmentationState?

    /// - Parameters:
    ///   - pixels: `[N, C, H, W]` bytes.
    ///   - labels: `N` class indices.
    ///   - maximumValue: the byte value mapped to 1.0.
    ///   - layout: padding and channel repetition applied to each sample.
    /// Precondition: `pixels` has rank 4 and as many images as there are labels.
    public init(pixels: Tensor<UInt8>, labels: [Int], maximumValue: UInt8 = 255, layout: ImageLayout = .native) {
        precondition(pixels.rank == 4, "LabeledImages: pixels of shape \(pixels.shape) are not [N, C, H, W]")
        precondition(pixels.shape[0] == labels.count,
                     "LabeledImages: \(pixels.shape[0]) images but \(labels.count) labels")
        precondition(maximumValue > 0, "LabeledImages: maximum value must be positive")
        _ = layout.outputShape(for: Array(pixels.shape.dropFirst()))  // checks the layout fits
        self.pixels = pixels.isContiguous ? pixels : pixels.contiguous()
        self.labels = labels
        self.maximumValue = maximumValue
        self.layout = layout
    }

    /// The number of images.
    public var count: Int { labels.count }

    /// The `[C, H, W]` shape of one image as stored.
    public var imageShape: [Int] { Array(pixels.shape.dropFirst()) }

    /// The `[C, H, W]` shape of one sample, after the layout.
    public var sampleShape: [Int] { layout.outputShape(for: imageShape) }

    /// Image `index` as floats in `[0, 1]`, shaped by the layout, and its label (augmented as
    /// in epoch 0 when the set is augmented).
    public func sample(at index: Int) -> LabeledSample<Float> {
        sample(at: index, epoch: 0)
    }

    /// Image `index` as epoch `epoch` sees it: shaped by the layout, then randomly cropped and
    /// flipped when the set is augmented (see `augmented(_:seed:)`), and its label.
    public func sample(at index: Int, epoch: Int) -> LabeledSample<Float> {
        guard let augmentation else { return LabeledSample(features: image(at: index), label: labels[index]) }
        var generator = augmentation.generator(index: index, epoch: epoch)
        return LabeledSample(features: augmentation.augmentation.apply(to: image(at: index), using: &generator),
                             label: labels[index])
    }

    /// Image `index` as floats in `[0, 1]`, `sampleShape`.
    public func image(at index: Int) -> Tensor<Float> {
        precondition(index >= 0 && index < count, "LabeledImages: index \(index) out of range 0..<\(count)")
        let shape = imageShape
        let imageSize = shape.reduce(1, *)
        return layout.floats(from: pixels.storage.base + pixels.offset + index * imageSize,
                             shape: shape, maximumValue: Float(maximumValue))
    }

    /// The same images, labels and augmentation with another layout.
    public func with(layout: ImageLayout) -> LabeledImages {
        var copy = self
        copy.layout = layout
        _ = layout.outputShape(for: imageShape)  // checks the layout fits
        return copy
    }
}

/// A dataset whose images are held in memory as `LabeledImages`: MNIST, Fashion-MNIST, optdigits,
/// scikit-learn digits, the MNIST 5k subset, CIFAR-10. Count and samples come from `images`.
public protocol InMemoryImageDataset: Dataset where Sample == LabeledSample<Float> {
    /// The images, their labels and their layout.
    var images: LabeledImages { get }
}

extension InMemoryImageDataset {
    /// The number of images.
    public var count: Int { images.count }
    /// Image `index` as floats in `[0, 1]` (shaped by the layout) and its label.
    public func sample(at index: Int) -> LabeledSample<Float> { images.sample(at: index) }
}
