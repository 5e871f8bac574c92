#if arch(x86_64)
// AVX/FMA intrinsics (the Tensor target is compiled for x86-64-v3); `__m256` is `SIMD8<Float>`.
import _Builtin_intrinsics.intel
#endif

/// Vectorized `exp`, `log`, `log1p`, softplus, `tanh`, `sigmoid`, `erf`, `erfc` and GELU (in `SIMDMath+GELU.swift`)
/// for eight `Float`s at once.
///
/// libm evaluates one element per call; these evaluate eight per call with Cephes-style range
/// reduction and polynomials, accurate to a few ULP (the tests hold them to a relative error of
/// 2e-6 against double precision). They use only operations that every x86-64 CPU vectorizes —
/// add, multiply, divide, compare, select and integer bit operations — so they stay fast without
/// FMA or SSE4.1 rounding instructions: integers are rounded with the `1.5 · 2²³` trick instead.
/// The one exception is GELU's table of polynomials, read with AVX2's lane permute (x86-64-v3,
/// which the target is compiled for; other architectures pick the lanes one by one).
///
/// Special values follow libm: NaN propagates, `exp(-inf) = 0`, `log(0) = -inf`,
/// `log(x < 0) = NaN`, subnormal inputs and results are handled.
///
/// NOTE: the larger functions are `@inline(always)`, not `@inline(__always)`: the latter is only
/// a hint, and the optimizer judged `exp` too costly to inline (cost 1096) even into a loop of
/// its own, leaving a call per eight elements that passed the vector in two halves.
enum SIMDMath {
    typealias Vector = SIMD8<Float>
    typealias Bits = SIMD8<Int32>

    /// `1.5 · 2²³`: adding it to a float of magnitude below 2²² rounds that float to an integer,
    /// which then sits in the low bits of the sum.
    static let roundingMagic: Float = 12_582_912

    /// `a · b + c` in one rounding. Written with the FMA intrinsic because Swift never contracts
    /// `a * b + c`, and because with plain operators the optimizer split some of these
    /// polynomials into per-lane scalar code once they were inlined into a row loop (exp ran 2.6x
    /// slower than this).
    @inline(__always)
    static func fma(_ a: Vector, _ b: Vector, _ c: Float) -> Vector {
        #if arch(x86_64)
        _mm256_fmadd_ps(a, b, Vector(repeating: c))
        #else
        a * b + c
        #endif
    }

    /// `a · b + c` in one rounding, with a vector addend.
    @inline(__always)
    static func fma(_ a: Vector, _ b: Vector, _ c: Vector) -> Vector {
        #if arch(x86_64)
        _mm256_fmadd_ps(a, b, c)
        #else
        a * b + c
        #endif
    }

    /// `√x`, one `vsqrtps`. `SIMD8.squareRoot()` calls libm's `sqrtf` once per lane instead.
    @inline(__always)
    static func squareRoot(_ x: Vector) -> Vector {
        #if arch(x86_64)
        _mm256_sqrt_ps(x)
        #else
        x.squareRoot()
        #endif
    }

    @inline(__always)
    static func bits(_ vector: Vector) -> Bits { unsafeBitCast(vector, to: Bits.self) }

    @inline(__always)
    static func vector(_ bits: Bits) -> Vector { unsafeBitCast(bits, to: Vector.self) }

    /// `mask ? a : b` lane by lane, for masks of all ones (−1) or all zeros.
    @inline(__always)
    static func select(_ mask: Bits, _ a: Vector, _ b: Vector) -> Vector {
        vector((bits(a) & mask) | (bits(b) & ~mask))
    }

    /// `|x|`, by clearing the sign bit.
    @inline(__always)
    static func magnitude(_ x: Vector) -> Vector { vector(bits(x) & 0x7fff_ffff) }

    /// `|x|` carrying the sign of `sign`.
    @inline(__always)
    static func withSign(of sign: Vector, _ magnitude: Vector) -> Vector {
        vector(bits(magnitude) | (bits(sign) & Int32(bitPattern: 0x8000_0000)))
    }

    /// `eˣ`.
    @inline(always)
    static func exp(_ x: Vector) -> Vector {
        // −0, not +0: `x + (−0)` is exactly `x` and folds away; `x + 0` does not (−0 + 0 = +0),
        // and keeping the addition split the inlined polynomial into scalar code.
        exp(x, low: Vector(repeating: -0.0))
    }

    /// `e^(high + low)`, where `low` is a small correction kept out of `high` so that an
    /// argument known to more than single precision (see `erfc`) keeps its extra bits.
    @inline(always)
    static func exp(_ high: Vector, low: Vector) -> Vector {
        let argument = high + low
        // Keep the reduction in range; results outside it are replaced at the end.
        let clamped = argument.replacing(with: 88.8, where: argument .> 88.8)
            .replacing(with: -104, where: argument .< -104)
        // n = round(argument / ln 2), r = argument − n·ln 2 with ln 2 split in two (Cody–Waite).
        let shifted = clamped * 1.442_695_04 + roundingMagic
        let n = shifted - roundingMagic
        var r = high - n * 0.693_359_375
        r = r - n * -2.121_944_40e-4
        r = r + low
        var p = Vector(repeating: 1.987_569_150_0e-4)
        p = fma(p, r, 1.398_199_950_7e-3)
        p = fma(p, r, 8.333_451_907_3e-3)
        p = fma(p, r, 4.166_579_589_4e-2)
        p = fma(p, r, 1.666_666_545_9e-1)
        p = fma(p, r, 5.000_000_120_1e-1)
        let y = p * (r * r) + r + 1
        // Scale by 2ⁿ as 2^(n/2) · 2^(n − n/2): both factors are normal numbers for every n in
        // range, so subnormal results are rounded once, correctly.
        let integer = bits(shifted) &- bits(Vector(repeating: roundingMagic))
        let half = integer &>> 1
        let rest = integer &- half
        let result = y * vector((half &+ 127) &<< 23) * vector((rest &+ 127) &<< 23)
        return result.replacing(with: .infinity, where: argument .> 88.8)
            .replacing(with: 0, where: argument .< -104)
    }

    /// Natural logarithm.
    @inline(__always)
    static func log(_ x: Vector) -> Vector {
        // The lane masks here are integer arithmetic rather than comparisons and
        // `replacing(with:where:)`: fed into the polynomial, the latter made the compiler fall
        // back to scalar code for all of it. For x ≥ 0 the bit patterns order like the values.
        // Subnormals: scale into the normal range first, and correct the exponent.
        let isSubnormal = (bits(x) &- 0x0080_0000) &>> 31                      // −1 where x < 2⁻¹²⁶
        let scaled = select(isSubnormal, x * 8_388_608, x)
        var exponent = ((bits(scaled) &>> 23) & 0xff) &- 126 &+ (isSubnormal & -23)
        // x = m · 2^exponent with m in [0.5, 1); below √½ use 2m and exponent − 1 instead, so
        // that the polynomial's argument m − 1 stays in [√½ − 1, √2 − 1].
        let mantissa = vector((bits(scaled) & 0x007f_ffff) | 0x3f00_0000)
        let isLow = (bits(mantissa) &- bits(Vector(repeating: 0.707_106_781_186_547_524))) &>> 31
        exponent = exponent &+ isLow
        let m = select(isLow, mantissa + mantissa, mantissa) - 1
        let e = vector(exponent &+ bits(Vector(repeating: roundingMagic))) - roundingMagic
        var result = logarithm(reduced: m, exponent: e)
        result.replace(with: -.infinity, where: x .== 0)
        result.replace(with: .infinity, where: x .== .infinity)
        result.replace(with: .nan, where: (x .< 0) .| (x .!= x))
        return result
    }

    /// `ln(1 + x)`, accurate for small `x`: `ln(w) · x / (w − 1)` with `w = 1 + x` rounded, whose
    /// rounding error cancels in the quotient (Goldberg, "What every computer scientist should
    /// know about floating-point arithmetic", 1991), and `x` itself where `w` rounds to 1. The
    /// quotient is taken first: `x · ln(w)` overflows for `x` above about 4e36.
    @inline(__always)
    static func logOnePlus(_ x: Vector) -> Vector {
        let w = x + 1
        return (log(w) * (x / (w - 1)))
            .replacing(with: x, where: w .== 1)                     // −0 stays −0
            .replacing(with: .infinity, where: w .== .infinity)     // ∞ · ∞ / ∞ would be NaN
    }

    /// `ln(1 + eˣ)` without overflow, as `max(x, 0) + ln(1 + e^{−|x|})`.
    @inline(__always)
    static func softplus(_ x: Vector) -> Vector {
        positivePart(x) + logOnePlus(exp(-magnitude(x)))
    }

    /// `max(x, 0)` lane by lane, NaN kept (ReLU).
    @inline(__always)
    static func positivePart(_ x: Vector) -> Vector { x.replacing(with: 0, where: x .< 0) }

    /// `ln((1 + m) · 2^e)` for `m` in [√½ − 1, √2 − 1] (Cephes logf).
    ///
    /// NOTE: kept out of line on purpose. Inlined after the bit manipulations of `log`, the
    /// optimizer splits the polynomial into scalar operations per lane, which costs three times
    /// more than this call.
    @inline(never)
    static func logarithm(reduced m: Vector, exponent e: Vector) -> Vector {
        let z = m * m
        var y = Vector(repeating: 7.037_683_629_2e-2)
        y = fma(y, m, -1.151_461_031_0e-1)
        y = fma(y, m, 1.167_699_874_0e-1)
        y = fma(y, m, -1.242_014_084_6e-1)
        y = fma(y, m, 1.424_932_278_7e-1)
        y = fma(y, m, -1.666_805_766_5e-1)
        y = fma(y, m, 2.000_071_476_5e-1)
        y = fma(y, m, -2.499_999_399_3e-1)
        y = fma(y, m, 3.333_333_117_4e-1)
        y = y * m * z
        y = y + e * -2.121_944_40e-4
        y = y - 0.5 * z
        return m + y + e * 0.693_359_375
    }

    /// Hyperbolic tangent.
    @inline(always)
    static func tanh(_ x: Vector) -> Vector {
        let a = magnitude(x)
        // Near zero an odd polynomial; elsewhere 1 − 2 / (e^{2|x|} + 1), which tends to 1 without
        // overflow trouble (e^{2|x|} = inf gives exactly 1).
        let z = x * x
        var p = Vector(repeating: -5.704_988_727_45e-3)
        p = fma(p, z, 2.063_908_879_54e-2)
        p = fma(p, z, -5.373_971_555_31e-2)
        p = fma(p, z, 1.333_144_220_36e-1)
        p = fma(p, z, -3.333_328_194_22e-1)
        let small = p * z * x + x
        let large = withSign(of: x, 1 - 2 / (exp(a + a) + 1))
        return large.replacing(with: small, where: a .< 0.625)
    }

    /// The logistic function `1 / (1 + e^{-x})`.
    @inline(always)
    static func sigmoid(_ x: Vector) -> Vector {
        // With e = e^{−|x|} ≤ 1: σ(x) = 1 / (1 + e) for x ≥ 0 and e / (1 + e) for x < 0, so the
        // negative tail keeps its relative accuracy instead of flushing to 0 once e^{−x} overflows.
        let e = exp(-magnitude(x))
        let positive = 1 / (1 + e)
        return positive.replacing(with: e * positive, where: x .< 0)
    }

    /// `erfc(scale · x)` for `x ≥ 0` (or NaN), accurate *relative* to its (tiny) value.
    ///
    /// Uses the Chebyshev fit `erfc(u) = t · exp(−u² − 1.26551223 + t·P(t))`, `t = 1 / (1 + u/2)`
    /// (fractional error below 1.2e-7 for all u ≥ 0, Numerical Recipes §6.2). The square is
    /// formed from `x` split into 12-bit halves and `scaleSquared` must be a power of two, so
    /// `−u²` reaches `exp` with its full precision: rounding it to a float alone would cost
    /// 8 ULP near `u = 9`.
    @inline(always)
    static func erfc(_ x: Vector, scale: Float, scaleSquared: Float) -> Vector {
        let u = x * scale
        let t = 1 / (1 + 0.5 * u)
        var p = Vector(repeating: 0.170_872_77)
        p = fma(p, t, -0.822_152_23)
        p = fma(p, t, 1.488_515_87)
        p = fma(p, t, -1.135_203_98)
        p = fma(p, t, 0.278_868_07)
        p = fma(p, t, -0.186_288_06)
        p = fma(p, t, 0.096_784_18)
        p = fma(p, t, 0.374_091_96)
        p = fma(p, t, 1.000_023_68)
        p = fma(p, t, -1.265_512_23)
        let xHigh = vector(bits(x) & Int32(bitPattern: 0xffff_f000))
        let xLow = x - xHigh
        let high = -scaleSquared * (xHigh * xHigh)            // exact
        let low = -scaleSquared * (xLow * (xHigh + x)) + p     // x² − xHigh² = xLow·(x + xHigh)
        let result = t * exp(high, low: low)
        return result.replacing(with: 0, where: u .> 10)     // far below the smallest subnormal
    }

    /// The error function `erf(x) = 2/√π ∫₀ˣ e^{−t²} dt`.
    @inline(always)
    static func erf(_ x: Vector) -> Vector {
        // |x| < 1: x · P(x²) (Cephes erff); beyond: 1 − erfc(|x|), where erfc is small.
        let z = x * x
        var p = Vector(repeating: 7.853_861_353_153_693e-5)
        p = fma(p, z, -8.010_193_625_184_903e-4)
        p = fma(p, z, 5.188_327_685_732_524e-3)
        p = fma(p, z, -2.685_381_193_529_856e-2)
        p = fma(p, z, 1.128_358_514_861_418e-1)
        p = fma(p, z, -3.761_262_582_423_300e-1)
        p = fma(p, z, 1.128_379_165_726_710)
        let small = x * p
        let a = magnitude(x)
        let large = withSign(of: x, 1 - erfc(a, scale: 1, scaleSquared: 1))
        return large.replacing(with: small, where: a .< 1)
    }

    /// `eˣ` for `x` in [−80, 80]: `exp` without its overflow, underflow and subnormal handling.
    ///
    /// The range reduction and the last step of the polynomial are fused multiply-adds, which
    /// shortens the chain of dependent operations (GELU, its only user, is bound by it) and rounds
    /// once where `exp` rounds twice.
    @inline(__always)
    static func expOfModerate(_ x: Vector) -> Vector {
        let shifted = fma(x, Vector(repeating: 1.442_695_04), roundingMagic)
        let n = shifted - roundingMagic
        var r = fma(n, Vector(repeating: -0.693_359_375), x)
        r = fma(n, Vector(repeating: 2.121_944_40e-4), r)
        var p = Vector(repeating: 1.987_569_150_0e-4)
        p = fma(p, r, 1.398_199_950_7e-3)
        p = fma(p, r, 8.333_451_907_3e-3)
        p = fma(p, r, 4.166_579_589_4e-2)
        p = fma(p, r, 1.666_666_545_9e-1)
        p = fma(p, r, 5.000_000_120_1e-1)
        let y = fma(p, r * r, r) + 1
        // n sits in the low bits of `shifted`; shifted into the exponent field, the bits of the
        // magic constant above them fall off the top, and adding 1.0's bits makes 2ⁿ.
        return y * vector((bits(shifted) &<< 23) &+ 0x3f80_0000)
    }
}

/// Runs a vectorized `Float` function over a row, eight elements at a time.
///
/// Strided rows are gathered into vectors and the tail is padded, so every element goes through
/// the same arithmetic: results do not depend on layout, alignment or how rows are split across
/// threads.
@inline(__always)
func mapFloatRow(
    _ source: UnsafePointer<Float>, _ sourceStride: Int,
    _ destination: UnsafeMutablePointer<Float>, _ count: Int,
    _ function: (SIMD8<Float>) -> SIMD8<Float>
) {
    var index = 0
    if sourceStride == 1 {
        while index + 8 <= count {
            let input = UnsafeRawPointer(source + index).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(destination + index).storeBytes(of: function(input), as: SIMD8<Float>.self)
            index += 8
        }
    } else {
        while index + 8 <= count {
            var input = SIMD8<Float>()
            for lane in 0..<8 { input[lane] = source[(index + lane) * sourceStride] }
            UnsafeMutableRawPointer(destination + index).storeBytes(of: function(input), as: SIMD8<Float>.self)
            index += 8
        }
    }
    if index < count {
        let remaining = count - index
        var input = SIMD8<Float>()
        for lane in 0..<remaining { input[lane] = source[(index + lane) * sourceStride] }
        let output = function(input)
        for lane in 0..<remaining { destination[index + lane] = output[lane] }
    }
}
