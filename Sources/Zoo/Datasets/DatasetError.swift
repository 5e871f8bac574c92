import Foundation

/// A dataset that cannot be loaded: it is not installed, or one of its files is damaged.
///
/// Every case names the file or folder concerned and says how to fix it (DESIGN.md, decision 9).
/// Readers check every length against the file before copying a byte, so damaged input throws
/// one of these instead of crashing.
public enum DatasetError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The dataset's files are not where they were looked for.
    ///
    /// - `dataset`: its name, e.g. `"MNIST"`.
    /// - `searchedPath`: the folder or file that was looked for.
    /// - `remedy`: what to run (or do) to install it, e.g. `"scripts/install-data"`.
    case notInstalled(dataset: String, searchedPath: String, remedy: String)
    /// A file exists but cannot be read as what it should be: a bad magic number, a wrong length,
    /// a broken gzip stream, an undecodable image, a malformed CSV row.
    case corruptFile(path: String, problem: String)

    public var description: String {
        switch self {
        case let .notInstalled(dataset, searchedPath, remedy):
            return "\(dataset) is not installed: nothing found at \(searchedPath). \(remedy)"
        case let .corruptFile(path, problem):
            return "\(path): \(problem). Reinstall the dataset (scripts/install-data) or replace the file"
        }
    }

    public var errorDescription: String? { description }
}
