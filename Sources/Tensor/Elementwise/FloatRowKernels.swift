/// The row loop of the vectorized `Float` functions that are too large for a closure: `exp`,
/// `log1p`, softplus, `tanh`, `sigmoid`, SiLU, `erf` and both GELUs.
///
/// NOTE: these functions are passed as types, not closures, and the loop is `@inline(never)`
/// and specialized for each. Passed as closures to `mapFloatRow`, inside `floatUnaryMath`, the
/// optimizer judged them too costly to inline (it counts SIMD8 operations lane by lane): `exp`,
/// `gelu`, `tanh`, … became a call per eight elements that passed the vector in two halves and
/// loaded every constant again, and GELU ran at half the speed of the inlined loop. A type's
/// `@inline(always)` method is inlined whatever its cost.

/// A vectorized `Float` function of one argument.
protocol FloatVectorFunction {
    /// The function of eight lanes at once; each lane's result depends on that lane only.
    static func evaluate(_ x: SIMD8<Float>) -> SIMD8<Float>
}

/// The functions that `floatUnaryMath` runs through `mapFloatRow(_:_:_:_:_:)`.
enum FloatVectorFunctions {
    /// `eˣ`
    enum Exponential: FloatVectorFunction {
        @inline(always) static func evaluate(_ x: SIMD8<Float>) -> SIMD8<Float> { SIMDMath.exp(x) }
    }

    /// `ln(1 + x)`
    enum LogOnePlus: FloatVectorFunction {
        @inline(always) static func evaluate(_ x: SIMD8<Float>) -> SIMD8<Float> { SIMDMath.logOnePlus(x) }
    }

    /// `ln(1 + eˣ)`
    enum Softplus: FloatVectorFunction {
        @inline(always) static func evaluate(_ x: SIMD8<Float>) -> SIMD8<Float> { SIMDMath.softplus(x) }
    }

    /// `tanh x`
    enum HyperbolicTangent: FloatVectorFunction {
        @inline(always) static func evaluate(_ x: SIMD8<Float>) -> SIMD8<Float> { SIMDMath.tanh(x) }
    }

    /// `σ(x) = 1 / (1 + e⁻ˣ)`
    enum Sigmoid: FloatVectorFunction {
        @inline(always) static func evaluate(_ x: SIMD8<Float>) -> SIMD8<Float> { SIMDMath.sigmoid(x) }
    }

    /// `x · σ(x)`
    enum SiLU: FloatVectorFunction {
        @inline(always) static func evaluate(_ x: SIMD8<Float>) -> SIMD8<Float> { x * SIMDMath.sigmoid(x) }
    }

    /// `erf x`
    enum ErrorFunction: FloatVectorFunction {
        @inline(always) static func evaluate(_ x: SIMD8<Float>) -> SIMD8<Float> { SIMDMath.erf(x) }
    }

    /// `x · Φ(x)`, GELU in its exact form.
    enum GELU: FloatVectorFunction {
        @inline(always) static func evaluate(_ x: SIMD8<Float>) -> SIMD8<Float> { SIMDMath.gelu(x) }
    }

    /// GELU's tanh approximation.
    enum TanhGELU: FloatVectorFunction {
        @inline(always) static func evaluate(_ x: SIMD8<Float>) -> SIMD8<Float> { SIMDMath.geluTanh(x) }
    }
}

/// Runs `Function` over a row (the arguments of a `UnaryRowKernel`), eight elements at a time.
///
/// The same contract as the closure-taking `mapFloatRow`: strided rows are gathered into
/// vectors and the tail is padded, so every element goes through the same arithmetic, and
/// results do not depend on layout, alignment or how rows are split across threads.
///
/// NOTE: the loop is written out again rather than calling the closure-taking `mapFloatRow` with
/// `{ Function.evaluate($0) }`: tried, the closure stayed an indirect call per eight elements and
/// exp fell from 17.3 to 11.8 GB/s, GELU from 10.5 to 6.9 (`gradus-benchmarks elementwise
/// --threads 2 exp gelu`, 3 runs each).
@inline(never)
func mapFloatRow<Function: FloatVectorFunction>(
    _: Function.Type, _ source: UnsafePointer<Float>, _ sourceStride: Int,
    _ destination: UnsafeMutablePointer<Float>, _ count: Int
) {
    var index = 0
    if sourceStride == 1 {
        while index + 8 <= count {
            let input = UnsafeRawPointer(source + index).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(destination + index).storeBytes(of: Function.evaluate(input), as: SIMD8<Float>.self)
            index += 8
        }
    } else {
        while index + 8 <= count {
            var input = SIMD8<Float>()
            for lane in 0..<8 { input[lane] = source[(index + lane) * sourceStride] }
            UnsafeMutableRawPointer(destination + index).storeBytes(of: Function.evaluate(input), as: SIMD8<Float>.self)
            index += 8
        }
    }
    if index < count {
        let remaining = count - index
        var input = SIMD8<Float>()
        for lane in 0..<remaining { input[lane] = source[(index + lane) * sourceStride] }
        let output = Function.evaluate(input)
        for lane in 0..<remaining { destination[index + lane] = output[lane] }
    }
}
