/// `+= -= *= /=` that write in place when they can.
///
/// Optimizers update parameters with these (DESIGN.md, decision 2): when the left side's storage
/// is uniquely referenced and contiguous, the result overwrites it and nothing is allocated.
/// Otherwise — a copy or a view shares the storage, or the layout has gaps or broadcast
/// dimensions — the left side gets fresh storage, so every other tensor keeps its values.

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func updateInPlace<Scalar: FloatingPointTensorElement>(
    _ lhs: inout Tensor<Scalar>, _ rhs: Tensor<Scalar>, _ operation: ArithmeticOperation
) {
    let op: StaticString = switch operation {
    case .add: "+="
    case .subtract: "-="
    case .multiply: "*="
    case .divide: "/="
    }
    if rhs.shape != lhs.shape {
        precondition(broadcastShape(lhs.shape, rhs.shape, op: op) == lhs.shape,
                     "\(op): \(lhs.shape) and \(rhs.shape): the right side must broadcast to the left side's shape")
    }
    guard isKnownUniquelyReferenced(&lhs.storage) && lhs.isContiguous else {
        lhs = arithmetic(lhs, rhs, operation)
        return
    }
    let target = lhs.storage.base
    // Each element is read before it is written, so updating a row in place is safe.
    @inline(__always)
    func update(_ row: UnsafeMutablePointer<Scalar>, _ source: UnsafePointer<Scalar>, _ sourceStride: Int, _ length: Int) {
        switch operation {
        case .add: mapRow(row, 1, source, sourceStride, row, length, vector: { $0 + $1 }, scalar: { $0 + $1 })
        case .subtract: mapRow(row, 1, source, sourceStride, row, length, vector: { $0 - $1 }, scalar: { $0 - $1 })
        case .multiply: mapRow(row, 1, source, sourceStride, row, length, vector: { $0 * $1 }, scalar: { $0 * $1 })
        case .divide: mapRow(row, 1, source, sourceStride, row, length, vector: { $0 / $1 }, scalar: { $0 / $1 })
        }
    }
    // The common case on its own path: one shape, both contiguous (a gradient accumulated, a
    // parameter updated). On a tape of small tensors the general path's layout work below cost
    // as much as the additions.
    if rhs.shape == lhs.shape && rhs.isContiguous {
        let start = target + lhs.offset, source = UnsafePointer(rhs.storage.base) + rhs.offset
        parallelChunks(count: lhs.count, grain: elementwiseGrain) { range in
            update(start + range.lowerBound, source + range.lowerBound, 1, range.count)
        }
        return
    }
    let right = rhs.shape == lhs.shape ? rhs : rhs.expanded(to: lhs.shape)
    let rightBase = UnsafePointer(right.storage.base)
    let rightIsScalar = right.strides.allSatisfy { $0 == 0 }
    if right.isContiguous || rightIsScalar {
        // One flat range, split across threads like the out-of-place kernels.
        let start = target + lhs.offset, source = rightBase + right.offset, stride = rightIsScalar ? 0 : 1
        parallelChunks(count: lhs.count, grain: elementwiseGrain) { range in
            update(start + range.lowerBound, source + range.lowerBound * stride, stride, range.count)
        }
    } else {
        // lhs is contiguous, so every row has stride 1 in it.
        let rows = StridedRows(shape: lhs.shape, strides: [lhs.strides, right.strides], offsets: [lhs.offset, right.offset])
        let length = rows.rowLength, rightStride = rows.rowStrides[1]
        parallelChunks(count: rows.rowCount, grain: max(1, elementwiseGrain / max(length, 1))) { range in
            rows.forEachRow(in: range) { _, starts in
                update(target + starts[0], rightBase + starts[1], rightStride, length)
            }
        }
    }
    withExtendedLifetime(right) {}
}

extension Tensor where Scalar: FloatingPointTensorElement {
    /// `lhs = lhs + rhs`, in place when `lhs` owns contiguous storage; `rhs` broadcasts to `lhs`'s shape.
    public static func += (lhs: inout Tensor, rhs: Tensor) { updateInPlace(&lhs, rhs, .add) }
    /// `lhs = lhs - rhs`, in place when `lhs` owns contiguous storage; `rhs` broadcasts to `lhs`'s shape.
    public static func -= (lhs: inout Tensor, rhs: Tensor) { updateInPlace(&lhs, rhs, .subtract) }
    /// `lhs = lhs * rhs`, in place when `lhs` owns contiguous storage; `rhs` broadcasts to `lhs`'s shape.
    public static func *= (lhs: inout Tensor, rhs: Tensor) { updateInPlace(&lhs, rhs, .multiply) }
    /// `lhs = lhs / rhs`, in place when `lhs` owns contiguous storage; `rhs` broadcasts to `lhs`'s shape.
    public static func /= (lhs: inout Tensor, rhs: Tensor) { updateInPlace(&lhs, rhs, .divide) }

    /// `lhs = lhs + s` for every element, in place when possible.
    public static func += (lhs: inout Tensor, rhs: Scalar) { updateInPlace(&lhs, Tensor(rhs), .add) }
    /// `lhs = lhs - s` for every element, in place when possible.
    public static func -= (lhs: inout Tensor, rhs: Scalar) { updateInPlace(&lhs, Tensor(rhs), .subtract) }
    /// `lhs = lhs * s` for every element, in place when possible.
    public static func *= (lhs: inout Tensor, rhs: Scalar) { updateInPlace(&lhs, Tensor(rhs), .multiply) }
    /// `lhs = lhs / s` for every element, in place when possible.
    public static func /= (lhs: inout Tensor, rhs: Scalar) { updateInPlace(&lhs, Tensor(rhs), .divide) }
}
