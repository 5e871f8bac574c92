/// GELU, exact or in its tanh approximation, and the fused kernel of its derivative.

/// Which GELU: PyTorch's `approximate` argument of `F.gelu` (`'none'` is `.exact`).
public enum GELUApproximation: Sendable, Equatable {
    /// `x · Φ(x)` with the exact normal CDF `Φ(x) = ½ · (1 + erf(x/√2))`.
    case exact
    /// `½ · x · (1 + tanh(√(2/π) · (x + 0.044715 x³)))`, as in GPT-2 and BERT.
    case tanh
}

extension Tensor where Scalar: FloatingPointTensorElement {
    /// Gaussian error linear unit ([Hendrycks & Gimpel](https://arxiv.org/abs/1606.08415)):
    /// `x · Φ(x) = ½ · x · (1 + erf(x/√2))` when exact, or
    /// `½ · x · (1 + tanh(√(2/π) · (x + 0.044715 x³)))` with `approximate: .tanh`.
    ///
    /// - Parameter approximate: `.exact` (PyTorch's default, `'none'`) or `.tanh`.
    public func gelu(approximate: GELUApproximation = .exact) -> Tensor {
        unaryMath(self, approximate == .exact ? .gelu : .geluTanh)
    }

    /// `gelu′(x) · gradient` in one pass: the VJP of `gelu(approximate:)` for the incoming
    /// `gradient` (this tensor is `x`), broadcast together.
    ///
    /// Exact: `gelu′(x) = Φ(x) + x · φ(x)` with `φ` the normal density. Tanh: with
    /// `s = ½(1 + tanh u)`, `gelu′(x) = s + x · 2s(1 − s) · √(2/π) · (1 + 3 · 0.044715 x²)`.
    package func geluDerivative(times gradient: Tensor, approximate: GELUApproximation) -> Tensor {
        geluDerivativeTimesGradient(self, gradient, approximate: approximate)
    }
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func geluDerivativeTimesGradient<Scalar: FloatingPointTensorElement>(
    _ x: Tensor<Scalar>, _ gradient: Tensor<Scalar>, approximate: GELUApproximation
) -> Tensor<Scalar> {
    if Scalar.self == Float.self {
        let result = floatGeluDerivative(unsafeBitCast(x, to: Tensor<Float>.self),
                                         times: unsafeBitCast(gradient, to: Tensor<Float>.self), approximate: approximate)
        return unsafeBitCast(result, to: Tensor<Scalar>.self)
    }
    switch approximate {
    case .exact:
        let scale = Scalar(-0.707_106_781_186_547_524_4), density = Scalar(0.398_942_280_401_432_677_9)
        return mapPairs(x, gradient, op: "geluDerivative") { x, g in
            g * (0.5 * Scalar.erfc(x * scale) + x * density * Scalar.exp(-0.5 * x * x))
        }
    case .tanh:
        let slopeScale = Scalar(0.797_884_560_802_865_4), cubic = Scalar(3 * 0.044_715)
        return mapPairs(x, gradient, op: "geluDerivative") { x, g in
            let s = logistic(2 * geluTanhArgument(x))
            return g * (s + x * 2 * s * (1 - s) * slopeScale * (1 + cubic * x * x))
        }
    }
}

/// The `Float` derivative kernels, vectorized (non-generic for the reason given at
/// `floatUnaryMath`).
func floatGeluDerivative(_ x: Tensor<Float>, times gradient: Tensor<Float>, approximate: GELUApproximation) -> Tensor<Float> {
    switch approximate {
    case .exact:
        return applying(x, gradient, op: "geluDerivative") {
            mapFloatRows($0, $1, $2, $3, $4, $5) { x, g in g * SIMDMath.geluDerivative(x) }
        }
    case .tanh:
        return applying(x, gradient, op: "geluDerivative") {
            mapFloatRows($0, $1, $2, $3, $4, $5) { x, g in g * SIMDMath.geluTanhDerivative(x) }
        }
    }
}

/// `√(2/π) · (x + 0.044715 x³)`, the argument of the tanh approximation.
@inline(__always)
func geluTanhArgument<Scalar: FloatingPointTensorElement>(_ x: Scalar) -> Scalar {
    Scalar(0.797_884_560_802_865_4) * (x + Scalar(0.044_715) * x * x * x)
}

/// The logistic function `1 / (1 + e⁻ˣ)`, stable in both tails.
@inline(__always)
func logistic<Scalar: FloatingPointTensorElement>(_ x: Scalar) -> Scalar {
    let e = Scalar.exp(-Swift.abs(x))
    return x >= 0 ? 1 / (1 + e) : e / (1 + e)
}
