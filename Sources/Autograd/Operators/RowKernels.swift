/// Row kernels shared by the normalization ops (batch norm, layer norm): eight lanes at a time,
/// then a scalar tail, with the lanes combined in one fixed order so that a row's result never
/// depends on how the rows were split across threads.
///
/// The lanes are added by hand rather than with `SIMD.sum()`: called from this module, the
/// standard library's generic reduction ran unspecialized (a protocol witness per lane), which
/// cost more than the rest of a layer norm.

/// The lanes' sum, in a fixed pairwise order.
@inline(__always)
func laneSum<Scalar: FloatingPointTensorElement>(_ lanes: SIMD8<Scalar>) -> Scalar {
    ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))
}

/// `Σ (x_i − mean)²` over one row of `count` elements.
@inline(__always)
func sumOfSquaredDeviations<Scalar: FloatingPointTensorElement>(
    _ row: UnsafePointer<Scalar>, count: Int, from mean: Scalar
) -> Scalar {
    var lanes = SIMD8<Scalar>()
    let center = SIMD8<Scalar>(repeating: mean)
    var index = 0
    while index + 8 <= count {
        let deviation = UnsafeRawPointer(row + index).loadUnaligned(as: SIMD8<Scalar>.self) - center
        lanes += deviation * deviation
        index += 8
    }
    var total = laneSum(lanes)
    while index < count {
        let deviation = row[index] - mean
        total += deviation * deviation
        index += 1
    }
    return total
}
