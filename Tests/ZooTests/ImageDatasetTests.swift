import Foundation
import Testing
@testable import Zoo

@Suite("MNIST, Fashion-MNIST, optdigits, scikit-learn digits and MNIST 5k from small files in a data directory")
struct ImageDatasetTests {
    /// Writes a 3-image MNIST-layout split into `folder` (images 28×28 with pixel (r, c) = r + c + 10·i).
    static func writeIDXSplit(in directory: TemporaryDirectory, folder: String, split: String, labels: [UInt8]) throws {
        var pixels = [UInt8]()
        for image in labels.indices {
            for row in 0..<28 { for column in 0..<28 { pixels.append(UInt8(row + column + 10 * image)) } }
        }
        try directory.write(gzip(idx(shape: [labels.count, 28, 28], values: pixels)), to: "\(folder)/\(split)-images-idx3-ubyte.gz")
        try directory.write(gzip(idx(shape: [labels.count], values: labels)), to: "\(folder)/\(split)-labels-idx1-ubyte.gz")
    }

    @Test func mnistSamplesAreFloatsInTheNativeAndCIFARLayouts() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.writeIDXSplit(in: directory, folder: "mnist", split: "t10k", labels: [4, 0, 9])
        let mnist = try MNIST(split: .test, dataDirectory: directory.url)
        #expect(mnist.count == 3)
        let sample = mnist.sample(at: 2)
        #expect(sample.label == 9)
        #expect(sample.features.shape == [1, 28, 28])
        #expect(sample.features[0, 3, 5] == Float(3 + 5 + 20) / 255)

        let cifarShaped = try MNIST(split: .test, dataDirectory: directory.url, layout: .cifarShaped).sample(at: 2).features
        #expect(cifarShaped.shape == [3, 32, 32])
        for channel in 0..<3 {
            #expect(cifarShaped[channel, 3 + 2, 5 + 2] == Float(28) / 255)
            #expect(cifarShaped[channel, 0, 0] == 0 && cifarShaped[channel, 31, 31] == 0 && cifarShaped[channel, 1, 10] == 0)
        }
        #expect(try MNIST(split: .test, dataDirectory: directory.url, layout: .padded32).sample(at: 0).features.shape == [1, 32, 32])
    }

    @Test func fashionMNISTReadsItsOwnFolder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.writeIDXSplit(in: directory, folder: "fashion-mnist", split: "train", labels: [1, 8])
        let fashion = try FashionMNIST(split: .train, dataDirectory: directory.url)
        #expect(fashion.images.labels == [1, 8])
        #expect(FashionMNIST.classNames[fashion.sample(at: 1).label] == "Bag")
    }

    @Test func missingDatasetNamesTheDatasetPathAndInstallCommand() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            _ = try FashionMNIST(split: .train, dataDirectory: directory.url)
            Issue.record("expected DatasetError.notInstalled")
        } catch let DatasetError.notInstalled(dataset, searchedPath, remedy) {
            #expect(dataset == "Fashion-MNIST")
            #expect(searchedPath == directory.url.appendingPathComponent("fashion-mnist/train-images-idx3-ubyte.gz").path)
            #expect(remedy.contains("scripts/install-data --data-dir '\(directory.url.path)'"))
            let message = "\(DatasetError.notInstalled(dataset: dataset, searchedPath: searchedPath, remedy: remedy))"
            #expect(message.contains("Fashion-MNIST is not installed") && message.contains(searchedPath))
        }
        #expect(DataDirectory.installCommand(for: DataDirectory.defaultURL) == "scripts/install-data")
        #expect(DataDirectory.defaultURL.path.hasSuffix("/.gradus/data"))
    }

    @Test func labelFileThatDisagreesWithTheImagesThrows() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.writeIDXSplit(in: directory, folder: "mnist", split: "train", labels: [1, 2, 3])
        let labels = try directory.write(gzip(idx(shape: [2], values: [1, 2])), to: "mnist/train-labels-idx1-ubyte.gz")
        expectCorrupt(labels.path, mentioning: "for 3 images") { _ = try MNIST(split: .train, dataDirectory: directory.url) }
        let badLabel = try directory.write(gzip(idx(shape: [3], values: [1, 2, 10])), to: "mnist/train-labels-idx1-ubyte.gz")
        expectCorrupt(badLabel.path, mentioning: "label 10 at index 2") { _ = try MNIST(split: .train, dataDirectory: directory.url) }
    }

    /// A CSV row of a `side × side` image with pixel k = k % modulus, then `label`.
    static func csvRow(side: Int, modulus: Int, label: Int) -> String {
        ((0..<(side * side)).map { String($0 % modulus) } + [String(label)]).joined(separator: ",")
    }

    @Test func csvDigitDatasetsScaleByTheirMaximum() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let rows8 = [Self.csvRow(side: 8, modulus: 17, label: 3), Self.csvRow(side: 8, modulus: 17, label: 7)].joined(separator: "\n") + "\n"
        try directory.write(Array(rows8.utf8), to: "optdigits/optdigits.tes")
        try directory.write(gzip(Array(rows8.utf8)), to: "digits/digits.csv.gz")
        try directory.write(gzip(Array(Self.csvRow(side: 28, modulus: 256, label: 5).utf8)), to: "mnist-5k/mnist_5k.csv.gz")

        let optical = try OpticalDigits(split: .test, dataDirectory: directory.url)
        #expect(optical.count == 2)
        #expect(optical.sample(at: 1).label == 7)
        #expect(optical.sample(at: 1).features.shape == [1, 8, 8])
        #expect(optical.sample(at: 1).features[0, 2, 0] == 1)  // pixel 16 of 16
        #expect(optical.sample(at: 1).features[0, 0, 5] == Float(5) / 16)

        let digits = try ScikitLearnDigits(dataDirectory: directory.url)
        #expect(digits.images.labels == [3, 7])
        #expect(digits.images.pixels == optical.images.pixels)

        let subset = try MNIST5k(dataDirectory: directory.url, layout: .padded32)
        #expect(subset.count == 1)
        let features = subset.sample(at: 0).features
        #expect(features.shape == [1, 32, 32])
        #expect(features[0, 2 + 1, 2 + 2] == Float((28 + 2) % 256) / 255)
        #expect(subset.sample(at: 0).label == 5)
    }

    @Test func csvPixelsAboveTheMaximumThrow() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let row = Self.csvRow(side: 8, modulus: 18, label: 1)  // reaches 17 > 16
        let file = try directory.write(Array(row.utf8), to: "optdigits/optdigits.tra")
        expectCorrupt(file.path, mentioning: "pixel 17 exceeds 16") { _ = try OpticalDigits(split: .train, dataDirectory: directory.url) }
        let short = try directory.write(Array("1,2,3\n".utf8), to: "optdigits/optdigits.tra")
        expectCorrupt(short.path, mentioning: "rows have 3 fields") { _ = try OpticalDigits(split: .train, dataDirectory: directory.url) }
    }
}
