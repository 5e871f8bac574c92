import Testing
import Autograd
import _TestSupport

@Suite struct DropoutTests {
    @Test func evaluationModeIsTheIdentity() {
        var generator = PhiloxGenerator(seed: 0)
        let dropout = Dropout<Float>(probability: 0.5, using: &generator)
        dropout.eval()
        let input = Tensor<Float>.normal([4, 5], using: &generator)
        #expect(dropout(Variable(input)).value == input)
        let stateBefore = dropout.generator.state
        _ = dropout(Variable(input))
        #expect(dropout.generator.state == stateBefore, "evaluation must not draw random numbers")
    }

    @Test func survivorsAreScaledByOneOverKeepProbability() {
        var generator = PhiloxGenerator(seed: 1)
        let dropout = Dropout<Double>(probability: 0.25, using: &generator)
        let output = dropout(Variable(Tensor.ones([100, 100]))).value.scalars
        // Every element is either dropped or scaled by 1/(1 − p) = 4/3.
        let scale: Double = 4.0 / 3
        #expect(output.allSatisfy { (value: Double) -> Bool in value == 0 || Swift.abs(value - scale) < 1e-15 })
        let droppedCount: Int = output.filter { $0 == 0 }.count
        let droppedFraction: Double = Double(droppedCount) / 10_000
        #expect(Swift.abs(droppedFraction - 0.25) < 0.02)      // 10⁴ draws: standard error 0.0043
        // Inverted dropout keeps the expectation.
        let mean: Double = output.reduce(0, +) / 10_000
        #expect(Swift.abs(mean - 1) < 0.03)
    }

    @Test func gradientsFlowOnlyThroughSurvivors() {
        var generator = PhiloxGenerator(seed: 2)
        let dropout = Dropout<Double>(probability: 0.5, using: &generator)
        let input = Variable(Tensor<Double>.ones([8, 8]), requiresGradient: true)
        let output = dropout(input)
        let gradient = output.sum().backward()[input]!
        // The gradient is the mask times 2: equal to the output for an input of ones.
        #expect(gradient == output.value)
    }

    @Test func masksAreReproducibleFromTheSeedAndDifferBetweenCalls() {
        func masks(seed: UInt64) -> [Tensor<Float>] {
            var generator = PhiloxGenerator(seed: seed)
            let dropout = Dropout<Float>(probability: 0.5, using: &generator)
            return (0..<2).map { _ in dropout(Variable(Tensor.ones([64]))).value }
        }
        let first = masks(seed: 7), second = masks(seed: 7)
        #expect(first == second)
        #expect(first[0] != first[1])
        #expect(masks(seed: 8)[0] != first[0])
    }

    @Test func extremeProbabilities() {
        var generator = PhiloxGenerator(seed: 3)
        let input = Variable(Tensor<Float>.normal([3, 4], using: &generator))
        #expect(Dropout<Float>(probability: 0, using: &generator)(input).value == input.value)
        #expect(Dropout<Float>(probability: 1, using: &generator)(input).value == Tensor.zeros([3, 4]))
    }
}
