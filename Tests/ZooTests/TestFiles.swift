import Foundation
import Testing
@testable import Zoo

// Helpers that write small dataset files by hand, byte by byte, so the readers are checked
// against the formats themselves rather than against the encoders they are built on.

/// A fresh empty folder under the system's temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("gradus-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `bytes` to `relativePath`, creating folders on the way; returns the file's URL.
    @discardableResult
    func write(_ bytes: [UInt8], to relativePath: String) throws -> URL {
        let file = url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file)
        return file
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// CRC-32 (the polynomial gzip and PNG use), bit by bit: slow and obviously right.
func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

func littleEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
func bigEndian(_ value: UInt32) -> [UInt8] { littleEndian(value).reversed() }

/// A deflate stream made of "stored" (uncompressed) blocks of at most 65,535 bytes.
func storedDeflate(_ bytes: [UInt8]) -> [UInt8] {
    var output = [UInt8]()
    var start = 0
    repeat {
        let end = min(start + 65_535, bytes.count)
        let length = UInt16(end - start)
        output.append(end == bytes.count ? 1 : 0)  // BFINAL, BTYPE = 00
        output += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
        output += bytes[start..<end]
        start = end
    } while start < bytes.count
    return output
}

/// A gzip member holding `bytes` (RFC 1952), with the CRC-32 and length trailer.
func gzip(_ bytes: [UInt8]) -> [UInt8] {
    [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF] + storedDeflate(bytes) + littleEndian(crc32(bytes)) + littleEndian(UInt32(bytes.count))
}

/// An IDX file of unsigned bytes with the given shape.
func idx(shape: [Int], values: [UInt8]) -> [UInt8] {
    [0, 0, 0x08, UInt8(shape.count)] + shape.flatMap { bigEndian(UInt32($0)) } + values
}

/// A PNG (8-bit greyscale or RGB, no filtering) of `[C, H, W]` pixels, written chunk by chunk.
func handwrittenPNG(channels: Int, height: Int, width: Int, pixels: [UInt8]) -> [UInt8] {
    func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }
    // Scanlines: a filter byte (0, none) then the row's interleaved pixels.
    var raw = [UInt8]()
    for row in 0..<height {
        raw.append(0)
        for column in 0..<width {
            for channel in 0..<channels { raw.append(pixels[(channel * height + row) * width + column]) }
        }
    }
    var a: UInt32 = 1, b: UInt32 = 0  // Adler-32 for the zlib wrapper
    for byte in raw { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
    let zlibStream = [0x78, 0x01] + storedDeflate(raw) + bigEndian(b << 16 | a)
    let header = bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, channels == 3 ? 2 : 0, 0, 0, 0]
    return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("IDAT", zlibStream) + chunk("IEND", [])
}

/// Runs `body` and checks that it throws `DatasetError.corruptFile` for `path` whose problem
/// contains `fragment`.
func expectCorrupt(_ path: String, mentioning fragment: String, sourceLocation: SourceLocation = #_sourceLocation,
                   _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected an error about \(path)", sourceLocation: sourceLocation)
    } catch let DatasetError.corruptFile(file, problem) {
        #expect(file == path, sourceLocation: sourceLocation)
        #expect(problem.contains(fragment), "problem: \(problem)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}
