/// The sum of a contiguous row: eight lanes at a time, then across the lanes, then the tail — a
/// fixed order, so the result does not depend on who calls it or on the thread count. Shared by
/// the kernels that reduce one channel at a time (the convolution bias gradient, batch norm).
// NOTE: inlinable so that callers in other modules (batch norm in Autograd) get it specialized;
// called generically, every SIMD lane operation went through protocol witnesses (~25 % of a
// ResNet-20 training step).
@inlinable @inline(__always)
package func sumOfRow<Scalar: FloatingPointTensorElement>(_ row: UnsafePointer<Scalar>, count: Int) -> Scalar {
    var lanes = SIMD8<Scalar>()
    var index = 0
    while index + 8 <= count {
        lanes += UnsafeRawPointer(row + index).loadUnaligned(as: SIMD8<Scalar>.self)
        index += 8
    }
    var total = lanes.sum()
    while index < count {
        total += row[index]
        index += 1
    }
    return total
}
