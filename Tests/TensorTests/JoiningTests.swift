import Foundation
import Testing
import Tensor
import _TestSupport

@Suite struct JoiningTests {
    let fixture = try! Fixture("indexing", bundle: .module)

    @Test func concatenateAlongEachAxisWithAnEmptyPiece() {
        let a = Tensor<Float>(shape: [2, 2], scalars: [1, 2, 3, 4])
        let b = Tensor<Float>(shape: [1, 2], scalars: [5, 6])
        let none = Tensor<Float>.zeros([0, 2])
        let rows = Tensor.concatenating([a, none, b])
        #expect(rows.shape == [3, 2])
        #expect(rows.scalars == [1, 2, 3, 4, 5, 6])
        let columns = Tensor.concatenating([a, a.transposed()], alongAxis: -1)
        #expect(columns.scalars == [1, 2, 1, 3, 3, 4, 2, 4])
        #expect(Tensor.concatenating([none, none]).shape == [0, 2])
    }

    @Test func concatenateOtherElementTypesAndLayouts() {
        let numbers = Tensor.concatenating([Tensor<Int>([1, 2]), Tensor<Int>([3])])
        #expect(numbers.scalars == [1, 2, 3])
        let flags = Tensor.concatenating([Tensor<Bool>([true]), Tensor<Bool>([false, true])])
        #expect(flags.scalars == [true, false, true])
        // A broadcast row and a stepped slice, along axis 1 of rank 3.
        let row = Tensor<Double>([7, 8]).expanded(to: [2, 1, 2])
        let stepped = Tensor<Double>(shape: [2, 1, 4], scalars: (0..<8).map { Double($0) }).sliced(axis: 2, by: 2)
        let joined = Tensor.concatenating([row, stepped], alongAxis: 2)
        #expect(joined.shape == [2, 1, 4])
        #expect(joined.scalars == [7, 8, 0, 2, 7, 8, 4, 6])
    }

    @Test func stackInsertsANewAxis() {
        let a = Tensor<Float>([1, 2, 3]), b = Tensor<Float>([4, 5, 6])
        let first = Tensor.stacking([a, b])
        #expect(first.shape == [2, 3])
        #expect(first.scalars == [1, 2, 3, 4, 5, 6])
        let last = Tensor.stacking([a, b], alongAxis: -1)
        #expect(last.shape == [3, 2])
        #expect(last.scalars == [1, 4, 2, 5, 3, 6])
        #expect(Tensor.stacking([Tensor<Int>.zeros([0])], alongAxis: 1).shape == [0, 1])
    }

    @Test func splitAndChunkReturnViews() {
        let x = Tensor<Float>(shape: [5, 2], scalars: (0..<10).map { Float($0) })
        let pieces = x.split(sizes: [1, 0, 4])
        #expect(pieces.map(\.shape) == [[1, 2], [0, 2], [4, 2]])
        #expect(pieces[2].storage === x.storage)
        #expect(pieces[2].scalars == [2, 3, 4, 5, 6, 7, 8, 9])
        let chunks = x.chunked(into: 4)
        #expect(chunks.map(\.shape) == [[2, 2], [2, 2], [1, 2]])
        #expect(chunks[2].scalars == [8, 9])
        let halves = x.chunked(into: 2, alongAxis: 1)
        #expect(halves.map(\.scalars) == [[0, 2, 4, 6, 8], [1, 3, 5, 7, 9]])
        #expect(Tensor.concatenating(halves, alongAxis: 1) == x)
        #expect(Tensor<Bool>.zeros([0, 3]).chunked(into: 3).isEmpty)
    }

    func checkPaddingMatchesNumPy<Scalar: FloatingPointTensorElement>(_: Scalar.Type) {
        let input: Tensor<Scalar> = fixture.tensor("pad_input")
        assertClose(input.padded([(1, 0), (2, 1)], with: 7), fixture.tensor("pad_output"))
        // The same through a transposed view of the transposed input.
        let view = input.transposed().contiguous().transposed()
        assertClose(view.padded([(1, 0), (2, 1)], with: 7), fixture.tensor("pad_output"))
    }

    @Test func paddingMatchesNumPy() {
        checkPaddingMatchesNumPy(Float.self)
        checkPaddingMatchesNumPy(Double.self)
    }

    @Test func paddingAlignsPairsWithLeadingAxes() {
        let x = Tensor<Int>(shape: [2, 2], scalars: [1, 2, 3, 4])
        let rowsOnly = x.padded([(0, 1)], with: 9)
        #expect(rowsOnly.shape == [3, 2])
        #expect(rowsOnly.scalars == [1, 2, 3, 4, 9, 9])
        #expect(x.padded([]).scalars == x.scalars)
        let flags = Tensor<Bool>([true]).padded([(1, 1)])
        #expect(flags.scalars == [false, true, false])
        let empty = Tensor<Float>.zeros([0, 2]).padded([(1, 0), (0, 1)], with: 3)
        #expect(empty.shape == [1, 3] && empty.scalars == [3, 3, 3])
        // The usual NCHW spatial padding, from a broadcast input.
        let image = Tensor<Float>(1).expanded(to: [1, 1, 2, 2]).padded([(0, 0), (0, 0), (1, 1), (1, 1)])
        #expect(image.shape == [1, 1, 4, 4])
        #expect(image.scalars == [0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0])
    }

    @Test func joiningIsThreadCountIndependent() {
        // Large enough to split across threads; transposed pieces take the strided path.
        let a = Tensor<Float>(shape: [300, 400], scalars: (0..<120_000).map { Float($0) })
        let b = a.transposed()[0..<300, 0..<300]
        let one = withThreads(1) { (Tensor.concatenating([a, b], alongAxis: 1), a.padded([(2, 2), (3, 3)], with: -1)) }
        let two = withThreads(2) { (Tensor.concatenating([a, b], alongAxis: 1), a.padded([(2, 2), (3, 3)], with: -1)) }
        #expect(one.0 == two.0 && one.1 == two.1)
        #expect(two.0[7, 400 + 11] == a[11, 7] && two.0[299, 399] == a[299, 399])
        #expect(two.1[0, 0] == -1 && two.1[2, 3] == 0 && two.1[301, 402] == a[299, 399] && two.1[303, 405] == -1)
    }
}
