import Testing
import Tensor
import _TestSupport

@Suite struct LinearTests {
    /// `x · wᵀ + b` summed directly: `y[r, o] = b[o] + Σᵢ x[r, i] · w[o, i]` over the rows of `x`.
    static func directSum(_ x: Tensor<Double>, _ w: Tensor<Double>, _ b: Tensor<Double>?) -> [Double] {
        let (outputs, inner) = (w.shape[0], w.shape[1])
        let rows = x.shape.dropLast().reduce(1, *)
        let xs = x.contiguous().scalars, ws = w.contiguous().scalars, bs = b?.scalars
        var result = [Double](repeating: 0, count: rows * outputs)
        for row in 0..<rows {
            for output in 0..<outputs {
                var sum = bs?[output] ?? 0
                for index in 0..<inner { sum += xs[row * inner + index] * ws[output * inner + index] }
                result[row * outputs + output] = sum
            }
        }
        return result
    }

    static func sample(_ shape: [Int], seed: UInt64) -> Tensor<Double> {
        var generator = PhiloxGenerator(seed: seed)
        return Tensor.uniform(shape, low: -1, high: 1, using: &generator)
    }

    @Test func matchesTheDirectSumForEveryLayout() {
        let fused = Self.sample([12, 5], seed: 2)                 // three [4, 5] weights in one, like qkv
        let bias = Self.sample([12], seed: 3)
        let cases: [(String, Tensor<Double>, Tensor<Double>, Tensor<Double>?)] = [
            ("rank 3 with bias", Self.sample([2, 3, 5], seed: 1), fused, bias),
            ("vector", Self.sample([5], seed: 1), fused, bias),
            ("no bias", Self.sample([7, 5], seed: 1), fused, nil),
            ("rows of a fused weight", Self.sample([2, 3, 5], seed: 1), fused[4..<8], bias[4..<8]),
            ("transposed weight", Self.sample([3, 5], seed: 1), Self.sample([5, 6], seed: 4).transposed(), nil),
            ("permuted input", Self.sample([5, 2, 3], seed: 1).permuted([1, 2, 0]), fused, bias),
            ("broadcast input", Self.sample([1, 5], seed: 1).expanded(to: [4, 5]), fused, bias),
        ]
        for (name, x, w, b) in cases {
            let y = linear(x, weight: w, bias: b)
            #expect(y.shape == Array(x.shape.dropLast()) + [w.shape[0]], "\(name)")
            let expected = Self.directSum(x, w, b)
            #expect(zip(y.contiguous().scalars, expected).allSatisfy { abs($0 - $1) <= 1e-13 }, "\(name)")
            #expect(expected.contains { abs($0) > 0.5 }, "\(name)")  // not trivially zero
        }
    }

    @Test func emptyDimensions() {
        let bias = Tensor<Double>([1, 2, 3])
        // No inputs: the bias alone (zeros without one).
        #expect(linear(Tensor<Double>.zeros([2, 0]), weight: Tensor.zeros([3, 0]), bias: bias)
                == Tensor(shape: [2, 3], scalars: [1, 2, 3, 1, 2, 3]))
        #expect(linear(Tensor<Double>.zeros([2, 0]), weight: Tensor.zeros([3, 0])) == Tensor.zeros([2, 3]))
        #expect(linear(Tensor<Double>.zeros([0, 4, 2]), weight: Tensor.ones([3, 2]), bias: bias).shape == [0, 4, 3])
        #expect(linear(Tensor<Double>.ones([4, 2]), weight: Tensor.zeros([0, 2])).shape == [4, 0])
    }

    @Test func resultsDoNotDependOnTheThreadCount() {
        // 300 rows: the product is cut into blocks of rows, one GEMM call each.
        var generator = PhiloxGenerator(seed: 5)
        let x = Tensor<Float>.uniform([300, 200], low: -1, high: 1, using: &generator)
        let w = Tensor<Float>.uniform([180, 200], low: -1, high: 1, using: &generator)
        let b = Tensor<Float>.uniform([180], low: -1, high: 1, using: &generator)
        let saved = ThreadBudget.count
        defer { ThreadBudget.count = saved }
        ThreadBudget.count = 1
        let one = linear(x, weight: w, bias: b)
        ThreadBudget.count = 2
        let two = linear(x, weight: w, bias: b)
        #expect(one == two)
    }
}
