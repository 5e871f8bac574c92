import Testing
import Autograd

/// `InputGradients` keeps the gradients in argument order, `nil` included, whether they are held
/// inline (up to two) or partly in an array; and an op with five inputs gets each its own.
@Suite struct InputGradientsTests {
    func constant(_ value: Double) -> Variable<Double> { Variable(Tensor<Double>([value])) }

    func values(_ gradients: InputGradients<Double>) -> [Double?] {
        (0..<gradients.count).map { gradients[$0]?.value.scalars[0] }
    }

    @Test func keepsEveryGradientInOrder() {
        #expect(values([]) == [])
        #expect(values([constant(1)]) == [1])
        #expect(values([nil, constant(2)]) == [nil, 2])
        #expect(values([constant(1), nil, constant(3), nil, constant(5)]) == [1, nil, 3, nil, 5])
        #expect(values(InputGradients([constant(1), constant(2), constant(3)])) == [1, 2, 3])
    }

    @Test func anOpWithFiveInputsGivesEachItsGradient() {
        let inputs = (1...5).map { Variable(Tensor<Double>([Double($0)]), requiresGradient: true) }
        let output = Variable.concatenating(inputs, alongAxis: 0)
        let weights = Tensor<Double>([10, 20, 30, 40, 50])
        let gradients = (output * Variable(weights)).sum().backward()
        #expect(inputs.map { gradients[$0]!.scalars[0] } == [10, 20, 30, 40, 50])
    }
}
