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
    /// For `|x| < 3` (all but 0.3 % of a standard normal sample) `lowerTail` gives
    /// `P = Φ(−|x|)` to a relative error of about 1.3e-7, and `x · Φ(x)` is `max(x, 0) − |x| · P`
    /// on both sides (for `x ≥ 0` that is `x · (1 − Φ(−x))`). The negative side keeps its
    /// relative accuracy down to `Φ(−3) ≈ 0.0013`; the positive side, at least `x/2`, loses
    /// nothing to the subtraction. Lanes outside that range (and NaN) take `geluTail`, which is
    /// evaluated only when some lane of the vector needs it; the choice is made per lane, so a
    /// value's result does not depend on its neighbours.
    @inline(always)
    static func gelu(_ x: Vector) -> Vector {
        let z = magnitude(x)
        let outside = .!(z .< 3)                                   // true for NaN too
        let result = fma(-z, lowerTail(z), positivePart(x))
        if _fastPath(!anyLane(outside)) { return result }
        return geluTail(x).replacing(with: result, where: .!outside)
    }

    /// GELU's derivative, `Φ(x) + x · φ(x)` with `φ` the normal density; the same split as `gelu`.
    @inline(__always)
    static func geluDerivative(_ x: Vector) -> Vector {
        let z = magnitude(x)
        let outside = .!(z .< 3)
        let inRange = z.replacing(with: 3, where: outside)
        let lower = lowerTail(z)                                   // Φ(−|x|)
        let cumulative = lower.replacing(with: 1 - lower, where: x .>= 0)
        let density = expOfModerate(inRange * inRange * -0.5) * densityScale
        let result = fma(x, density, cumulative)
        if _fastPath(!anyLane(outside)) { return result }
        return geluDerivativeTail(x).replacing(with: result, where: .!outside)
    }

    /// `Φ(−z)`, the normal distribution's lower tail, for `z` in [0, 3): a degree-6 polynomial on
    /// each eighth of the range, in `t = z − centre`, relative error about 1.3e-7 (the
    /// coefficients are a relative minimax fit, rounded to `Float`). Lanes outside the range get
    /// a meaningless value, never a trap.
    ///
    /// The eight coefficients of each degree are one vector, and every lane picks its interval's
    /// coefficient with one in-register permute (AVX2's `vpermps`): no exponential, no memory
    /// gather. This replaced `exp(L(z))` with `L` a degree-9 fit of `ln Φ(−z)`, about 12
    /// operations more per vector.
    @inline(__always)
    static func lowerTail(_ z: Vector) -> Vector {
        // 8/3 rounded down, so that every z < 3 lands in interval 7 or below.
        let scaled = z * 2.666_666_5
        let t = z - coefficient(Vector(0.187_5, 0.562_5, 0.937_5, 1.312_5, 1.687_5, 2.062_5, 2.437_5, 2.812_5), scaled)
        var p = coefficient(Vector(1.497_686_0e-3, 3.151_363_9e-3, 2.306_284_4e-3, 2.117_512_5e-4,
                                   -1.203_782_0e-3, -1.271_738_0e-3, -6.190_607_7e-4, -4.119_070_2e-5), scaled)
        p = fma(p, t, coefficient(Vector(-9.050_738_1e-3, -3.401_143_9e-3, 3.173_101_0e-3, 6.090_187_0e-3,
                                         4.767_453_3e-3, 1.764_815_6e-3, -4.354_939_2e-4, -1.143_981_4e-3), scaled))
        p = fma(p, t, coefficient(Vector(-9.080_139_9e-3, -2.142_005_6e-2, -2.129_863_2e-2, -1.177_597_0e-2,
                                         -1.028_819_4e-3, 5.123_724_2e-3, 6.109_299_6e-3, 4.397_280_5e-3), scaled))
        p = fma(p, t, coefficient(Vector(6.303_387_1e-2, 3.880_148_4e-2, 5.189_078_9e-3, -2.030_499_8e-2,
                                         -2.958_114_3e-2, -2.578_949_2e-2, -1.684_444_4e-2, -8.802_093_6e-3), scaled))
        p = fma(p, t, coefficient(Vector(3.674_915_4e-2, 9.578_463_4e-2, 1.205_033_8e-1, 1.106_392_6e-1,
                                         8.105_188_6e-2, 4.903_995_6e-2, 2.492_670_5e-2, 1.074_742_0e-2), scaled))
        p = fma(p, t, coefficient(Vector(-3.919_909_0e-1, -3.405_675_9e-1, -2.570_739_1e-1, -1.685_931_8e-1,
                                         -9.606_150_5e-2, -4.755_388_9e-2, -2.045_267_3e-2, -7.642_605_3e-3), scaled))
        return fma(p, t, coefficient(Vector(4.256_343_2e-1, 2.868_877_1e-1, 1.742_507_1e-1, 9.467_574_2e-2,
                                            4.575_362_4e-2, 1.958_007_9e-2, 7.394_607_2e-3, 2.457_901_1e-3), scaled))
    }

    /// The lane of `table` that each lane's interval number (the integer part of `scaled`) names,
    /// modulo 8; lanes whose `scaled` is negative, huge or NaN pick an arbitrary lane.
    @inline(__always)
    static func coefficient(_ table: Vector, _ scaled: Vector) -> Vector {
        #if arch(x86_64)
        _mm256_permutevar8x32_ps(table, _mm256_cvttps_epi32(scaled))
        #else
        var result = Vector()
        for lane in 0..<8 {
            let interval = scaled[lane].isFinite ? Int(Swift.max(Swift.min(scaled[lane], 7), 0)) : 0
            result[lane] = table[interval]
        }
        return result
        #endif
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
