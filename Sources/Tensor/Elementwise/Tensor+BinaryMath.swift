/// Binary math with NumPy broadcasting: `pow`, `minimum`, `maximum`, and `clamped(min:max:)`.

enum BinaryMathOperation { case power, minimum, maximum }

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func binaryMath<Scalar: FloatingPointTensorElement>(
    _ lhs: Tensor<Scalar>, _ rhs: Tensor<Scalar>, _ operation: BinaryMathOperation
) -> Tensor<Scalar> {
    if Scalar.self == Float.self, operation != .power {
        let result = floatMinimumOrMaximum(unsafeBitCast(lhs, to: Tensor<Float>.self),
                                           unsafeBitCast(rhs, to: Tensor<Float>.self), operation)
        return unsafeBitCast(result, to: Tensor<Scalar>.self)
    }
    switch operation {
    case .power:
        return applying(lhs, rhs, op: "pow") { left, leftStride, right, rightStride, destination, count in
            for index in 0..<count {
                destination[index] = power(left[index * leftStride], right[index * rightStride])
            }
        }
    case .minimum:
        // NaN in either operand gives NaN, like NumPy's minimum and PyTorch's torch.minimum.
        return mapPairs(lhs, rhs, op: "minimum") { a, b in b < a || b.isNaN ? b : a }
    case .maximum:
        return mapPairs(lhs, rhs, op: "maximum") { a, b in b > a || b.isNaN ? b : a }
    }
}

/// `minimum` and `maximum` for `Float`, vectorized. Non-generic for the reason given at
/// `floatUnaryMath`.
func floatMinimumOrMaximum(_ lhs: Tensor<Float>, _ rhs: Tensor<Float>, _ operation: BinaryMathOperation) -> Tensor<Float> {
    if operation == .minimum {
        return applying(lhs, rhs, op: "minimum") {
            mapFloatRows($0, $1, $2, $3, $4, $5) { a, b in a.replacing(with: b, where: (b .< a) .| (b .!= b)) }
        }
    }
    return applying(lhs, rhs, op: "maximum") {
        mapFloatRows($0, $1, $2, $3, $4, $5) { a, b in a.replacing(with: b, where: (b .> a) .| (b .!= b)) }
    }
}

/// Runs a vectorized `Float` function over a row of two operands; like `mapFloatRow`, every
/// element goes through the same arithmetic whatever the strides.
@inline(__always)
func mapFloatRows(
    _ lhs: UnsafePointer<Float>, _ lhsStride: Int, _ rhs: UnsafePointer<Float>, _ rhsStride: Int,
    _ destination: UnsafeMutablePointer<Float>, _ count: Int,
    _ function: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>
) {
    @inline(__always)
    func gather(_ source: UnsafePointer<Float>, _ stride: Int, _ start: Int, _ lanes: Int) -> SIMD8<Float> {
        if stride == 1 && lanes == 8 { return UnsafeRawPointer(source + start).loadUnaligned(as: SIMD8<Float>.self) }
        if stride == 0 { return SIMD8(repeating: source[0]) }
        var vector = SIMD8<Float>()
        for lane in 0..<lanes { vector[lane] = source[(start + lane) * stride] }
        return vector
    }
    var index = 0
    while index + 8 <= count {
        let output = function(gather(lhs, lhsStride, index, 8), gather(rhs, rhsStride, index, 8))
        UnsafeMutableRawPointer(destination + index).storeBytes(of: output, as: SIMD8<Float>.self)
        index += 8
    }
    if index < count {
        let remaining = count - index
        let output = function(gather(lhs, lhsStride, index, remaining), gather(rhs, rhsStride, index, remaining))
        for lane in 0..<remaining { destination[index + lane] = output[lane] }
    }
}

/// `xʸ` with C's `pow` conventions, which NumPy and PyTorch follow: a negative base with an
/// integral exponent is fine (`(-2)³ = -8`) and `0⁰ = 1`.
///
/// swift-numerics' `pow(x, y)` returns NaN for every negative `x`, so integral exponents go
/// through its `pow(x, n)` instead.
@inline(__always)
func power<Scalar: FloatingPointTensorElement>(_ base: Scalar, _ exponent: Scalar) -> Scalar {
    if let integer = Int(exactly: exponent) { return Scalar.pow(base, integer) }
    return Scalar.pow(base, exponent)
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func clamp<Scalar: FloatingPointTensorElement>(_ x: Tensor<Scalar>, lower: Scalar, upper: Scalar) -> Tensor<Scalar> {
    if Scalar.self == Float.self {
        let result = floatClamp(unsafeBitCast(x, to: Tensor<Float>.self), lower: lower as! Float, upper: upper as! Float)
        return unsafeBitCast(result, to: Tensor<Scalar>.self)
    }
    return x.applying { mapScalars($0, $1, $2, $3, { $0 < lower ? lower : $0 > upper ? upper : $0 }) }
}

/// `clamp` for `Float`, vectorized (non-generic, see `floatUnaryMath`).
func floatClamp(_ x: Tensor<Float>, lower: Float, upper: Float) -> Tensor<Float> {
    x.applying {
        mapFloatRow($0, $1, $2, $3) { $0.replacing(with: lower, where: $0 .< lower).replacing(with: upper, where: $0 .> upper) }
    }
}

extension Tensor where Scalar: FloatingPointTensorElement {
    /// `baseᵉˣᵖᵒⁿᵉⁿᵗ` elementwise, broadcasting `base` and `exponent` together.
    ///
    /// Follows C's `pow`: negative bases are allowed with integral exponents, `0⁰ = 1`, and a
    /// negative base with a fractional exponent gives NaN.
    public static func pow(_ base: Tensor, _ exponent: Tensor) -> Tensor { binaryMath(base, exponent, .power) }

    /// `baseᵉˣᵖᵒⁿᵉⁿᵗ` elementwise with one exponent for all elements.
    public static func pow(_ base: Tensor, _ exponent: Scalar) -> Tensor {
        exponent == 2 ? base.square() : binaryMath(base, Tensor(exponent), .power)
    }

    /// The smaller of each pair, `min(a, b)`, broadcasting; NaN if either is NaN.
    public static func minimum(_ lhs: Tensor, _ rhs: Tensor) -> Tensor { binaryMath(lhs, rhs, .minimum) }

    /// The larger of each pair, `max(a, b)`, broadcasting; NaN if either is NaN.
    public static func maximum(_ lhs: Tensor, _ rhs: Tensor) -> Tensor { binaryMath(lhs, rhs, .maximum) }

    /// Each element limited to `[min, max]`: `min(max(x, min), max)`; NaN stays NaN.
    ///
    /// Either bound may be omitted. Precondition: `min ≤ max`.
    public func clamped(min lower: Scalar? = nil, max upper: Scalar? = nil) -> Tensor {
        let lower = lower ?? -.infinity, upper = upper ?? .infinity
        precondition(lower <= upper, "clamped: min \(lower) is greater than max \(upper) for shape \(shape)")
        return clamp(self, lower: lower, upper: upper)
    }
}
