import Foundation
import Testing
import Tensor
import _TestSupport

@Suite struct SortTests {
    let fixture = try! Fixture("indexing", bundle: .module)

    func checkSortMatchesNumPy<Scalar: FloatingPointTensorElement>(_: Scalar.Type) {
        let input: Tensor<Scalar> = fixture.tensor("sort_input")
        let ascending = input.sorted()
        #expect(ascending.indices == indexTensor(fixture, "sort_ascending_indices"))
        #expect(ascending.values == input.gathering(alongAxis: 1, indices: ascending.indices))
        #expect(input.argsort(descending: true) == indexTensor(fixture, "sort_descending_indices"))
        // Along axis 0 of a transposed view: sort the view's axis 1, i.e. the original's axis 0.
        let view = input.transposed()
        let expected = indexTensor(fixture, "sort_axis0_descending_indices")
        #expect(view.argsort(alongAxis: 1, descending: true) == expected.transposed().contiguous())
        #expect(input.argsort(alongAxis: 0, descending: true) == expected)
    }

    @Test func sortMatchesNumPyStableOrder() {
        checkSortMatchesNumPy(Float.self)
        checkSortMatchesNumPy(Double.self)
    }

    @Test func tiesKeepTheirOrderInBothDirections() {
        let x = Tensor<Int>([2, 1, 2, 1, 3])
        let up = x.sorted()
        #expect(up.values.scalars == [1, 1, 2, 2, 3])
        #expect(up.indices.scalars == [1, 3, 0, 2, 4])
        let down = x.sorted(descending: true)
        #expect(down.values.scalars == [3, 2, 2, 1, 1])
        #expect(down.indices.scalars == [4, 0, 2, 1, 3])
        let small = Tensor<Int32>([5, -1, 5])
        #expect(small.argsort().scalars == [1, 0, 2])
    }

    @Test func notANumberSortsAboveEveryNumber() {
        let x = Tensor<Float>([3, .nan, 1, .nan, -.infinity])
        let up = x.sorted()
        #expect(up.indices.scalars == [4, 2, 0, 1, 3])
        #expect(up.values[0] == -.infinity && up.values[2] == 3 && up.values[3].isNaN)
        #expect(x.sorted(descending: true).indices.scalars == [1, 3, 0, 2, 4])
        #expect(x.topK(2).indices.scalars == [1, 3])
        #expect(x.topK(2, largest: false).indices.scalars == [4, 2])
    }

    @Test func topKHandlesNotANumberOnTheHeapPath() {
        // Lines of 40 with k = 3 take the heap path; a NaN at index 0 starts as the heap's root.
        var values = (0..<40).map { Double(($0 * 7) % 40) }
        values[0] = .nan
        values[5] = .nan
        let x = Tensor<Double>(values)
        let largest = x.topK(3)
        #expect(largest.indices.scalars == [0, 5, 17])
        #expect(largest.indices == x.argsort(descending: true).sliced(axis: 0, to: 3))
        let smallest = x.topK(3, largest: false)
        #expect(smallest.indices.scalars == [23, 6, 29])
        #expect(smallest.indices == x.argsort().sliced(axis: 0, to: 3))
        #expect(smallest.values.scalars.allSatisfy { !$0.isNaN })
    }

    @Test func zeroSizeDimensions() {
        let empty = Tensor<Double>.zeros([3, 0])
        #expect(empty.sorted().values.shape == [3, 0])
        #expect(empty.argsort(alongAxis: 0).shape == [3, 0])
        let x = Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let none = x.topK(0)
        #expect(none.values.shape == [2, 0] && none.indices.shape == [2, 0])
    }

    @Test func topKMatchesNumPy() {
        let input: Tensor<Double> = fixture.tensor("topk_input")
        let largest = input.topK(5)
        #expect(largest.indices == indexTensor(fixture, "topk_largest_indices"))
        #expect(largest.values == input.gathering(alongAxis: -1, indices: largest.indices))
        let smallest = input.topK(5, alongAxis: 1, largest: false)
        #expect(smallest.indices == indexTensor(fixture, "topk_smallest_indices"))
        let floats: Tensor<Float> = fixture.tensor("topk_input")
        #expect(floats.topK(5).indices == largest.indices)
    }

    @Test func topKIsTheHeadOfAFullSortOnBothPaths() {
        // Values on a coarse grid so that ties are common; a strided view of a larger buffer.
        let lines = 8, length = 10_000
        let values = (0..<lines * length * 2).map { Float(($0 * 7_919) % 5_003 / 7) }
        let x = Tensor<Float>(shape: [lines, 2 * length], scalars: values).sliced(axis: 1, by: 2)
        for largest in [true, false] {
            let full = x.sorted(alongAxis: 1, descending: largest)
            for k in [1, 10, 1_000, 6_000] {  // the heap path below n/8, a full sort above
                let one = withThreads(1) { x.topK(k, largest: largest) }
                let two = withThreads(2) { x.topK(k, largest: largest) }
                #expect(one.values == two.values && one.indices == two.indices)
                #expect(two.indices == full.indices.sliced(axis: 1, to: k), "k = \(k), largest = \(largest)")
                #expect(two.values == full.values.sliced(axis: 1, to: k), "k = \(k), largest = \(largest)")
            }
        }
        // Along axis 0 of the transposed view.
        let columns = x.transposed().topK(10, alongAxis: 0)
        #expect(columns.indices == x.topK(10).indices.transposed().contiguous())
    }

    @Test func sortIsThreadCountIndependent() {
        let x = Tensor<Double>(shape: [1_000, 100], scalars: (0..<100_000).map { Double(($0 * 31) % 97) })
        let one = withThreads(1) { x.sorted(descending: true) }
        let two = withThreads(2) { x.sorted(descending: true) }
        #expect(one.values == two.values && one.indices == two.indices)
        #expect(two.values[999, 0] == 96 && two.values[999, 99] == 0)
    }
}
