/// Sums and the statistics built on them: sum, mean, product, variance, standard deviation,
/// log-sum-exp.
///
/// Every reduction takes `alongAxes` (`nil` or empty: all axes; negative axes count from the
/// end) and `keepingDimensions` (reduced axes stay as size 1, so the result broadcasts against
/// the input). Results are bit-identical whatever `ThreadBudget.count` is.

extension Tensor where Scalar: FloatingPointTensorElement {
    /// The sum over `axes`: `Σ x`. The sum over no elements is 0.
    ///
    /// - Returns: the input's shape without the reduced axes (or with them as 1 when keeping dimensions).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func sum(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Tensor {
        let layout = ReductionLayout(self, axes: axes, keepingDimensions: keepingDimensions, op: "sum")
        return layout.result(reduce(layout, .sum))
    }

    /// The arithmetic mean over `axes`: `Σ x / n` (NaN over no elements).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func mean(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Tensor {
        let layout = ReductionLayout(self, axes: axes, keepingDimensions: keepingDimensions, op: "mean")
        let count = Scalar(exactly: layout.reduced)
        return layout.result(reduce(layout, .sum).updatingEach { $0 / count })
    }

    /// The product over `axes`: `Π x`. The product over no elements is 1.
    public func product(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Tensor {
        let layout = ReductionLayout(self, axes: axes, keepingDimensions: keepingDimensions, op: "product")
        return layout.result(reduce(layout, .product))
    }

    /// The variance over `axes`: `Σ (x − mean)² / max(n − correction, 0)`.
    ///
    /// Two passes (the mean, then the squared deviations from it), which stay accurate when the
    /// mean is large against the spread.
    /// - Parameters:
    ///   - axes: the axes to reduce; `nil` (the default) reduces all of them.
    ///   - correction: 0 for the biased (population) variance, 1 (the default, like PyTorch) for
    ///     the unbiased sample variance.
    ///   - keepingDimensions: keep the reduced axes with length 1.
    public func variance(alongAxes axes: [Int]? = nil, correction: Int = 1, keepingDimensions: Bool = false) -> Tensor {
        let layout = ReductionLayout(self, axes: axes, keepingDimensions: keepingDimensions, op: "variance")
        return layout.result(varianceBuffer(layout, correction: correction))
    }

    /// The standard deviation over `axes`: `√variance` (see `variance(alongAxes:correction:keepingDimensions:)`).
    public func standardDeviation(alongAxes axes: [Int]? = nil, correction: Int = 1,
                                  keepingDimensions: Bool = false) -> Tensor {
        let layout = ReductionLayout(self, axes: axes, keepingDimensions: keepingDimensions, op: "standardDeviation")
        return layout.result(varianceBuffer(layout, correction: correction).updatingEach { $0.squareRoot() })
    }

    private func varianceBuffer(_ layout: ReductionLayout<Scalar>, correction: Int) -> Tensor {
        let count = Scalar(exactly: layout.reduced)
        let mean = reduce(layout, .sum).updatingEach { $0 / count }
        let divisor = Scalar(exactly: Swift.max(layout.reduced - correction, 0))
        return reduce(layout, .sumOfSquaredDeviations, center: mean).updatingEach { $0 / divisor }
    }

    /// `log Σ exp(x)` over `axes`, computed as `m + log Σ exp(x − m)` with `m` the maximum, so that
    /// it neither overflows nor underflows. Over no elements it is −∞.
    public func logSumExp(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Tensor {
        let layout = ReductionLayout(self, axes: axes, keepingDimensions: keepingDimensions, op: "logSumExp")
        // An infinite maximum would give ∞ − ∞; shifting by 0 instead gives the right ±∞.
        let shift = reduce(layout, .maximum).updatingEach { $0.isFinite ? $0 : 0 }
        let sums = reduce(layout, .sumOfExponentials, center: shift)
        return layout.result(sums.updatingEach(with: shift) { Scalar.log($0) + $1 })
    }
}

extension Tensor {
    /// This contiguous, uniquely owned buffer with `transform` applied to every element in place.
    consuming func updatingEach(_ transform: (Scalar) -> Scalar) -> Tensor {
        var result = self
        result.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices { buffer[index] = transform(buffer[index]) }
        }
        return result
    }

    /// This buffer with `transform(element, other's element)` applied in place; shapes match.
    consuming func updatingEach(with other: Tensor, _ transform: (Scalar, Scalar) -> Scalar) -> Tensor {
        var result = self
        other.withUnsafeBufferPointer { second in
            result.withUnsafeMutableBufferPointer { buffer in
                for index in buffer.indices { buffer[index] = transform(buffer[index], second[index]) }
            }
        }
        return result
    }
}
