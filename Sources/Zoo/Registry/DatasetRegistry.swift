import Foundation

/// The datasets the `zoo` command line trains and evaluates on, by name: each installed image
/// classification set, natively shaped and in the 32×32 shapes the CIFAR models expect.

/// A named image classification dataset with a training and a test split.
public struct DatasetEntry: Sendable {
    /// The name on the command line: `mnist`, `fashion-mnist-32`.
    public let name: String
    /// One line for `zoo list`.
    public let summary: String
    /// The `[C, H, W]` shape of one sample.
    public let sampleShape: [Int]
    /// The number of classes.
    public let classCount: Int
    /// Reads one split from a data directory.
    let loader: @Sendable (DatasetSplit, URL) throws -> LabeledImages

    /// - Parameters:
    ///   - name: the name on the command line.
    ///   - summary: one line for `zoo list`.
    ///   - sampleShape: the `[C, H, W]` shape of one sample.
    ///   - classCount: the number of classes.
    ///   - load: reads a split from the data directory; throws `DatasetError` when it is not
    ///     installed or damaged.
    public init(name: String, summary: String, sampleShape: [Int], classCount: Int,
                load: @escaping @Sendable (DatasetSplit, URL) throws -> LabeledImages) {
        self.name = name
        self.summary = summary
        self.sampleShape = sampleShape
        self.classCount = classCount
        self.loader = load
    }

    /// The images of `split`, read from `dataDirectory`.
    ///
    /// - Throws: `DatasetError.notInstalled` (naming the install command) or `.corruptFile`.
    public func load(_ split: DatasetSplit, dataDirectory: URL = DataDirectory.defaultURL) throws -> LabeledImages {
        try loader(split, dataDirectory)
    }
}

/// The datasets known by name.
public struct DatasetRegistry: Sendable {
    /// The entries, in the order `zoo list` shows them.
    public var entries: [DatasetEntry]

    /// A registry of `entries`, in the order `zoo list` shows them.
    public init(entries: [DatasetEntry]) {
        self.entries = entries
    }

    /// The entry called `name`.
    ///
    /// - Throws: `RegistryError.unknownDataset`, listing the names there are.
    public func dataset(named name: String) throws -> DatasetEntry {
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw RegistryError.unknownDataset(name: name, known: entries.map(\.name))
        }
        return entry
    }

    /// MNIST, Fashion-MNIST, optdigits, scikit-learn digits, the MNIST 5k subset and CIFAR-10.
    ///
    /// `-32` variants are padded to `[1, 32, 32]`, `-32x3` variants also repeated to CIFAR-10's
    /// `[3, 32, 32]`. The two sets without a split (digits, mnist-5k) hold out every fifth image
    /// as the test split, a fixed rule so every run tests on the same images.
    public static let standard = DatasetRegistry(entries: [
        idx("mnist", "MNIST handwritten digits", layout: .native, shape: [1, 28, 28]) { try MNIST(split: $0, dataDirectory: $1, layout: $2).images },
        idx("mnist-32", "MNIST padded to 32×32", layout: .padded32, shape: [1, 32, 32]) { try MNIST(split: $0, dataDirectory: $1, layout: $2).images },
        idx("mnist-32x3", "MNIST in CIFAR-10's shape", layout: .cifarShaped, shape: [3, 32, 32]) { try MNIST(split: $0, dataDirectory: $1, layout: $2).images },
        idx("fashion-mnist", "Fashion-MNIST clothing images", layout: .native, shape: [1, 28, 28]) { try FashionMNIST(split: $0, dataDirectory: $1, layout: $2).images },
        idx("fashion-mnist-32", "Fashion-MNIST padded to 32×32", layout: .padded32, shape: [1, 32, 32]) { try FashionMNIST(split: $0, dataDirectory: $1, layout: $2).images },
        idx("fashion-mnist-32x3", "Fashion-MNIST in CIFAR-10's shape", layout: .cifarShaped, shape: [3, 32, 32]) { try FashionMNIST(split: $0, dataDirectory: $1, layout: $2).images },
        idx("optdigits", "UCI optical digits, 8×8", layout: .native, shape: [1, 8, 8]) { try OpticalDigits(split: $0, dataDirectory: $1, layout: $2).images },
        DatasetEntry(name: "digits", summary: "scikit-learn digits, 8×8 (every fifth image held out)", sampleShape: [1, 8, 8], classCount: 10) { split, directory in
            try ScikitLearnDigits(dataDirectory: directory).images.holdingOutEveryFifth(split)
        },
        DatasetEntry(name: "mnist-5k", summary: "5,000 MNIST training images (every fifth held out)", sampleShape: [1, 28, 28], classCount: 10) { split, directory in
            try MNIST5k(dataDirectory: directory).images.holdingOutEveryFifth(split)
        },
        DatasetEntry(name: "mnist-5k-32", summary: "the MNIST 5k subset padded to 32×32", sampleShape: [1, 32, 32], classCount: 10) { split, directory in
            try MNIST5k(dataDirectory: directory, layout: .padded32).images.holdingOutEveryFifth(split)
        },
        DatasetEntry(name: "cifar10", summary: "CIFAR-10 (binary version, installed by hand)", sampleShape: [3, 32, 32], classCount: 10) { split, directory in
            try CIFAR10(split: split, dataDirectory: directory).images
        },
    ])

    /// An entry for a dataset whose initializer takes a split, a directory and a layout.
    private static func idx(_ name: String, _ summary: String, layout: ImageLayout, shape: [Int],
                            _ make: @escaping @Sendable (DatasetSplit, URL, ImageLayout) throws -> LabeledImages) -> DatasetEntry {
        DatasetEntry(name: name, summary: summary, sampleShape: shape, classCount: 10) { split, directory in
            try make(split, directory, layout)
        }
    }
}

extension LabeledImages {
    /// The images at `indices`, in that order, as a new set (copied, with the same augmentation).
    ///
    /// - Precondition: every index lies in `0..<count`.
    public func selecting(_ indices: [Int]) -> LabeledImages {
        let imageSize = imageShape.reduce(1, *)
        var bytes = [UInt8]()
        bytes.reserveCapacity(indices.count * imageSize)
        pixels.withUnsafeBufferPointer { source in
            for index in indices {
                precondition(index >= 0 && index < count, "LabeledImages.selecting: index \(index) out of range 0..<\(count)")
                bytes.append(contentsOf: source[index * imageSize ..< (index + 1) * imageSize])
            }
        }
        var selection = LabeledImages(pixels: Tensor<UInt8>(shape: [indices.count] + imageShape, scalars: bytes),
                                      labels: indices.map { labels[$0] }, maximumValue: maximumValue, layout: layout)
        selection.augmentation = augmentation
        return selection
    }

    /// `limit` images spread evenly over the set (indices `⌊i·N / limit⌋`), all when there are
    /// fewer: a quick run's sample covers every class even where the files are sorted by class
    /// (the MNIST 5k subset is).
    public func evenlySpaced(_ limit: Int) -> LabeledImages {
        limit >= count ? self : selecting((0..<limit).map { $0 * count / limit })
    }

    /// A fixed split of a set that has none: every fifth image (indices 0, 5, 10, …) is the test
    /// split, the others the training split.
    public func holdingOutEveryFifth(_ split: DatasetSplit) -> LabeledImages {
        selecting((0..<count).filter { ($0 % 5 == 0) == (split == .test) })
    }
}
