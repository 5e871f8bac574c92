/// Random crops of the zero-padded image and random horizontal flips: the CIFAR augmentation of
/// He et al. (2016, §4.2: "4 pixels are padded on each side, and a 32×32 crop is randomly sampled
/// from the padded image or its horizontal flip") and of kuangliu's `pytorch-cifar`
/// (`RandomCrop(32, padding=4)`, `RandomHorizontalFlip()`).
///
/// The crop keeps the image's size. Draws come from an explicit generator, so the same generator
/// state gives the same image on every thread (see `LabeledImages.augmented(_:seed:)`).
///
/// ```swift
/// let training = try FashionMNIST(split: .train, layout: .padded32).images
///     .augmented(ImageAugmentation(), seed: 7)   // each epoch sees new crops and flips
/// ```
public struct ImageAugmentation: Sendable, Codable, Equatable {
    /// Zeros added on each side before cropping back to the original size (4 in the paper).
    public var padding: Int
    /// Whether half of the images are mirrored left to right.
    public var flipsHorizontally: Bool

    /// - Parameters:
    ///   - padding: zeros added on each side before the crop, at least 0.
    ///   - flipsHorizontally: mirror an image with probability ½.
    public init(padding: Int = 4, flipsHorizontally: Bool = true) {
        precondition(padding >= 0, "ImageAugmentation: padding \(padding) must be ≥ 0")
        self.padding = padding
        self.flipsHorizontally = flipsHorizontally
    }

    /// `image` randomly cropped (same size, from the padded image), then randomly flipped.
    ///
    /// Draws two integers for the crop's corner, then one number for the flip when
    /// `flipsHorizontally`.
    ///
    /// - Parameters:
    ///   - image: `[C, H, W]`.
    ///   - generator: the source of the crop's corner and the flip.
    /// - Returns: `[C, H, W]`, contiguous.
    public func apply(to image: Tensor<Float>, using generator: inout PhiloxGenerator) -> Tensor<Float> {
        precondition(image.rank == 3, "ImageAugmentation.apply: image \(image.shape) is not [C, H, W]")
        let cropped = image.randomlyCropped(height: image.shape[1], width: image.shape[2], padding: padding,
                                            using: &generator)
        return flipsHorizontally ? cropped.randomlyFlippedHorizontally(using: &generator) : cropped
    }
}

extension LabeledImages {
    /// These images with `augmentation` applied each time a sample is read for an epoch, or
    /// without any when it is `nil`.
    ///
    /// Sample `i` of epoch `e` is augmented with the draws of
    /// `PhiloxGenerator(seed: seed).forked(stream: e).forked(stream: i)`, as `MappedDataset` does:
    /// every epoch sees new crops, and the batches are the same whatever the number of loader
    /// workers. `sample(at:)` is epoch 0's sample.
    public func augmented(_ augmentation: ImageAugmentation?, seed: UInt64) -> LabeledImages {
        var copy = self
        copy.augmentation = augmentation.map { AugmentationState(augmentation: $0, seed: seed) }
        return copy
    }

    /// The same images and labels without augmentation: what evaluating on the training set reads.
    public var withoutAugmentation: LabeledImages { augmented(nil, seed: 0) }
}

/// An augmentation and the seed of its draws, as `LabeledImages` stores them.
public struct AugmentationState: Sendable, Equatable {
    /// The crops and flips.
    public var augmentation: ImageAugmentation
    /// The seed the per-sample generators are derived from.
    public var seed: UInt64

    /// The generator that augments sample `index` in epoch `epoch`.
    func generator(index: Int, epoch: Int) -> PhiloxGenerator {
        precondition(index >= 0 && epoch >= 0, "LabeledImages: index \(index) and epoch \(epoch) must be non-negative")
        return PhiloxGenerator(seed: seed).forked(stream: UInt64(epoch)).forked(stream: UInt64(index))
    }
}
