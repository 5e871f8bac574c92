/// Gathering and scattering along an axis with index tensors, and index-select.

extension Tensor {
    /// Elements picked along `axis` by an index tensor of the same rank, like `torch.gather`.
    ///
    /// For `axis = 1` and rank 3: `result[i, j, k] = self[i, indices[i, j, k], k]`.
    ///
    /// - Parameters:
    ///   - axis: the axis the indices point along; negative values count from the end.
    ///   - indices: same rank as `self`, each size at most `self`'s except along `axis`; values in
    ///     `0 ..< shape[axis]`. Broadcast (stride-0) and other strided layouts are fine.
    /// - Returns: a contiguous tensor of the shape of `indices`.
    public func gathering(alongAxis axis: Int, indices: Tensor<Int>) -> Tensor {
        let axis = normalizedAxis(axis, rank: rank, op: "gathering")
        checkIndexShape(indices.shape, against: shape, axis: axis, op: "gathering")
        return gather(self, axis: axis, indices: indices)
    }

    /// The slices of `axis` listed in `indices`, in that order, like `torch.index_select`.
    ///
    /// For `axis = 0`: `result[j, …] = self[indices[j], …]` (an embedding lookup).
    ///
    /// - Parameters:
    ///   - axis: the axis to select along; negative values count from the end.
    ///   - indices: a rank-1 tensor of values in `0 ..< shape[axis]`, repeats allowed.
    /// - Returns: a contiguous tensor of `self`'s shape with `shape[axis] = indices.count`.
    public func indexSelect(alongAxis axis: Int, indices: Tensor<Int>) -> Tensor {
        let axis = normalizedAxis(axis, rank: rank, op: "indexSelect")
        precondition(indices.rank == 1, "indexSelect: indices of shape \(indices.shape) are not rank 1 (input \(shape))")
        return selectSlices(self, axis: axis, indices: indices.scalars)
    }
}

extension Tensor where Scalar: NumericTensorElement {
    /// A copy of `self` with `source` added at the positions `indices` point to along `axis`,
    /// like `torch.scatter_add`.
    ///
    /// For `axis = 1` and rank 3: `result[i, indices[i, j, k], k] += source[i, j, k]`. Repeated
    /// indices accumulate, in row-major order of `indices`, so the result is the same on every run.
    ///
    /// - Parameters:
    ///   - axis: the axis the indices point along; negative values count from the end.
    ///   - indices: same rank as `self`; each size at most `source`'s, and at most `self`'s except
    ///     along `axis`; values in `0 ..< shape[axis]`.
    ///   - source: the values to add, same rank as `self`.
    /// - Returns: a contiguous tensor of `self`'s shape.
    public func scatteringAdd(alongAxis axis: Int, indices: Tensor<Int>, source: Tensor) -> Tensor {
        let axis = normalizedAxis(axis, rank: rank, op: "scatteringAdd")
        checkIndexShape(indices.shape, against: shape, axis: axis, op: "scatteringAdd")
        precondition(source.rank == indices.rank && zip(indices.shape, source.shape).allSatisfy { $0 <= $1 },
                     "scatteringAdd: indices \(indices.shape) do not fit in source \(source.shape)")
        var result = copied()
        scatterAdd(into: &result, axis: axis, indices: indices, source: source)
        return result
    }

    /// `source` scatter-added into zeros of `shape` along `axis`: the adjoint of `gathering`.
    ///
    /// `result[i, indices[i, j, k], k] += source[i, j, k]` (for `axis = 1`), starting from zeros.
    ///
    /// - Parameters:
    ///   - source: the values to add.
    ///   - axis: the axis the indices point along; negative values count from the end.
    ///   - indices: same rank as `source` and `shape`, sizes as for `scatteringAdd(alongAxis:indices:source:)`.
    ///   - shape: the shape of the result.
    public static func scatteringAdd(_ source: Tensor, alongAxis axis: Int, indices: Tensor<Int>, shape: [Int]) -> Tensor {
        zeros(shape).scatteringAdd(alongAxis: axis, indices: indices, source: source)
    }
}

/// Index tensors for gather and scatter have the input's rank and fit inside it off the axis.
func checkIndexShape(_ indexShape: [Int], against shape: [Int], axis: Int, op: StaticString) {
    precondition(indexShape.count == shape.count
                 && indexShape.indices.allSatisfy { $0 == axis || indexShape[$0] <= shape[$0] },
                 "\(op): indices of shape \(indexShape) do not fit input of shape \(shape) along axis \(axis)")
}

/// Stops when `index` is not in `0 ..< size`; kept out of line so the loops stay small.
@inline(never)
func indexOutOfRange(_ op: StaticString, index: Int, axis: Int, size: Int) -> Never {
    preconditionFailure("\(op): index \(index) is out of range for axis \(axis) of size \(size)")
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
@_specialize(where Scalar == Int)
@_specialize(where Scalar == Int32)
@_specialize(where Scalar == Bool)
func gather<Scalar: TensorElement>(_ input: Tensor<Scalar>, axis: Int, indices: Tensor<Int>) -> Tensor<Scalar> {
    let result = Tensor<Scalar>(uninitializedShape: indices.shape)
    guard result.count > 0 else { return result }
    // Walk the indices and the input together; the input's axis gets stride 0 so that its walk
    // lands on `[i, 0, k]`, and the index adds `index × stride` on top.
    var baseStrides = input.strides
    baseStrides[axis] = 0
    let rows = StridedRows(shape: indices.shape, strides: [indices.strides, baseStrides],
                           offsets: [indices.offset, input.offset])
    let length = rows.rowLength
    let indexStride = rows.rowStrides[0], baseStride = rows.rowStrides[1]
    let axisStride = input.strides[axis], size = input.shape[axis]
    let source = UnsafePointer(input.storage.base), indexBase = UnsafePointer(indices.storage.base)
    let destination = result.storage.base
    parallelChunks(count: rows.rowCount, grain: max(1, copyGrain / max(length, 1))) { range in
        rows.forEachRow(in: range) { row, starts in
            let indexRow = indexBase + starts[0], baseRow = source + starts[1]
            let output = destination + row * length
            for position in 0..<length {
                let index = indexRow[position * indexStride]
                if index < 0 || index >= size { indexOutOfRange("gathering", index: index, axis: axis, size: size) }
                output[position] = baseRow[position * baseStride + index * axisStride]
            }
        }
    }
    return withExtendedLifetime((input, indices)) { result }
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
@_specialize(where Scalar == Int)
@_specialize(where Scalar == Int32)
func scatterAdd<Scalar: NumericTensorElement>(
    into result: inout Tensor<Scalar>, axis: Int, indices: Tensor<Int>, source: Tensor<Scalar>
) {
    guard indices.count > 0 else { return }
    // `result` is a fresh contiguous copy; walk indices and source together in row-major order
    // (one thread: repeated indices must accumulate in a fixed order).
    var baseStrides = result.strides
    baseStrides[axis] = 0
    let rows = StridedRows(shape: indices.shape, strides: [indices.strides, source.strides, baseStrides],
                           offsets: [indices.offset, source.offset, 0])
    let length = rows.rowLength
    let indexStride = rows.rowStrides[0], sourceStride = rows.rowStrides[1], baseStride = rows.rowStrides[2]
    let axisStride = result.strides[axis], size = result.shape[axis]
    let indexBase = UnsafePointer(indices.storage.base), sourceBase = UnsafePointer(source.storage.base)
    let destination = result.storage.base
    rows.forEachRow(in: 0..<rows.rowCount) { _, starts in
        let indexRow = indexBase + starts[0], sourceRow = sourceBase + starts[1]
        let baseRow = destination + starts[2]
        for position in 0..<length {
            let index = indexRow[position * indexStride]
            if index < 0 || index >= size { indexOutOfRange("scatteringAdd", index: index, axis: axis, size: size) }
            baseRow[position * baseStride + index * axisStride] += sourceRow[position * sourceStride]
        }
    }
    withExtendedLifetime((indices, source)) {}
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
@_specialize(where Scalar == Int)
@_specialize(where Scalar == Int32)
@_specialize(where Scalar == Bool)
func selectSlices<Scalar: TensorElement>(_ input: Tensor<Scalar>, axis: Int, indices: [Int]) -> Tensor<Scalar> {
    let size = input.shape[axis]
    for index in indices where index < 0 || index >= size {
        indexOutOfRange("indexSelect", index: index, axis: axis, size: size)
    }
    var shape = input.shape
    shape[axis] = indices.count
    let result = Tensor<Scalar>(uninitializedShape: shape)
    guard result.count > 0 else { return result }
    // Each (outer position, index) pair copies one slab: the dimensions after `axis`. The slab's
    // layout is the same every time, so one `StridedRows` (at offset 0) serves them all; a
    // contiguous slab is one memcpy.
    let outerCount = shape[..<axis].reduce(1, *)
    let slabShape = Array(shape[(axis + 1)...]), slabStrides = Array(input.strides[(axis + 1)...])
    let slabCount = slabShape.reduce(1, *)
    let slab = StridedRows(shape: slabShape, strides: [slabStrides], offsets: [0])
    let outer = AxisLines(shape: Array(input.shape[...axis]), strides: Array(input.strides[...axis]),
                          offset: input.offset, axis: axis)
    let source = UnsafePointer(input.storage.base), destination = result.storage.base
    let axisStride = input.strides[axis], length = slab.rowLength, rowStride = slab.rowStrides[0]
    let slabTotal = outerCount * indices.count
    indices.withUnsafeBufferPointer { indexBuffer in
        parallelChunks(count: slabTotal, grain: max(1, copyGrain / max(slabCount, 1))) { range in
            for slabNumber in range {
                let (outerIndex, position) = slabNumber.quotientAndRemainder(dividingBy: indices.count)
                let start = source + outer.start(ofLine: outerIndex) + indexBuffer[position] * axisStride
                var output = destination + slabNumber * slabCount
                slab.forEachRow(in: 0..<slab.rowCount) { _, starts in
                    copyRow(start + starts[0], rowStride, output, 1, length)
                    output += length
                }
            }
        }
    }
    return withExtendedLifetime(input) { result }
}
