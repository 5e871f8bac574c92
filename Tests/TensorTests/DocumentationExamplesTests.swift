import Foundation
import Testing
import Tensor

/// The code of `Sources/Tensor/Tensor.docc/GettingStarted.md`, as the article shows it, with the
/// values its comments state checked. Change both together.
@Suite struct TensorDocumentationExamplesTests {
    @Test func gettingStarted() throws {
        // Creating tensors
        let x = Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let zeros = Tensor<Float>.zeros([2, 3])
        let steps = Tensor<Float>.arange(0, 6)               // [0, 1, 2, 3, 4, 5]
        let identity = Tensor<Double>.eye(3)                 // [3, 3]
        print(x.shape, x.count, x[1, 2])                     // [2, 3] 6 6.0
        #expect(zeros.scalars == [0, 0, 0, 0, 0, 0])
        #expect(steps.scalars == [0, 1, 2, 3, 4, 5])
        #expect(identity.shape == [3, 3] && identity.sum().scalar == 3)
        #expect(x.shape == [2, 3] && x.count == 6 && x[1, 2] == 6)

        // Views share storage
        let transposed = x.transposed()                      // [3, 2], strides [1, 3]: no copy
        print(transposed.isContiguous)                       // false
        print(transposed.contiguous().scalars)               // [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]
        let secondColumn = x.sliced(axis: 1, from: 1, to: 2) // [2, 1]: 2 and 5
        #expect(transposed.shape == [3, 2] && transposed.strides == [1, 3] && !transposed.isContiguous)
        #expect(transposed.contiguous().scalars == [1, 4, 2, 5, 3, 6])
        #expect(secondColumn.shape == [2, 1] && secondColumn.scalars == [2, 5])

        // Arithmetic broadcasts
        let row = Tensor<Float>([10, 20, 30])                // [3]
        let shifted = x + row                                // [2, 3]: [[11, 22, 33], [14, 25, 36]]
        let scaled = x * 2 - 1                               // scalars broadcast too
        let total = x.sum()                                  // a rank-0 tensor: 21
        let columnMeans = x.mean(alongAxes: [0])             // [3]: [2.5, 3.5, 4.5]
        let product = matmul(x, x.transposed())              // [2, 2]: [[14, 32], [32, 77]]
        #expect(shifted.shape == [2, 3] && shifted.scalars == [11, 22, 33, 14, 25, 36])
        #expect(scaled.scalars == [1, 3, 5, 7, 9, 11])
        #expect(total.shape == [] && total.scalar == 21)
        #expect(columnMeans.scalars == [2.5, 3.5, 4.5])
        #expect(product.shape == [2, 2] && product.scalars == [14, 32, 32, 77])

        // Random numbers are explicit
        var generator = PhiloxGenerator(seed: 42)
        let weights = Tensor<Float>.normal([64, 32], mean: 0, standardDeviation: 0.02, using: &generator)
        let order = Tensor<Int>.randomPermutation(10, using: &generator)
        var again = PhiloxGenerator(seed: 42)
        #expect(Tensor<Float>.normal([64, 32], mean: 0, standardDeviation: 0.02, using: &again) == weights)
        #expect(order.scalars.sorted() == Array(0..<10))

        // Saving and loading
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("weights.safetensors")
        try SafetensorsFile(tensors: ["layer.weight": AnyTensor(weights)]).write(to: url)
        let restored = try SafetensorsFile(contentsOf: url).tensors["layer.weight"]?.float32
        print(restored == weights)                           // true
        #expect(restored == weights)
        try? FileManager.default.removeItem(at: url)
    }
}
