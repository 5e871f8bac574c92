import CCodecs
import Foundation

/// Reading a dataset file's bytes, gunzipped through the system zlib when the file is gzip.
///
/// Compression is detected from the content (the gzip magic bytes `1f 8b`), not the name, so a
/// file that was decompressed by hand but kept its `.gz` name still reads.
public enum DatasetFile {
    /// The bytes of the file at `url`, decompressed if it is gzip.
    ///
    /// - Throws: `DatasetError.corruptFile` naming the file when it cannot be read or its gzip
    ///   stream is broken or truncated.
    public static func contents(of url: URL) throws -> [UInt8] {
        let bytes = try rawContents(of: url)
        guard bytes.count >= 2, bytes[0] == 0x1F, bytes[1] == 0x8B else { return bytes }
        return try gunzip(bytes, path: url.path)
    }

    /// The bytes of the file at `url` exactly as stored.
    ///
    /// - Throws: `DatasetError.corruptFile` naming the file when it cannot be read.
    public static func rawContents(of url: URL) throws -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: url))
        } catch {
            throw DatasetError.corruptFile(path: url.path, problem: "cannot be read (\(error.localizedDescription))")
        }
    }

    /// Decompresses one or more concatenated gzip members held in memory.
    ///
    /// - Throws: `DatasetError.corruptFile` with `path` when the stream is invalid or ends early.
    public static func gunzip(_ compressed: [UInt8], path: String) throws -> [UInt8] {
        // The last four bytes hold the uncompressed size modulo 2³²: a good first guess.
        var output = [UInt8]()
        if compressed.count >= 18 {
            let tail = compressed.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
            output.reserveCapacity(min(tail, 1 << 31))
        }
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip header and trailer (and check the CRC-32 it carries).
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DatasetError.corruptFile(path: path, problem: "zlib could not start decompressing")
        }
        defer { inflateEnd(&stream) }
        let chunkSize = 1 << 20
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        try compressed.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            while true {
                let status: Int32 = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(chunkSize)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                output.append(contentsOf: chunk[0..<(chunkSize - Int(stream.avail_out))])
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    // Another gzip member may follow (as `cat a.gz b.gz` makes); padding zeros may too.
                    let remaining = UnsafeBufferPointer(start: stream.next_in, count: Int(stream.avail_in))
                    if remaining.allSatisfy({ $0 == 0 }) { return }
                    guard inflateReset(&stream) == Z_OK else {
                        throw DatasetError.corruptFile(path: path, problem: "zlib could not restart after a gzip member")
                    }
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw DatasetError.corruptFile(
                        path: path, problem: "the gzip stream is truncated: it ends after \(compressed.count) compressed bytes")
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw DatasetError.corruptFile(path: path, problem: "bad gzip stream: \(message)")
                }
            }
        }
        return output
    }
}
