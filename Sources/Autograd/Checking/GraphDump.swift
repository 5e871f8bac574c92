/// A readable picture of a recorded graph, for teaching and debugging.

/// The recorded graph behind one output, in creation order.
public struct GraphDump<Scalar: FloatingPointTensorElement>: CustomStringConvertible {
    /// One line per node: its number, operation, shape, inputs, saved bytes and FLOPs.
    public struct Entry: Sendable {
        /// The node's position in creation order, from 0.
        public let number: Int
        /// The op's name, as the derivative index lists it (`leaf` for a variable made by hand).
        public let operation: String
        /// The shape of the node's output.
        public let shape: [Int]
        /// The numbers of the nodes it was computed from.
        public let inputs: [Int]
        /// Bytes of tensors its VJP keeps alive.
        public let savedBytes: Int
        /// Floating-point operations of its forward pass.
        public let flops: Int
    }

    /// The nodes, inputs before the nodes computed from them.
    public let entries: [Entry]

    /// The graph that computed `output` (empty for a constant).
    public init(_ output: Variable<Scalar>) {
        guard let root = output.node else { entries = []; return }
        let nodes = reachableNodes(from: root).reversed().map { $0.takeUnretainedValue() }
        var numbers: [ObjectIdentifier: Int] = [:]
        var entries: [Entry] = []
        for (number, node) in nodes.enumerated() {
            numbers[ObjectIdentifier(node)] = number
            entries.append(Entry(number: number, operation: node.operation, shape: node.shape,
                                 inputs: node.inputs.compactMap { $0.flatMap { numbers[ObjectIdentifier($0)] } },
                                 savedBytes: node.savedBytes, flops: node.flops))
        }
        self.entries = entries
    }

    /// Total bytes held for the backward pass.
    public var totalSavedBytes: Int { entries.reduce(0) { $0 + $1.savedBytes } }
    /// Total forward FLOPs of the recorded ops.
    public var totalFlops: Int { entries.reduce(0) { $0 + $1.flops } }

    /// A table: `%3 = matmul(%1, %2)  [64, 10]  saved 3.1 KB  1.3 MFLOP`.
    public var description: String {
        var lines = entries.map { entry -> String in
            let arguments = entry.inputs.map { "%\($0)" }.joined(separator: ", ")
            let call = entry.operation == "leaf" ? "leaf" : "\(entry.operation)(\(arguments))"
            return "%\(entry.number) = \(call)  \(entry.shape)  saved \(formatBytes(entry.savedBytes))  \(formatFlops(entry.flops))"
        }
        lines.append("total: \(entries.count) nodes, saved \(formatBytes(totalSavedBytes)), \(formatFlops(totalFlops))")
        return lines.joined(separator: "\n")
    }

    /// The graph in Graphviz's DOT language (`dot -Tsvg graph.dot > graph.svg`).
    public var dot: String {
        var lines = ["digraph tape {", "  rankdir=LR;", "  node [shape=box, fontname=\"Helvetica\"];"]
        for entry in entries {
            let style = entry.operation == "leaf" ? ", style=filled, fillcolor=\"#dde8f5\"" : ""
            lines.append("  n\(entry.number) [label=\"%\(entry.number) \(entry.operation)\\n\(entry.shape)\"\(style)];")
            for input in entry.inputs { lines.append("  n\(input) -> n\(entry.number);") }
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }
}

func formatBytes(_ bytes: Int) -> String {
    if bytes < 1024 { return "\(bytes) B" }
    if bytes < 1 << 20 { return String(format1: Double(bytes) / 1024) + " KiB" }
    return String(format1: Double(bytes) / Double(1 << 20)) + " MiB"
}

func formatFlops(_ flops: Int) -> String {
    if flops < 1000 { return "\(flops) FLOP" }
    if flops < 1_000_000 { return String(format1: Double(flops) / 1e3) + " kFLOP" }
    if flops < 1_000_000_000 { return String(format1: Double(flops) / 1e6) + " MFLOP" }
    return String(format1: Double(flops) / 1e9) + " GFLOP"
}

extension String {
    /// One digit after the point, without Foundation.
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)"
    }
}
