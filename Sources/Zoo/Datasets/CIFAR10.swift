import Foundation

/// CIFAR-10: 32×32 colour photos in 10 classes, read from the binary version's record files.
///
/// CIFAR-10 cannot be installed offline (no package ships it), so `scripts/install-data` does not
/// install it; users who have `cifar-10-binary.tar.gz` unpack it into `<dataDirectory>/cifar-10/`
/// (giving `cifar-10-batches-bin/data_batch_{1…5}.bin` and `test_batch.bin`). Samples are
/// `[3, 32, 32]` floats in `[0, 1]`. Krizhevsky 2009, https://www.cs.toronto.edu/~kriz/cifar.html.
public struct CIFAR10: InMemoryImageDataset {
    public let images: LabeledImages

    /// The class names, in label order.
    public static let classNames = ["airplane", "automobile", "bird", "cat", "deer",
                                    "dog", "frog", "horse", "ship", "truck"]

    /// Loads one split (50,000 training or 10,000 test images) into memory.
    ///
    /// - Throws: `DatasetError.notInstalled` saying where to get the files when they are missing,
    ///   `DatasetError.corruptFile` when a file's length is not a whole number of records or a
    ///   label is out of range.
    public init(split: DatasetSplit, dataDirectory: URL = DataDirectory.defaultURL) throws {
        let files = split == .train ? (1...5).map { "cifar-10-batches-bin/data_batch_\($0).bin" }
                                    : ["cifar-10-batches-bin/test_batch.bin"]
        let folder = dataDirectory.appendingPathComponent("cifar-10").path
        let urls = try DataDirectory.locate(
            dataset: "CIFAR-10", subfolder: "cifar-10", files: files, in: dataDirectory,
            remedy: "No package ships CIFAR-10, so scripts/install-data cannot install it: download "
                + "cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html and unpack it "
                + "into \(folder)")
        images = try CIFAR10Records.read(contentsOf: urls)
    }

    /// The images in CIFAR-10 binary record files at `urls`, in order (for files kept elsewhere).
    ///
    /// - Throws: `DatasetError.corruptFile` naming the file that is damaged.
    public init(recordFiles urls: [URL]) throws {
        images = try CIFAR10Records.read(contentsOf: urls)
    }
}

/// The CIFAR-10 binary format: records of 1 label byte then 3,072 pixel bytes — the 1,024 red
/// values of the 32×32 image row by row, then the green, then the blue (channel-major).
public enum CIFAR10Records {
    /// The bytes of one record: a label and `3 × 32 × 32` pixels.
    public static let recordLength = 1 + 3 * 32 * 32

    /// The records of the (possibly gzip-compressed) files at `urls`, concatenated in order.
    ///
    /// - Returns: images `[N, 3, 32, 32]` with their labels.
    /// - Throws: `DatasetError.corruptFile` naming the file when its length is not a positive
    ///   multiple of 3,073 bytes or a label is 10 or more.
    public static func read(contentsOf urls: [URL], classCount: Int = 10) throws -> LabeledImages {
        var pixels = [UInt8]()
        var labels = [Int]()
        let imageLength = recordLength - 1
        for url in urls {
            let bytes = try DatasetFile.contents(of: url)
            guard !bytes.isEmpty, bytes.count % recordLength == 0 else {
                throw DatasetError.corruptFile(
                    path: url.path,
                    problem: "\(bytes.count) bytes is not a whole number of \(recordLength)-byte CIFAR records")
            }
            let recordCount = bytes.count / recordLength
            pixels.reserveCapacity(pixels.count + recordCount * imageLength)
            for record in 0..<recordCount {
                let start = record * recordLength
                let label = Int(bytes[start])
                guard label < classCount else {
                    throw DatasetError.corruptFile(
                        path: url.path, problem: "record \(record) has label \(label), not below \(classCount)")
                }
                labels.append(label)
                pixels.append(contentsOf: bytes[(start + 1)..<(start + recordLength)])
            }
        }
        return LabeledImages(pixels: Tensor(shape: [labels.count, 3, 32, 32], scalars: pixels), labels: labels)
    }
}
