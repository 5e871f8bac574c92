/// Reductions: sum is the primitive; mean, variance and norms are composed from it; max/min
/// and log-sum-exp have VJPs of their own.

extension Variable {
    /// The shape a reduction over `axes` has with its dimensions kept (size 1).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func keptShape(_ axes: [Int]?) -> [Int] {
        guard let axes, !axes.isEmpty else { return [Int](repeating: 1, count: rank) }
        let reduced = Set(axes.map { normalizedAxis($0, rank: rank, op: "reduction") })
        return shape.indices.map { reduced.contains($0) ? 1 : shape[$0] }
    }

    /// `Σ x` over `axes` (all when `nil`); VJP: `g` broadcast back over the reduced axes.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func sum(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Variable {
        let inputShape = shape, kept = keptShape(axes)
        return differentiableOperation("sum", input: self,
                                       value: value.sum(alongAxes: axes, keepingDimensions: keepingDimensions)) { gradient in
            InputGradients(gradient.reshaped(to: kept).expanded(to: inputShape))
        }
    }

    /// The mean over `axes`: `Σ x / n`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func mean(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Variable {
        let kept = keptShape(axes)
        let reducedCount = zip(shape, kept).reduce(1) { $0 * ($1.1 == 1 ? $1.0 : 1) }
        return sum(alongAxes: axes, keepingDimensions: keepingDimensions) / Scalar(exactly: Swift.max(reducedCount, 1))
    }

    /// The variance over `axes`: `Σ (x − mean)² / (n − correction)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func variance(alongAxes axes: [Int]? = nil, correction: Int = 1, keepingDimensions: Bool = false) -> Variable {
        let kept = keptShape(axes)
        let reducedCount = zip(shape, kept).reduce(1) { $0 * ($1.1 == 1 ? $1.0 : 1) }
        let centered = self - mean(alongAxes: axes, keepingDimensions: true)
        return (centered * centered).sum(alongAxes: axes, keepingDimensions: keepingDimensions)
            / Scalar(exactly: Swift.max(reducedCount - correction, 0))
    }

    /// The largest element over `axes`; VJP: `g` shared equally among the elements that attain it.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func max(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Variable {
        extremum(alongAxes: axes, keepingDimensions: keepingDimensions, name: "max") { $0.max(alongAxes: $1, keepingDimensions: true) }
    }

    /// The smallest element over `axes`; VJP: `g` shared equally among the elements that attain it.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func min(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Variable {
        extremum(alongAxes: axes, keepingDimensions: keepingDimensions, name: "min") { $0.min(alongAxes: $1, keepingDimensions: true) }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func extremum(alongAxes axes: [Int]?, keepingDimensions: Bool, name: String,
                          _ reduce: (Tensor<Scalar>, [Int]?) -> Tensor<Scalar>) -> Variable {
        let kept = reduce(value, axes)
        let attains = Tensor<Scalar>(converting: value .== kept)
        let share = attains / attains.sum(alongAxes: axes, keepingDimensions: true)
        let result = keepingDimensions ? kept : kept.reshaped(to: value.sum(alongAxes: axes).shape)
        let keptShape = kept.shape
        return differentiableOperation(name, input: self, value: result) { gradient in
            InputGradients(gradient.reshaped(to: keptShape) * Variable(share))
        }
    }

    /// `log Σ exp(x)` over `axes`, computed through the maximum so that it cannot overflow;
    /// VJP `g · softmax(x)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func logSumExp(alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Variable {
        let kept = keptShape(axes)
        let result = value.logSumExp(alongAxes: axes, keepingDimensions: keepingDimensions)
        return differentiableOperation("logSumExp", input: self, value: result,
                                       savedBytes: (value.count + result.count) * MemoryLayout<Scalar>.stride) { gradient in
            let logTotal = savedOutput(result) { self.logSumExp(alongAxes: axes, keepingDimensions: keepingDimensions) }
            let weights = (self - logTotal.reshaped(to: kept)).exp()
            return InputGradients(gradient.reshaped(to: kept) * weights)
        }
    }

    /// The p-norm over `axes`: `(Σ |x|ᵖ)^(1/p)`; the 2-norm is `sqrt(Σ x²)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func norm(order p: Double = 2, alongAxes axes: [Int]? = nil, keepingDimensions: Bool = false) -> Variable {
        if p == 2 { return (self * self).sum(alongAxes: axes, keepingDimensions: keepingDimensions).sqrt() }
        if p == 1 { return abs().sum(alongAxes: axes, keepingDimensions: keepingDimensions) }
        return abs().raised(to: Scalar(p)).sum(alongAxes: axes, keepingDimensions: keepingDimensions).raised(to: Scalar(1 / p))
    }
}
