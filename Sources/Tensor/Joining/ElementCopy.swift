/// Copying elements between two layouts of one shape: the step every joining op reduces to.
///
/// Concatenation, stacking and padding all write an input into a window of a fresh result. Both
/// layouts are walked together with `StridedRows`, which merges the dimensions that are
/// contiguous in both, so a contiguous input lands in its window with one `memcpy` per window
/// row (one in total when the window is the whole result).

/// Elements per parallel chunk of a copy: copies are memory-bound, so only large ones split.
let copyGrain = 1 << 16

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
@_specialize(where Scalar == Int)
@_specialize(where Scalar == Int32)
@_specialize(where Scalar == Bool)
func copyElements<Scalar: TensorElement>(from source: Tensor<Scalar>, into destination: Tensor<Scalar>) {
    precondition(source.shape == destination.shape,
                 "copyElements: source shape \(source.shape) differs from destination shape \(destination.shape)")
    guard source.count > 0 else { return }
    let rows = StridedRows(shape: source.shape, strides: [source.strides, destination.strides],
                           offsets: [source.offset, destination.offset])
    let length = rows.rowLength
    let sourceStride = rows.rowStrides[0], destinationStride = rows.rowStrides[1]
    let sourceBase = UnsafePointer(source.storage.base), destinationBase = destination.storage.base
    parallelChunks(count: rows.rowCount, grain: max(1, copyGrain / max(length, 1))) { range in
        rows.forEachRow(in: range) { _, starts in
            copyRow(sourceBase + starts[0], sourceStride, destinationBase + starts[1], destinationStride, length)
        }
    }
    withExtendedLifetime((source, destination)) {}
}

/// Copies `count` elements between two strided runs; a `memcpy` when both are contiguous.
@inline(__always)
func copyRow<Scalar: TensorElement>(
    _ source: UnsafePointer<Scalar>, _ sourceStride: Int,
    _ destination: UnsafeMutablePointer<Scalar>, _ destinationStride: Int, _ count: Int
) {
    if sourceStride == 1 && destinationStride == 1 {
        UnsafeMutableRawPointer(destination).copyMemory(
            from: UnsafeRawPointer(source), byteCount: count * MemoryLayout<Scalar>.stride)
    } else {
        for index in 0..<count { destination[index * destinationStride] = source[index * sourceStride] }
    }
}

extension Tensor {
    /// A tensor of `shape` filled with `value`, through a specialized fill loop.
    static func filled(_ shape: [Int], with value: Scalar) -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        fill(result.storage.base, count: result.count, with: value)
        return result
    }
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
@_specialize(where Scalar == Int)
@_specialize(where Scalar == Int32)
@_specialize(where Scalar == Bool)
func fill<Scalar: TensorElement>(_ destination: UnsafeMutablePointer<Scalar>, count: Int, with value: Scalar) {
    parallelChunks(count: count, grain: copyGrain) { range in
        (destination + range.lowerBound).update(repeating: value, count: range.count)
    }
}
