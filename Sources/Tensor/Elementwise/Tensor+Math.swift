/// Unary math on floating-point tensors: `-x`, `abs`, `exp`, `log`, `tanh`, … and the activations.
///
/// One kernel switches over the operation outside the loop. `Float` tensors go to vectorized
/// kernels (exp, log, log1p, softplus, tanh, sigmoid, erf, GELU and SiLU through `SIMDMath`);
/// `Double`, sin and cos call swift-numerics (libm) element by element.

enum UnaryOperation {
    case negate, abs, sign, exp, log, logOnePlus, squareRoot, reciprocalSquareRoot, square
    case sin, cos, tanh, sigmoid, relu, leakyRelu(slope: Double), gelu, geluTanh, erf, softplus, silu
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func unaryMath<Scalar: FloatingPointTensorElement>(
    _ x: Tensor<Scalar>, _ operation: UnaryOperation
) -> Tensor<Scalar> {
    if Scalar.self == Float.self {
        return unsafeBitCast(floatUnaryMath(unsafeBitCast(x, to: Tensor<Float>.self), operation), to: Tensor<Scalar>.self)
    }
    switch operation {
    case .negate: return x.applying { mapRow($0, $1, $2, $3, vector: { -$0 }, scalar: { -$0 }) }
    case .abs: return x.applying { mapScalars($0, $1, $2, $3, { $0.magnitude }) }
    // Zero and NaN map to themselves, like NumPy's sign.
    case .sign: return x.applying { mapScalars($0, $1, $2, $3, { $0 > 0 ? 1 : $0 < 0 ? -1 : $0 }) }
    case .exp: return x.applying { mapScalars($0, $1, $2, $3, { Scalar.exp($0) }) }
    case .log: return x.applying { mapScalars($0, $1, $2, $3, { Scalar.log($0) }) }
    case .logOnePlus: return x.applying { mapScalars($0, $1, $2, $3, { Scalar.log(onePlus: $0) }) }
    case .squareRoot: return x.applying { mapScalars($0, $1, $2, $3, { $0.squareRoot() }) }
    case .reciprocalSquareRoot: return x.applying { mapScalars($0, $1, $2, $3, { 1 / $0.squareRoot() }) }
    case .square: return x.applying { mapRow($0, $1, $2, $3, vector: { $0 * $0 }, scalar: { $0 * $0 }) }
    case .sin: return x.applying { mapScalars($0, $1, $2, $3, { Scalar.sin($0) }) }
    case .cos: return x.applying { mapScalars($0, $1, $2, $3, { Scalar.cos($0) }) }
    case .tanh: return x.applying { mapScalars($0, $1, $2, $3, { Scalar.tanh($0) }) }
    case .sigmoid: return x.applying { mapScalars($0, $1, $2, $3, { 1 / (1 + Scalar.exp(-$0)) }) }
    // `x < 0 ? 0 : x` rather than max(x, 0), so that NaN propagates as in PyTorch.
    case .relu: return x.applying { mapScalars($0, $1, $2, $3, { $0 < 0 ? 0 : $0 }) }
    case .leakyRelu(let slope):
        let slope = Scalar(slope)
        return x.applying { mapScalars($0, $1, $2, $3, { $0 < 0 ? $0 * slope : $0 }) }
    case .gelu:
        // ½·x·(1 + erf(x/√2)) = ½·x·erfc(−x/√2): erfc keeps the negative tail accurate.
        let scale = Scalar(-0.707_106_781_186_547_524_4)
        return x.applying { mapScalars($0, $1, $2, $3, { 0.5 * $0 * Scalar.erfc($0 * scale) }) }
    case .geluTanh: return x.applying { mapScalars($0, $1, $2, $3, { $0 * logistic(2 * geluTanhArgument($0)) }) }
    case .erf: return x.applying { mapScalars($0, $1, $2, $3, { Scalar.erf($0) }) }
    // PyTorch's default threshold: above 20, log(1 + eˣ) equals x to within rounding.
    case .softplus: return x.applying { mapScalars($0, $1, $2, $3, { $0 > 20 ? $0 : Scalar.log(onePlus: Scalar.exp($0)) }) }
    case .silu: return x.applying { mapScalars($0, $1, $2, $3, { $0 / (1 + Scalar.exp(-$0)) }) }
    }
}

/// The `Float` kernels, vectorized with `SIMD8<Float>`; the transcendental ones go through
/// `FloatVectorFunctions` (see the note in `FloatRowKernels.swift`).
///
/// NOTE: these live in a non-generic function on purpose. In generic code specialized to `Float`,
/// SIMD comparisons and `replacing(with:where:)` resolve to the stdlib's per-lane generic
/// versions and run about ten times slower than the vector instructions they become here.
func floatUnaryMath(_ x: Tensor<Float>, _ operation: UnaryOperation) -> Tensor<Float> {
    switch operation {
    case .negate: return x.applying { mapFloatRow($0, $1, $2, $3) { -$0 } }
    case .abs: return x.applying { mapFloatRow($0, $1, $2, $3) { SIMDMath.magnitude($0) } }
    case .sign:
        return x.applying { mapFloatRow($0, $1, $2, $3) { $0.replacing(with: 1, where: $0 .> 0).replacing(with: -1, where: $0 .< 0) } }
    case .exp: return x.applying { mapFloatRow(FloatVectorFunctions.Exponential.self, $0, $1, $2, $3) }
    case .log: return x.applying { mapFloatRow($0, $1, $2, $3) { SIMDMath.log($0) } }
    case .logOnePlus: return x.applying { mapFloatRow(FloatVectorFunctions.LogOnePlus.self, $0, $1, $2, $3) }
    case .squareRoot: return x.applying { mapFloatRow($0, $1, $2, $3) { SIMDMath.squareRoot($0) } }
    case .reciprocalSquareRoot: return x.applying { mapFloatRow($0, $1, $2, $3) { 1 / SIMDMath.squareRoot($0) } }
    case .square: return x.applying { mapFloatRow($0, $1, $2, $3) { $0 * $0 } }
    case .sin: return x.applying { mapScalars($0, $1, $2, $3, { Float.sin($0) }) }
    case .cos: return x.applying { mapScalars($0, $1, $2, $3, { Float.cos($0) }) }
    case .tanh: return x.applying { mapFloatRow(FloatVectorFunctions.HyperbolicTangent.self, $0, $1, $2, $3) }
    case .sigmoid: return x.applying { mapFloatRow(FloatVectorFunctions.Sigmoid.self, $0, $1, $2, $3) }
    case .relu: return x.applying { mapFloatRow($0, $1, $2, $3) { SIMDMath.positivePart($0) } }
    case .leakyRelu(let slope):
        let slope = Float(slope)
        return x.applying { mapFloatRow($0, $1, $2, $3) { $0.replacing(with: $0 * slope, where: $0 .< 0) } }
    case .gelu: return x.applying { mapFloatRow(FloatVectorFunctions.GELU.self, $0, $1, $2, $3) }
    case .geluTanh: return x.applying { mapFloatRow(FloatVectorFunctions.TanhGELU.self, $0, $1, $2, $3) }
    case .erf: return x.applying { mapFloatRow(FloatVectorFunctions.ErrorFunction.self, $0, $1, $2, $3) }
    case .softplus: return x.applying { mapFloatRow(FloatVectorFunctions.Softplus.self, $0, $1, $2, $3) }
    case .silu: return x.applying { mapFloatRow(FloatVectorFunctions.SiLU.self, $0, $1, $2, $3) }
    }
}

/// Applies `transform` to each element of a row, one at a time.
@inline(__always)
func mapScalars<Source, Result>(
    _ source: UnsafePointer<Source>, _ sourceStride: Int,
    _ destination: UnsafeMutablePointer<Result>, _ count: Int, _ transform: (Source) -> Result
) {
    for index in 0..<count { destination[index] = transform(source[index * sourceStride]) }
}

extension Tensor where Scalar: FloatingPointTensorElement {
    /// Elementwise negation, `-x`.
    public static prefix func - (x: Tensor) -> Tensor { unaryMath(x, .negate) }

    /// Absolute value, `|x|`.
    public func abs() -> Tensor { unaryMath(self, .abs) }

    /// Sign, `1` for positive, `-1` for negative elements; zeros and NaN are kept.
    public func sign() -> Tensor { unaryMath(self, .sign) }

    /// Exponential, `eˣ`.
    public func exp() -> Tensor { unaryMath(self, .exp) }

    /// Natural logarithm, `ln x` (`-inf` at 0, NaN below).
    public func log() -> Tensor { unaryMath(self, .log) }

    /// `ln(1 + x)`, accurate for small `x`.
    public func log1p() -> Tensor { unaryMath(self, .logOnePlus) }

    /// Square root, `√x`.
    public func sqrt() -> Tensor { unaryMath(self, .squareRoot) }

    /// Reciprocal square root, `1 / √x`, computed exactly (not with an estimate instruction).
    public func rsqrt() -> Tensor { unaryMath(self, .reciprocalSquareRoot) }

    /// Square, `x²`.
    public func square() -> Tensor { unaryMath(self, .square) }

    /// Sine, `sin x` (radians).
    public func sin() -> Tensor { unaryMath(self, .sin) }

    /// Cosine, `cos x` (radians).
    public func cos() -> Tensor { unaryMath(self, .cos) }

    /// Hyperbolic tangent, `tanh x`.
    public func tanh() -> Tensor { unaryMath(self, .tanh) }

    /// The logistic sigmoid, `σ(x) = 1 / (1 + e⁻ˣ)`.
    public func sigmoid() -> Tensor { unaryMath(self, .sigmoid) }

    /// Rectified linear unit, `max(x, 0)` (NaN propagates).
    public func relu() -> Tensor { unaryMath(self, .relu) }

    /// Leaky ReLU, `x ≥ 0 ? x : slope · x`.
    public func leakyRelu(slope: Scalar = 0.01) -> Tensor { unaryMath(self, .leakyRelu(slope: slope.doubleValue)) }

    /// The error function, `erf(x) = 2/√π ∫₀ˣ e^{−t²} dt`.
    public func erf() -> Tensor { unaryMath(self, .erf) }

    /// Softplus, `ln(1 + eˣ)`, returning `x` itself above 20 like PyTorch (β = 1, threshold 20).
    public func softplus() -> Tensor { unaryMath(self, .softplus) }

    /// SiLU (swish), `x · σ(x)`.
    public func silu() -> Tensor { unaryMath(self, .silu) }
}
