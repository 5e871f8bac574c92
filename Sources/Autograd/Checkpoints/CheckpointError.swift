/// A checkpoint that does not fit the model or optimizer it is loaded into.

/// A checkpoint entry that is missing, unexpected, or of the wrong shape or type, with the file
/// it came from and how to fix it (DESIGN.md, decision 9).
///
/// Files that are not safetensors, or are truncated, throw `TensorFileError` when read.
public struct CheckpointError: Error, Equatable, CustomStringConvertible {
    /// What is wrong, naming the entry.
    public enum Problem: Equatable, Sendable {
        /// The model or optimizer has this entry; the checkpoint does not.
        case missing(key: String)
        /// The checkpoint has this entry; the model or optimizer does not.
        case unexpected(key: String)
        /// The entry's shape differs from the model's or optimizer's.
        case shapeMismatch(key: String, expected: [Int], found: [Int])
        /// The entry's element type differs from the model's or optimizer's.
        case dataTypeMismatch(key: String, expected: DataType, found: DataType)
        /// The entry holds a value that cannot be used (a bad generator state, a negative step).
        case invalidValue(key: String, reason: String)
    }

    /// The checkpoint file (or a description of an in-memory checkpoint).
    public var path: String
    /// What is wrong with it.
    public var problem: Problem

    /// An error about the checkpoint at `path`.
    public init(path: String, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    public var description: String {
        let remedy = "Build the model and optimizer with the same architecture and settings as when the checkpoint was saved"
        switch problem {
        case .missing(let key):
            return "\(path): entry '\(key)' is missing from the checkpoint. \(remedy), or restore the model with strict: false to keep the current values of missing entries"
        case .unexpected(let key):
            return "\(path): the checkpoint has an entry '\(key)' that the model or optimizer does not have. \(remedy), or restore the model with strict: false to ignore extra entries"
        case .shapeMismatch(let key, let expected, let found):
            return "\(path): entry '\(key)' has shape \(found) in the checkpoint but \(expected) in the model or optimizer. \(remedy)"
        case .dataTypeMismatch(let key, let expected, let found):
            return "\(path): entry '\(key)' is \(found.rawValue) in the checkpoint but \(expected.rawValue) in the model or optimizer. \(remedy), with the same scalar type"
        case .invalidValue(let key, let reason):
            return "\(path): entry '\(key)' \(reason). Save the checkpoint again with Checkpoint.write"
        }
    }
}
