import Foundation
import Testing
import Tensor
import _TestSupport

@Suite struct SafetensorsTests {
    let expected = try! Fixture("files", bundle: .module)

    /// A safetensors file from a header written by hand and a data buffer.
    func file(header: String, data: Data, declaredLength: UInt64? = nil) -> Data {
        let json = Data(header.utf8)
        let length = declaredLength ?? UInt64(json.count)
        return Data((0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) }) + json + data
    }

    @Test func readsWhatPythonWrote() throws {
        let file = try SafetensorsFile(contentsOf: fixtureURL("mixed", "safetensors"))
        #expect(file.metadata == ["seed": "42"])
        let types: [String: DataType] = ["weight": .float32, "bias": .float64, "labels": .int32, "step": .int64,
                                         "pixels": .uint8, "mask": .bool, "empty": .float32]
        #expect(Set(file.tensors.keys) == Set(types.keys))
        for (name, dataType) in types {
            let tensor = try #require(file.tensors[name])
            let reference = try #require(expected.entries["safetensors_" + name])
            #expect(tensor.dataType == dataType, "\(name)")
            #expect(tensor.shape == reference.shape, "\(name)")
            #expect(doubles(tensor) == reference.data, "\(name)")
        }
        #expect(file.tensors["step"]?.int64?.scalar == 123_456_789_012)
        #expect(file.tensors["weight"]?.float32?.shape == [3, 4])
        #expect(file.tensors["weight"]?.float64 == nil)  // typed accessors answer only for their type
    }

    @Test func writesTheBytesPythonWrites() throws {
        let source = try fixtureURL("mixed", "safetensors")
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("copy.safetensors")
        try SafetensorsFile(contentsOf: source).write(to: copy)
        #expect(try Data(contentsOf: copy) == Data(contentsOf: source))
    }

    @Test func roundTripsEveryDataTypeWithMetadata() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("checkpoint.safetensors")
        let matrix = Tensor<Double>(shape: [2, 3], scalars: [1, -2, 3.5, .infinity, -0.0, 1e-310])
        var original = SafetensorsFile(metadata: ["seed": "7", "note": "quote \" backslash \\ newline \n tab \t é"])
        original.tensors = [
            "layer.0.weight": AnyTensor(Tensor<Float>(shape: [4, 3], scalars: (0..<12).map { Float($0) / 3 }).transposed()),
            "layer.0.bias": AnyTensor(matrix.sliced(axis: 1, from: 0, by: 2)),
            "scale": AnyTensor(Tensor<Double>(2.5)),                       // rank 0
            "broadcast": AnyTensor(Tensor<Int32>([1, -2]).expanded(to: [3, 2])),
            "step": AnyTensor(Tensor<Int>(Int.max)),
            "image": AnyTensor(Tensor<UInt8>([0, 127, 255])),
            "mask": AnyTensor(Tensor<Bool>([true, false, true])),
            "nothing": AnyTensor(Tensor<Float>(shape: [0, 4], scalars: [])),  // zero-size
            "weird \"name\" ü": AnyTensor(Tensor<Bool>(shape: [1, 0], scalars: [])),
        ]
        try original.write(to: url)
        let restored = try SafetensorsFile(contentsOf: url)
        #expect(restored == original)
        // The header is padded so the data buffer starts 8-aligned.
        let bytes = try Data(contentsOf: url)
        let headerLength = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(headerLength % 8 == 0)
        try SafetensorsFile().write(to: url)
        #expect(try SafetensorsFile(contentsOf: url) == SafetensorsFile())
    }

    @Test func malformedFilesThrowErrorsNamingTheFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = try Data(contentsOf: fixtureURL("mixed", "safetensors"))
        let entry = #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        let eight = Data(count: 8)
        let cases: [(String, Data, String)] = [
            ("short", good.prefix(5), "too short"),
            ("truncated-header", good.prefix(40), "truncated header"),
            ("length-beyond-file", file(header: entry, data: eight, declaredLength: 1 << 40), "only"),
            ("length-huge", file(header: entry, data: eight, declaredLength: .max), "only"),
            ("truncated-data", good.dropLast(3), "outside"),
            ("bad-magic", Data("GARBAGE!".utf8) + good.dropFirst(8), "header"),
            ("bad-json", file(header: #"{"x":{"dtype":"F32","#, data: eight), "not a JSON object"),
            ("not-object", file(header: "[1, 2]", data: eight), "not a JSON object"),
            ("offsets-out-of-bounds", file(header: #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#, data: eight), "outside"),
            ("offsets-reversed", file(header: #"{"x":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}"#, data: eight), "outside"),
            ("offsets-size", file(header: #"{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: eight), "need 12 bytes"),
            ("offsets-negative", file(header: #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}}"#, data: eight), "data_offsets"),
            ("offsets-fraction", file(header: #"{"x":{"dtype":"U8","shape":[2],"data_offsets":[0.5,2.5]}}"#, data: eight), "data_offsets"),
            ("overlap", file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}"#, data: eight), "overlap"),
            ("wrong-dtype", file(header: #"{"x":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}}"#, data: eight), "'F16'"),
            ("missing-dtype", file(header: #"{"x":{"shape":[4],"data_offsets":[0,8]}}"#, data: eight), "dtype"),
            ("negative-shape", file(header: #"{"x":{"dtype":"U8","shape":[-8],"data_offsets":[0,8]}}"#, data: eight), "shape"),
            ("huge-shape", file(header: #"{"x":{"dtype":"F64","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#, data: eight), "too large"),
            ("bad-metadata", file(header: #"{"__metadata__":{"seed":42}}"#, data: Data()), "__metadata__"),
            ("entry-not-object", file(header: #"{"x":[1,2]}"#, data: eight), "JSON object"),
        ]
        for (name, bytes, words) in cases {
            let url = folder.appendingPathComponent(name + ".safetensors")
            try bytes.write(to: url)
            expectFileError(url, mentioning: words) { _ = try SafetensorsFile(contentsOf: url) }
        }
    }

    @Test func writingIsAtomic() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.safetensors")
        try SafetensorsFile(tensors: ["a": AnyTensor(Tensor<Float>([1]))]).write(to: url)
        let replacement = SafetensorsFile(tensors: ["b": AnyTensor(Tensor<Int32>([2, 3]))], metadata: ["k": "v"])
        try replacement.write(to: url)
        #expect(try SafetensorsFile(contentsOf: url) == replacement)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.safetensors"])
        let nowhere = folder.appendingPathComponent("missing/model.safetensors")
        expectFileError(nowhere, mentioning: "temporary file") { try replacement.write(to: nowhere) }
    }
}
