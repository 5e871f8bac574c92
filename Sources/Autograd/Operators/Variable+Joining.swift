/// Padding and concatenation, whose VJPs slice the gradient; stacking and splitting are composed.

extension Variable {
    /// Constant padding, one `(before, after)` pair per leading axis; VJP: the unpadded slice of `g`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func padded(_ padding: [(before: Int, after: Int)], with fill: Scalar = 0) -> Variable {
        let inputShape = shape
        return differentiableOperation("pad", input: self, value: value.padded(padding, with: fill)) { gradient in
            var slice = gradient
            for (axis, pair) in padding.enumerated() where pair.before != 0 || pair.after != 0 {
                slice = slice.sliced(axis: axis, from: pair.before, to: pair.before + inputShape[axis])
            }
            return InputGradients(slice)
        }
    }

    /// The variables joined along `axis`; VJP: the matching slice of `g` for each.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func concatenating(_ variables: [Variable], alongAxis axis: Int = 0) -> Variable {
        precondition(!variables.isEmpty, "concatenating: no variables to join")
        let axis = normalizedAxis(axis, rank: variables[0].rank, op: "concatenating")
        let sizes = variables.map { $0.shape[axis] }
        return differentiableOperation("concatenate", inputs: variables,
                                       value: Tensor.concatenating(variables.map(\.value), alongAxis: axis)) { gradient in
            var start = 0
            return InputGradients(zip(variables, sizes).map { variable, size in
                defer { start += size }
                return variable.requiresGradient ? gradient.sliced(axis: axis, from: start, to: start + size) : nil
            })
        }
    }

    /// The variables stacked along a new axis.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func stacking(_ variables: [Variable], alongAxis axis: Int = 0) -> Variable {
        precondition(!variables.isEmpty, "stacking: no variables to stack")
        let position = normalizedAxis(axis, rank: variables[0].rank + 1, op: "stacking")
        return concatenating(variables.map { $0.unsqueezed(at: position) }, alongAxis: position)
    }

    /// Consecutive pieces of the given sizes along `axis` (slices: views of the input).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func split(sizes: [Int], alongAxis axis: Int = 0) -> [Variable] {
        let axis = normalizedAxis(axis, rank: rank, op: "split")
        precondition(sizes.reduce(0, +) == shape[axis], "split: sizes \(sizes) do not add up to \(shape[axis]) along axis \(axis) of \(shape)")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return sliced(axis: axis, from: start, to: start + size)
        }
    }

    /// `count` nearly equal pieces along `axis`, like `torch.chunk`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func chunked(into count: Int, alongAxis axis: Int = 0) -> [Variable] {
        let axis = normalizedAxis(axis, rank: rank, op: "chunked")
        let pieces = value.chunked(into: count, alongAxis: axis).map { $0.shape[axis] }
        return split(sizes: pieces, alongAxis: axis)
    }
}
