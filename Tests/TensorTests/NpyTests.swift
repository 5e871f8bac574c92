import Foundation
import Testing
import Tensor
import _TestSupport

/// A fresh empty folder for files a test writes.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("gradus-files-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A committed fixture file by name and extension.
func fixtureURL(_ name: String, _ fileExtension: String) throws -> URL {
    try #require(Bundle.module.url(forResource: name, withExtension: fileExtension, subdirectory: "Fixtures"))
}

/// Any tensor's elements as `Double`s (booleans as 0 and 1), for comparing with fixtures.
func doubles(_ tensor: AnyTensor) -> [Double] {
    switch tensor {
    case .float32(let t): t.scalars.map { Double($0) }
    case .float64(let t): t.scalars
    case .int32(let t): t.scalars.map { Double($0) }
    case .int64(let t): t.scalars.map { Double($0) }
    case .uint8(let t): t.scalars.map { Double($0) }
    case .bool(let t): t.scalars.map { $0 ? 1 : 0 }
    }
}

/// Expects `body` to throw a `TensorFileError` that names `url` and mentions `words`.
func expectFileError(_ url: URL, mentioning words: String, sourceLocation: SourceLocation = #_sourceLocation,
                     _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("no error for \(url.lastPathComponent) (expected one mentioning '\(words)')", sourceLocation: sourceLocation)
    } catch let error as TensorFileError {
        #expect(error.path == url.path, sourceLocation: sourceLocation)
        #expect(error.description.contains(url.path), sourceLocation: sourceLocation)
        #expect(error.problem.contains(words), "\(error)", sourceLocation: sourceLocation)
        #expect(!error.remedy.isEmpty, sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

@Suite struct NpyTests {
    let expected = try! Fixture("files", bundle: .module)

    @Test(arguments: [
        ("npy_f4", DataType.float32), ("npy_f8", .float64), ("npy_i4", .int32), ("npy_i8", .int64),
        ("npy_u1", .uint8), ("npy_b1", .bool), ("npy_empty", .float32), ("npy_fortran", .float64),
    ])
    func readsWhatNumPyWrote(name: String, dataType: DataType) throws {
        let tensor = try AnyTensor(contentsOfNpy: fixtureURL(name, "npy"))
        let reference = try #require(expected.entries[name])
        #expect(tensor.dataType == dataType)
        #expect(tensor.shape == reference.shape)
        #expect(doubles(tensor).map(\.bitPattern) == reference.data.map(\.bitPattern))  // -0.0 and inf included
    }

    @Test func readsVersionTwoHeaders() throws {
        let tensor = try Tensor<Float>(contentsOfNpy: fixtureURL("npy_version2", "npy"))
        #expect(tensor.shape == [2, 3])
        #expect(tensor.scalars == [-0.5, -0.25, 0, 0.25, 0.5, 0.75])
    }

    @Test func writesTheBytesNumPyWrites() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["npy_f4", "npy_f8", "npy_i4", "npy_i8", "npy_u1", "npy_b1", "npy_empty"] {
            let source = try fixtureURL(name, "npy")
            let copy = folder.appendingPathComponent(name + ".npy")
            try AnyTensor(contentsOfNpy: source).writeNpy(to: copy)
            #expect(try Data(contentsOf: copy) == Data(contentsOf: source), "\(name)")
        }
    }

    @Test func roundTripsEveryDataTypeAndLayout() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("x.npy")
        let matrix = Tensor<Float>(shape: [3, 4], scalars: (0..<12).map { Float($0) * 0.5 })
        let cases: [AnyTensor] = [
            AnyTensor(matrix.transposed()),                                    // non-contiguous
            AnyTensor(matrix.sliced(axis: 1, from: 0, by: 2)),                 // stepped slice
            AnyTensor(Tensor<Double>([1, 2]).expanded(to: [3, 2])),           // broadcast, stride 0
            AnyTensor(Tensor<Double>(.pi)),                                    // rank 0
            AnyTensor(Tensor<Int32>(shape: [2, 0, 3], scalars: [])),          // zero-size
            AnyTensor(Tensor<Int>([Int.min, -1, Int.max])),
            AnyTensor(Tensor<UInt8>([0, 1, 255])),
            AnyTensor(Tensor<Bool>(shape: [2, 2], scalars: [true, false, false, true])),
        ]
        for tensor in cases {
            try tensor.writeNpy(to: url)
            let restored = try AnyTensor(contentsOfNpy: url)
            #expect(restored == tensor)
        }
        try matrix.writeNpy(to: url)
        #expect(try Tensor<Float>(contentsOfNpy: url) == matrix)
        let headerLength = try Data(contentsOf: url).count - 12 * 4
        #expect(headerLength % 64 == 0)  // the data starts 64-aligned, as NumPy requires
    }

    @Test func typedReadOfAnotherTypeThrows() throws {
        let url = try fixtureURL("npy_f8", "npy")
        expectFileError(url, mentioning: "float64") { _ = try Tensor<Float>(contentsOfNpy: url) }
    }

    @Test func rejectsBigEndianWithAdvice() throws {
        let url = try fixtureURL("npy_bigendian", "npy")
        expectFileError(url, mentioning: "big-endian") { _ = try AnyTensor(contentsOfNpy: url) }
    }

    @Test func malformedFilesThrowErrorsNamingTheFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = try Data(contentsOf: fixtureURL("npy_f4", "npy"))  // 128-byte header, 24 bytes of data
        func header(_ text: String) -> Data {
            var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
            let body = Array(text.utf8) + [0x0A]
            bytes += [UInt8(body.count & 0xFF), UInt8(body.count >> 8)] + body
            return Data(bytes)
        }
        let cases: [(String, Data, String)] = [
            ("short", good.prefix(7), "too short"),
            ("truncated-header", good.prefix(60), "truncated header"),
            ("truncated-data", good.dropLast(1), "truncated data"),
            ("extra-data", good + Data([0]), "after the"),
            ("bad-magic", Data([0x93]) + Data("NUMPZ".utf8) + good.dropFirst(6), "magic"),
            ("bad-version", good.prefix(6) + Data([9, 0]) + good.dropFirst(8), "version 9.0"),
            ("bad-literal", header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }"), "dict literal"),
            ("unclosed", header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3"), "dict literal"),
            ("no-shape", header("{'descr': '<f4', 'fortran_order': False}"), "shape"),
            ("negative-shape", header("{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 3), }"), "non-negative"),
            ("huge-shape", header("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }"), "too large"),
            ("complex", header("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }") + Data(count: 8), "'<c8'"),
            ("structured", header("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }"), "descr"),
            ("deep", header(String(repeating: "(", count: 10_000)), "dict literal"),
        ]
        for (name, bytes, words) in cases {
            let url = folder.appendingPathComponent(name + ".npy")
            try bytes.write(to: url)
            expectFileError(url, mentioning: words) { _ = try AnyTensor(contentsOfNpy: url) }
        }
        let missing = folder.appendingPathComponent("missing.npy")
        expectFileError(missing, mentioning: "cannot be read") { _ = try AnyTensor(contentsOfNpy: missing) }
    }

    @Test func writingIsAtomic() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("weights.npy")
        try Tensor<Float>([1, 2, 3]).writeNpy(to: url)
        try Tensor<Float>([4, 5]).writeNpy(to: url)  // replaces the old file
        #expect(try Tensor<Float>(contentsOfNpy: url).scalars == [4, 5])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["weights.npy"])  // no temporary left
        let nowhere = folder.appendingPathComponent("no-such-folder/weights.npy")
        expectFileError(nowhere, mentioning: "temporary file") { try Tensor<Float>([1]).writeNpy(to: nowhere) }
    }
}
