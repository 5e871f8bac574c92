/// Sorting along an axis: sorted values with their indices, and argsort.
///
/// The order is total and the same everywhere (sort, argsort, top-k): NaN counts as larger than
/// every number (as in NumPy and PyTorch), and equal values keep their original order, so the
/// sort is stable in both directions and its result does not depend on the sorting algorithm.

extension Tensor where Scalar: NumericTensorElement {
    /// The elements of each line along `axis` in order, and where each came from, like
    /// `torch.sort(stable=True)`.
    ///
    /// `values[…, j, …] = self[…, indices[…, j, …], …]`, with `values` ascending along `axis`
    /// (descending when `descending` is true); ties keep their original order.
    ///
    /// - Parameters:
    ///   - axis: the axis to sort along (the last by default); negative values count from the end.
    ///   - descending: largest first when true.
    /// - Returns: contiguous `values` and `indices`, both of `self`'s shape.
    public func sorted(alongAxis axis: Int = -1, descending: Bool = false) -> (values: Tensor, indices: Tensor<Int>) {
        let axis = normalizedAxis(axis, rank: rank, op: "sorted")
        return sortLines(self, axis: axis, descending: descending, keeping: nil)
    }

    /// The indices that sort each line along `axis`: `sorted(alongAxis:descending:).indices`.
    ///
    /// - Returns: a contiguous tensor of `self`'s shape with values in `0 ..< shape[axis]`.
    public func argsort(alongAxis axis: Int = -1, descending: Bool = false) -> Tensor<Int> {
        sorted(alongAxis: axis, descending: descending).indices
    }
}

/// The element order shared by sort and top-k: `(value, index)` pairs, NaN above every number,
/// ties broken by index so that the first occurrence comes first in both directions.
@inline(__always)
func precedes<Scalar: NumericTensorElement>(
    _ left: Scalar, _ leftIndex: Int, _ right: Scalar, _ rightIndex: Int, descending: Bool
) -> Bool {
    // `x != x` is NaN's test for any Equatable; it folds to `false` for integers.
    let leftIsNaN = left != left, rightIsNaN = right != right
    let leftIsLess = left < right || (rightIsNaN && !leftIsNaN)
    let rightIsLess = right < left || (leftIsNaN && !rightIsNaN)
    if descending ? rightIsLess : leftIsLess { return true }
    if descending ? leftIsLess : rightIsLess { return false }
    return leftIndex < rightIndex
}

/// Sorts every line along `axis`, keeping its first `keeping` elements (all when nil), and
/// writes them into contiguous results whose `axis` has that many elements.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
@_specialize(where Scalar == Int)
@_specialize(where Scalar == Int32)
func sortLines<Scalar: NumericTensorElement>(
    _ input: Tensor<Scalar>, axis: Int, descending: Bool, keeping: Int?
) -> (values: Tensor<Scalar>, indices: Tensor<Int>) {
    var shape = input.shape
    let length = shape[axis], kept = keeping ?? length
    shape[axis] = kept
    let values = Tensor<Scalar>(uninitializedShape: shape), indices = Tensor<Int>(uninitializedShape: shape)
    guard values.count > 0 else { return (values, indices) }
    let lines = AxisLines(shape: input.shape, strides: input.strides, offset: input.offset, axis: axis)
    let outputLines = AxisLines(shape: shape, strides: values.strides, offset: 0, axis: axis)
    let source = UnsafePointer(input.storage.base)
    let valueBase = values.storage.base, indexBase = indices.storage.base
    let stride = lines.lineStride, outputStride = outputLines.lineStride
    let useHeap = kept < length / 8
    parallelChunks(count: lines.lineCount, grain: max(1, copyGrain / max(length, 1))) { range in
        withUnsafeTemporaryAllocation(of: (Scalar, Int).self, capacity: useHeap ? kept : length) { pairs in
            for line in range {
                let row = source + lines.start(ofLine: line)
                if useHeap {
                    selectTop(row, stride: stride, count: length, into: pairs, descending: descending)
                } else {
                    for index in 0..<length { pairs[index] = (row[index * stride], index) }
                }
                var head = UnsafeMutableBufferPointer(rebasing: pairs[0..<(useHeap ? kept : length)])
                head.sort { precedes($0.0, $0.1, $1.0, $1.1, descending: descending) }
                let start = outputLines.start(ofLine: line)
                for position in 0..<kept {
                    valueBase[start + position * outputStride] = head[position].0
                    indexBase[start + position * outputStride] = head[position].1
                }
            }
        }
    }
    return withExtendedLifetime(input) { (values, indices) }
}
