import Foundation

/// A tensor file that cannot be read or written: names the file, says what is wrong and how to fix it.
///
/// Malformed input never crashes and is never read out of bounds: every length, offset and shape
/// in a header is checked against the file before any byte is copied (DESIGN.md, decision 9).
public struct TensorFileError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The file's path.
    public var path: String
    /// What is wrong, e.g. `"the header ends after 20 of 118 bytes"`.
    public var problem: String
    /// How to get a good file.
    public var remedy: String

    /// An error naming the file, what is wrong with it and how to get a good one.
    public init(path: String, problem: String, remedy: String) {
        self.path = path
        self.problem = problem
        self.remedy = remedy
    }

    /// `path: problem. remedy`.
    public var description: String { "\(path): \(problem). \(remedy)" }
    /// The same text as `description`, for `localizedDescription`.
    public var errorDescription: String? { description }
}

/// Remedies shared by the readers.
enum FileRemedy {
    static let npy = "Write the file again with numpy.save (or Tensor.writeNpy), and check it was copied completely"
    static let safetensors = "Write the file again with safetensors.save_file (or SafetensorsFile.write), and check it was copied completely"
}
