import Testing
import Autograd
import _TestSupport

@Suite struct HigherOrderTests {
    /// d²/dx² of f at x, by differentiating the gradient again.
    func secondDerivative(_ f: (Variable<Double>) -> Variable<Double>, at points: [Double]) -> [Double] {
        let x = Variable(Tensor(points), requiresGradient: true)
        let first = f(x).sum().backward(createGraph: true).variable(for: x)!
        return first.sum().backward()[x]!.scalars
    }

    @Test func firstGradientsAreBitEqualWithAndWithoutCreateGraph() {
        // Outside createGraph, the VJPs of multiply, tanh, sigmoid and relu take fused tensor
        // paths; they must round exactly as the recorded variable ops do.
        let x = Variable(Tensor<Float>(shape: [3, 5], scalars: (0..<15).map { Float($0) * 0.37 - 2.4 }),
                         requiresGradient: true)
        let w = Variable(Tensor<Float>([0.3, -1.2, 0.8, 2.1, -0.5]), requiresGradient: true)
        func f() -> Variable<Float> { ((x * w).tanh() * x + (x * x).sigmoid() * w.relu()).sum() }
        let plain = f().backward()
        let recorded = f().backward(createGraph: true)
        #expect(plain[x]!.scalars == recorded[x]!.scalars)
        #expect(plain[w]!.scalars == recorded[w]!.scalars)
    }

    @Test func secondDerivativesOfChainsMatchClosedForms() {
        let points = [-1.3, -0.4, 0.2, 0.9, 1.7]
        // tanh'' = −2 tanh (1 − tanh²)
        assertClose(secondDerivative({ $0.tanh() }, at: points),
                    points.map { let t = Foundation.tanh($0); return -2 * t * (1 - t * t) }, absolute: 1e-12)
        // σ'' = σ(1 − σ)(1 − 2σ)
        assertClose(secondDerivative({ $0.sigmoid() }, at: points),
                    points.map { let s = 1 / (1 + Foundation.exp(-$0)); return s * (1 - s) * (1 - 2 * s) }, absolute: 1e-12)
        // (e^(2x))'' = 4 e^(2x)
        assertClose(secondDerivative({ ($0 * 2).exp() }, at: points), points.map { 4 * Foundation.exp(2 * $0) }, relative: 1e-12)
        // log(x²+1)'' = 2(1 − x²)/(1 + x²)²
        assertClose(secondDerivative({ ($0 * $0 + 1).log() }, at: points),
                    points.map { 2 * (1 - $0 * $0) / ((1 + $0 * $0) * (1 + $0 * $0)) }, absolute: 1e-12)
        // tanh(σ(x))'' by the chain rule: f = tanh(s), s = σ(x)
        assertClose(secondDerivative({ $0.sigmoid().tanh() }, at: points), points.map { x in
            let s = 1 / (1 + Foundation.exp(-x)), t = Foundation.tanh(s)
            let ds = s * (1 - s), dds = ds * (1 - 2 * s)
            return (1 - t * t) * dds - 2 * t * (1 - t * t) * ds * ds
        }, absolute: 1e-12)
    }

    @Test func secondDerivativeThroughMatmul() {
        // f(x) = Σ (A x)³ → ∇²f = Aᵀ diag(6 A x) A; summed gradient's gradient = Aᵀ (6 (Ax) ⊙ (A 1)).
        let a = Tensor<Double>(shape: [2, 3], scalars: [0.5, -1, 2, 1.5, 0.3, -0.7])
        let x = Variable(Tensor<Double>([0.2, -0.4, 0.9]), requiresGradient: true)
        let ax = matmul(Variable(a), x)
        let gradient = (ax * ax * ax).sum().backward(createGraph: true).variable(for: x)!
        let second = gradient.sum().backward()[x]!
        let aValue = matmul(a, x.value), aOnes = matmul(a, Tensor<Double>([1, 1, 1]))
        assertClose(second, matmul(a.transposed(), aValue * aOnes * 6), absolute: 1e-12)
    }

    @Test func hessianVectorProductOfAnMLPEqualsFiniteDifferenceOfGradients() {
        // Two-layer MLP with tanh, squared error; parameters W1 [4, 3], W2 [2, 4].
        let input = sample([5, 3], seed: 11)
        let target = sample([5, 2], seed: 12)
        func loss(_ w1: Variable<Double>, _ w2: Variable<Double>) -> Variable<Double> {
            let hidden = matmul(Variable(input), w1.transposed()).tanh()
            let error = matmul(hidden, w2.transposed()) - Variable(target)
            return (error * error).mean()
        }
        func gradients(_ w1: Tensor<Double>, _ w2: Tensor<Double>) -> (Tensor<Double>, Tensor<Double>) {
            let v1 = Variable(w1, requiresGradient: true), v2 = Variable(w2, requiresGradient: true)
            let g = loss(v1, v2).backward()
            return (g[v1]!, g[v2]!)
        }
        let w1 = sample([4, 3], seed: 13), w2 = sample([2, 4], seed: 14)
        let d1 = sample([4, 3], seed: 15), d2 = sample([2, 4], seed: 16)  // the direction

        // H·d by double backward: ∇(∇L · d).
        let v1 = Variable(w1, requiresGradient: true), v2 = Variable(w2, requiresGradient: true)
        let first = loss(v1, v2).backward(createGraph: true)
        let directional = (first.variable(for: v1)! * Variable(d1)).sum() + (first.variable(for: v2)! * Variable(d2)).sum()
        let hvp = directional.backward()

        // H·d by central differences of the gradient.
        let h = 1e-5
        let plus = gradients(w1 + d1 * h, w2 + d2 * h), minus = gradients(w1 - d1 * h, w2 - d2 * h)
        assertClose(hvp[v1]!, (plus.0 - minus.0) / (2 * h), absolute: 1e-8, relative: 1e-6)
        assertClose(hvp[v2]!, (plus.1 - minus.1) / (2 * h), absolute: 1e-8, relative: 1e-6)
    }

    @Test func secondOrderThroughSoftmaxSliceAndLogSumExp() {
        // Gradient checks of a gradient: the checker differentiates x ↦ ∇f(x).
        for f in [
            { (x: Variable<Double>) in x.softmax(alongAxis: -1).square().sum() },
            { (x: Variable<Double>) in x.logSumExp(alongAxes: [1]).square().sum() },
            { (x: Variable<Double>) in x.sliced(axis: 1, from: 0, by: 2).tanh().sum() },
            { (x: Variable<Double>) in x.logSoftmax(alongAxis: 0).exp().square().sum() },
        ] {
            let report = checkGradients(at: [sample([2, 3], seed: 21)]) { inputs in
                f(inputs[0]).backward(createGraph: true).variable(for: inputs[0])!
            }
            #expect(report.passed, "\(report)")
        }
    }
}

import Foundation
