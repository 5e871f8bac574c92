import Foundation

/// Compiles a notebook's program with `swiftc` against the release build of the `Gradus` library
/// (`swift build -c release --product Gradus`).
struct NotebookCompiler {
    /// The build folder holding `libGradus.so` and `Modules/` (e.g. `.build/release`).
    var buildDirectory: String
    /// The package root: its `.build/checkouts` hold the module maps of C dependencies.
    var packageDirectory: String

    /// The `swiftc` arguments that find the Swift modules, the C module maps and the library.
    var flags: [String] {
        var flags = ["-O", "-swift-version", "5",
                     "-I", buildDirectory + "/Modules",
                     "-L", buildDirectory, "-lGradus",
                     "-Xlinker", "-rpath", "-Xlinker", buildDirectory]
        // The Swift modules import C modules (CBLAS, CCodecs, swift-numerics' shims): name their maps.
        for map in moduleMaps() { flags += ["-Xcc", "-fmodule-map-file=" + map] }
        return flags
    }

    /// Compiles `source` into an executable at `executable`; throws with the compiler's messages.
    func compile(_ source: String, in folder: URL) throws -> URL {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let main = folder.appendingPathComponent("main.swift")
        let executable = folder.appendingPathComponent("notebook")
        try source.write(to: main, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swiftc"] + flags + ["-module-name", "Notebook", main.path, "-o", executable.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NotebookRunnerError.compilationFailed(status: process.terminationStatus)
        }
        return executable
    }

    /// The module maps of the C targets in the build folder and of C targets in the checkouts.
    func moduleMaps() -> [String] {
        let manager = FileManager.default
        var maps: [String] = []
        for entry in (try? manager.contentsOfDirectory(atPath: buildDirectory)) ?? [] where entry.hasSuffix(".build") {
            let map = buildDirectory + "/" + entry + "/module.modulemap"
            if manager.fileExists(atPath: map) { maps.append(map) }
        }
        let checkouts = packageDirectory + "/.build/checkouts"
        if let enumerator = manager.enumerator(atPath: checkouts) {
            while let path = enumerator.nextObject() as? String {
                if path.hasSuffix("/include/module.modulemap") && !path.contains("/Tests/") {
                    maps.append(checkouts + "/" + path)
                }
            }
        }
        return maps.sorted()
    }
}

/// Why a notebook could not be run.
enum NotebookRunnerError: Error, CustomStringConvertible {
    /// `swiftc` rejected the program; its messages name the notebook cell and line.
    case compilationFailed(status: Int32)

    var description: String {
        switch self {
        case .compilationFailed(let status): "the cells do not compile (swiftc exit status \(status), messages above)"
        }
    }
}
