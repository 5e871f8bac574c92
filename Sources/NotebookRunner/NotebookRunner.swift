import Foundation

/// `notebook-runner`: runs Markdown notebooks and writes each cell's output back into them, or,
/// with `--check`, fails when a cell fails or a committed output differs from a fresh run.
///
/// Usage: `notebook-runner [--check] --build-directory DIR --package-directory DIR NOTEBOOK.md...`.
/// `Notebooks/run` builds the library and calls it; see `Notebooks/README.md`.
@main
struct NotebookRunner {
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var check = false
        var buildDirectory: String? = nil
        var packageDirectory = FileManager.default.currentDirectoryPath
        var notebooks: [String] = []
        while !arguments.isEmpty {
            let argument = arguments.removeFirst()
            switch argument {
            case "--check": check = true
            case "--build-directory" where !arguments.isEmpty: buildDirectory = arguments.removeFirst()
            case "--package-directory" where !arguments.isEmpty: packageDirectory = arguments.removeFirst()
            default:
                if argument.hasPrefix("--") { fail("notebook-runner: unknown option \(argument)") }
                notebooks.append(argument)
            }
        }
        guard let buildDirectory, !notebooks.isEmpty else {
            fail("usage: notebook-runner [--check] --build-directory DIR --package-directory DIR NOTEBOOK.md...")
        }
        let compiler = NotebookCompiler(buildDirectory: absolute(buildDirectory),
                                        packageDirectory: absolute(packageDirectory))
        var failures = 0
        for path in notebooks {
            do {
                let passed = try run(notebookAt: absolute(path), compiler: compiler, check: check)
                if !passed { failures += 1 }
            } catch {
                print("\(path): \(error)")
                failures += 1
            }
        }
        if failures > 0 {
            print("\(failures) of \(notebooks.count) notebooks failed\(check ? " the check" : "")")
            exit(1)
        }
    }

    /// Runs one notebook; returns whether it passed (ran, and in check mode matched).
    static func run(notebookAt path: String, compiler: NotebookCompiler, check: Bool) throws -> Bool {
        let url = URL(fileURLWithPath: path)
        let name = url.lastPathComponent
        let notebook = try Notebook(markdown: String(contentsOf: url, encoding: .utf8))
        let cells = notebook.cells
        let start = Date()
        let work = FileManager.default.temporaryDirectory
            .appendingPathComponent("notebook-runner-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
        try? FileManager.default.removeItem(at: work)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        let program = try compiler.compile(NotebookProgram.source(cells: cells, notebookName: name),
                                           in: work.appendingPathComponent("program"))
        // The cells run in a scratch folder, so pictures they write are compared or copied after.
        let output = work.appendingPathComponent("output")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let (status, printed) = try execute(program, in: output)
        let (cellLines, finished) = NotebookProgram.split(output: printed, cellCount: cells.count)
        guard status == 0, finished == cells.count else {
            print("\(name): cell \(finished + 1) of \(cells.count) failed (exit status \(status)); it reads:")
            let failing = finished < cells.count ? cells[finished] : []
            for line in failing { print("    \(line)") }
            if finished < cells.count, !cellLines[finished].isEmpty {
                print("  and printed:")
                for line in cellLines[finished] { print("    \(line)") }
            }
            return false
        }
        let fresh = cellLines.map(CellOutput.init(printed:))
        let files = try producedFiles(in: output)
        let seconds = String(format: "%.1f", Date().timeIntervalSince(start))

        if check {
            var passed = true
            for (index, (old, new)) in zip(notebook.outputs, fresh).enumerated()
            where old.comparableLines != new.comparableLines {
                passed = false
                print("\(name): cell \(index + 1): the committed output differs from a fresh run:")
                for line in old.comparableLines where !new.comparableLines.contains(line) { print("  - \(line)") }
                for line in new.comparableLines where !old.comparableLines.contains(line) { print("  + \(line)") }
            }
            for file in files {
                let committed = url.deletingLastPathComponent().appendingPathComponent(file)
                let new = output.appendingPathComponent(file)
                if (try? Data(contentsOf: committed)) != (try? Data(contentsOf: new)) {
                    passed = false
                    print("\(name): \(file) differs from a fresh run (or is not committed)")
                }
            }
            print("\(name): \(passed ? "ok" : "FAILED"), \(cells.count) cells, \(seconds) s")
            return passed
        }

        for file in files {
            let destination = url.deletingLastPathComponent().appendingPathComponent(file)
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            _ = try? FileManager.default.removeItem(at: destination)
            try FileManager.default.copyItem(at: output.appendingPathComponent(file), to: destination)
        }
        let updated = notebook.replacingOutputs(with: fresh).markdown
        try updated.write(to: url, atomically: true, encoding: .utf8)
        print("\(name): wrote \(cells.count) outputs and \(files.count) files, \(seconds) s")
        return true
    }

    /// Runs `program` in `directory`; returns its exit status and standard output. Standard error
    /// goes straight to the terminal (progress bars, crash messages).
    static func execute(_ program: URL, in directory: URL) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = program
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The files under `directory`, as sorted relative paths.
    static func producedFiles(in directory: URL) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        var files: [String] = []
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let full = directory.appendingPathComponent(path).path
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(path)
            }
        }
        return files.sorted()
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(2)
    }
}
