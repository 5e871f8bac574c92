/// Constant padding.

extension Tensor {
    /// A copy surrounded by `value`: `padding[i]` elements are added before and after axis `i`.
    ///
    /// `result[…, padding[i].before + j, …] = self[…, j, …]`; every other element is `value`.
    /// The pairs align with the *leading* axes: `padding[0]` pads axis 0, and axes beyond
    /// `padding.count` are left as they are. To pad the height and width of an NCHW batch, write
    /// `x.padded([(0, 0), (0, 0), (1, 1), (1, 1)])`. (PyTorch's `F.pad` lists pairs from the last
    /// axis backwards instead.)
    ///
    /// - Parameters:
    ///   - padding: at most `rank` pairs of non-negative counts.
    ///   - value: the fill value (zero by default).
    /// - Returns: a contiguous tensor of shape `shape[i] + before[i] + after[i]`.
    public func padded(_ padding: [(before: Int, after: Int)], with value: Scalar = Scalar.zeroValue) -> Tensor {
        precondition(padding.count <= rank,
                     "padded: \(padding.count) padding pairs for shape \(shape) of rank \(rank)")
        precondition(padding.allSatisfy { $0.before >= 0 && $0.after >= 0 },
                     "padded: negative padding \(padding.map { [$0.before, $0.after] }) for shape \(shape)")
        var newShape = shape
        for (axis, pair) in padding.enumerated() { newShape[axis] += pair.before + pair.after }
        let result = Tensor.filled(newShape, with: value)
        var window = result
        for (axis, pair) in padding.enumerated() {
            window = window.sliced(axis: axis, from: pair.before, to: pair.before + shape[axis])
        }
        copyElements(from: self, into: window)
        return result
    }
}
