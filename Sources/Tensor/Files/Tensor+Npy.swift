import Foundation

/// NumPy's `.npy` format: a magic string, a version, a Python-literal header, then the raw elements.
///
/// Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html. Supported
/// dtypes: `<f4 <f8 <i4 <i8 |u1 |b1`, little-endian. Files in Fortran order are read (their
/// elements are reordered into row-major order); big-endian files are rejected with advice.

extension DataType {
    /// The dtype string `numpy.save` writes for this element type.
    var npyDescriptor: String {
        switch self {
        case .float32: "<f4"
        case .float64: "<f8"
        case .int32: "<i4"
        case .int64: "<i8"
        case .uint8: "|u1"
        case .bool: "|b1"
        }
    }

    init?(npyDescriptor: String) {
        switch npyDescriptor {
        case "<f4": self = .float32
        case "<f8": self = .float64
        case "<i4": self = .int32
        case "<i8": self = .int64
        case "|u1", "<u1", "u1": self = .uint8
        case "|b1", "<b1", "b1": self = .bool
        default: return nil
        }
    }
}

extension AnyTensor {
    /// Reads a `.npy` file, whatever its element type.
    ///
    /// - Throws: `TensorFileError` naming the file when it cannot be read, is not a `.npy` file,
    ///   is truncated, or holds an unsupported dtype.
    public init(contentsOfNpy url: URL) throws {
        let data = try TensorFileIO.contents(of: url)
        self = try data.withUnsafeBytes { try AnyTensor.decodeNpy($0, path: url.path) }
    }

    /// Writes the tensor as a version 1.0 `.npy` file (2.0 when the header needs it), atomically.
    ///
    /// - Throws: `TensorFileError` when the file cannot be written; an existing file is left as it was.
    public func writeNpy(to url: URL) throws {
        let header = Self.npyHeaderBytes(NpyHeader(descriptor: dataType.npyDescriptor, fortranOrder: false, shape: shape))
        try TensorFileIO.writeAtomically(to: url) { writer in
            try writer.write(header)
            try withUnsafeBytes { try writer.write($0) }
        }
    }

    /// Magic, version, header length and header, padded with spaces and a newline to a multiple of 64.
    static func npyHeaderBytes(_ header: NpyHeader) -> [UInt8] {
        let text = Array(header.text.utf8)
        // Version 1.0 stores the header length in 2 bytes; longer headers (rank in the thousands) need 2.0.
        let isVersion1 = (10 + text.count + 1 + 63) / 64 * 64 - 10 <= 65_535
        let prefixLength = isVersion1 ? 10 : 12
        let headerLength = (prefixLength + text.count + 1 + 63) / 64 * 64 - prefixLength
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [isVersion1 ? 1 : 2, 0]
        if isVersion1 {
            bytes += [UInt8(headerLength & 0xFF), UInt8(headerLength >> 8)]
        } else {
            bytes += (0..<4).map { UInt8(truncatingIfNeeded: headerLength >> (8 * $0)) }
        }
        bytes += text
        bytes += [UInt8](repeating: 0x20, count: headerLength - text.count - 1) + [0x0A]
        return bytes
    }

    /// Decodes the bytes of a `.npy` file; `path` names it in errors.
    static func decodeNpy(_ bytes: UnsafeRawBufferPointer, path: String) throws -> AnyTensor {
        func failure(_ problem: String) -> TensorFileError {
            TensorFileError(path: path, problem: problem, remedy: FileRemedy.npy)
        }
        let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
        guard bytes.count >= 10 else { throw failure("is \(bytes.count) bytes long, too short for a .npy header") }
        guard bytes.prefix(6).elementsEqual(magic) else { throw failure("does not start with the .npy magic string \\x93NUMPY") }
        let major = bytes[6], minor = bytes[7]
        let headerStart: Int, headerLength: Int
        switch major {
        case 1:
            headerStart = 10
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        case 2, 3:
            guard bytes.count >= 12 else { throw failure("is \(bytes.count) bytes long, too short for a version \(major).\(minor) header") }
            headerStart = 12
            headerLength = (8..<12).reduce(0) { $0 | Int(bytes[$1]) << (8 * ($1 - 8)) }
        default:
            throw failure("uses .npy format version \(major).\(minor); versions 1.0, 2.0 and 3.0 are supported")
        }
        let headerEnd = headerStart + headerLength
        guard headerEnd <= bytes.count else {
            throw failure("the header should end at byte \(headerEnd) but the file has \(bytes.count) bytes (truncated header)")
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[headerStart..<headerEnd]), as: UTF8.self)
        let header: NpyHeader
        switch NpyHeader.parse(text) {
        case .success(let parsed): header = parsed
        case .failure(let problem): throw failure(problem.message)
        }
        guard let dataType = DataType(npyDescriptor: header.descriptor) else {
            if header.descriptor.hasPrefix(">") {
                throw TensorFileError(path: path, problem: "holds big-endian data (dtype '\(header.descriptor)')",
                                      remedy: "Convert it in NumPy with array.astype(array.dtype.newbyteorder('<')) and save it again")
            }
            throw TensorFileError(path: path, problem: "holds dtype '\(header.descriptor)', which is not supported",
                                  remedy: "Convert it in NumPy to one of <f4 <f8 <i4 <i8 |u1 |b1 (array.astype(...)) and save it again")
        }
        guard let byteCount = checkedByteCount(shape: header.shape, elementSize: dataType.byteCount) else {
            throw failure("the shape \(header.shape) is too large to address")
        }
        let available = bytes.count - headerEnd
        guard available == byteCount else {
            throw failure(available < byteCount
                ? "the data ends after \(available) of \(byteCount) bytes for shape \(header.shape) (truncated data)"
                : "has \(available - byteCount) bytes after the \(byteCount) bytes of data for shape \(header.shape)")
        }
        let payload = UnsafeRawBufferPointer(rebasing: bytes[headerEnd...])
        guard header.fortranOrder else { return fromBytes(payload, dataType: dataType, shape: header.shape) }
        // Fortran order is row-major order of the reversed shape: read that, then reverse the axes.
        let reversed = fromBytes(payload, dataType: dataType, shape: header.shape.reversed())
        return reversed.reversingAxes()
    }

    /// The tensor with its axes in reverse order, made contiguous.
    func reversingAxes() -> AnyTensor {
        let order = Array((0..<shape.count).reversed())
        switch self {
        case .float32(let tensor): return .float32(tensor.permuted(order).contiguous())
        case .float64(let tensor): return .float64(tensor.permuted(order).contiguous())
        case .int32(let tensor): return .int32(tensor.permuted(order).contiguous())
        case .int64(let tensor): return .int64(tensor.permuted(order).contiguous())
        case .uint8(let tensor): return .uint8(tensor.permuted(order).contiguous())
        case .bool(let tensor): return .bool(tensor.permuted(order).contiguous())
        }
    }
}

/// `product(shape) · elementSize`, or `nil` when it overflows.
func checkedByteCount(shape: [Int], elementSize: Int) -> Int? {
    var total = elementSize
    for dimension in shape {
        guard dimension >= 0 else { return nil }
        let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
        if overflow { return nil }
        total = product
    }
    return total
}

extension Tensor {
    /// Reads a `.npy` file whose element type is `Scalar`.
    ///
    /// - Throws: `TensorFileError` naming the file when it is malformed or holds another element type.
    public init(contentsOfNpy url: URL) throws {
        let any = try AnyTensor(contentsOfNpy: url)
        guard let tensor: Tensor = any.tensor() else {
            throw TensorFileError(path: url.path,
                                  problem: "holds \(any.dataType) elements, not \(Scalar.dataType)",
                                  remedy: "Read it as AnyTensor, or convert it in NumPy with array.astype('\(Scalar.dataType.npyDescriptor)')")
        }
        self = tensor
    }

    /// Writes this tensor as a `.npy` file, atomically.
    ///
    /// - Throws: `TensorFileError` when the file cannot be written; an existing file is left as it was.
    public func writeNpy(to url: URL) throws {
        try AnyTensor(self).writeNpy(to: url)
    }
}
