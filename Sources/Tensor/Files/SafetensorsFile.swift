import Foundation

/// A safetensors file: named tensors of several element types plus string metadata, the format
/// Gradus checkpoints use (DESIGN.md, decision 10).
///
/// Layout (https://github.com/huggingface/safetensors): an 8-byte little-endian header length `N`,
/// `N` bytes of JSON `{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {…}}`,
/// then the data buffer, offsets relative to its start. Reading checks every offset against the
/// buffer, the shape and the dtype before copying a byte.
///
/// ```swift
/// var file = SafetensorsFile(metadata: ["seed": "42"])
/// file.tensors["layer.weight"] = AnyTensor(weight)
/// try file.write(to: url)
/// let restored = try SafetensorsFile(contentsOf: url).tensors["layer.weight"]?.float32
/// ```
public struct SafetensorsFile: Sendable, Equatable {
    /// The tensors by name.
    public var tensors: [String: AnyTensor]
    /// String metadata (`__metadata__`): seed, thread count, revision, …
    public var metadata: [String: String]

    /// A file's contents in memory, to be written with `write(to:)`.
    public init(tensors: [String: AnyTensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Headers larger than this are refused, as the reference implementation does.
    static let maximumHeaderLength = 100_000_000

    /// Reads a safetensors file.
    ///
    /// - Throws: `TensorFileError` naming the file when it cannot be read, is truncated, has a
    ///   malformed header, an unsupported dtype, or offsets that do not fit the data.
    public init(contentsOf url: URL) throws {
        let data = try TensorFileIO.contents(of: url)
        self = try data.withUnsafeBytes { try SafetensorsFile.decode($0, path: url.path) }
    }

    /// Writes the file atomically: an existing file is replaced only once the new one is complete.
    ///
    /// Tensors are laid out in the reference implementation's order (by dtype, 8-byte types first,
    /// then by name), so each one is aligned to its element size and the bytes match what Python's
    /// `safetensors.save_file` writes for the same tensors and a single metadata entry.
    /// - Precondition: no tensor is named `__metadata__`.
    /// - Throws: `TensorFileError` when the file cannot be written.
    public func write(to url: URL) throws {
        precondition(tensors["__metadata__"] == nil, "SafetensorsFile.write: '__metadata__' is reserved and cannot name a tensor")
        let names = tensors.keys.sorted { lhs, rhs in
            let left = tensors[lhs]!.dataType.safetensorsOrder, right = tensors[rhs]!.dataType.safetensorsOrder
            return left != right ? left < right : lhs < rhs
        }
        var json = "{"
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            json += "\"__metadata__\":{" + pairs.joined(separator: ",") + "}"
        }
        var offset = 0
        for name in names {
            let tensor = tensors[name]!
            let byteCount = tensor.shape.reduce(tensor.dataType.byteCount, *)
            if json.count > 1 { json += "," }
            json += "\(jsonString(name)):{\"dtype\":\"\(tensor.dataType.safetensorsName)\","
                + "\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],"
                + "\"data_offsets\":[\(offset),\(offset + byteCount)]}"
            offset += byteCount
        }
        json += "}"
        var header = Array(json.utf8)
        header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)  // the data starts 8-aligned
        let length = UInt64(header.count)
        try TensorFileIO.writeAtomically(to: url) { writer in
            try writer.write((0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) } + header)
            for name in names { try tensors[name]!.withUnsafeBytes { try writer.write($0) } }
        }
    }

    /// Decodes the bytes of a safetensors file; `path` names it in errors.
    static func decode(_ bytes: UnsafeRawBufferPointer, path: String) throws -> SafetensorsFile {
        func failure(_ problem: String) -> TensorFileError {
            TensorFileError(path: path, problem: problem, remedy: FileRemedy.safetensors)
        }
        guard bytes.count >= 8 else { throw failure("is \(bytes.count) bytes long, too short for the 8-byte header length") }
        let declared = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[$1]) << (8 * UInt64($1)) }
        guard declared <= UInt64(bytes.count - 8) else {
            throw failure("declares a header of \(declared) bytes but the file has only \(bytes.count) bytes (truncated header, or not a safetensors file)")
        }
        guard declared <= UInt64(maximumHeaderLength) else {
            throw failure("declares a header of \(declared) bytes, more than the \(maximumHeaderLength) allowed")
        }
        let headerEnd = 8 + Int(declared)
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[8..<headerEnd])
        guard headerBytes.first == UInt8(ascii: "{"),
              let object = try? JSONSerialization.jsonObject(with: Data(headerBytes)),
              let header = object as? [String: Any] else {
            throw failure("the header is not a JSON object")
        }
        var result = SafetensorsFile()
        if let metadata = header["__metadata__"] {
            guard let strings = metadata as? [String: String] else {
                throw failure("the header's __metadata__ is not an object of strings")
            }
            result.metadata = strings
        }
        let dataLength = bytes.count - headerEnd
        var entries: [(name: String, entry: SafetensorsEntry)] = []
        for (name, value) in header where name != "__metadata__" {
            let entry = try SafetensorsEntry(name: name, json: value, path: path)
            guard let byteCount = checkedByteCount(shape: entry.shape, elementSize: entry.dataType.byteCount) else {
                throw failure("tensor '\(name)' has shape \(entry.shape), too large to address")
            }
            guard entry.begin <= entry.end, entry.end <= dataLength else {
                throw failure("tensor '\(name)' has data offsets [\(entry.begin), \(entry.end)] outside the \(dataLength)-byte data buffer")
            }
            guard entry.end - entry.begin == byteCount else {
                throw failure("tensor '\(name)' has data offsets [\(entry.begin), \(entry.end)] (\(entry.end - entry.begin) bytes) but dtype \(entry.dataType.safetensorsName) and shape \(entry.shape) need \(byteCount) bytes")
            }
            entries.append((name, entry))
        }
        // Sorted by start, no range may begin before the previous one ends (empty ranges hold nothing).
        let occupied = entries.filter { $0.entry.begin < $0.entry.end }.sorted { $0.entry.begin < $1.entry.begin }
        for (previous, next) in zip(occupied, occupied.dropFirst()) where next.entry.begin < previous.entry.end {
            throw failure("tensors '\(previous.name)' and '\(next.name)' overlap in the data buffer")
        }
        for (name, entry) in entries {
            let payload = UnsafeRawBufferPointer(rebasing: bytes[(headerEnd + entry.begin)..<(headerEnd + entry.end)])
            result.tensors[name] = AnyTensor.fromBytes(payload, dataType: entry.dataType, shape: entry.shape)
        }
        return result
    }
}

/// One tensor's entry in the JSON header, with every field checked for type.
private struct SafetensorsEntry {
    let dataType: DataType
    let shape: [Int]
    let begin: Int
    let end: Int

    init(name: String, json: Any, path: String) throws {
        func failure(_ problem: String) -> TensorFileError {
            TensorFileError(path: path, problem: problem, remedy: FileRemedy.safetensors)
        }
        guard let fields = json as? [String: Any] else { throw failure("tensor '\(name)' is not described by a JSON object") }
        guard let dtype = fields["dtype"] as? String else { throw failure("tensor '\(name)' has no dtype string") }
        guard let dataType = DataType(safetensorsName: dtype) else {
            throw TensorFileError(path: path,
                                  problem: "tensor '\(name)' has dtype '\(dtype)', which is not supported (F32 F64 I32 I64 U8 BOOL are)",
                                  remedy: "Convert the tensor to a supported dtype before saving, e.g. tensor.float() in PyTorch")
        }
        guard let shape = (fields["shape"] as? [Any])?.compactMap({ $0 as? Int }),
              shape.count == (fields["shape"] as? [Any])?.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw failure("tensor '\(name)' has no shape list of non-negative integers")
        }
        guard let offsets = fields["data_offsets"] as? [Any], offsets.count == 2,
              let begin = offsets[0] as? Int, let end = offsets[1] as? Int, begin >= 0, end >= 0 else {
            throw failure("tensor '\(name)' has no data_offsets pair of non-negative integers")
        }
        self.dataType = dataType
        self.shape = shape
        self.begin = begin
        self.end = end
    }
}

extension DataType {
    /// The dtype name in a safetensors header.
    var safetensorsName: String {
        switch self {
        case .float32: "F32"
        case .float64: "F64"
        case .int32: "I32"
        case .int64: "I64"
        case .uint8: "U8"
        case .bool: "BOOL"
        }
    }

    /// The reference implementation's layout order: larger elements first (I64, F64, F32, I32, U8, BOOL).
    var safetensorsOrder: Int {
        switch self {
        case .int64: 0
        case .float64: 1
        case .float32: 2
        case .int32: 3
        case .uint8: 4
        case .bool: 5
        }
    }

    init?(safetensorsName: String) {
        guard let match = DataType.allCases.first(where: { $0.safetensorsName == safetensorsName }) else { return nil }
        self = match
    }
}

/// `value` as a JSON string literal.
private func jsonString(_ value: String) -> String {
    var result = "\""
    for scalar in value.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}
