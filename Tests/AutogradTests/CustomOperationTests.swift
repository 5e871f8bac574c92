import Testing
@testable import Autograd
import _TestSupport

@Suite struct CustomOperationTests {
    @Test func gradientReversalIsIdentityForwardAndNegatedScaledBackward() {
        let x = Variable(Tensor<Double>([1, -2, 3]), requiresGradient: true)
        let y = gradientReversal(x, scale: 0.5)
        #expect(y.value.scalars == x.value.scalars)
        let gradients = (y * Variable(Tensor([1, 2, 3]))).sum().backward()
        #expect(gradients[x]!.scalars == [-0.5, -1, -1.5])
    }

    @Test func gradientReversalComposedPassesTheChecker() {
        // d/dx Σ w·GRL(tanh(x))² = −λ · 2 tanh(x)(1 − tanh²(x)) · w: checked against the closed form,
        // since finite differences see the identity forward.
        let x = Tensor<Double>([0.3, -0.7, 1.1])
        let variable = Variable(x, requiresGradient: true)
        let y = gradientReversal(variable.tanh(), scale: 2)
        let gradients = (y * y).sum().backward()
        let t = x.tanh()
        assertClose(gradients[variable]!, t * (1 - t * t) * -4, absolute: 1e-12)
    }

    @Test func straightThroughPassesTheGradientUnchanged() {
        let x = Variable(Tensor<Double>([0.4, 1.6, -0.6]), requiresGradient: true)
        let rounded = straightThrough(x) { $0.applying { source, stride, destination, count in
            for index in 0..<count { destination[index] = source[index * stride].rounded() }
        } }
        #expect(rounded.value.scalars == [0, 2, -1])
        let gradients = (rounded * rounded).sum().backward()
        #expect(gradients[x]!.scalars == [0, 4, -2])  // 2·round(x), passed straight through
    }

    @Test func aUserDefinedOpWithItsOwnVJP() {
        // cube(x) = x³ with VJP 3x²·g, declared by a user through the public API.
        func cube(_ x: Variable<Double>) -> Variable<Double> {
            differentiableOperation("cube", inputs: [x], value: x.value * x.value * x.value) { gradient in
                [gradient * x * x * 3]
            }
        }
        let report = checkGradients(at: [Tensor([0.5, -1.5, 2])]) { cube($0[0]) }
        #expect(report.passed, "\(report)")
    }

    @Test func opsNamingTheirInputsRecordWhatTheArrayFormRecords() {
        // x·y written three ways: the array of inputs, and the two forms that name them.
        func product(_ x: Variable<Double>, _ y: Variable<Double>, named: Bool) -> Variable<Double> {
            let value = x.value * y.value
            return named
                ? differentiableOperation("product", inputs: x, y, value: value) { [$0 * y, $0 * x] }
                : differentiableOperation("product", inputs: [x, y], value: value) { [$0 * y, $0 * x] }
        }
        func square(_ x: Variable<Double>) -> Variable<Double> {
            differentiableOperation("square", input: x, value: x.value * x.value) { [$0 * x * 2] }
        }
        let x = Variable(Tensor<Double>([0.5, -1.5]), requiresGradient: true)
        let constant = Variable(Tensor<Double>([3, 4]))
        for named in [false, true] {
            let gradients = square(product(x, constant, named: named)).sum().backward()
            let expected: [Double] = [2 * 0.5 * 9, 2 * -1.5 * 16]  // 2·x·c²
            #expect(gradients[x]!.scalars == expected)
            let node = product(x, constant, named: named).node!
            let inputs = node.inputs
            #expect(inputs.count == 2)
            #expect(inputs[0] === x.node)
            #expect(inputs[1] == nil)
        }
        #expect(!square(constant).requiresGradient)
        #expect(!product(constant, constant, named: true).requiresGradient)
    }
}
