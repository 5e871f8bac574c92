/// `exp` over eight lanes at once, for the softmax and log-sum-exp loops.
///
/// glibc's `expf` is accurate but scalar: at a few nanoseconds per call it would make softmax
/// compute-bound at a fraction of memory bandwidth. For `Float` this is the Cephes polynomial
/// (relative error about 2e-7 on [-87.3, 88.7]) with the power of two built in the exponent
/// bits. `Double` keeps the library's `exp` lane by lane: it is what gradient checks run in,
/// where accuracy matters more than speed.
@inline(__always)
func vectorExponential<Scalar: FloatingPointTensorElement>(_ x: SIMD8<Scalar>) -> SIMD8<Scalar> {
    if Scalar.self == Float.self {
        return unsafeBitCast(floatExponential(unsafeBitCast(x, to: SIMD8<Float>.self)), to: SIMD8<Scalar>.self)
    }
    var result = x
    for lane in 0..<8 { result[lane] = Scalar.exp(x[lane]) }
    return result
}

@inline(__always)
func floatExponential(_ x: SIMD8<Float>) -> SIMD8<Float> {
    // Outside [-87.3, 88.7] the result under- or overflows. Clamping gives about 1e-38 and 3e38
    // there instead of 0 and ∞: callers pass x − max ≤ 0, where 1e-38 is 0 for every purpose,
    // and patching lanes with masks would cost more than the polynomial. NaN stays NaN.
    let clamped = x.clamped(lowerBound: SIMD8(repeating: -87.33654), upperBound: SIMD8(repeating: 88.72283))
    // n = round(x / ln 2) via the 1.5·2²³ trick: adding it leaves n in the low mantissa bits.
    let magic = SIMD8<Float>(repeating: 12_582_912)
    let shifted = clamped * 1.442_695_04 + magic
    let n = shifted - magic
    // r = x − n·ln 2 in two steps, so that r keeps full precision.
    let r = clamped - n * 0.693_359_375 + n * 2.121_944_4e-4
    var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_950_7e-3
    p = p * r + 8.333_451_907_3e-3
    p = p * r + 4.166_579_589_4e-2
    p = p * r + 1.666_666_545_9e-1
    p = p * r + 5.000_000_120_1e-1
    p = p * (r * r) + r + 1
    // 2ⁿ: the low bits of `shifted` hold n; add the bias and move them into the exponent field.
    let bits = (unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &+ 127) &<< 23
    return p * unsafeBitCast(bits, to: SIMD8<Float>.self)
}
