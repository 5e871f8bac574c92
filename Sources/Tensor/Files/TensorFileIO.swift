import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading whole files, and writing them atomically: a temporary file in the same folder, flushed
/// to disk, then renamed over the target, so that a crash never leaves a half-written file behind
/// (DESIGN.md, decision 9). Rename within one file system replaces the old file in one step.
enum TensorFileIO {
    /// The file's bytes (memory-mapped when the system allows), or an error naming the file.
    static func contents(of url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw TensorFileError(path: url.path, problem: "cannot be read (\(error.localizedDescription))",
                                  remedy: "Check that the file exists and is readable")
        }
    }

    /// Writes the bytes that `body` hands to the writer to a temporary file, then renames it to `url`.
    static func writeAtomically(to url: URL, _ body: (inout AtomicFileWriter) throws -> Void) throws {
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/." + url.lastPathComponent + ".partial-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw writeError(url, "cannot create a temporary file in \(directory)") }
        var writer = AtomicFileWriter(descriptor: descriptor, url: url)
        do {
            try body(&writer)
            guard fsync(descriptor) == 0 else { throw writeError(url, "cannot be flushed to disk") }
            guard close(descriptor) == 0 else { throw writeError(url, "cannot be closed") }
            writer.descriptor = -1
            guard rename(temporary, url.path) == 0 else { throw writeError(url, "cannot replace the file") }
        } catch {
            if writer.descriptor >= 0 { close(writer.descriptor) }
            unlink(temporary)
            throw error
        }
    }

    static func writeError(_ url: URL, _ what: String) -> TensorFileError {
        let reason = String(cString: strerror(errno))
        return TensorFileError(path: url.path, problem: "\(what): \(reason)",
                               remedy: "Check that the folder exists and is writable and that the disk has space; the previous file, if any, is unchanged")
    }
}

/// Appends bytes to the temporary file of `TensorFileIO.writeAtomically`.
struct AtomicFileWriter {
    fileprivate(set) var descriptor: Int32
    let url: URL

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        var written = 0
        while written < bytes.count {
            let result = systemWrite(descriptor, bytes.baseAddress! + written, bytes.count - written)
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { throw TensorFileIO.writeError(url, "cannot be written") }
            written += result
        }
    }

    mutating func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#else
private let systemWrite = Darwin.write
#endif
