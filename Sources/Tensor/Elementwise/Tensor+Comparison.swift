/// Comparisons to masks (`.<`, `.<=`, `.>`, `.>=`, `.==`, `.!=`, spelled like Swift's SIMD
/// operators), mask logic (`.&`, `.|`, `.!`) and `Tensor.where(mask, a, b)`.

enum ComparisonOperation { case less, lessOrEqual, greater, greaterOrEqual }

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
@_specialize(where Scalar == Int)
@_specialize(where Scalar == Int32)
func compare<Scalar: NumericTensorElement>(
    _ lhs: Tensor<Scalar>, _ rhs: Tensor<Scalar>, _ operation: ComparisonOperation
) -> Tensor<Bool> {
    switch operation {
    case .less: mapPairs(lhs, rhs, op: "compare") { $0 < $1 }
    case .lessOrEqual: mapPairs(lhs, rhs, op: "compare") { $0 <= $1 }
    case .greater: mapPairs(lhs, rhs, op: "compare") { $0 > $1 }
    case .greaterOrEqual: mapPairs(lhs, rhs, op: "compare") { $0 >= $1 }
    }
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
@_specialize(where Scalar == Int)
@_specialize(where Scalar == Int32)
@_specialize(where Scalar == Bool)
func compareEquality<Scalar: TensorElement>(
    _ lhs: Tensor<Scalar>, _ rhs: Tensor<Scalar>, equal: Bool
) -> Tensor<Bool> {
    equal ? mapPairs(lhs, rhs, op: "compare") { $0 == $1 } : mapPairs(lhs, rhs, op: "compare") { $0 != $1 }
}

/// `transform(a, b)` for each broadcast pair, one element at a time.
@inline(__always)
func mapPairs<Left, Right, Result: TensorElement>(
    _ lhs: Tensor<Left>, _ rhs: Tensor<Right>, op: StaticString, _ transform: (Left, Right) -> Result
) -> Tensor<Result> {
    applying(lhs, rhs, op: op) { left, leftStride, right, rightStride, destination, count in
        for index in 0..<count {
            destination[index] = transform(left[index * leftStride], right[index * rightStride])
        }
    }
}

extension Tensor where Scalar: NumericTensorElement {
    /// Whether `a < b`, elementwise with broadcasting. NaN compares false.
    public static func .< (lhs: Tensor, rhs: Tensor) -> Tensor<Bool> { compare(lhs, rhs, .less) }
    /// Whether `a ≤ b`, elementwise with broadcasting.
    public static func .<= (lhs: Tensor, rhs: Tensor) -> Tensor<Bool> { compare(lhs, rhs, .lessOrEqual) }
    /// Whether `a > b`, elementwise with broadcasting.
    public static func .> (lhs: Tensor, rhs: Tensor) -> Tensor<Bool> { compare(lhs, rhs, .greater) }
    /// Whether `a ≥ b`, elementwise with broadcasting.
    public static func .>= (lhs: Tensor, rhs: Tensor) -> Tensor<Bool> { compare(lhs, rhs, .greaterOrEqual) }

    /// Whether `a < s` for each element.
    public static func .< (lhs: Tensor, rhs: Scalar) -> Tensor<Bool> { lhs .< Tensor(rhs) }
    /// Whether `a ≤ s` for each element.
    public static func .<= (lhs: Tensor, rhs: Scalar) -> Tensor<Bool> { lhs .<= Tensor(rhs) }
    /// Whether `a > s` for each element.
    public static func .> (lhs: Tensor, rhs: Scalar) -> Tensor<Bool> { lhs .> Tensor(rhs) }
    /// Whether `a ≥ s` for each element.
    public static func .>= (lhs: Tensor, rhs: Scalar) -> Tensor<Bool> { lhs .>= Tensor(rhs) }
}

extension Tensor {
    /// Whether `a == b`, elementwise with broadcasting (NaN is unequal to everything).
    public static func .== (lhs: Tensor, rhs: Tensor) -> Tensor<Bool> { compareEquality(lhs, rhs, equal: true) }
    /// Whether `a ≠ b`, elementwise with broadcasting.
    public static func .!= (lhs: Tensor, rhs: Tensor) -> Tensor<Bool> { compareEquality(lhs, rhs, equal: false) }
    /// Whether `a == s` for each element.
    public static func .== (lhs: Tensor, rhs: Scalar) -> Tensor<Bool> { lhs .== Tensor(rhs) }
    /// Whether `a ≠ s` for each element.
    public static func .!= (lhs: Tensor, rhs: Scalar) -> Tensor<Bool> { lhs .!= Tensor(rhs) }

    /// `condition ? a : b` elementwise, broadcasting all three to one shape.
    ///
    /// - Parameters: `condition`, `a` and `b` of shapes that broadcast together.
    /// - Returns: a contiguous tensor of the broadcast shape.
    public static func `where`(_ condition: Tensor<Bool>, _ a: Tensor, _ b: Tensor) -> Tensor {
        select(condition, a, b)
    }
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
@_specialize(where Scalar == Int)
func select<Scalar: TensorElement>(_ condition: Tensor<Bool>, _ a: Tensor<Scalar>, _ b: Tensor<Scalar>) -> Tensor<Scalar> {
    let shape = broadcastShape(broadcastShape(condition.shape, a.shape, op: "where"), b.shape, op: "where")
    let mask = condition.expanded(to: shape), first = a.expanded(to: shape), second = b.expanded(to: shape)
    let result = Tensor<Scalar>(uninitializedShape: shape)
    let destination = result.storage.base
    let maskBase = UnsafePointer(mask.storage.base)
    let firstBase = UnsafePointer(first.storage.base), secondBase = UnsafePointer(second.storage.base)
    if mask.isContiguous && first.isContiguous && second.isContiguous {
        // One flat range, split across threads, free of stride multiplications so it vectorizes.
        // Both values are loaded before the choice: `mask ? a[i] : b[i]` loads only one of them,
        // which the compiler kept as a branch per element (unpredictable on a random mask, 3.5 GB/s).
        let maskStart = maskBase + mask.offset
        let firstStart = firstBase + first.offset, secondStart = secondBase + second.offset
        parallelChunks(count: result.count, grain: elementwiseGrain) { range in
            for index in range {
                let (whenTrue, whenFalse) = (firstStart[index], secondStart[index])
                destination[index] = maskStart[index] ? whenTrue : whenFalse
            }
        }
        return withExtendedLifetime((mask, first, second)) { result }
    }
    let rows = StridedRows(shape: shape, strides: [mask.strides, first.strides, second.strides],
                           offsets: [mask.offset, first.offset, second.offset])
    let length = rows.rowLength
    let maskStride = rows.rowStrides[0], firstStride = rows.rowStrides[1], secondStride = rows.rowStrides[2]
    parallelChunks(count: rows.rowCount, grain: max(1, elementwiseGrain / max(length, 1))) { range in
        rows.forEachRow(in: range) { row, starts in
            let output = destination + row * length
            let maskRow = maskBase + starts[0], firstRow = firstBase + starts[1], secondRow = secondBase + starts[2]
            for index in 0..<length {
                let (whenTrue, whenFalse) = (firstRow[index * firstStride], secondRow[index * secondStride])
                output[index] = maskRow[index * maskStride] ? whenTrue : whenFalse
            }
        }
    }
    return withExtendedLifetime((mask, first, second)) { result }
}

extension Tensor where Scalar == Bool {
    /// Logical and, elementwise with broadcasting.
    public static func .& (lhs: Tensor, rhs: Tensor) -> Tensor { mapPairs(lhs, rhs, op: "and") { $0 && $1 } }
    /// Logical or, elementwise with broadcasting.
    public static func .| (lhs: Tensor, rhs: Tensor) -> Tensor { mapPairs(lhs, rhs, op: "or") { $0 || $1 } }
    /// Logical not.
    public static prefix func .! (mask: Tensor) -> Tensor { mask.applying { mapScalars($0, $1, $2, $3, { !$0 }) } }
}
