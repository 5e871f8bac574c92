#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// GELU for eight `Float`s at once, in its exact form and in the tanh approximation, and the
/// derivatives of both (for the fused VJP, one pass over the input and the incoming gradient).
extension SIMDMath {
    /// `1/√(2π)`, the normal density at 0.
    static let densityScale: Float = 0.398_942_280_401_432_7
    /// `√(2/π)`, the tanh approximation's scale.
    static let tanhScale: Float = 0.797_884_560_802_865_4
    /// The tanh approximation's cubic coefficient.
    static let tanhCubic: Float = 0.044_715

    /// GELU in its exact form, `x · Φ(x) = ½ · x · (1 + erf(x/√2))`.
    ///
    /// For `|x| ≤ 3` (all but 0.3 % of a standard normal sample) `Φ(−|x|) = e^{L(|x|)}` with a
    /// polynomial `L ≈ ln Φ(−z)` on [0, 3], and `Φ(|x|) = 1 − Φ(−|x|)`: the exponential keeps the
    /// negative side accurate relative to its value, and the positive side, at least ½, only
    /// needs absolute accuracy. Lanes outside that range (and NaN) take `geluTail`, which is
    /// evaluated only when some lane of the vector needs it; the choice is made per lane, so a
    /// value's result does not depend on its neighbours.
    @inline(always)
    static func gelu(_ x: Vector) -> Vector {
        let z = magnitude(x)
        let outside = .!(z .<= 3)                                  // true for NaN too
        let inRange = z.replacing(with: 3, where: outside)
        let lower = expOfModerate(logLowerTail(inRange))           // Φ(−|x|)
        let probability = lower.replacing(with: 1 - lower, where: x .>= 0)
        let result = x * probability
        if _fastPath(!anyLane(outside)) { return result }
        return geluTail(x).replacing(with: result, where: .!outside)
    }

    /// GELU's derivative, `Φ(x) + x · φ(x)` with `φ` the normal density; the same split as `gelu`.
    @inline(__always)
    static func geluDerivative(_ x: Vector) -> Vector {
        let z = magnitude(x)
        let outside = .!(z .<= 3)
        let inRange = z.replacing(with: 3, where: outside)
        let lower = expOfModerate(logLowerTail(inRange))           // Φ(−|x|)
        let cumulative = lower.replacing(with: 1 - lower, where: x .>= 0)
        let density = expOfModerate(inRange * inRange * -0.5) * densityScale
        let result = fma(x, density, cumulative)
        if _fastPath(!anyLane(outside)) { return result }
        return geluDerivativeTail(x).replacing(with: result, where: .!outside)
    }

    /// `L(z) ≈ ln Φ(−z)` for `z` in [0, 3], a degree-9 polynomial.
    @inline(__always)
    static func logLowerTail(_ z: Vector) -> Vector {
        // Estrin's scheme rather than Horner's: four dependent steps instead of nine, so that
        // consecutive vectors overlap in the pipeline.
        let z2 = z * z
        let z4 = z2 * z2
        let c01 = fma(z, Vector(repeating: -7.978_848_814_964_294e-01), -6.931_471_824_645_996e-01)
        let c23 = fma(z, Vector(repeating: -3.635_036_945_343_017_6e-02), -3.183_062_672_615_051e-01)
        let c45 = fma(z, Vector(repeating: 5.833_422_164_869_262e-06), 4.811_557_009_816_17e-03)
        let c67 = fma(z, Vector(repeating: 5.233_038_973_528_892e-05), -1.962_206_151_802_092_8e-04)
        let c89 = fma(z, Vector(repeating: 3.795_580_312_271_340_5e-07), -6.818_212_114_012_567e-06)
        let c03 = fma(c23, z2, c01)
        let c47 = fma(c67, z2, c45)
        let c49 = fma(c89, z4, c47)
        return fma(c49, z4, c03)
    }

    /// Whether any lane of a comparison result is true.
    @inline(__always)
    static func anyLane(_ mask: SIMDMask<SIMD8<Int32>>) -> Bool {
        #if arch(x86_64)
        _mm256_movemask_ps(vector(unsafeBitCast(mask, to: Bits.self))) != 0
        #else
        any(mask)
        #endif
    }

    /// `Φ(x)` for any `x`, through `erfc`: `½ erfc(−x/√2)`, computed without cancellation for
    /// `x < 0`.
    @inline(__always)
    static func cumulativeNormal(_ x: Vector) -> Vector {
        let tail = erfc(magnitude(x), scale: 0.707_106_781_186_547_524, scaleSquared: 0.5)
        return 0.5 * tail.replacing(with: 2 - tail, where: x .>= 0)
    }

    /// GELU for any `x`, through `erfc`: slower than the polynomial in `gelu`, used outside its
    /// range.
    ///
    /// NOTE: kept out of line so that the rarely taken branch does not bloat the row loop.
    @inline(never)
    static func geluTail(_ x: Vector) -> Vector {
        x * cumulativeNormal(x)
    }

    /// GELU's derivative for any `x` (`exp` handles the density's underflow), out of line like
    /// `geluTail`.
    @inline(never)
    static func geluDerivativeTail(_ x: Vector) -> Vector {
        fma(x, exp(x * x * -0.5) * densityScale, cumulativeNormal(x))
    }

    /// GELU's tanh approximation, `½ · x · (1 + tanh(u))` with `u = √(2/π) · (x + 0.044715 x³)`,
    /// evaluated as `x · σ(2u)` (the same function): the logistic keeps the negative tail
    /// accurate relative to its value, where `1 + tanh(u)` would cancel.
    @inline(always)
    static func geluTanh(_ x: Vector) -> Vector {
        x * sigmoid(tanhArgument(x) * 2)
    }

    /// The derivative of GELU's tanh approximation: with `s = σ(2u) = ½(1 + tanh u)`,
    /// `s + x · 2s(1 − s) · u′` and `u′ = √(2/π) · (1 + 3 · 0.044715 x²)`.
    @inline(__always)
    static func geluTanhDerivative(_ x: Vector) -> Vector {
        let s = sigmoid(tanhArgument(x) * 2)
        let slope = fma(x * x, Vector(repeating: 3 * tanhCubic * tanhScale), tanhScale)  // u′
        return fma(x * (s - s * s), slope + slope, s)
    }

    /// `u = √(2/π) · (x + 0.044715 x³)`.
    @inline(__always)
    static func tanhArgument(_ x: Vector) -> Vector {
        fma(x * x, Vector(repeating: tanhCubic), 1) * x * tanhScale
    }
}
