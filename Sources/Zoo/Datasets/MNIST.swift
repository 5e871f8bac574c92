import Foundation

/// MNIST: 70,000 handwritten digits, 28×28 greyscale, 10 classes (60,000 train / 10,000 test).
///
/// Read from the official IDX files that `scripts/install-data` places in
/// `<dataDirectory>/mnist/`. Samples are `[1, 28, 28]` floats in `[0, 1]` (or as `layout` says:
/// `.cifarShaped` gives `[3, 32, 32]`). LeCun et al., http://yann.lecun.com/exdb/mnist/.
public struct MNIST: InMemoryImageDataset {
    public let images: LabeledImages

    /// Loads one split into memory (as bytes; ~0.1 s for the training set).
    ///
    /// - Parameters:
    ///   - split: `.train` (60,000 images) or `.test` (10,000).
    ///   - dataDirectory: where `scripts/install-data` put the data; `~/.gradus/data` by default.
    ///   - layout: padding and channel repetition applied to each sample.
    /// - Throws: `DatasetError.notInstalled` (with the install command) when the files are
    ///   missing, `DatasetError.corruptFile` when one is damaged.
    public init(split: DatasetSplit, dataDirectory: URL = DataDirectory.defaultURL, layout: ImageLayout = .native) throws {
        images = try IDXDigitFiles.load(dataset: "MNIST", subfolder: "mnist", split: split,
                                        dataDirectory: dataDirectory, layout: layout)
    }
}

/// Fashion-MNIST: 70,000 28×28 greyscale photos of clothing in 10 classes (60,000 / 10,000),
/// a drop-in replacement for MNIST that is harder to classify.
///
/// Read from the IDX files Debian's `dataset-fashion-mnist` ships, which `scripts/install-data`
/// places in `<dataDirectory>/fashion-mnist/`. With `layout: .cifarShaped` the samples have
/// CIFAR-10's `[3, 32, 32]` shape. Xiao et al. 2017, https://arxiv.org/abs/1708.07747.
public struct FashionMNIST: InMemoryImageDataset {
    public let images: LabeledImages

    /// The class names, in label order.
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// Loads one split into memory.
    ///
    /// - Parameters:
    ///   - split: `.train` (60,000 images) or `.test` (10,000).
    ///   - dataDirectory: where `scripts/install-data` put the data; `~/.gradus/data` by default.
    ///   - layout: padding and channel repetition applied to each sample.
    /// - Throws: `DatasetError.notInstalled` (with the install command) when the files are
    ///   missing, `DatasetError.corruptFile` when one is damaged.
    public init(split: DatasetSplit, dataDirectory: URL = DataDirectory.defaultURL, layout: ImageLayout = .native) throws {
        images = try IDXDigitFiles.load(dataset: "Fashion-MNIST", subfolder: "fashion-mnist", split: split,
                                        dataDirectory: dataDirectory, layout: layout)
    }
}

/// The pair of IDX files (images, labels) that MNIST and Fashion-MNIST store each split in.
enum IDXDigitFiles {
    static func fileNames(for split: DatasetSplit) -> (images: String, labels: String) {
        let prefix = split == .train ? "train" : "t10k"
        return ("\(prefix)-images-idx3-ubyte.gz", "\(prefix)-labels-idx1-ubyte.gz")
    }

    static func load(dataset: String, subfolder: String, split: DatasetSplit, dataDirectory: URL,
                     layout: ImageLayout) throws -> LabeledImages {
        let names = fileNames(for: split)
        let urls = try DataDirectory.locate(dataset: dataset, subfolder: subfolder,
                                            files: [names.images, names.labels], in: dataDirectory)
        return try load(images: urls[0], labels: urls[1], classCount: 10, layout: layout)
    }

    /// Reads an `idx3` image file and an `idx1` label file and checks that they agree.
    static func load(images imageURL: URL, labels labelURL: URL, classCount: Int, layout: ImageLayout) throws -> LabeledImages {
        let images = try IDXFile.read(contentsOf: imageURL)
        guard images.rank == 3 else {
            throw DatasetError.corruptFile(path: imageURL.path, problem: "images have shape \(images.shape), not [count, rows, columns]")
        }
        let labels = try IDXFile.read(contentsOf: labelURL)
        guard labels.rank == 1, labels.shape[0] == images.shape[0] else {
            throw DatasetError.corruptFile(
                path: labelURL.path, problem: "labels have shape \(labels.shape) for \(images.shape[0]) images")
        }
        let labelValues = labels.scalars.map(Int.init)
        if let bad = labelValues.firstIndex(where: { $0 >= classCount }) {
            throw DatasetError.corruptFile(
                path: labelURL.path, problem: "label \(labelValues[bad]) at index \(bad) is not below \(classCount)")
        }
        let pixels = images.reshaped(to: [images.shape[0], 1, images.shape[1], images.shape[2]])
        return LabeledImages(pixels: pixels, labels: labelValues, maximumValue: 255, layout: layout)
    }
}
