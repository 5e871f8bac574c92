/// Gather and scatter-add are each other's VJP; index-select and masked fill are composed.

extension Variable {
    /// `out[i][j][k] = x[i][index[i][j][k]][k]` (for axis 1); VJP: scatter-add of `g` at the indices.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func gathering(alongAxis axis: Int, indices: Tensor<Int>) -> Variable {
        let inputShape = shape
        return differentiableOperation("gather", input: self, value: value.gathering(alongAxis: axis, indices: indices),
                                       savedBytes: indices.count * MemoryLayout<Int>.stride) { gradient in
            InputGradients(Variable.scatteringAdd(gradient, alongAxis: axis, indices: indices, shape: inputShape))
        }
    }

    /// Zeros of `shape` with `source` added at the indices along `axis`; VJP: gather of `g`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func scatteringAdd(_ source: Variable, alongAxis axis: Int, indices: Tensor<Int>, shape: [Int]) -> Variable {
        differentiableOperation("scatterAdd", input: source,
                                value: Tensor.scatteringAdd(source.value, alongAxis: axis, indices: indices, shape: shape)) { gradient in
            InputGradients(gradient.gathering(alongAxis: axis, indices: indices))
        }
    }

    /// The entries at `indices` (rank 1) along `axis`: a gather with the indices broadcast.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func indexSelect(alongAxis axis: Int, indices: Tensor<Int>) -> Variable {
        let axis = normalizedAxis(axis, rank: rank, op: "indexSelect")
        precondition(indices.rank == 1, "indexSelect: indices must have rank 1, not shape \(indices.shape)")
        var outputShape = shape
        outputShape[axis] = indices.count
        var indexShape = [Int](repeating: 1, count: rank)
        indexShape[axis] = indices.count
        return gathering(alongAxis: axis, indices: indices.reshaped(to: indexShape).expanded(to: outputShape))
    }

    /// `value` where `mask` holds, the input elsewhere (the mask broadcasts).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func maskedFill(where mask: Tensor<Bool>, with fill: Scalar) -> Variable {
        Variable.where(mask, Variable(Tensor(fill)), self)
    }
}
