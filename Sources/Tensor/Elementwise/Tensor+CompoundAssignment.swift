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
    let right = rhs.shape == lhs.shape ? rhs : rhs.expanded(to: lhs.shape)
    let target = lhs.storage.base, rightBase = UnsafePointer(right.storage.base)
    let rows = StridedRows(shape: lhs.shape, strides: [lhs.strides, right.strides], offsets: [lhs.offset, right.offset])
    let length = rows.rowLength, targetStride = rows.rowStrides[0], rightStride = rows.rowStrides[1]
    parallelChunks(count: rows.rowCount, grain: max(1, elementwiseGrain / max(length, 1))) { range in
        rows.forEachRow(in: range) { _, starts in
            let row = target + starts[0], source = rightBase + starts[1]
            // Each element is read before it is written, so updating a row in place is safe.
            switch operation {
            case .add:
                mapRow(row, targetStride, source, rightStride, row, length, vector: { $0 + $1 }, scalar: { $0 + $1 })
            case .subtract:
                mapRow(row, targetStride, source, rightStride, row, length, vector: { $0 - $1 }, scalar: { $0 - $1 })
            case .multiply:
                mapRow(row, targetStride, source, rightStride, row, length, vector: { $0 * $1 }, scalar: { $0 * $1 })
            case .divide:
                mapRow(row, targetStride, source, rightStride, row, length, vector: { $0 / $1 }, scalar: { $0 / $1 })
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
