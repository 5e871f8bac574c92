import Foundation
import Testing
import Tensor
import _TestSupport

@Suite struct ViewTests {
    let x = Tensor<Float>(shape: [2, 3, 4], scalars: (0..<24).map { Float($0) })

    @Test func transposeIsAViewWithSwappedStrides() {
        let y = x.transposed()
        #expect(y.shape == [2, 4, 3])
        #expect(y.strides == [12, 1, 4])
        #expect(y.storage === x.storage)
        #expect(y[1, 3, 2] == x[1, 2, 3])
        #expect(!y.isContiguous)
    }

    @Test func reshapeOfContiguousIsAView() {
        let y = x.reshaped(to: [6, -1])
        #expect(y.shape == [6, 4])
        #expect(y.storage === x.storage)
        #expect(y.scalars == x.scalars)
    }

    @Test func reshapeOfPermutedSplitsCompatibleGroupsWithoutCopying() {
        // x.permuted([1, 2, 0]) has shape [3, 4, 2] and strides [4, 1, 12]: the first two
        // dimensions are contiguous with each other, so merging them needs no copy.
        let y = x.permuted([1, 2, 0])
        let merged = y.reshaped(to: [12, 2])
        #expect(merged.storage === x.storage)
        #expect(merged.scalars == y.scalars)
        // Merging 4 and 2 is not (strides 1 and 12): it copies, with the same values.
        let copied = y.reshaped(to: [3, 8])
        #expect(copied.storage !== x.storage)
        #expect(copied.scalars == y.scalars)
    }

    @Test func slicingWithStepsAndNegativeBounds() {
        let y = x.sliced(axis: 2, from: 1, by: 2)  // columns 1, 3
        #expect(y.shape == [2, 3, 2])
        #expect(y.scalars == [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23])
        let z = x.sliced(axis: 1, from: -2)
        #expect(z.shape == [2, 2, 4])
        #expect(z[0, 0, 0] == 4)
        let empty = x.sliced(axis: 0, from: 2)
        #expect(empty.shape == [0, 3, 4])
        #expect(empty.scalars.isEmpty)
        #expect(x[0..<1, 1...].shape == [1, 2, 4])
    }

    @Test func expandUsesZeroStrides() {
        let row = Tensor<Float>([1, 2, 3])
        let grid = row.expanded(to: [4, 3])
        #expect(grid.strides == [0, 1])
        #expect(grid.scalars == [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3])
    }

    @Test func squeezeUnsqueezeFlatten() {
        let y = x.unsqueezed(at: 1).unsqueezed(at: -1)
        #expect(y.shape == [2, 1, 3, 4, 1])
        #expect(y.squeezed().shape == [2, 3, 4])
        #expect(y.squeezed(axes: [1]).shape == [2, 3, 4, 1])
        #expect(x.flattened(from: 1).shape == [2, 12])
        #expect(x.flattened().shape == [24])
    }

    @Test func copyOnWriteLeavesViewsAndCopiesAlone() {
        var y = x
        y[0, 0, 0] = 100
        #expect(x[0, 0, 0] == 0)
        #expect(y[0, 0, 0] == 100)
        var broadcast = Tensor<Float>([1, 2]).expanded(to: [3, 2])
        broadcast[0, 0] = 9
        #expect(broadcast.scalars == [9, 2, 1, 2, 1, 2])
    }

    @Test func selectingRemovesTheAxis() {
        let y = x.selecting(1, alongAxis: 1)
        #expect(y.shape == [2, 4])
        #expect(y.scalars == [4, 5, 6, 7, 16, 17, 18, 19])
    }

    @Test func fixturesLoad() throws {
        let fixture = try Fixture("example", bundle: .module)
        let tensor: Tensor<Double> = fixture.tensor("example")
        #expect(tensor.shape == [2])
        #expect(tensor[1].isNaN)
    }

    @Test func zeroSizeDimensions() {
        let empty = Tensor<Float>.zeros([0, 5])
        #expect(empty.count == 0)
        #expect((empty + empty).shape == [0, 5])
        #expect(empty.transposed().contiguous().shape == [5, 0])
    }
}

@Suite struct AssignmentTests {
    @Test func assignWritesThroughAStridedRegion() {
        var x = Tensor<Float>.zeros([3, 4])
        x.assign(Tensor<Float>(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]), into: { $0.sliced(axis: 1, from: 1, by: 2) })
        #expect(x.scalars == [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6])
        x.assign(Tensor<Float>(9), into: { $0.selecting(0) })  // a broadcast scalar
        #expect(x.scalars == [9, 9, 9, 9, 0, 3, 0, 4, 0, 5, 0, 6])
    }

    @Test func assignCopiesSharedStorageFirst() {
        let original = Tensor<Float>.zeros([2, 2])
        var x = original
        x.assign(Tensor<Float>([1, 2]), into: { $0.transposed().selecting(1) })  // column 1
        #expect(x.scalars == [0, 1, 0, 2])
        #expect(original.scalars == [0, 0, 0, 0])
    }
}
