/// Binary math with NumPy broadcasting: `pow`, `minimum`, `maximum`, and `clamped(min:max:)`.

enum BinaryMathOperation { case power, minimum, maximum }

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func binaryMath<Scalar: FloatingPointTensorElement>(
    _ lhs: Tensor<Scalar>, _ rhs: Tensor<Scalar>, _ operation: BinaryMathOperation
) -> Tensor<Scalar> {
    switch operation {
    case .power:
        return applying(lhs, rhs, op: "pow") { left, leftStride, right, rightStride, destination, count in
            for index in 0..<count {
                destination[index] = power(left[index * leftStride], right[index * rightStride])
            }
        }
    case .minimum:
        // NaN in either operand gives NaN, like NumPy's minimum and PyTorch's torch.minimum.
        return applying(lhs, rhs, op: "minimum") {
            mapRow($0, $1, $2, $3, $4, $5,
                   vector: { a, b in a.replacing(with: b, where: (b .< a) .| (b .!= b)) },
                   scalar: { a, b in b < a || b.isNaN ? b : a })
        }
    case .maximum:
        return applying(lhs, rhs, op: "maximum") {
            mapRow($0, $1, $2, $3, $4, $5,
                   vector: { a, b in a.replacing(with: b, where: (b .> a) .| (b .!= b)) },
                   scalar: { a, b in b > a || b.isNaN ? b : a })
        }
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
    x.applying {
        mapRow($0, $1, $2, $3,
               vector: { $0.replacing(with: lower, where: $0 .< lower).replacing(with: upper, where: $0 .> upper) },
               scalar: { $0 < lower ? lower : $0 > upper ? upper : $0 })
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
