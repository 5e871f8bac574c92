/// The truncated normal distribution, by inverting the normal CDF.
///
/// Rejection sampling would use a varying number of random words per element, which breaks the
/// fixed block-per-element layout that lets big tensors fill in parallel with the same numbers.
/// Inversion uses one uniform per element: `x = μ + σ·Φ⁻¹(Φ(α) + (Φ(β) − Φ(α))·u)`, the same
/// method as `torch.nn.init.trunc_normal_`, computed in `Double` whatever the element type.

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func truncatedNormalTensor<Scalar: FloatingPointTensorElement>(
    _ shape: [Int], mean: Scalar, standardDeviation: Scalar, lower: Scalar, upper: Scalar,
    using generator: inout PhiloxGenerator
) -> Tensor<Scalar> {
    let result = Tensor<Scalar>(uninitializedShape: shape)
    let destination = result.storage.base
    let mu = mean.doubleValue, sigma = standardDeviation.doubleValue
    var alpha = (lower.doubleValue - mu) / sigma, beta = (upper.doubleValue - mu) / sigma
    // Φ loses relative precision near 1, so an interval in the upper half is sampled as its
    // mirror image in the lower half, where Φ(x) = erfc(−x/√2)/2 is accurate far into the tail.
    let mirrored = alpha > 0
    if mirrored { (alpha, beta) = (-beta, -alpha) }
    let cdfLower = standardNormalCDF(alpha), cdfWidth = standardNormalCDF(beta) - standardNormalCDF(alpha)
    let words = randomWordCount(for: Scalar.self)
    let spacing = Double(randomSpacing(for: Scalar.self))
    forEachRandomGroup(count: result.count, wordsPerGroup: words, using: &generator) { element, block, lane in
        // u ∈ (0, 1): the midpoint of the k-th of 2^b cells, so Φ⁻¹ never sees exactly 0 or 1.
        let unit = (Double(randomBits(block, lane, for: Scalar.self)) + 0.5) * spacing
        let standard = inverseStandardNormalCDF(cdfLower + cdfWidth * unit)
        let value = Scalar(mu + sigma * (mirrored ? -standard : standard))
        destination[element] = min(max(value, lower), upper)  // rounding may step just outside
    }
    return result
}

extension Tensor where Scalar: FloatingPointTensorElement {
    /// Samples from the normal distribution `N(mean, standardDeviation²)` restricted to `[lower, upper]`.
    ///
    /// `x = μ + σ·Φ⁻¹(Φ(α) + (Φ(β) − Φ(α))·u)` with `α = (lower − μ)/σ`, `β = (upper − μ)/σ`.
    /// The bounds are absolute values, not multiples of σ, as in `torch.nn.init.trunc_normal_`
    /// and timm (whose default is `[-2, 2]`, used for ViT weights with σ = 0.02).
    /// - Parameters:
    ///   - shape: the result's shape.
    ///   - mean: the mean `μ` of the normal distribution before truncation.
    ///   - standardDeviation: its standard deviation `σ`.
    ///   - lower: the smallest value kept (absolute, not in units of σ).
    ///   - upper: the largest value kept.
    ///   - generator: the stream to draw from; it moves past the numbers used.
    /// - Precondition: `standardDeviation > 0` and `lower < upper`.
    public static func truncatedNormal(
        _ shape: [Int], mean: Scalar = 0, standardDeviation: Scalar = 1,
        lower: Scalar = -2, upper: Scalar = 2, using generator: inout PhiloxGenerator
    ) -> Tensor {
        precondition(standardDeviation > 0,
                     "truncatedNormal: shape \(shape): standard deviation \(standardDeviation) is not positive")
        precondition(lower < upper, "truncatedNormal: shape \(shape): bounds [\(lower), \(upper)] are empty")
        return truncatedNormalTensor(shape, mean: mean, standardDeviation: standardDeviation,
                                     lower: lower, upper: upper, using: &generator)
    }
}

/// `Φ(x) = erfc(−x/√2) / 2`, accurate in the lower tail.
@inline(__always)
func standardNormalCDF(_ x: Double) -> Double {
    0.5 * Double.erfc(-x / 2.0.squareRoot())
}

/// `Φ⁻¹(p)`: Acklam's rational approximation (relative error 1.2·10⁻⁹) refined by one Halley
/// step, which brings it to a few ulps for `p ≤ 1/2` and close to that above.
func inverseStandardNormalCDF(_ p: Double) -> Double {
    if p <= 0 { return -.infinity }
    if p >= 1 { return .infinity }
    let a = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
             1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00)
    let b = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
             6.680131188771972e+01, -1.328068155288572e+01)
    let c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
             -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00)
    let d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00)
    let tail = 0.02425
    func tailValue(_ q: Double) -> Double {
        (((((c.0 * q + c.1) * q + c.2) * q + c.3) * q + c.4) * q + c.5)
            / ((((d.0 * q + d.1) * q + d.2) * q + d.3) * q + 1)
    }
    var x: Double
    if p < tail {
        x = tailValue((-2 * Double.log(p)).squareRoot())
    } else if p <= 1 - tail {
        let q = p - 0.5, r = q * q
        x = (((((a.0 * r + a.1) * r + a.2) * r + a.3) * r + a.4) * r + a.5) * q
            / (((((b.0 * r + b.1) * r + b.2) * r + b.3) * r + b.4) * r + 1)
    } else {
        x = -tailValue((-2 * Double.log(onePlus: -p)).squareRoot())
    }
    // Halley's step on Φ(x) − p = 0; skipped where exp(x²/2) overflows (|x| > 37, p < 10⁻³⁰⁰).
    let error = standardNormalCDF(x) - p
    let scaled = error * (2 * Double.pi).squareRoot() * Double.exp(x * x / 2)
    if scaled.isFinite { x -= scaled / (1 + x * scaled / 2) }
    return x
}
