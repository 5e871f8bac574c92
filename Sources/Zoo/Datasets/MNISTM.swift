import Foundation

/// MNIST-M, recreated: each MNIST digit blended with a random patch of a natural colour photo,
/// `output = |digit − patch|` per channel — the target domain of DANN's MNIST → MNIST-M experiment.
///
/// This is a **recreation with Ganin et al.'s recipe, not the official MNIST-M file** (which no
/// offline package ships): the official set cut its patches from the BSDS500 photos; this one cuts
/// them from the photos `scripts/install-data` installs (`<dataDirectory>/photos/*.jpg`,
/// scikit-learn's `china.jpg` and `flower.jpg`, 640×427 each, so about 500,000 distinct patch
/// positions). The digit's grey value is used as is (some recreations binarize it first).
/// Ganin et al. 2016, "Domain-Adversarial Training of Neural Networks", https://arxiv.org/abs/1505.07818.
///
/// Deterministic from `seed`: sample `i` draws its photo and patch position from
/// `PhiloxGenerator(seed: seed).forked(stream: i)` (test samples use streams after the 60,000
/// training ones), so a sample does not depend on which others were read, or in what order.
/// Blending happens when a sample is read; memory holds only the digits and photos, as bytes.
public struct MNISTM: Dataset {
    /// The greyscale digits, `[N, 1, h, w]`, and their labels.
    public let digits: LabeledImages
    /// The photos patches are cut from, each `[3, H, W]` with `H ≥ h` and `W ≥ w`.
    public let photos: [Tensor<UInt8>]
    /// The seed the patch choices derive from.
    public let seed: UInt64
    /// Padding applied to each sample (the channel count is always 3).
    public var layout: ImageLayout
    /// Added to a sample's index to pick its random stream, so the test split's patches differ
    /// from the training split's.
    let streamOffset: UInt64

    /// Blends given digits with patches of given photos.
    ///
    /// - Parameters:
    ///   - digits: `[N, 1, h, w]` greyscale digits (MNIST's are `[N, 1, 28, 28]`) with labels.
    ///   - photos: `[3, H, W]` colour photos, each at least `h × w`.
    ///   - seed: the seed patch choices derive from.
    ///   - layout: padding of each sample; its `channelCount`, if given, must be 3.
    /// Precondition: the digits have one channel; there is at least one photo and each is a
    /// `[3, H, W]` image at least as large as a digit.
    public init(digits: LabeledImages, photos: [Tensor<UInt8>], seed: UInt64, layout: ImageLayout = .native) {
        self.init(digits: digits, photos: photos, seed: seed, layout: layout, streamOffset: 0)
    }

    init(digits: LabeledImages, photos: [Tensor<UInt8>], seed: UInt64, layout: ImageLayout, streamOffset: UInt64) {
        let shape = digits.imageShape
        precondition(shape[0] == 1, "MNISTM: digits of shape \(shape) are not greyscale [1, h, w]")
        precondition(!photos.isEmpty, "MNISTM: no photos to cut patches from")
        for photo in photos {
            precondition(photo.rank == 3 && photo.shape[0] == 3 && photo.shape[1] >= shape[1] && photo.shape[2] >= shape[2],
                         "MNISTM: photo of shape \(photo.shape) is not [3, H, W] with H ≥ \(shape[1]) and W ≥ \(shape[2])")
        }
        precondition(layout.channelCount.map { $0 == 3 } ?? true, "MNISTM: samples have 3 channels, not \(layout.channelCount!)")
        self.digits = digits.with(layout: .native)
        self.photos = photos.map { $0.isContiguous ? $0 : $0.contiguous() }
        self.seed = seed
        self.layout = layout
        self.streamOffset = streamOffset
    }

    /// Loads MNIST's `split` and the installed photos.
    ///
    /// - Parameters:
    ///   - split: `.train` (60,000 images) or `.test` (10,000).
    ///   - seed: the seed patch choices derive from; the same seed gives the same dataset.
    ///   - dataDirectory: where `scripts/install-data` put the data; `~/.gradus/data` by default.
    ///   - layout: padding of each sample (`.padded32` gives `[3, 32, 32]`).
    /// - Throws: `DatasetError.notInstalled` (with the install command) when MNIST or the photos
    ///   are missing, `DatasetError.corruptFile` when a file is damaged or a photo is too small.
    public init(split: DatasetSplit, seed: UInt64 = 0, dataDirectory: URL = DataDirectory.defaultURL,
                layout: ImageLayout = .native) throws {
        let mnist = try MNIST(split: split, dataDirectory: dataDirectory)
        let photoFolder = dataDirectory.appendingPathComponent("photos", isDirectory: true)
        let photoNames = ((try? FileManager.default.contentsOfDirectory(atPath: photoFolder.path)) ?? [])
            .filter { ["jpg", "jpeg", "png"].contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted()
        guard !photoNames.isEmpty else {
            throw DatasetError.notInstalled(dataset: "MNIST-M photos", searchedPath: photoFolder.path,
                                            remedy: "Install them with: \(DataDirectory.installCommand(for: dataDirectory))")
        }
        var photos = [Tensor<UInt8>]()
        for name in photoNames {
            let url = photoFolder.appendingPathComponent(name)
            var photo = try ImageFile.read(contentsOf: url)
            if photo.shape[0] == 1 { photo = photo.expanded(to: [3, photo.shape[1], photo.shape[2]]).contiguous() }
            guard photo.shape[1] >= 28, photo.shape[2] >= 28 else {
                throw DatasetError.corruptFile(path: url.path, problem: "the photo is \(photo.shape[2])×\(photo.shape[1]), smaller than a 28×28 patch")
            }
            photos.append(photo)
        }
        self.init(digits: mnist.images, photos: photos, seed: seed, layout: layout,
                  streamOffset: split == .train ? 0 : 60_000)
    }

    /// The number of digits.
    public var count: Int { digits.count }

    /// Where sample `index`'s patch comes from: the photo's position in `photos` and the patch's
    /// top-left corner in it.
    public func patchPlacement(at index: Int) -> (photo: Int, top: Int, left: Int) {
        precondition(index >= 0 && index < count, "MNISTM: index \(index) out of range 0..<\(count)")
        var generator = PhiloxGenerator(seed: seed).forked(stream: streamOffset + UInt64(index))
        // Multiply-shift maps 64 random bits to 0..<bound with a bias below 2⁻⁴⁰ for these bounds,
        // and, unlike the standard library's `random(in:using:)`, its result is fixed forever.
        func draw(_ bound: Int) -> Int { Int((UInt128(generator.next()) * UInt128(bound)) >> 64) }
        let shape = digits.imageShape
        let photo = draw(photos.count)
        let top = draw(photos[photo].shape[1] - shape[1] + 1)
        let left = draw(photos[photo].shape[2] - shape[2] + 1)
        return (photo, top, left)
    }

    /// Sample `index` as bytes, `[3, h, w]`: `|digit − patch|` per channel.
    public func image(at index: Int) -> Tensor<UInt8> {
        let (photoIndex, top, left) = patchPlacement(at: index)
        let shape = digits.imageShape
        let (height, width) = (shape[1], shape[2])
        let photo = photos[photoIndex]
        let (photoHeight, photoWidth) = (photo.shape[1], photo.shape[2])
        let digit = digits.pixels.storage.base + digits.pixels.offset + index * height * width
        let source = photo.storage.base + photo.offset
        let result = Tensor<UInt8>(uninitializedShape: [3, height, width])
        let output = result.storage.base
        for channel in 0..<3 {
            for row in 0..<height {
                let patchRow = source + (channel * photoHeight + top + row) * photoWidth + left
                for column in 0..<width {
                    let d = digit[row * width + column], p = patchRow[column]
                    output[(channel * height + row) * width + column] = d > p ? d - p : p - d
                }
            }
        }
        return result
    }

    /// Sample `index`: the blended image as floats in `[0, 1]` (padded as the layout says) and
    /// the digit's label.
    public func sample(at index: Int) -> LabeledSample<Float> {
        let pixels = image(at: index)
        let features = layout.floats(from: pixels.storage.base, shape: pixels.shape, maximumValue: 255)
        return LabeledSample(features: features, label: digits.labels[index])
    }
}
