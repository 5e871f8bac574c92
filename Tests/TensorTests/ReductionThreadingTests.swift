import Foundation
import Testing
import Tensor
import _TestSupport

/// Large reductions: each loop shape (many rows, one long row, columns in tiles, columns in row
/// blocks, a middle axis) against a Double reference, and bit-identical for 1 and 2 threads.
@Suite(.serialized) struct ReductionThreadingTests {
    /// `shape` filled with a deterministic, non-trivial pattern.
    func pattern(_ shape: [Int]) -> Tensor<Float> {
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<count).map { Float(sin(Double($0) * 0.37) + 0.25) })
    }

    /// Σ over the middle axis of `[outer, reduced, inner]`, in Double.
    func referenceSum(_ x: Tensor<Float>, outer: Int, reduced: Int, inner: Int) -> [Double] {
        let values = x.scalars
        var result = [Double](repeating: 0, count: outer * inner)
        for a in 0..<outer { for r in 0..<reduced { for b in 0..<inner {
            result[a * inner + b] += Double(values[(a * reduced + r) * inner + b])
        } } }
        return result
    }

    func withThreads<T>(_ count: Int, _ body: () -> T) -> T {
        let saved = ThreadBudget.count
        ThreadBudget.count = count
        defer { ThreadBudget.count = saved }
        return body()
    }

    @Test(arguments: [
        ([4096, 300], [1], 4096, 300, 1),      // many rows
        ([1 << 18], [0], 1, 1 << 18, 1),       // one long row, split by blocks
        ([600, 2100], [0], 1, 600, 2100),      // columns in tiles
        ([600, 500], [0], 1, 600, 500),        // one tile, blocks of rows in parallel
        ([5, 600, 13], [1], 5, 600, 13),       // a middle axis
    ])
    func sumIsAccurateAndIndependentOfThreads(shape: [Int], axes: [Int], outer: Int, reduced: Int, inner: Int) {
        let x = pattern(shape)
        let one = withThreads(1) { x.sum(alongAxes: axes) }
        let two = withThreads(2) { x.sum(alongAxes: axes) }
        #expect(one.scalars == two.scalars, "sum of \(shape) over \(axes) depends on the thread count")
        assertClose(one.scalars.map(Double.init), referenceSum(x, outer: outer, reduced: reduced, inner: inner),
                    absolute: 1e-3, relative: 1e-5)
        let maxOne = withThreads(1) { x.logSumExp(alongAxes: axes) }
        let maxTwo = withThreads(2) { x.logSumExp(alongAxes: axes) }
        #expect(maxOne.scalars == maxTwo.scalars)
    }

    @Test func transposedColumnSumTakesTheRowPath() {
        // x.T summed over its last axis is x summed over its first, with x contiguous.
        let x = pattern([300, 700])
        assertClose(x.transposed().sum(alongAxes: [1]), x.sum(alongAxes: [0]), absolute: 0, relative: 0)
        assertClose(x.transposed().sum(alongAxes: [0]), x.sum(alongAxes: [1]), absolute: 0, relative: 0)
    }
}
