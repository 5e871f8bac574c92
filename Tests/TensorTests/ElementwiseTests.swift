import Foundation
import Testing
import Tensor
import _TestSupport

/// Unary math: values against NumPy, accuracy of the vectorized Float functions against Double,
/// special values, layouts and thread counts.
@Suite struct ElementwiseTests {
    let fixture: Fixture
    init() throws { fixture = try Fixture("elementwise", bundle: .module) }

    typealias Unary<Scalar: FloatingPointTensorElement> = (Tensor<Scalar>) -> Tensor<Scalar>

    static func onInputs<Scalar: FloatingPointTensorElement>(_ type: Scalar.Type) -> [(String, Unary<Scalar>)] {
        [("neg", { -$0 }), ("abs", { $0.abs() }), ("sign", { $0.sign() }), ("exp", { $0.exp() }),
         ("square", { $0.square() }), ("sin", { $0.sin() }), ("cos", { $0.cos() }),
         ("tanh", { $0.tanh() }), ("sigmoid", { $0.sigmoid() }), ("relu", { $0.relu() }),
         ("leaky_relu", { $0.leakyRelu(slope: 0.2) }), ("gelu", { $0.gelu() }), ("erf", { $0.erf() }),
         ("softplus", { $0.softplus() }), ("silu", { $0.silu() })]
    }

    static func onPositive<Scalar: FloatingPointTensorElement>(_ type: Scalar.Type) -> [(String, Unary<Scalar>)] {
        [("log", { $0.log() }), ("log1p", { $0.log1p() }), ("sqrt", { $0.sqrt() }), ("rsqrt", { $0.rsqrt() })]
    }

    func checkAgainstNumPy<Scalar: FloatingPointTensorElement>(_ type: Scalar.Type, relative: Double) {
        let input: Tensor<Scalar> = fixture.tensor("input")
        let positive: Tensor<Scalar> = fixture.tensor("positive")
        for (name, op) in Self.onInputs(type) {
            assertClose(op(input), fixture.tensor(name), absolute: 1e-37, relative: relative, "\(name) \(Scalar.self)")
        }
        for (name, op) in Self.onPositive(type) {
            assertClose(op(positive), fixture.tensor(name), absolute: 1e-37, relative: relative, "\(name) \(Scalar.self)")
        }
    }

    /// The fused ReLU gradient `g · [y > 0]`: kept where the output is positive, zero where it is
    /// zero (negative, zero and NaN inputs: a NaN `y` is not `> 0`), over
    /// more than one SIMD vector and a transposed (non-contiguous) operand.
    @Test func reluGradientKeepsTheGradientWhereTheOutputIsPositive() {
        let x = Tensor<Float>(shape: [3, 4], scalars: [-2, 0, 3, .nan, 1.5, -0.5, 4, 2, -1, 0.25, 7, -3])
        let g = Tensor<Float>(shape: [3, 4], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
        #expect(reluGradient(g, output: x.relu()).scalars == [0, 0, 3, 0, 5, 0, 7, 8, 0, 10, 11, 0])
        let transposed = reluGradient(g.transposed(), output: x.relu().transposed())
        #expect(transposed.scalars == (g * Tensor<Float>(converting: x .> 0)).transposed().contiguous().scalars)
    }

    /// The fused tanh and sigmoid gradients give exactly the values of the products they replace
    /// (same roundings, same order), over several SIMD vectors and a non-contiguous operand.
    @Test func tanhAndSigmoidGradientsEqualTheComposedProducts() {
        var generator = PhiloxGenerator(seed: 7)
        let x = Tensor<Float>.normal([5, 7], mean: 0, standardDeviation: 2, using: &generator)
        let g = Tensor<Float>.normal([7, 5], mean: 0, standardDeviation: 1, using: &generator).transposed()
        let t = x.tanh(), s = x.sigmoid()
        #expect(tanhGradient(g, output: t).scalars == (g * (1 - t * t)).scalars)
        #expect(sigmoidGradient(g, output: s).scalars == (g * s * (1 - s)).scalars)
        let sd = Tensor<Double>(converting: x).sigmoid(), gd = Tensor<Double>(converting: g)
        #expect(sigmoidGradient(gd, output: sd).scalars == (gd * sd * (1 - sd)).scalars)
    }

    @Test func floatMatchesNumPy() { checkAgainstNumPy(Float.self, relative: 2e-6) }
    @Test func doubleMatchesNumPy() { checkAgainstNumPy(Double.self, relative: 1e-12) }

    /// Every 20 000th float bit pattern, both signs: all magnitudes from subnormals to the
    /// largest finite value, plus infinities and NaNs.
    static let sweep: [Float] = stride(from: UInt32(0), to: UInt32.max - 20_000, by: 20_000).flatMap { pattern in
        [Float(bitPattern: pattern), -Float(bitPattern: pattern)]
    } + [.infinity, -.infinity, .nan, 1, -1, 0.625, -0.625]

    /// Checks a vectorized Float function against a Double reference: relative error ≤ 2e-6,
    /// except where the exact result is below the normal range (there only the absolute error,
    /// at most 2⁻¹²⁶, counts) and for errors of subnormal size (≤ 1e-41, from SiLU's σ(x) being
    /// subnormal while x·σ(x) is not).
    func checkSweep(_ name: String, _ op: Unary<Float>, reference: (Double) -> Double,
                    sourceLocation: SourceLocation = #_sourceLocation) {
        let inputs = Self.sweep
        let actual = op(Tensor(inputs)).scalars
        var worst = 0.0
        for (x, a) in zip(inputs, actual) {
            let exact = reference(Double(x))
            if exact.isNaN {
                #expect(a.isNaN, "\(name)(\(x)) = \(a), expected NaN", sourceLocation: sourceLocation)
                continue
            }
            if Float(exact).isInfinite || Swift.abs(exact) > Double(Float.greatestFiniteMagnitude) {
                #expect(a == Float(exact), "\(name)(\(x)) = \(a), expected \(exact)", sourceLocation: sourceLocation)
                continue
            }
            let error = Swift.abs(Double(a) - exact)
            if Swift.abs(exact) < Double(Float.leastNormalMagnitude) {
                #expect(error <= Double(Float.leastNormalMagnitude), "\(name)(\(x)) = \(a), expected \(exact)",
                        sourceLocation: sourceLocation)
                continue
            }
            if error <= 1e-41 { continue }
            worst = max(worst, error / Swift.abs(exact))
            if error > 2e-6 * Swift.abs(exact) {
                Issue.record("\(name)(\(x)) = \(a), expected \(exact)", sourceLocation: sourceLocation)
                return
            }
        }
        #expect(worst <= 2e-6, sourceLocation: sourceLocation)
    }

    @Test func vectorizedFloatFunctionsAreAccurateEverywhere() {
        checkSweep("exp", { $0.exp() }, reference: { Foundation.exp($0) })
        checkSweep("log", { $0.log() }, reference: { $0 < 0 ? .nan : Foundation.log($0) })
        checkSweep("tanh", { $0.tanh() }, reference: { Foundation.tanh($0) })
        checkSweep("sigmoid", { $0.sigmoid() }, reference: { 1 / (1 + Foundation.exp(-$0)) })
        checkSweep("erf", { $0.erf() }, reference: { Foundation.erf($0) })
        checkSweep("gelu", { $0.gelu() }, reference: { 0.5 * $0 * Foundation.erfc(-$0 / 2.0.squareRoot()) })
        checkSweep("silu", { $0.silu() }, reference: { $0 / (1 + Foundation.exp(-$0)) })
        checkSweep("log1p", { $0.log1p() }, reference: { $0 < -1 ? .nan : Foundation.log1p($0) })
        checkSweep("softplus", { $0.softplus() }, reference: { Swift.max($0, 0) + Foundation.log1p(Foundation.exp(-Swift.abs($0))) })
    }

    @Test func denseSweepNearTheBranchPoints() {
        // The polynomial/exponential switch points (tanh 0.625, erf 1), up to the exp overflow edge.
        let inputs = (0..<3775).map { Float(-100 + 0.05 * Double($0)) }
        let tensor = Tensor(inputs)
        let pairs: [(String, Tensor<Float>, (Double) -> Double)] = [
            ("exp", tensor.exp(), { Foundation.exp($0) }), ("tanh", tensor.tanh(), { Foundation.tanh($0) }),
            ("erf", tensor.erf(), { Foundation.erf($0) }),
            ("gelu", tensor.gelu(), { 0.5 * $0 * Foundation.erfc(-$0 / 2.0.squareRoot()) }),
        ]
        for (name, actual, reference) in pairs {
            let expected = Tensor<Double>(inputs.map { reference(Double($0)) })
            assertClose(Tensor<Double>(actual.scalars.map { Double($0) }), expected,
                        absolute: Double(Float.leastNormalMagnitude), relative: 2e-6, "\(name)")
        }
    }

    @Test func specialValues() {
        let special = Tensor<Float>([.infinity, -.infinity, .nan, 0, -0.0])
        #expect(special.exp().scalars[0...1] == [.infinity, 0])
        #expect(special.exp().scalars[2].isNaN)
        #expect(special.exp().scalars[3...4] == [1, 1])
        let logs = Tensor<Float>([0, -1, .infinity, .nan, Float.leastNonzeroMagnitude]).log().scalars
        #expect(logs[0] == -.infinity && logs[1].isNaN && logs[2] == .infinity && logs[3].isNaN)
        #expect(Swift.abs(logs[4] - Float(Foundation.log(Double(Float.leastNonzeroMagnitude)))) < 1e-4)
        #expect(special.tanh().scalars[0...1] == [1, -1])
        #expect(special.sigmoid().scalars[0...1] == [1, 0])
        #expect(special.erf().scalars[0...1] == [1, -1])
        #expect(special.gelu().scalars[0] == .infinity)
        #expect(special.relu().scalars[2].isNaN)
        for op in [Tensor<Float>.tanh, Tensor<Float>.sigmoid, Tensor<Float>.erf, Tensor<Float>.log1p, Tensor<Float>.softplus] {
            #expect(op(special)().scalars[2].isNaN)
        }
        // [∞, −∞, NaN, 0, −0]: log1p keeps ±0 and ∞ (and is NaN below −1); softplus is ∞ at ∞, 0 at −∞.
        let log1p = special.log1p().scalars
        #expect(log1p[0] == .infinity && log1p[1].isNaN && log1p[3] == 0 && log1p[4].sign == .minus)
        #expect(Tensor<Float>([-1]).log1p().scalars == [-.infinity])
        #expect(special.softplus().scalars[0...1] == [.infinity, 0])
        for approximate in [GELUApproximation.exact, .tanh] {
            #expect(special.gelu(approximate: approximate).scalars[2].isNaN)
            #expect(special.geluDerivative(times: Tensor(repeating: 1, shape: [5]), approximate: approximate).scalars[2].isNaN)
        }
    }

    @Test func stridedAndBroadcastInputsGiveTheSameValues() {
        let values = (0..<60).map { Float($0) * 0.37 - 11 }
        let matrix = Tensor<Float>(shape: [6, 10], scalars: values)
        let transposed = matrix.transposed()                        // [10, 6], strides [1, 10]
        let stepped = matrix.sliced(axis: 1, from: 1, by: 3)        // [6, 3]
        let broadcast = Tensor<Float>([0.5, -2, 7]).expanded(to: [4, 3])
        for (name, op) in Self.onInputs(Float.self) {
            #expect(op(transposed) == op(transposed.contiguous()), "\(name) transposed")
            #expect(op(stepped) == op(stepped.contiguous()), "\(name) stepped")
            #expect(op(broadcast) == op(broadcast.contiguous()), "\(name) broadcast")
        }
        let doubleMatrix = Tensor<Double>(shape: [6, 10], scalars: values.map(Double.init)).transposed()
        for (name, op) in Self.onInputs(Double.self) {
            #expect(op(doubleMatrix) == op(doubleMatrix.contiguous()), "\(name) Double transposed")
        }
    }

    @Test func zeroSizeDimensions() {
        let empty = Tensor<Float>.zeros([3, 0, 2])
        for (_, op) in Self.onInputs(Float.self) + Self.onPositive(Float.self) {
            #expect(op(empty).shape == [3, 0, 2])
        }
        #expect(Tensor<Double>.zeros([0]).gelu().shape == [0])
    }

    @Test func resultsDoNotDependOnTheThreadCount() {
        let count = 200_003  // several parallel chunks and a ragged tail
        let x = Tensor<Float>(shape: [count], scalars: (0..<count).map { Float($0 % 1000) * 0.02 - 10 })
        let y = Tensor<Double>(shape: [count], scalars: x.scalars.map(Double.init))
        let saved = ThreadBudget.count
        defer { ThreadBudget.count = saved }
        ThreadBudget.count = 1
        let single = Self.onInputs(Float.self).map { $0.1(x) }
        let singleDouble = y.tanh()
        ThreadBudget.count = 2
        let double = Self.onInputs(Float.self).map { $0.1(x) }
        #expect(single == double)
        #expect(y.tanh() == singleDouble)
    }
}
