/// Reducing any set of axes comes down to one canonical problem: a contiguous buffer of shape
/// `[outer, reduced, inner]` reduced along the middle dimension into `[outer, inner]`.
///
/// When the input's axes, taken in memory order, already form a contiguous block with the reduced
/// axes in one run (a row reduction, a column reduction like a bias gradient, a transposed view of
/// either), the input is used in place. Otherwise the input is copied once with the kept axes in
/// front and the reduced axes behind, which turns it into a row reduction.

/// The canonical form of one reduction.
struct ReductionLayout<Scalar: TensorElement> {
    /// A tensor whose storage holds the `[outer, reduced, inner]` buffer at its offset.
    let source: Tensor<Scalar>
    let outer: Int
    let reduced: Int
    let inner: Int
    /// The result's shape as the caller asked for it (with or without kept dimensions).
    let resultShape: [Int]
    /// The kept axes (of size > 1) in the order the `[outer, inner]` result buffer holds them.
    let bufferAxes: [Int]
    /// The original shape, to size the buffer axes.
    let inputShape: [Int]

    var base: UnsafePointer<Scalar> { UnsafePointer(source.storage.base + source.offset) }
    var resultCount: Int { outer * inner }

    /// Plans the reduction of `tensor` over `axes` (`nil` or empty: all axes; negative allowed).
    init(_ tensor: Tensor<Scalar>, axes: [Int]?, keepingDimensions: Bool, op: StaticString) {
        let rank = tensor.rank
        // A contiguous tensor reduced over all its axes (a loss summed or averaged) needs none of
        // the planning below, whose sets and sorts cost thousands of instructions on a small tensor.
        // The plan is the one the general path arrives at: the whole buffer is the reduced run.
        if axes?.isEmpty ?? true, tensor.count > 0, tensor.isContiguous {
            inputShape = tensor.shape
            resultShape = keepingDimensions ? [Int](repeating: 1, count: rank) : []
            (outer, reduced, inner) = (1, tensor.count, 1)
            bufferAxes = []
            source = tensor
            return
        }
        let reducedAxes = ReductionLayout.resolvedAxes(axes, rank: rank, op: op)
        inputShape = tensor.shape
        resultShape = tensor.shape.indices.compactMap { axis in
            reducedAxes.contains(axis) ? (keepingDimensions ? 1 : nil) : tensor.shape[axis]
        }
        // Axes of size 1 never affect the layout; leave them out.
        let sized = tensor.shape.indices.filter { tensor.shape[$0] != 1 }
        let memoryOrder = sized.sorted { tensor.strides[$0] > tensor.strides[$1] }
        var order: [Int]
        var source = tensor
        if tensor.count > 0, ReductionLayout.isDense(memoryOrder, in: tensor),
           ReductionLayout.reducedRuns(memoryOrder, reducedAxes) <= 1 {
            order = memoryOrder
        } else {
            // One copy puts the kept axes in front and the reduced axes behind.
            let kept = sized.filter { !reducedAxes.contains($0) }
            let dropped = sized.filter { reducedAxes.contains($0) }
            let ones = tensor.shape.indices.filter { tensor.shape[$0] == 1 }
            order = kept + dropped
            source = tensor.permuted(order + ones).contiguous()
        }
        let firstReduced = order.firstIndex { reducedAxes.contains($0) } ?? order.count
        let afterReduced = order[firstReduced...].firstIndex { !reducedAxes.contains($0) } ?? order.count
        let size = { (axes: ArraySlice<Int>) in axes.reduce(1) { $0 * tensor.shape[$1] } }
        outer = size(order[..<firstReduced])
        reduced = size(order[firstReduced..<afterReduced])
        inner = size(order[afterReduced...])
        bufferAxes = Array(order[..<firstReduced]) + Array(order[afterReduced...])
        self.source = source
    }

    /// The reduced axes as a set; `nil` or empty means all of them.
    static func resolvedAxes(_ axes: [Int]?, rank: Int, op: StaticString) -> Set<Int> {
        guard let axes, !axes.isEmpty else { return Set(0..<rank) }
        let resolved = axes.map { normalizedAxis($0, rank: rank, op: op) }
        let unique = Set(resolved)
        precondition(unique.count == resolved.count, "\(op): axis repeated in \(axes)")
        return unique
    }

    /// Whether the axes, outermost first, cover the storage densely (a permuted contiguous layout).
    private static func isDense(_ order: [Int], in tensor: Tensor<Scalar>) -> Bool {
        var expected = 1
        for axis in order.reversed() {
            if tensor.strides[axis] != expected { return false }
            expected *= tensor.shape[axis]
        }
        return true
    }

    /// How many separate runs of reduced axes `order` contains.
    private static func reducedRuns(_ order: [Int], _ reducedAxes: Set<Int>) -> Int {
        var runs = 0
        var previous = false
        for axis in order {
            let current = reducedAxes.contains(axis)
            if current && !previous { runs += 1 }
            previous = current
        }
        return runs
    }

    /// Wraps a contiguous `[outer, inner]` buffer as the result, in the caller's axis order.
    func result<Element: TensorElement>(_ buffer: Tensor<Element>) -> Tensor<Element> {
        if bufferAxes == bufferAxes.sorted() { return buffer.reshaped(to: resultShape) }
        // The buffer holds the kept axes in memory order; view them in logical order and copy.
        let ordered = bufferAxes.sorted()
        let view = buffer.reshaped(to: bufferAxes.map { inputShape[$0] })
            .permuted(ordered.map { bufferAxes.firstIndex(of: $0)! })
        return view.contiguous().reshaped(to: resultShape)
    }
}
