import Foundation
import Testing
@testable import Zoo

/// Whether `scripts/install-data` has filled the default data directory on this machine.
let datasetsInstalled = ["mnist", "fashion-mnist", "optdigits", "digits", "mnist-5k", "photos"].allSatisfy {
    FileManager.default.fileExists(atPath: DataDirectory.defaultURL.appendingPathComponent("\($0)/.verified").path)
}

// Unit tests never need downloaded data; where CI (or a developer) has run scripts/install-data,
// these check that the real files load with the counts their publishers give. Elsewhere they
// are skipped rather than failed, because a missing download is not a defect of the code.
@Suite("The installed datasets, when scripts/install-data has run", .enabled(if: datasetsInstalled))
struct InstalledDataTests {
    @Test func mnistAndFashionMNISTHaveTheirPublishedCounts() throws {
        for split in DatasetSplit.allCases {
            let expected = split == .train ? 60_000 : 10_000
            let mnist = try MNIST(split: split)
            #expect(mnist.count == expected)
            let fashion = try FashionMNIST(split: split, layout: .cifarShaped)
            #expect(fashion.count == expected)
            // Fashion-MNIST is balanced: 6,000 / 1,000 images of each class.
            var perClass = [Int](repeating: 0, count: 10)
            for label in fashion.images.labels { perClass[label] += 1 }
            #expect(perClass == Array(repeating: expected / 10, count: 10))
            #expect(fashion.sample(at: 0).features.shape == [3, 32, 32])
        }
        // The first training digit of MNIST is a 5.
        #expect(try MNIST(split: .train).sample(at: 0).label == 5)
    }

    @Test func smallDigitDatasetsHaveTheirPublishedCounts() throws {
        #expect(try OpticalDigits(split: .train).count == 3_823)
        #expect(try OpticalDigits(split: .test).count == 1_797)
        #expect(try ScikitLearnDigits().count == 1_797)
        let subset = try MNIST5k()
        #expect(subset.count == 5_000)
        #expect(subset.sample(at: 0).features.shape == [1, 28, 28])
    }

    @Test func mnistMBlendsRealDigitsWithThePhotos() throws {
        let dataset = try MNISTM(split: .test, seed: 0)
        #expect(dataset.count == 10_000)
        #expect(dataset.photos.count >= 2 && dataset.photos.allSatisfy { $0.shape[0] == 3 })
        let features = dataset.sample(at: 0).features
        #expect(features.shape == [3, 28, 28])
        // A photo patch is coloured: the three channels differ somewhere.
        #expect(features.selecting(0, alongAxis: 0) != features.selecting(1, alongAxis: 0))
    }
}
