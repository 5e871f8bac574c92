import Foundation
import Testing
@testable import Tensor
import _TestSupport

/// GELU's tanh approximation and the fused derivative kernels of both forms, against Double
/// references.
@Suite struct GELUTests {
    static let grid = (0...4800).map { Double($0) / 200 - 12 }

    static func tanhArgument(_ x: Double) -> Double { 0.797_884_560_802_865_4 * (x + 0.044_715 * x * x * x) }

    static func derivative(_ x: Double, _ approximate: GELUApproximation) -> Double {
        switch approximate {
        case .exact:
            return 0.5 * Foundation.erfc(-x / 2.0.squareRoot()) + x * Foundation.exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
        case .tanh:
            let s = 1 / (1 + Foundation.exp(-2 * tanhArgument(x)))
            return s + x * 2 * s * (1 - s) * 0.797_884_560_802_865_4 * (1 + 3 * 0.044_715 * x * x)
        }
    }

    @Test func tanhApproximationIsAccurate() {
        let inputs = Self.grid.map { Float($0) }
        let actual = Tensor(inputs).gelu(approximate: .tanh).scalars
        for (x, a) in zip(inputs, actual) {
            let u = Self.tanhArgument(Double(x))
            let exact = Double(x) / (1 + Foundation.exp(-2 * u))
            // 2u is computed in floats (a few roundings): e^(2u) carries its absolute error, ~|2u|·3e-7.
            let tolerance = (2e-6 + 2 * Swift.abs(u) * 3e-7) * Swift.abs(exact) + 1e-40
            #expect(Swift.abs(Double(a) - exact) <= tolerance, "gelu tanh(\(x)) = \(a), expected \(exact)")
        }
        // Far out: x itself above, zero below, without overflow trouble.
        let far = Tensor<Float>([1e3, 1e20, .infinity, -1e3, -1e20]).gelu(approximate: .tanh).scalars
        #expect(far[0...2] == [1e3, 1e20, .infinity] && far[3...4].allSatisfy { $0 == 0 })
        let doubles = Tensor(Self.grid).gelu(approximate: .tanh).scalars
        for (x, a) in zip(Self.grid, doubles) {
            let exact = 0.5 * x * (1 + Foundation.tanh(Self.tanhArgument(x)))
            #expect(Swift.abs(a - exact) <= 1e-15 * Swift.max(1, Swift.abs(x)), "gelu tanh(\(x)) = \(a), expected \(exact)")
        }
    }

    @Test(arguments: [GELUApproximation.exact, .tanh])
    func derivativesMatchDoublePrecision(_ approximate: GELUApproximation) {
        let gradient = Tensor(Self.grid.indices.map { Double($0 % 7) - 2.5 })
        let expected = Tensor(zip(Self.grid, gradient.scalars).map { Self.derivative($0, approximate) * $1 })
        let float = Tensor(Self.grid.map { Float($0) }).geluDerivative(times: Tensor(converting: gradient), approximate: approximate)
        assertClose(Tensor<Double>(converting: float), expected, absolute: 3e-6, relative: 2e-6, "Float \(approximate)")
        let double = Tensor(Self.grid).geluDerivative(times: gradient, approximate: approximate)
        assertClose(double, expected, absolute: 1e-14, relative: 1e-12, "Double \(approximate)")
    }

    @Test(arguments: [GELUApproximation.exact, .tanh])
    func stridedAndBroadcastOperandsGiveTheSameBits(_ approximate: GELUApproximation) {
        let values = Tensor<Float>(shape: [6, 11], scalars: (0..<66).map { Float($0) * 0.19 - 6 })
        let gradient = Tensor<Float>(shape: [6, 11], scalars: (0..<66).map { Float($0 % 5) - 1.5 })
        let contiguous = values.geluDerivative(times: gradient, approximate: approximate)
        let strided = values.transposed().contiguous().transposed()
        #expect(strided.geluDerivative(times: gradient, approximate: approximate).scalars == contiguous.scalars)
        let row = Tensor<Float>((0..<11).map { Float($0) * 0.7 - 3.5 })
        let broadcast = row.expanded(to: [6, 11]).geluDerivative(times: gradient, approximate: approximate)
        #expect(broadcast.scalars == row.expanded(to: [6, 11]).contiguous().geluDerivative(times: gradient, approximate: approximate).scalars)
        #expect(values.gelu(approximate: approximate).scalars == strided.gelu(approximate: approximate).scalars)
    }
}
