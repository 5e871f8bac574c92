import Foundation
import Testing
@testable import Zoo

@Suite("Dataset file readers: gzip, IDX, CSV, CIFAR-10 records")
struct DatasetReaderTests {
    @Test func gunzipReadsStoredBlocksAndConcatenatedMembers() throws {
        let bytes = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 * 7) }  // spans two stored blocks
        #expect(try DatasetFile.gunzip(gzip(bytes), path: "a.gz") == bytes)
        #expect(try DatasetFile.gunzip(gzip([1, 2]) + gzip([3]), path: "b.gz") == [1, 2, 3])
    }

    @Test func filesThatAreNotGzipAreReadAsStored() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write([5, 6, 7], to: "plain.gz")
        #expect(try DatasetFile.contents(of: file) == [5, 6, 7])
    }

    @Test func damagedGzipStreamsThrowNamingTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let good = gzip(Array(repeating: 42, count: 1000))
        let truncated = try directory.write(Array(good.prefix(good.count / 2)), to: "truncated.gz")
        expectCorrupt(truncated.path, mentioning: "truncated") { _ = try DatasetFile.contents(of: truncated) }

        var flipped = good
        flipped[100] ^= 0xFF  // a data byte: the CRC-32 in the trailer no longer matches
        let badChecksum = try directory.write(flipped, to: "checksum.gz")
        expectCorrupt(badChecksum.path, mentioning: "bad gzip stream") { _ = try DatasetFile.contents(of: badChecksum) }

        var badMethod = good
        badMethod[2] = 7  // compression method other than deflate
        let badHeader = try directory.write(badMethod, to: "header.gz")
        expectCorrupt(badHeader.path, mentioning: "bad gzip stream") { _ = try DatasetFile.contents(of: badHeader) }
    }

    @Test func idxRoundTripsImagesAndLabels() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let values = (0..<12).map { UInt8($0 * 20) }
        let images = try directory.write(gzip(idx(shape: [3, 2, 2], values: values)), to: "images-idx3-ubyte.gz")
        let labels = try directory.write(idx(shape: [3], values: [7, 0, 9]), to: "labels-idx1-ubyte")
        let imageTensor = try IDXFile.read(contentsOf: images)
        #expect(imageTensor.shape == [3, 2, 2])
        #expect(imageTensor.scalars == values)
        #expect(imageTensor[1, 0, 1] == 100)
        #expect(try IDXFile.read(contentsOf: labels).scalars == [7, 0, 9])
    }

    @Test func damagedIDXFilesThrowNamingTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let good = idx(shape: [2, 2, 2], values: Array(repeating: 1, count: 8))
        var magic = good
        magic[0] = 0x1F
        let badMagic = try directory.write(magic, to: "magic-idx3-ubyte")
        expectCorrupt(badMagic.path, mentioning: "magic") { _ = try IDXFile.read(contentsOf: badMagic) }

        var floatType = good
        floatType[2] = 0x0D
        let badType = try directory.write(floatType, to: "type-idx3-ubyte")
        expectCorrupt(badType.path, mentioning: "type code") { _ = try IDXFile.read(contentsOf: badType) }

        let short = try directory.write(Array(good.dropLast()), to: "short-idx3-ubyte")
        expectCorrupt(short.path, mentioning: "(24 bytes) but the file has 23 bytes") { _ = try IDXFile.read(contentsOf: short) }
        let long = try directory.write(good + [0], to: "long-idx3-ubyte")
        expectCorrupt(long.path, mentioning: "(24 bytes) but the file has 25 bytes") { _ = try IDXFile.read(contentsOf: long) }
        let headerOnly = try directory.write(Array(good.prefix(10)), to: "header-idx3-ubyte")
        expectCorrupt(headerOnly.path, mentioning: "declares 3 dimensions") { _ = try IDXFile.read(contentsOf: headerOnly) }
    }

    @Test func csvReadsIntegersWithSpacesCarriageReturnsAndBlankLines() throws {
        let text = "1, 2,3\r\n\n40,50 ,60\n7,8,9"
        let table = try IntegerCSV(parsing: Array(text.utf8), path: "t.csv")
        #expect(table.rowCount == 3)
        #expect(table.columnCount == 3)
        #expect(table.values == [1, 2, 3, 40, 50, 60, 7, 8, 9])
    }

    @Test func malformedCSVThrowsNamingTheFileAndLine() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let ragged = try directory.write(Array("1,2,3\n4,5\n".utf8), to: "ragged.csv")
        expectCorrupt(ragged.path, mentioning: "line 2: 2 fields where the first row has 3") {
            _ = try IntegerCSV(contentsOf: ragged)
        }
        let text = try directory.write(gzip(Array("1,2\n3,x\n".utf8)), to: "text.csv.gz")
        expectCorrupt(text.path, mentioning: "line 2: field 2 is not an integer") { _ = try IntegerCSV(contentsOf: text) }
        let negative = try directory.write(Array("1,-2\n".utf8), to: "negative.csv")
        expectCorrupt(negative.path, mentioning: "line 1: field 2") { _ = try IntegerCSV(contentsOf: negative) }
        let empty = try directory.write([], to: "empty.csv")
        expectCorrupt(empty.path, mentioning: "no rows") { _ = try IntegerCSV(contentsOf: empty) }
    }

    /// Two records: label, then red plane, green plane, blue plane, each 32×32 row-major.
    static func cifarRecords() -> [UInt8] {
        var bytes = [UInt8]()
        for (label, base) in [(3, 0), (9, 100)] {
            bytes.append(UInt8(label))
            for channel in 0..<3 {
                for row in 0..<32 {
                    for column in 0..<32 { bytes.append(UInt8((base + channel * 50 + row + column) % 256)) }
                }
            }
        }
        return bytes
    }

    @Test func cifarRecordsAreChannelMajor() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write(Self.cifarRecords(), to: "cifar-10/cifar-10-batches-bin/test_batch.bin")
        let images = try CIFAR10Records.read(contentsOf: [file, file])
        #expect(images.pixels.shape == [4, 3, 32, 32])
        #expect(images.labels == [3, 9, 3, 9])
        #expect(images.pixels[1, 2, 5, 7] == UInt8(100 + 2 * 50 + 5 + 7))
        #expect(images.pixels[0, 1, 31, 0] == UInt8(50 + 31))
        let dataset = try CIFAR10(split: .test, dataDirectory: directory.url)
        #expect(dataset.count == 2)
        let sample = dataset.sample(at: 1)
        #expect(sample.features.shape == [3, 32, 32])
        #expect(sample.label == 9)
        #expect(sample.features[0, 0, 1] == Float(101) / 255)
    }

    @Test func damagedCIFARRecordsThrowNamingTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let records = Self.cifarRecords()
        let short = try directory.write(Array(records.dropLast(5)), to: "short.bin")
        expectCorrupt(short.path, mentioning: "not a whole number of 3073-byte") {
            _ = try CIFAR10Records.read(contentsOf: [short])
        }
        var labelled = records
        labelled[3073] = 10
        let badLabel = try directory.write(labelled, to: "label.bin")
        expectCorrupt(badLabel.path, mentioning: "record 1 has label 10") { _ = try CIFAR10Records.read(contentsOf: [badLabel]) }
    }

    @Test func missingCIFARSaysWhereToGetIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect {
            try CIFAR10(split: .train, dataDirectory: directory.url)
        } throws: { error in
            guard case let DatasetError.notInstalled(dataset, searchedPath, remedy) = error else { return false }
            return dataset == "CIFAR-10" && searchedPath.hasSuffix("cifar-10/cifar-10-batches-bin/data_batch_1.bin")
                && remedy.contains("cifar-10-binary.tar.gz")
        }
    }
}
