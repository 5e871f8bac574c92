/// Printing tensors the way NumPy does: nested brackets, aligned columns, and large tensors
/// elided to their first and last few entries along each axis.

extension Tensor: CustomStringConvertible, CustomDebugStringConvertible {
    /// Tensors with more elements than this are elided (NumPy's `threshold`).
    static var elisionThreshold: Int { 1000 }
    /// Entries kept at each end of an elided axis (NumPy's `edgeitems`).
    static var edgeItems: Int { 3 }

    /// The elements in nested brackets, e.g. `[[1.0, 2.0], [3.0, 4.0]]` laid out over lines.
    public var description: String {
        let elide = count > Tensor.elisionThreshold
        let texts = formattedElements(elide: elide)
        let width = texts.values.map(\.count).max() ?? 0
        var output = ""
        render(axis: 0, prefix: [], elide: elide, width: width, texts: texts, into: &output)
        return output
    }

    /// The shape and element type, then the elements: `Tensor<Float> [2, 2]` on the first line.
    public var debugDescription: String {
        "Tensor<\(Scalar.self)> \(shape)\n\(description)"
    }

    /// The indices along `axis` that are shown.
    private func shownIndices(axis: Int, elide: Bool) -> [Int?] {
        let size = shape[axis]
        if !elide || size <= 2 * Tensor.edgeItems { return Array(0..<size) }
        return Array(0..<Tensor.edgeItems) + [nil] + Array((size - Tensor.edgeItems)..<size)
    }

    /// The text of every shown element, keyed by its index path.
    private func formattedElements(elide: Bool) -> [[Int]: String] {
        var texts: [[Int]: String] = [:]
        func visit(_ axis: Int, _ prefix: [Int]) {
            if axis == rank {
                texts[prefix] = Tensor.format(self[prefix])
                return
            }
            for index in shownIndices(axis: axis, elide: elide) { if let index { visit(axis + 1, prefix + [index]) } }
        }
        visit(0, [])
        return texts
    }

    private static func format(_ value: Scalar) -> String {
        if let value = value as? Float { return formatFloating(Double(value)) }
        if let value = value as? Double { return formatFloating(value) }
        return "\(value)"
    }

    private static func formatFloating(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded() && Swift.abs(value) < 1e16 { return "\(Int(value))." }
        let magnitude = Swift.abs(value)
        if magnitude >= 1e-4 && magnitude < 1e8 {
            // Up to 8 significant digits, trailing zeros trimmed (NumPy's default precision).
            var text = String(value)
            if text.count > 11, let dot = text.firstIndex(of: ".") {
                let digitsBefore = text.distance(from: text.startIndex, to: dot)
                text = String(text.prefix(Swift.max(digitsBefore + 1 + 8 - Swift.min(digitsBefore, 8), digitsBefore + 2)))
            }
            return text
        }
        return "\(value)"
    }

    private func render(axis: Int, prefix: [Int], elide: Bool, width: Int,
                        texts: [[Int]: String], into output: inout String) {
        if rank == 0 {
            output += texts[[]] ?? ""
            return
        }
        output += "["
        let indices = shownIndices(axis: axis, elide: elide)
        for (position, index) in indices.enumerated() {
            if position > 0 {
                output += axis == rank - 1 ? ", " : "," + String(repeating: "\n", count: rank - 1 - axis) + String(repeating: " ", count: axis + 1)
            }
            guard let index else { output += "..."; continue }
            if axis == rank - 1 {
                let text = texts[prefix + [index]] ?? ""
                output += String(repeating: " ", count: width - text.count) + text
            } else {
                render(axis: axis + 1, prefix: prefix + [index], elide: elide, width: width, texts: texts, into: &output)
            }
        }
        output += "]"
    }
}
