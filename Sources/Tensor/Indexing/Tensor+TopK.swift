/// The k largest (or smallest) elements along an axis.

extension Tensor where Scalar: NumericTensorElement {
    /// The `k` largest elements of each line along `axis`, in order, and where they came from,
    /// like `torch.topk(sorted=True)`.
    ///
    /// The result equals the first `k` entries of `sorted(alongAxis: axis, descending: largest)`:
    /// ties go to the element that comes first, NaN counts as the largest value. When `k` is much
    /// smaller than the line, a bounded heap selects the elements in one pass (`O(n log k)`), so
    /// top-10 of 10⁵ candidates costs little more than reading them; lines run in parallel.
    ///
    /// - Parameters:
    ///   - k: how many elements to keep, in `0 ... shape[axis]`.
    ///   - axis: the axis to select along (the last by default); negative values count from the end.
    ///   - largest: the largest elements, descending, when true; the smallest, ascending, when false.
    /// - Returns: contiguous `values` and `indices` of `self`'s shape with `shape[axis] = k`.
    public func topK(_ k: Int, alongAxis axis: Int = -1, largest: Bool = true) -> (values: Tensor, indices: Tensor<Int>) {
        let axis = normalizedAxis(axis, rank: rank, op: "topK")
        precondition(k >= 0 && k <= shape[axis],
                     "topK: k = \(k) is out of range for axis \(axis) of size \(shape[axis]) (shape \(shape))")
        return sortLines(self, axis: axis, descending: largest, keeping: k)
    }
}

/// Fills `heap` (capacity k) with the k pairs of a line that come first in the sort order, in
/// heap order (the root is the one that comes last, the first to be pushed out).
@inline(__always)
func selectTop<Scalar: NumericTensorElement>(
    _ row: UnsafePointer<Scalar>, stride: Int, count: Int,
    into heap: UnsafeMutableBufferPointer<(Scalar, Int)>, descending: Bool
) {
    let k = heap.count
    guard k > 0 else { return }
    // `comesAfter(a, b)`: a sorts after b. The root holds the element sorted last among the kept.
    @inline(__always) func comesAfter(_ a: (Scalar, Int), _ b: (Scalar, Int)) -> Bool {
        precedes(b.0, b.1, a.0, a.1, descending: descending)
    }
    @inline(__always) func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < k else { return }
            var child = left
            if left + 1 < k && comesAfter(heap[left + 1], heap[left]) { child = left + 1 }
            guard comesAfter(heap[child], heap[parent]) else { return }
            heap.swapAt(parent, child)
            parent = child
        }
    }
    for index in 0..<k { heap[index] = (row[index * stride], index) }
    for start in Swift.stride(from: k / 2 - 1, through: 0, by: -1) { siftDown(start) }
    // Later elements have larger indices, so on a tie with the root they sort after it and stay
    // out: a candidate enters only when its value is strictly ahead of the root's. The test is
    // spelled out per direction so that the scan, which dominates for k ≪ n, is two comparisons.
    var threshold = heap[0].0
    @inline(__always) func replaceRoot(_ index: Int, _ value: Scalar) {
        heap[0] = (value, index)
        siftDown(0)
        threshold = heap[0].0
    }
    if descending {
        for index in k..<count {
            let value = row[index * stride]
            // Ahead when larger, or NaN (the largest) over a number.
            if value > threshold || (value != value && threshold == threshold) { replaceRoot(index, value) }
        }
    } else {
        for index in k..<count {
            let value = row[index * stride]
            // Ahead when smaller, or any number under a NaN root.
            if value < threshold || (threshold != threshold && value == value) { replaceRoot(index, value) }
        }
    }
}
