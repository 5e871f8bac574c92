/// Lane-wise operations on `SIMD8<Scalar>` for the generic reduction, softmax and gradient loops.
///
/// NOTE: the standard library's masks and selects (`.>`, `.|`, `replacing(with:where:)`,
/// `pointwiseMax`) are fast only on concrete vector types. Written in generic code they stay
/// generic after specialization and run lane by lane, out of line: a maximum along a row ran
/// 400 times slower than the same code on `SIMD8<Float>`. Each helper therefore switches to
/// concrete `Float` and `Double` code; the switch folds away when the caller is specialized.

extension SIMD8 {
    /// The same bits, read as eight lanes of `Other` (of the same size).
    @inline(__always)
    func reinterpreted<Other: SIMDScalar>(as _: Other.Type) -> SIMD8<Other> {
        unsafeBitCast(self, to: SIMD8<Other>.self)
    }
}

/// `max(a, b)` lane by lane where a NaN, once in `a`, stays, and a NaN in `b` replaces `a`:
/// an accumulator that starts from `a` ends NaN if any element was NaN, like NumPy and PyTorch.
@inline(__always)
func laneMaximum<Scalar: FloatingPointTensorElement>(_ a: SIMD8<Scalar>, _ b: SIMD8<Scalar>) -> SIMD8<Scalar> {
    if Scalar.self == Float.self {
        let (x, y) = (a.reinterpreted(as: Float.self), b.reinterpreted(as: Float.self))
        return x.replacing(with: y, where: (y .> x) .| (y .!= y)).reinterpreted(as: Scalar.self)
    }
    if Scalar.self == Double.self {
        let (x, y) = (a.reinterpreted(as: Double.self), b.reinterpreted(as: Double.self))
        return x.replacing(with: y, where: (y .> x) .| (y .!= y)).reinterpreted(as: Scalar.self)
    }
    return a.replacing(with: b, where: (b .> a) .| (b .!= b))
}

/// `min(a, b)` lane by lane, NaN winning as in `laneMaximum`.
@inline(__always)
func laneMinimum<Scalar: FloatingPointTensorElement>(_ a: SIMD8<Scalar>, _ b: SIMD8<Scalar>) -> SIMD8<Scalar> {
    if Scalar.self == Float.self {
        let (x, y) = (a.reinterpreted(as: Float.self), b.reinterpreted(as: Float.self))
        return x.replacing(with: y, where: (y .< x) .| (y .!= y)).reinterpreted(as: Scalar.self)
    }
    if Scalar.self == Double.self {
        let (x, y) = (a.reinterpreted(as: Double.self), b.reinterpreted(as: Double.self))
        return x.replacing(with: y, where: (y .< x) .| (y .!= y)).reinterpreted(as: Scalar.self)
    }
    return a.replacing(with: b, where: (b .< a) .| (b .!= b))
}

/// The scalar forms of `laneMaximum` and `laneMinimum`, for folding lanes and tails.
@inline(__always)
func scalarMaximum<Scalar: FloatingPointTensorElement>(_ a: Scalar, _ b: Scalar) -> Scalar {
    b > a || b.isNaN ? b : a
}

@inline(__always)
func scalarMinimum<Scalar: FloatingPointTensorElement>(_ a: Scalar, _ b: Scalar) -> Scalar {
    b < a || b.isNaN ? b : a
}

/// `|x|` lane by lane, by clearing the sign bit.
@inline(__always)
func laneMagnitude<Scalar: FloatingPointTensorElement>(_ x: SIMD8<Scalar>) -> SIMD8<Scalar> {
    if Scalar.self == Float.self {
        return (x.reinterpreted(as: UInt32.self) & 0x7fff_ffff).reinterpreted(as: Scalar.self)
    }
    if Scalar.self == Double.self {
        return (x.reinterpreted(as: UInt64.self) & 0x7fff_ffff_ffff_ffff).reinterpreted(as: Scalar.self)
    }
    return x.replacing(with: -x, where: x .< 0)
}

/// 1 where `x ≠ 0` (NaN included), 0 elsewhere.
@inline(__always)
func laneNonzero<Scalar: FloatingPointTensorElement>(_ x: SIMD8<Scalar>) -> SIMD8<Scalar> {
    if Scalar.self == Float.self {
        let y = x.reinterpreted(as: Float.self)
        return SIMD8<Float>(repeating: 0).replacing(with: 1, where: y .!= 0).reinterpreted(as: Scalar.self)
    }
    if Scalar.self == Double.self {
        let y = x.reinterpreted(as: Double.self)
        return SIMD8<Double>(repeating: 0).replacing(with: 1, where: y .!= 0).reinterpreted(as: Scalar.self)
    }
    return SIMD8<Scalar>(repeating: 0).replacing(with: 1, where: x .!= 0)
}

/// 1 where `x > 0`, 0 elsewhere (NaN included): the indicator in `relu`'s gradient.
@inline(__always)
func lanePositive<Scalar: FloatingPointTensorElement>(_ x: SIMD8<Scalar>) -> SIMD8<Scalar> {
    if Scalar.self == Float.self {
        let y = x.reinterpreted(as: Float.self)
        return SIMD8<Float>(repeating: 0).replacing(with: 1, where: y .> 0).reinterpreted(as: Scalar.self)
    }
    if Scalar.self == Double.self {
        let y = x.reinterpreted(as: Double.self)
        return SIMD8<Double>(repeating: 0).replacing(with: 1, where: y .> 0).reinterpreted(as: Scalar.self)
    }
    return SIMD8<Scalar>(repeating: 0).replacing(with: 1, where: x .> 0)
}

/// `exp` lane by lane. `Float` uses the vectorized `SIMDMath.exp`: glibc's `expf` is accurate
/// but scalar, and would make softmax compute-bound at a fraction of memory bandwidth. `Double`
/// keeps the library's `exp`: it is what gradient checks run in, where accuracy matters more.
@inline(__always)
func laneExponential<Scalar: FloatingPointTensorElement>(_ x: SIMD8<Scalar>) -> SIMD8<Scalar> {
    if Scalar.self == Float.self {
        // NOTE: `low: −0` rather than the default `+0`. `x + 0` cannot be folded (−0 + 0 is +0),
        // and with it left in, the optimizer split the polynomial into scalar operations per
        // lane once inlined: softmax ran at a third of its speed. `x + (−0)` is exactly `x` and
        // folds away, so the result is the same.
        return SIMDMath.exp(x.reinterpreted(as: Float.self), low: SIMD8(repeating: -0.0)).reinterpreted(as: Scalar.self)
    }
    var result = x
    for lane in 0..<8 { result[lane] = Scalar.exp(x[lane]) }
    return result
}

@inline(__always)
func loadLanes<Scalar: FloatingPointTensorElement>(_ pointer: UnsafePointer<Scalar>) -> SIMD8<Scalar> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Scalar>.self)
}

@inline(__always)
func loadLanes<Scalar: FloatingPointTensorElement>(_ pointer: UnsafeMutablePointer<Scalar>) -> SIMD8<Scalar> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Scalar>.self)
}

/// The first `count` (< 8) lanes from `pointer`, the others `padding`: tails go through the
/// same vector arithmetic as the rest of a row.
@inline(__always)
func loadLanes<Scalar: FloatingPointTensorElement>(
    _ pointer: UnsafePointer<Scalar>, count: Int, padding: Scalar = 0
) -> SIMD8<Scalar> {
    var lanes = SIMD8<Scalar>(repeating: padding)
    for lane in 0..<count { lanes[lane] = pointer[lane] }
    return lanes
}

@inline(__always)
func storeLanes<Scalar: FloatingPointTensorElement>(_ value: SIMD8<Scalar>, _ pointer: UnsafeMutablePointer<Scalar>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Scalar>.self)
}

/// Stores the first `count` (< 8) lanes.
@inline(__always)
func storeLanes<Scalar: FloatingPointTensorElement>(
    _ value: SIMD8<Scalar>, _ pointer: UnsafeMutablePointer<Scalar>, count: Int
) {
    for lane in 0..<count { pointer[lane] = value[lane] }
}
