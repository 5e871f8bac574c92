/// Gradient clipping: limiting the global norm or each element of the gradients before a step.

extension Gradients {
    /// The gradients of `parameters` scaled so that their global norm is at most `maximumNorm`,
    /// and that norm before clipping — PyTorch's `torch.nn.utils.clip_grad_norm_`:
    ///
    /// ```
    /// n = ‖(‖g₁‖, ‖g₂‖, …)‖                 (the norm of all gradients as one vector)
    /// gᵢ ← gᵢ · min(1, maximumNorm / (n + 10⁻⁶))
    /// ```
    ///
    /// Parameters without a gradient are skipped; gradients of other variables are kept as they are.
    ///
    /// - Parameters:
    ///   - maximumNorm: the largest norm allowed.
    ///   - parameters: whose gradients are clipped (`model.parameters`).
    ///   - order: the norm's order `p` (2 by default; `.infinity` for the largest magnitude).
    /// - Returns: the clipped gradients and the total norm `n` before clipping (for logging; it
    ///   is infinite or NaN when a gradient is).
    public func clippedByGlobalNorm(
        _ maximumNorm: Double, of parameters: [Parameter<Scalar>], order: Double = 2
    ) -> (gradients: Gradients, totalNorm: Double) {
        precondition(maximumNorm >= 0, "clippedByGlobalNorm: maximum norm \(maximumNorm) is negative")
        precondition(order > 0, "clippedByGlobalNorm: norm order \(order) must be positive")
        let present = parameters.filter { self[$0] != nil }
        guard !present.isEmpty else { return (self, 0) }
        // Each tensor's norm, then the norm of those norms: PyTorch's order of operations.
        let norms = present.map { self[$0]!.norm(order: order).scalar }
        let totalNorm = Tensor(norms).norm(order: order).scalar.doubleValue
        let factor = Swift.min(1, maximumNorm / (totalNorm + 1e-6))
        var result = self
        for parameter in present {
            result[parameter] = self[parameter]! * Scalar(factor)
        }
        return (result, totalNorm)
    }

    /// The gradients of `parameters` with every element clamped to `[-limit, limit]` — PyTorch's
    /// `torch.nn.utils.clip_grad_value_`.
    ///
    /// Parameters without a gradient are skipped; gradients of other variables are kept as they are.
    public func clippedByValue(_ limit: Double, of parameters: [Parameter<Scalar>]) -> Gradients {
        precondition(limit >= 0, "clippedByValue: limit \(limit) is negative")
        var result = self
        for parameter in parameters {
            guard let gradient = self[parameter] else { continue }
            result[parameter] = gradient.clamped(min: Scalar(-limit), max: Scalar(limit))
        }
        return result
    }
}
