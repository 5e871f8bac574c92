import Autograd
import Testing
import _TestSupport

/// A matrix used through its transpose (`x @ Wᵀ`, the linear layer's product) gets a row-major
/// gradient, like the matrix itself, so that optimizers and further arithmetic read it in order.
@Suite struct MatmulLayoutTests {
    @Test func aWeightUsedThroughItsTransposeGetsARowMajorGradient() {
        let weight = Variable(sample([4, 3], seed: 2), requiresGradient: true)
        let input = Variable(sample([5, 3], seed: 3))
        let output = matmul(input, weight.transposed())                       // [5, 4]
        let upstream = sample([5, 4], seed: 4)
        let gradient = (output * Variable(upstream)).sum().backward()[weight]!
        #expect(gradient.isContiguous)
        assertClose(gradient, matmul(upstream.transposed(), input.value), absolute: 1e-12)   // gᵀ @ x
    }

    @Test func aColumnMajorLeftOperandGetsItsGradientInItsLayout() {
        let left = Variable(sample([3, 5], seed: 5), requiresGradient: true)
        let right = Variable(sample([3, 4], seed: 6))
        let output = matmul(left.transposed(), right)                        // [5, 4]
        let upstream = sample([5, 4], seed: 7)
        let gradient = (output * Variable(upstream)).sum().backward()[left]!
        #expect(gradient.isContiguous)
        assertClose(gradient, matmul(right.value, upstream.transposed()), absolute: 1e-12)    // (g @ bᵀ)ᵀ
    }

    @Test func aBatchedLeftOperandAndAColumnMajorMatrix() {
        let weight = Variable(sample([4, 3], seed: 8), requiresGradient: true)
        let input = Variable(sample([2, 5, 3], seed: 9))
        let output = matmul(input, weight.transposed())                       // [2, 5, 4]
        let upstream = sample([2, 5, 4], seed: 10)
        let gradient = (output * Variable(upstream)).sum().backward()[weight]!
        #expect(gradient.isContiguous)
        let rows = upstream.reshaped(to: [10, 4]), inputs = input.value.reshaped(to: [10, 3])
        assertClose(gradient, matmul(rows.transposed(), inputs), absolute: 1e-12)
    }
}
