import Testing
import Tensor

@Suite struct DescriptionTests {
    @Test func matrixPrintsLikeNumPy() {
        let x = Tensor<Float>(shape: [2, 3], scalars: [1, 2.5, -3, 4, 5, 6])
        #expect(x.description == "[[ 1., 2.5, -3.],\n [ 4.,  5.,  6.]]")
        #expect(x.debugDescription.hasPrefix("Tensor<Float> [2, 3]\n"))
    }

    @Test func scalarsIntegersAndMasks() {
        #expect(Tensor<Double>(0.5).description == "0.5")
        #expect(Tensor<Int>([1, 20, 3]).description == "[ 1, 20,  3]")
        #expect(Tensor<Bool>([true, false]).description == "[ true, false]")
        #expect(Tensor<Float>([.nan, .infinity]).description == "[nan, inf]")
    }

    @Test func largeTensorsAreElided() {
        let x = Tensor<Int>(shape: [2000], scalars: Array(0..<2000))
        #expect(x.description == "[   0,    1,    2, ..., 1997, 1998, 1999]")
        let grid = Tensor<Int>(shape: [40, 40], scalars: Array(0..<1600))
        let lines = grid.description.split(separator: "\n")
        #expect(lines.count == 7)  // three rows, the ellipsis row, three rows
        #expect(lines[3] == " ...,")
    }

    @Test func threeDimensionsSeparateBlocksWithBlankLines() {
        let x = Tensor<Int>(shape: [2, 1, 2], scalars: [1, 2, 3, 4])
        #expect(x.description == "[[[1, 2]],\n\n [[3, 4]]]")
    }
}
