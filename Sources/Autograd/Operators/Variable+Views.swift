/// Views: reshape, permute, expand, slice and the shapes composed from them. Their VJPs move the
/// gradient back into the input's layout and copy nothing but the slice gradient's zeros.

extension Variable {
    /// The same elements in a new shape; VJP `reshape(g, input shape)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func reshaped(to newShape: [Int]) -> Variable {
        let inputShape = shape
        return differentiableOperation("reshape", input: self, value: value.reshaped(to: newShape)) { gradient in
            InputGradients(gradient.reshaped(to: inputShape))
        }
    }

    /// The axes reordered; VJP `permute(g, inverse order)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func permuted(_ order: [Int]) -> Variable {
        var inverse = [Int](repeating: 0, count: order.count)
        for (position, axis) in order.enumerated() { inverse[normalizedAxis(axis, rank: rank, op: "permuted")] = position }
        return differentiableOperation("permute", input: self, value: value.permuted(order)) { gradient in
            InputGradients(gradient.permuted(inverse))
        }
    }

    /// A view broadcast to `newShape`; VJP `g`, summed back over the broadcast axes by the sweep.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func expanded(to newShape: [Int]) -> Variable {
        differentiableOperation("expand", input: self, value: value.expanded(to: newShape)) { gradient in
            InputGradients(gradient)
        }
    }

    /// Elements `start..<end` stepping by `step` along `axis`; VJP: zeros of the input's shape
    /// with `g` written into the slice.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func sliced(axis: Int, from start: Int = 0, to end: Int? = nil, by step: Int = 1) -> Variable {
        let inputShape = shape
        return differentiableOperation("slice", input: self,
                                       value: value.sliced(axis: axis, from: start, to: end, by: step)) { gradient in
            InputGradients(gradient.sliceBackward(inputShape: inputShape, axis: axis, from: start, to: end, by: step))
        }
    }

    /// The slice's gradient as an op of its own, so that it can be differentiated again: its
    /// VJP is the slice.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func sliceBackward(inputShape: [Int], axis: Int, from start: Int, to end: Int?, by step: Int) -> Variable {
        var result = Tensor<Scalar>.zeros(inputShape)
        result.assign(value, into: { $0.sliced(axis: axis, from: start, to: end, by: step) })
        return differentiableOperation("sliceBackward", input: self, value: result) { gradient in
            InputGradients(gradient.sliced(axis: axis, from: start, to: end, by: step))
        }
    }

    // Composed from the primitives above.

    /// Two axes swapped (by default the last two).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func transposed(_ first: Int = -2, _ second: Int = -1) -> Variable {
        if rank < 2 { return self }
        var order = Array(0..<rank)
        order.swapAt(normalizedAxis(first, rank: rank, op: "transposed"), normalizedAxis(second, rank: rank, op: "transposed"))
        return permuted(order)
    }

    /// The sub-tensor at `index` along `axis`, with that axis removed.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func selecting(_ index: Int, alongAxis axis: Int = 0) -> Variable {
        let axis = normalizedAxis(axis, rank: rank, op: "selecting")
        let resolved = index < 0 ? index + shape[axis] : index
        return sliced(axis: axis, from: resolved, to: resolved + 1).squeezed(axes: [axis])
    }

    /// A size-1 dimension inserted at `axis`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func unsqueezed(at axis: Int) -> Variable { reshaped(to: value.unsqueezed(at: axis).shape) }

    /// Size-1 dimensions removed (all, or those in `axes`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func squeezed(axes: [Int]? = nil) -> Variable { reshaped(to: value.squeezed(axes: axes).shape) }

    /// Dimensions `startAxis...endAxis` merged into one.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func flattened(from startAxis: Int = 0, through endAxis: Int = -1) -> Variable {
        reshaped(to: value.flattened(from: startAxis, through: endAxis).shape)
    }
}
