import Foundation
import Testing
import Tensor
import _TestSupport

@Suite struct SoftmaxTests {
    let fixture: Fixture
    init() throws { fixture = try Fixture("reductions", bundle: .module) }

    func checkAgainstNumPy<Scalar: FloatingPointTensorElement>(_ type: Scalar.Type, relative: Double) {
        for (layout, x) in reductionInputs(fixture, as: Scalar.self) {
            let comment: Comment = "\(layout) \(Scalar.self)"
            assertClose(x.softmax(), fixture.tensor("softmax_m1"), absolute: 1e-7, relative: relative, comment)
            assertClose(x.softmax(alongAxis: 1), fixture.tensor("softmax_1"), absolute: 1e-7, relative: relative, comment)
            assertClose(x.logSoftmax(alongAxis: -1), fixture.tensor("logsoftmax_m1"), absolute: 1e-6, relative: relative, comment)
            assertClose(x.logSoftmax(alongAxis: 0), fixture.tensor("logsoftmax_0"), absolute: 1e-6, relative: relative, comment)
        }
    }

    @Test func floatMatchesNumPy() { checkAgainstNumPy(Float.self, relative: 1e-5) }
    @Test func doubleMatchesNumPy() { checkAgainstNumPy(Double.self, relative: 1e-9) }

    func checkExtremeLogits<Scalar: FloatingPointTensorElement>(_ type: Scalar.Type) {
        let logits: Tensor<Scalar> = fixture.tensor("logits")  // ±1e4
        let probabilities = logits.softmax()
        #expect(probabilities.scalars.allSatisfy { $0.isFinite })
        assertClose(probabilities.sum(alongAxes: [1]), Tensor(repeating: 1, shape: [2]), absolute: 1e-6, relative: 0)
        assertClose(probabilities, fixture.tensor("logits_softmax"), absolute: 1e-7, relative: 1e-5)
        let logProbabilities = logits.logSoftmax()
        #expect(logProbabilities.scalars.allSatisfy { $0.isFinite })
        assertClose(logProbabilities, fixture.tensor("logits_logsoftmax"), absolute: 1e-3, relative: 1e-6)
        assertClose(logits.logSumExp(alongAxes: [1]), fixture.tensor("logits_logsumexp"), absolute: 1e-3, relative: 1e-6)
        // Along the first axis (the column loop) as well.
        let columns = logits.transposed().softmax(alongAxis: 0)
        #expect(columns.scalars.allSatisfy { $0.isFinite })
        assertClose(columns.transposed(), fixture.tensor("logits_softmax"), absolute: 1e-7, relative: 1e-5)
    }

    @Test func extremeLogitsStayFiniteFloat() { checkExtremeLogits(Float.self) }
    @Test func extremeLogitsStayFiniteDouble() { checkExtremeLogits(Double.self) }

    /// Softmax of `[outer, length, inner]` along the middle axis, in Double.
    func reference(_ values: [Double], outer: Int, length: Int, inner: Int) -> [Double] {
        var result = values
        for a in 0..<outer { for b in 0..<inner {
            let positions = (0..<length).map { (a * length + $0) * inner + b }
            let m = positions.map { values[$0] }.max()!
            let sum = positions.reduce(0) { $0 + exp(values[$1] - m) }
            for p in positions { result[p] = exp(values[p] - m) / sum }
        } }
        return result
    }

    // Rows with a tail of 3, without a tail, and shorter than one vector.
    @Test(arguments: [([64, 1003], 1, 64, 1003, 1), ([16, 1024], 1, 16, 1024, 1), ([9, 5], 1, 9, 5, 1),
                      ([3, 37, 21], 1, 3, 37, 21)])
    func vectorPathsMatchDouble(shape: [Int], axis: Int, outer: Int, length: Int, inner: Int) {
        let count = shape.reduce(1, *)
        let values = (0..<count).map { 30 * sin(Double($0) * 1.7) }
        let x = Tensor<Float>(shape: shape, scalars: values.map { Float($0) })
        let expected = reference(values.map { Double(Float($0)) }, outer: outer, length: length, inner: inner)
        assertClose(x.softmax(alongAxis: axis).scalars.map(Double.init), expected, absolute: 1e-8, relative: 2e-6)
        let logExpected = expected.map { log($0) }
        assertClose(x.logSoftmax(alongAxis: axis).scalars.map(Double.init), logExpected, absolute: 1e-5, relative: 1e-6)
    }

    @Test func independentOfThreadCount() {
        let x = Tensor<Float>(shape: [512, 300], scalars: (0..<(512 * 300)).map { Float(sin(Double($0))) * 10 })
        let saved = ThreadBudget.count
        defer { ThreadBudget.count = saved }
        ThreadBudget.count = 1
        let one = (x.softmax(), x.logSoftmax(alongAxis: 0))
        ThreadBudget.count = 2
        let two = (x.softmax(), x.logSoftmax(alongAxis: 0))
        #expect(one.0.scalars == two.0.scalars)
        #expect(one.1.scalars == two.1.scalars)
    }
}
