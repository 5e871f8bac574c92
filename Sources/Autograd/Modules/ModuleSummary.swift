/// A printed summary of a model: each module, its output shape on a sample input, its parameters.

/// Collects the output shape of each layer while a summary runs the model once.
final class ModuleTrace: @unchecked Sendable {
    @TaskLocal static var current: ModuleTrace?
    private(set) var outputShapes: [ObjectIdentifier: [Int]] = [:]

    func record(_ module: AnyObject, outputShape: [Int]) {
        outputShapes[ObjectIdentifier(module)] = outputShape
    }
}

extension Layer {
    /// A table of every module: its name, type, output shape for `input` and parameter count,
    /// then the totals — like `torchinfo.summary`. Runs the model once, without recording.
    public func summary(input: Tensor<Scalar>) -> String {
        let trace = ModuleTrace()
        ModuleTrace.$current.withValue(trace) {
            _ = withoutGradients { self(Variable(input)) }
        }
        var rows: [(String, String, String, String)] = [("Layer", "Type", "Output shape", "Parameters")]
        for (name, module) in namedModules() {
            let own = module.members.reduce(0) { total, entry in
                if case .parameter(let parameter) = entry.member { return total + parameter.count }
                return total
            }
            let shape = trace.outputShapes[ObjectIdentifier(module)].map { "\($0)" } ?? "—"
            let type = String(describing: Swift.type(of: module)).split(separator: "<").first.map(String.init) ?? ""
            rows.append((name.isEmpty ? "(model)" : name, type, shape, own == 0 ? "" : "\(own)"))
        }
        let widths = [rows.map(\.0.count).max()!, rows.map(\.1.count).max()!, rows.map(\.2.count).max()!, rows.map(\.3.count).max()!]
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: width - text.count) }
        var lines = rows.map { row in
            let line = "\(pad(row.0, widths[0]))  \(pad(row.1, widths[1]))  \(pad(row.2, widths[2]))  \(row.3)"
            return String(line.reversed().drop(while: { $0 == " " }).reversed())
        }
        lines.insert(String(repeating: "─", count: lines[0].count), at: 1)
        lines.append("total parameters: \(parameterCount) (\(trainableParameterCount) trainable)")
        return lines.joined(separator: "\n")
    }
}
