import Foundation

/// The IDX format of MNIST and Fashion-MNIST: a big-endian header, then unsigned bytes.
///
/// The header is two zero bytes, a type code (`0x08`: unsigned byte, the only type these datasets
/// use), the number of dimensions, then each dimension as a 32-bit big-endian integer. Files may be
/// gzip-compressed. See http://yann.lecun.com/exdb/mnist/.
public enum IDXFile {
    /// The array stored in the IDX file at `url`, with the shape its header gives.
    ///
    /// - Returns: `[count]` for labels (`idx1`), `[count, rows, columns]` for images (`idx3`).
    /// - Throws: `DatasetError.corruptFile` naming the file for a bad magic number, a type other
    ///   than unsigned bytes, or a length that does not match the header.
    public static func read(contentsOf url: URL) throws -> Tensor<UInt8> {
        try parse(DatasetFile.contents(of: url), path: url.path)
    }

    /// Parses IDX bytes already in memory; `path` names the source in errors.
    public static func parse(_ bytes: [UInt8], path: String) throws -> Tensor<UInt8> {
        func fail(_ problem: String) -> DatasetError { .corruptFile(path: path, problem: problem) }
        guard bytes.count >= 4 else {
            throw fail("the IDX header ends after \(bytes.count) bytes")
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw fail(String(format: "bad IDX magic number 0x%02X%02X%02X%02X (expected 0x0000 then a type code)",
                              bytes[0], bytes[1], bytes[2], bytes[3]))
        }
        guard bytes[2] == 0x08 else {
            throw fail(String(format: "IDX type code 0x%02X is not 0x08 (unsigned bytes)", bytes[2]))
        }
        let rank = Int(bytes[3])
        let headerLength = 4 + 4 * rank
        guard rank >= 1, bytes.count >= headerLength else {
            throw fail("the IDX header declares \(rank) dimensions but the file has \(bytes.count) bytes")
        }
        let shape = (0..<rank).map { axis in
            (0..<4).reduce(0) { $0 << 8 | Int(bytes[4 + 4 * axis + $1]) }
        }
        // Dimensions are below 2³², so the product cannot overflow for rank ≤ 2; check anyway.
        var elementCount = 1
        for dimension in shape {
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw fail("the IDX shape \(shape) is too large") }
            elementCount = product
        }
        guard bytes.count == headerLength + elementCount else {
            throw fail("the IDX header declares shape \(shape) (\(headerLength + elementCount) bytes) but the file has \(bytes.count) bytes")
        }
        return Tensor(shape: shape, scalars: bytes[headerLength...])
    }
}
