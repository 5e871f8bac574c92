/// The two loops every elementwise op runs on: one operand, or two broadcast together.
///
/// A kernel sees one *row* at a time — a pointer and a stride per operand and a count — and
/// writes a contiguous result. Contiguous operands arrive as long rows with stride 1 (the SIMD
/// path); a broadcast scalar arrives with stride 0. Rows are split across the thread budget in
/// chunks whose boundaries depend only on the shape.

/// Elements per parallel chunk: below this, one thread does the whole op.
let elementwiseGrain = 1 << 15

/// A kernel over one row of one operand: `(source, sourceStride, destination, count)`.
public typealias UnaryRowKernel<Source, Result> =
    (UnsafePointer<Source>, Int, UnsafeMutablePointer<Result>, Int) -> Void

/// A kernel over one row of two operands: `(lhs, lhsStride, rhs, rhsStride, destination, count)`.
public typealias BinaryRowKernel<Left, Right, Result> =
    (UnsafePointer<Left>, Int, UnsafePointer<Right>, Int, UnsafeMutablePointer<Result>, Int) -> Void

extension Tensor {
    /// A new contiguous tensor of this shape, computed row by row by `kernel`.
    @inline(__always)
    public func applying<Result: TensorElement>(_ kernel: UnaryRowKernel<Scalar, Result>) -> Tensor<Result> {
        let rowMajor = hasRowMajorStrides
        let result = rowMajor ? Tensor<Result>(rowMajorLike: self) : Tensor<Result>(uninitializedShape: shape)
        let destination = result.storage.base
        let source = UnsafePointer(storage.base)
        if rowMajor || isContiguous {
            let start = source + offset
            parallelChunks(count: count, grain: elementwiseGrain) { range in
                kernel(start + range.lowerBound, 1, destination + range.lowerBound, range.count)
            }
        } else {
            let rows = StridedRows(shape: shape, strides: [strides], offsets: [offset])
            let length = rows.rowLength, stride = rows.rowStrides[0]
            parallelChunks(count: rows.rowCount, grain: Swift.max(1, elementwiseGrain / Swift.max(length, 1))) { range in
                rows.forEachRow(in: range) { row, starts in
                    kernel(source + starts[0], stride, destination + row * length, length)
                }
            }
        }
        return withExtendedLifetime(self) { result }
    }
}

/// `lhs ⊙ rhs` broadcast together, computed row by row by `kernel`.
@inline(__always)
public func applying<Left, Right, Result: TensorElement>(
    _ lhs: Tensor<Left>, _ rhs: Tensor<Right>, op: StaticString,
    _ kernel: BinaryRowKernel<Left, Right, Result>
) -> Tensor<Result> {
    // The common case, on its own path: operands of one shape, both with row-major strides, read
    // in place (the general path below copies both layouts; on small tensors that is most of
    // the work).
    if lhs.shape == rhs.shape && lhs.hasRowMajorStrides && rhs.hasRowMajorStrides {
        let result = Tensor<Result>(rowMajorLike: lhs)
        applyingContiguous(UnsafePointer(lhs.storage.base) + lhs.offset, UnsafePointer(rhs.storage.base) + rhs.offset,
                           into: result, kernel)
        return result
    }
    let shape = lhs.shape == rhs.shape ? lhs.shape : broadcastShape(lhs.shape, rhs.shape, op: op)
    let left = lhs.shape == shape ? lhs : lhs.expanded(to: shape)
    let right = rhs.shape == shape ? rhs : rhs.expanded(to: shape)
    let result = left.hasRowMajorStrides ? Tensor<Result>(uninitializedLike: left) : Tensor<Result>(uninitializedLike: right)
    let destination = result.storage.base
    let leftBase = UnsafePointer(left.storage.base), rightBase = UnsafePointer(right.storage.base)
    if left.isContiguous && right.isContiguous {
        applyingContiguous(leftBase + left.offset, rightBase + right.offset, into: result, kernel)
    } else {
        let rows = StridedRows(shape: shape, strides: [left.strides, right.strides],
                               offsets: [left.offset, right.offset])
        let length = rows.rowLength
        let leftStride = rows.rowStrides[0], rightStride = rows.rowStrides[1]
        parallelChunks(count: rows.rowCount, grain: max(1, elementwiseGrain / max(length, 1))) { range in
            rows.forEachRow(in: range) { row, starts in
                kernel(leftBase + starts[0], leftStride, rightBase + starts[1], rightStride,
                       destination + row * length, length)
            }
        }
    }
    return withExtendedLifetime((left, right)) { result }
}

/// `kernel` over two operands whose elements lie contiguously from `leftStart` and `rightStart`,
/// in row-major order like `result`'s, in parallel chunks.
@inline(__always)
private func applyingContiguous<Left, Right, Result>(
    _ leftStart: UnsafePointer<Left>, _ rightStart: UnsafePointer<Right>, into result: Tensor<Result>,
    _ kernel: BinaryRowKernel<Left, Right, Result>
) {
    let destination = result.storage.base
    parallelChunks(count: result.count, grain: elementwiseGrain) { range in
        kernel(leftStart + range.lowerBound, 1, rightStart + range.lowerBound, 1,
               destination + range.lowerBound, range.count)
    }
}

/// Runs `transform` over a row with SIMD where the strides allow it.
///
/// The SIMD path handles `stride == 1` with vectors of 8 (Float) or 4 (Double) lanes… the width
/// comes from `SIMD8`, which the compiler lowers to one AVX register for Float and two for Double.
@inline(__always)
public func mapRow<Scalar: FloatingPointTensorElement>(
    _ source: UnsafePointer<Scalar>, _ sourceStride: Int,
    _ destination: UnsafeMutablePointer<Scalar>, _ count: Int,
    vector: (SIMD8<Scalar>) -> SIMD8<Scalar>, scalar: (Scalar) -> Scalar
) {
    var index = 0
    if sourceStride == 1 {
        while index + 8 <= count {
            let input = UnsafeRawPointer(source + index).loadUnaligned(as: SIMD8<Scalar>.self)
            UnsafeMutableRawPointer(destination + index).storeBytes(of: vector(input), as: SIMD8<Scalar>.self)
            index += 8
        }
    }
    while index < count {
        destination[index] = scalar(source[index * sourceStride])
        index += 1
    }
}

/// Runs `transform` over a row of two operands with SIMD where both strides allow it
/// (stride 1, or stride 0 for a broadcast scalar).
@inline(__always)
public func mapRow<Scalar: FloatingPointTensorElement>(
    _ lhs: UnsafePointer<Scalar>, _ lhsStride: Int, _ rhs: UnsafePointer<Scalar>, _ rhsStride: Int,
    _ destination: UnsafeMutablePointer<Scalar>, _ count: Int,
    vector: (SIMD8<Scalar>, SIMD8<Scalar>) -> SIMD8<Scalar>, scalar: (Scalar, Scalar) -> Scalar
) {
    var index = 0
    if lhsStride <= 1 && rhsStride <= 1 && lhsStride >= 0 && rhsStride >= 0 {
        let leftSplat = SIMD8<Scalar>(repeating: lhs[0]), rightSplat = SIMD8<Scalar>(repeating: rhs[0])
        while index + 8 <= count {
            let left = lhsStride == 1 ? UnsafeRawPointer(lhs + index).loadUnaligned(as: SIMD8<Scalar>.self) : leftSplat
            let right = rhsStride == 1 ? UnsafeRawPointer(rhs + index).loadUnaligned(as: SIMD8<Scalar>.self) : rightSplat
            UnsafeMutableRawPointer(destination + index).storeBytes(of: vector(left, right), as: SIMD8<Scalar>.self)
            index += 8
        }
    }
    while index < count {
        destination[index] = scalar(lhs[index * lhsStride], rhs[index * rhsStride])
        index += 1
    }
}
