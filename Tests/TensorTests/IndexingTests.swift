import Foundation
import Testing
import Tensor
import _TestSupport

/// An integer fixture entry (indices are stored as doubles in the JSON).
func indexTensor(_ fixture: Fixture, _ key: String) -> Tensor<Int> {
    let entry = fixture.entries[key]!
    return Tensor(shape: entry.shape, scalars: entry.data.map { Int($0) })
}

/// Runs `body` with the thread budget set to `count`, then restores it.
func withThreads<Result>(_ count: Int, _ body: () -> Result) -> Result {
    let saved = ThreadBudget.count
    ThreadBudget.count = count
    defer { ThreadBudget.count = saved }
    return body()
}

@Suite struct IndexingTests {
    let fixture = try! Fixture("indexing", bundle: .module)

    func checkGatherAndScatterMatchNumPy<Scalar: FloatingPointTensorElement>(_: Scalar.Type) {
        let input: Tensor<Scalar> = fixture.tensor("gather_input")
        let gathered = input.gathering(alongAxis: 1, indices: indexTensor(fixture, "gather_indices"))
        assertClose(gathered, fixture.tensor("gather_output"))
        let base: Tensor<Scalar> = fixture.tensor("scatter_base")
        let scattered = base.scatteringAdd(alongAxis: -1, indices: indexTensor(fixture, "scatter_indices"),
                                           source: fixture.tensor("scatter_source"))
        assertClose(scattered, fixture.tensor("scatter_output"), absolute: 1e-5)
    }

    @Test func gatherAndScatterAddMatchNumPy() {
        checkGatherAndScatterMatchNumPy(Float.self)
        checkGatherAndScatterMatchNumPy(Double.self)
    }

    @Test func gatherByHandForIntegersAndMasks() {
        let indices = Tensor<Int>(shape: [2, 2], scalars: [0, 0, 1, 0])
        let numbers = Tensor<Int>(shape: [2, 2], scalars: [1, 2, 3, 4])
        #expect(numbers.gathering(alongAxis: 1, indices: indices).scalars == [1, 1, 4, 3])
        #expect(numbers.gathering(alongAxis: 0, indices: indices).scalars == [1, 2, 3, 2])
        let flags = Tensor<Bool>(shape: [2, 2], scalars: [true, false, false, true])
        #expect(flags.gathering(alongAxis: 1, indices: indices).scalars == [true, true, true, false])
    }

    @Test func gatherFromTransposedInputWithBroadcastIndices() {
        let x = Tensor<Float>(shape: [3, 4], scalars: (0..<12).map { Float($0) })
        let view = x.transposed()  // [4, 3], strides [1, 4]
        // One index row broadcast over all four rows: stride 0 along axis 0.
        let indices = Tensor<Int>(shape: [1, 2], scalars: [2, 0]).expanded(to: [4, 2])
        let gathered = view.gathering(alongAxis: 1, indices: indices)
        #expect(gathered.shape == [4, 2])
        #expect(gathered.scalars == [8, 0, 9, 1, 10, 2, 11, 3])
        #expect(gathered == view.contiguous().gathering(alongAxis: 1, indices: indices.contiguous()))
        // Indices smaller than the input off the axis pick from the leading corner, as in torch.
        let corner = view.gathering(alongAxis: 0, indices: Tensor<Int>(shape: [1, 2], scalars: [3, 1]))
        #expect(corner.scalars == [3, 5])
    }

    @Test func gatherWithZeroSizeDimensions() {
        let x = Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(x.gathering(alongAxis: 1, indices: Tensor<Int>.zeros([2, 0])).shape == [2, 0])
        let empty = Tensor<Double>.zeros([0, 3])
        #expect(empty.gathering(alongAxis: 1, indices: Tensor<Int>.zeros([0, 5])).shape == [0, 5])
    }

    @Test func gatherIsThreadCountIndependentAndCorrect() {
        let rows = 512, columns = 160
        let x = Tensor<Float>(shape: [rows, columns], scalars: (0..<rows * columns).map { Float($0 % 977) * 0.25 })
        let indexValues = (0..<rows * columns).map { ($0 * 7919) % columns }
        let indices = Tensor<Int>(shape: [rows, columns], scalars: indexValues)
        let one = withThreads(1) { x.gathering(alongAxis: 1, indices: indices) }
        let two = withThreads(2) { x.gathering(alongAxis: 1, indices: indices) }
        #expect(one == two)
        let flat = x.scalars
        let expected = (0..<rows * columns).map { flat[$0 / columns * columns + indexValues[$0]] }
        #expect(two.scalars == expected)
    }

    @Test func scatterAddAccumulatesRepeatedIndices() {
        // Integers: every duplicate must land.
        let indices = Tensor<Int>(shape: [2, 3], scalars: [1, 1, 1, 0, 2, 0])
        let source = Tensor<Int>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let result = Tensor<Int>.scatteringAdd(source, alongAxis: 1, indices: indices, shape: [2, 3])
        #expect(result.scalars == [0, 6, 0, 10, 0, 5])
        // Along axis 0 into a non-zero base, from a transposed source.
        let base = Tensor<Double>.ones([2, 2])
        let transposedSource = Tensor<Double>(shape: [2, 2], scalars: [10, 20, 30, 40]).transposed()  // [[10, 30], [20, 40]]
        let sums = base.scatteringAdd(alongAxis: 0, indices: Tensor<Int>(shape: [2, 2], scalars: [0, 0, 0, 1]),
                                      source: transposedSource)
        #expect(sums.scalars == [31, 31, 1, 41])
        // Indices smaller than the source use its leading corner; broadcast indices repeat.
        let broadcastIndices = Tensor<Int>(shape: [1, 1], scalars: [1]).expanded(to: [3, 1])
        let column = Tensor<Float>.scatteringAdd(Tensor<Float>(shape: [3, 2], scalars: [1, 9, 2, 9, 3, 9]),
                                                 alongAxis: 1, indices: broadcastIndices, shape: [3, 2])
        #expect(column.scalars == [0, 1, 0, 2, 0, 3])
        // Nothing to scatter: the base comes back unchanged.
        let unchanged = base.scatteringAdd(alongAxis: 0, indices: Tensor<Int>.zeros([0, 2]), source: Tensor<Double>.zeros([0, 2]))
        #expect(unchanged == base)
    }

    @Test func indexSelectPicksSlicesForEveryElementType() {
        let x = Tensor<Float>(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        let rows = Tensor<Int>([2, 0, 2])
        #expect(x.indexSelect(alongAxis: 0, indices: rows).scalars == [5, 6, 1, 2, 5, 6])
        #expect(x.indexSelect(alongAxis: 1, indices: Tensor<Int>([1])).scalars == [2, 4, 6])
        #expect(x.indexSelect(alongAxis: 0, indices: Tensor<Int>([])).shape == [0, 2])
        let transposed = x.transposed()  // [[1, 3, 5], [2, 4, 6]]
        #expect(transposed.indexSelect(alongAxis: -1, indices: rows).scalars == [5, 1, 5, 6, 2, 6])
        #expect(transposed.indexSelect(alongAxis: 0, indices: Tensor<Int>([1, 1])).scalars == [2, 4, 6, 2, 4, 6])
        let labels = Tensor<Int>(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        #expect(labels.indexSelect(alongAxis: 0, indices: Tensor<Int>([1])).scalars == [3, 4])
        let flags = Tensor<Bool>(shape: [3], scalars: [true, false, false])
        #expect(flags.indexSelect(alongAxis: 0, indices: Tensor<Int>([1, 0])).scalars == [false, true])
        let double = Tensor<Double>(shape: [2, 2, 2], scalars: (0..<8).map { Double($0) })
        #expect(double.indexSelect(alongAxis: 1, indices: Tensor<Int>([1, 0])).scalars == [2, 3, 0, 1, 6, 7, 4, 5])
    }

    @Test func indexSelectIsThreadCountIndependent() {
        // An embedding lookup: 4096 rows of 64 from a table of 100, on a strided (sliced) table.
        let table = Tensor<Float>(shape: [100, 128], scalars: (0..<12_800).map { Float($0) }).sliced(axis: 1, by: 2)
        let indices = Tensor<Int>((0..<4096).map { ($0 * 37) % 100 })
        let one = withThreads(1) { table.indexSelect(alongAxis: 0, indices: indices) }
        let two = withThreads(2) { table.indexSelect(alongAxis: 0, indices: indices) }
        #expect(one == two)
        #expect(two.shape == [4096, 64])
        #expect(two[5, 3] == Float(((5 * 37) % 100) * 128 + 6))
    }

    @Test func maskedFillBroadcastsTheMask() {
        let scores = Tensor<Float>(shape: [2, 2, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        let causal = Tensor<Bool>(shape: [2, 2], scalars: [false, true, false, false])
        #expect(scores.maskedFill(where: causal, with: -.infinity).scalars == [1, -.infinity, 3, 4, 5, -.infinity, 7, 8])
        let transposed = Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]).transposed()  // [3, 2]
        let column = Tensor<Bool>(shape: [3, 1], scalars: [true, false, true])
        #expect(transposed.maskedFill(where: column, with: 0).scalars == [0, 0, 2, 5, 0, 0])
        let numbers = Tensor<Int>([1, 2, 3])
        #expect(numbers.maskedFill(where: Tensor<Bool>(true), with: 9).scalars == [9, 9, 9])
        let flags = Tensor<Bool>([true, true])
        #expect(flags.maskedFill(where: Tensor<Bool>([false, true]), with: false).scalars == [true, false])
        #expect(Tensor<Float>.zeros([0, 2]).maskedFill(where: Tensor<Bool>([true, true]), with: 1).shape == [0, 2])
    }

    @Test func oneHotEncodesLabels() {
        let labels = Tensor<Int>(shape: [2, 2], scalars: [0, 2, 1, 2])
        let encoded = labels.oneHot(classes: 3)
        #expect(encoded.shape == [2, 2, 3])
        #expect(encoded.scalars == [1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1])
        let double: Tensor<Double> = Tensor<Int>([1]).oneHot(classes: 2, as: Double.self)
        #expect(double.scalars == [0, 1])
        #expect(Tensor<Int>([]).oneHot(classes: 4).shape == [0, 4])
    }
}
