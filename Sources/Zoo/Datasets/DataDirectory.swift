import Foundation

/// Where installed datasets live, and how a dataset finds its files there.
///
/// The default is `~/.gradus/data`; every dataset initializer takes a `dataDirectory:` argument
/// that overrides it. `scripts/install-data [--data-dir DIR]` fills the directory, one subfolder
/// per dataset (`mnist/`, `fashion-mnist/`, `optdigits/`, `digits/`, `mnist-5k/`, `photos/`).
public enum DataDirectory {
    /// `~/.gradus/data` under the current user's home directory.
    public static var defaultURL: URL {
        FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".gradus", isDirectory: true)
            .appendingPathComponent("data", isDirectory: true)
    }

    /// The exact shell command, run from the repository root, that installs the datasets into
    /// `directory` (the flag is left out for the default directory).
    public static func installCommand(for directory: URL) -> String {
        if directory.standardizedFileURL.path == defaultURL.standardizedFileURL.path {
            return "scripts/install-data"
        }
        return "scripts/install-data --data-dir '\(directory.path)'"
    }

    /// The URLs of `files` in `directory/subfolder`, after checking that each exists.
    ///
    /// - Throws: `DatasetError.notInstalled` naming `dataset`, the first missing path and the
    ///   install command for `directory`.
    static func locate(dataset: String, subfolder: String, files: [String], in directory: URL,
                       remedy: String? = nil) throws -> [URL] {
        let folder = directory.appendingPathComponent(subfolder, isDirectory: true)
        let urls = files.map { folder.appendingPathComponent($0) }
        for url in urls where !FileManager.default.fileExists(atPath: url.path) {
            throw DatasetError.notInstalled(
                dataset: dataset, searchedPath: url.path,
                remedy: remedy ?? "Install it with: \(installCommand(for: directory))")
        }
        return urls
    }
}
