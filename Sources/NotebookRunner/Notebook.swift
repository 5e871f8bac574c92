/// A Markdown notebook: prose, Swift code cells that run in order, and the outputs a run wrote
/// after each cell.
///
/// A code cell is a fenced block whose info string is exactly `swift`. Its *output region* is what
/// directly follows the closing fence: blank lines, at most one ```` ```text ```` block, and image
/// lines (`![caption](path)`), up to the first other line. A run replaces that region, so an
/// output written by hand there is lost; anything else in the file is kept byte for byte.
struct Notebook: Equatable {
    /// One piece of the file, in order.
    enum Part: Equatable {
        /// Lines kept as written (prose, headings, fences that are not cells).
        case prose([String])
        /// A code cell: its source lines, without the fences.
        case cell([String])
        /// The output region after a cell, as the file holds it now.
        case output(CellOutput)
    }

    /// The parts of the file, in order. Every `.cell` is followed by exactly one `.output`.
    var parts: [Part]

    /// The source of each code cell, in order.
    var cells: [[String]] {
        parts.compactMap { part in
            if case .cell(let lines) = part { return lines }
            return nil
        }
    }

    /// The outputs the file holds, one per cell, in order.
    var outputs: [CellOutput] {
        parts.compactMap { part in
            if case .output(let output) = part { return output }
            return nil
        }
    }

    /// Splits Markdown text into prose, cells and their output regions.
    init(markdown: String) throws {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var parts: [Part] = []
        var prose: [String] = []
        var index = 0

        func flushProse() {
            if !prose.isEmpty { parts.append(.prose(prose)) }
            prose = []
        }

        while index < lines.count {
            let line = lines[index]
            guard let fence = Self.openingFence(of: line) else {
                prose.append(line)
                index += 1
                continue
            }
            // Find the closing fence: the same character, at least as long, nothing after it.
            var end = index + 1
            while end < lines.count && !Self.closes(lines[end], fence: fence.marker) { end += 1 }
            guard end < lines.count else {
                throw NotebookError.unclosedFence(line: index + 1)
            }
            if fence.info != "swift" {
                prose.append(contentsOf: lines[index...end])
                index = end + 1
                continue
            }
            flushProse()
            parts.append(.cell(Array(lines[(index + 1)..<end])))
            let (output, next) = try Self.outputRegion(in: lines, from: end + 1)
            parts.append(.output(output))
            index = next
        }
        flushProse()
        self.parts = parts
    }

    /// The notebook with each cell's output region replaced by `outputs[i]`.
    func replacingOutputs(with outputs: [CellOutput]) -> Notebook {
        precondition(outputs.count == cells.count,
                     "Notebook: \(outputs.count) outputs for \(cells.count) cells")
        var copy = self
        var next = 0
        for index in copy.parts.indices {
            if case .output = copy.parts[index] {
                copy.parts[index] = .output(outputs[next])
                next += 1
            }
        }
        return copy
    }

    /// The Markdown text of the notebook.
    var markdown: String {
        var lines: [String] = []
        for part in parts {
            switch part {
            case .prose(let prose):
                lines.append(contentsOf: prose)
            case .cell(let source):
                lines.append("```swift")
                lines.append(contentsOf: source)
                lines.append("```")
            case .output(let output):
                lines.append(contentsOf: output.markdownLines)
            }
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - Fences

    private static func openingFence(of line: String) -> (marker: String, info: String)? {
        let trimmed = line.drop(while: { $0 == " " })
        guard line.count - trimmed.count <= 3, let first = trimmed.first, first == "`" || first == "~" else {
            return nil
        }
        let marker = trimmed.prefix(while: { $0 == first })
        guard marker.count >= 3 else { return nil }
        let info = trimmed.dropFirst(marker.count).trimmingSpaces()
        return (String(marker), info)
    }

    private static func closes(_ line: String, fence marker: String) -> Bool {
        let trimmed = line.trimmingSpaces()
        guard let first = marker.first, trimmed.count >= marker.count else { return false }
        return trimmed.allSatisfy { $0 == first }
    }

    /// Reads the output region that starts at `start`; returns it and the index of the first line
    /// after it. Blank lines at the end of the region stay prose, so spacing is kept.
    private static func outputRegion(in lines: [String], from start: Int) throws -> (CellOutput, Int) {
        var index = start
        var text: [String]? = nil
        var images: [String] = []
        var lastUsed = start  // one past the last line that belongs to the region
        while index < lines.count {
            let line = lines[index]
            if line.trimmingSpaces().isEmpty {
                index += 1
                continue
            }
            if text == nil, images.isEmpty, let fence = openingFence(of: line), fence.info == "text" {
                var end = index + 1
                while end < lines.count && !closes(lines[end], fence: fence.marker) { end += 1 }
                guard end < lines.count else { throw NotebookError.unclosedFence(line: index + 1) }
                text = Array(lines[(index + 1)..<end])
                index = end + 1
                lastUsed = index
                continue
            }
            if CellOutput.isImageLine(line) {
                images.append(line)
                index += 1
                lastUsed = index
                continue
            }
            break
        }
        return (CellOutput(text: text ?? [], images: images), lastUsed)
    }
}

/// What a cell printed: its text lines and the image lines it asked to be shown.
struct CellOutput: Equatable {
    /// The printed lines, shown in a ```` ```text ```` block.
    var text: [String]
    /// Markdown image lines (`![caption](path)`), shown after the text block.
    var images: [String]

    /// Whether `line` is a Markdown image line that a cell prints to show a picture.
    static func isImageLine(_ line: String) -> Bool {
        let trimmed = line.trimmingSpaces()
        return trimmed.hasPrefix("![") && trimmed.hasSuffix(")") && trimmed.contains("](")
    }

    /// Sorts printed lines into text and image lines.
    init(printed lines: [String]) {
        self.init(text: lines.filter { !Self.isImageLine($0) },
                  images: lines.filter(Self.isImageLine).map { $0.trimmingSpaces() })
    }

    /// An output with the given text and image lines.
    init(text: [String], images: [String]) {
        self.text = text
        self.images = images
    }

    /// The region as Markdown lines: a blank line, the text block, then the images.
    var markdownLines: [String] {
        var lines: [String] = []
        if !text.isEmpty {
            // A fence longer than any run of backticks in the text, so the text cannot close it.
            let longestRun = text.map { line in
                line.split(whereSeparator: { $0 != "`" }).map(\.count).max() ?? 0
            }.max() ?? 0
            let fence = String(repeating: "`", count: max(3, longestRun + 1))
            lines += ["", fence + "text"] + text + [fence]
        }
        for image in images { lines += ["", image] }
        return lines
    }

    /// The lines compared by `--check`: lines ending in `# time` hold timings and are left out.
    var comparableLines: [String] {
        (text + images).filter { !$0.hasSuffix("# time") }
    }
}

/// A notebook that cannot be read.
enum NotebookError: Error, CustomStringConvertible {
    /// A code fence opened at `line` is never closed.
    case unclosedFence(line: Int)

    var description: String {
        switch self {
        case .unclosedFence(let line): "the code fence opened at line \(line) is never closed"
        }
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
