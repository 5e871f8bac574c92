/// Softmax and log-softmax along one axis, stable for logits of any size.

extension Tensor where Scalar: FloatingPointTensorElement {
    /// The softmax along `axis`: `exp(x − m) / Σ exp(x − m)` with `m` the maximum, which equals
    /// `exp(x) / Σ exp(x)` but never overflows. Same shape as the input.
    public func softmax(alongAxis axis: Int = -1) -> Tensor {
        softmax(alongAxis: axis, logarithmic: false, op: "softmax")
    }

    /// The log-softmax along `axis`: `x − m − log Σ exp(x − m)` with `m` the maximum; finite for
    /// finite logits even where the softmax underflows to 0. Same shape as the input.
    public func logSoftmax(alongAxis axis: Int = -1) -> Tensor {
        softmax(alongAxis: axis, logarithmic: true, op: "logSoftmax")
    }

    private func softmax(alongAxis axis: Int, logarithmic: Bool, op: StaticString) -> Tensor {
        let axis = normalizedAxis(axis, rank: rank, op: op)
        let source = contiguous()
        let result = Tensor(uninitializedShape: shape)
        if count > 0 {
            let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
            softmaxLoops(UnsafePointer(source.storage.base + source.offset), result.storage.base,
                         outer: outer, length: shape[axis], inner: inner, logarithmic: logarithmic)
        }
        return withExtendedLifetime(source) { result }
    }
}

/// Softmax over the middle axis of a contiguous `[outer, length, inner]` buffer.
///
/// Rows (or tiles of columns) are independent and each is computed in a fixed order by one
/// thread, so results do not depend on the thread count (nor on the tile width). Along the last
/// axis (`inner == 1`) each row is read three times, but a row of a few thousand elements stays
/// in cache, so memory sees one read and one write per element. Tails are padded to eight lanes
/// (−∞, whose exponential is 0), so every element goes through the same vector arithmetic.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func softmaxLoops<Scalar: FloatingPointTensorElement>(
    _ source: UnsafePointer<Scalar>, _ destination: UnsafeMutablePointer<Scalar>,
    outer: Int, length: Int, inner: Int, logarithmic: Bool
) {
    if inner == 1 {
        parallelChunks(count: outer, grain: Swift.max(1, reductionGrain / Swift.max(length, 1))) { rows in
            for row in rows {
                softmaxRow(source + row * length, destination + row * length, length, logarithmic: logarithmic)
            }
        }
        return
    }
    // An outer axis: SIMD across the columns, one tile of columns at a time. Each column is
    // computed the same way whatever tile holds it; tiles of half a row give two threads work
    // when there is one slab, and stay wide enough for the prefetchers.
    let tileWidth = Swift.min(1024, Swift.max(64, ((inner + 1) / 2 + 7) & ~7))
    let tiles = (inner + tileWidth - 1) / tileWidth
    let grain = Swift.max(1, reductionGrain / (length * Swift.min(inner, tileWidth)))
    parallelChunks(count: outer * tiles, grain: grain) { tasks in
        withUnsafeTemporaryAllocation(of: Scalar.self, capacity: 2 * tileWidth) { scratch in
            let largest = scratch.baseAddress!, sums = largest + tileWidth
            for task in tasks {
                let (slab, tile) = task.quotientAndRemainder(dividingBy: tiles)
                let first = tile * tileWidth, width = Swift.min(tileWidth, inner - first)
                softmaxColumns(source + slab * length * inner + first, destination + slab * length * inner + first,
                               length: length, inner: inner, width: width, largest: largest, sums: sums,
                               logarithmic: logarithmic)
            }
        }
    }
}

/// Softmax of one contiguous row.
///
/// NOTE: each loop calls the exponential from one place only, and these functions are
/// `@inline(never)`. The optimizer stops inlining into a function that has grown past its size
/// limit, and each inlined `exp` is large: with a second call site for the tail, or inlined into
/// the parallel loop's body, the exponential was left out of line, a call per eight elements.
/// For the same reason the exponential pass is a function of its own
/// (`sumOfShiftedExponentials`).
@inline(never)
private func softmaxRow<Scalar: FloatingPointTensorElement>(
    _ input: UnsafePointer<Scalar>, _ output: UnsafeMutablePointer<Scalar>, _ length: Int, logarithmic: Bool
) {
    let vectorLength = length & ~7, tail = length - vectorLength
    // NaN need not win here (a NaN logit makes its whole row NaN through the sum anyway), but
    // the NaN-propagating maximum costs nothing more.
    var largest0 = SIMD8<Scalar>(repeating: -.infinity), largest1 = largest0, largest2 = largest0, largest3 = largest0
    var index = 0
    while index + 32 <= vectorLength {
        largest0 = laneMaximum(largest0, loadLanes(input + index))
        largest1 = laneMaximum(largest1, loadLanes(input + index + 8))
        largest2 = laneMaximum(largest2, loadLanes(input + index + 16))
        largest3 = laneMaximum(largest3, loadLanes(input + index + 24))
        index += 32
    }
    while index < vectorLength { largest0 = laneMaximum(largest0, loadLanes(input + index)); index += 8 }
    // The tail padded with −∞, whose exponential adds 0 to the sum.
    let tailLanes = loadLanes(input + vectorLength, count: tail, padding: -.infinity)
    let largest = laneMaximum(laneMaximum(laneMaximum(largest0, largest1), laneMaximum(largest2, largest3)), tailLanes)
    var m = largest[0]
    for lane in 1..<8 { m = scalarMaximum(m, largest[lane]) }

    let shift = SIMD8<Scalar>(repeating: m)
    let sum = sumOfShiftedExponentials(input, tailLanes, shift, length, storingInto: logarithmic ? nil : output)

    if logarithmic {
        let logSum = SIMD8<Scalar>(repeating: Scalar.log(sum))
        index = 0
        while index < vectorLength {
            storeLanes(loadLanes(input + index) - shift - logSum, output + index)
            index += 8
        }
        if tail > 0 { storeLanes(tailLanes - shift - logSum, output + vectorLength, count: tail) }
    } else {
        let scale = SIMD8<Scalar>(repeating: 1 / sum)
        index = 0
        while index < vectorLength {
            storeLanes(loadLanes(output + index) * scale, output + index)
            index += 8
        }
        for lane in 0..<tail { output[vectorLength + lane] *= scale[0] }
    }
}

/// `Σ exp(x − shift)` over a row whose last `length mod 8` elements are `tailLanes` (padded
/// with −∞), storing the exponentials into `output` when there is one.
///
/// NOTE: a function of its own, apart from the two cheap passes of `softmaxRow`: inside that
/// function the optimizer had stopped inlining, and called the exponential once per eight
/// elements (softmax ran at half the speed of `exp`).
@inline(never)
private func sumOfShiftedExponentials<Scalar: FloatingPointTensorElement>(
    _ input: UnsafePointer<Scalar>, _ tailLanes: SIMD8<Scalar>, _ shift: SIMD8<Scalar>, _ length: Int,
    storingInto output: UnsafeMutablePointer<Scalar>?
) -> Scalar {
    let vectorLength = length & ~7, tail = length - vectorLength
    let exponentialOf = ShiftedExponential<Scalar>()
    var sums = SIMD8<Scalar>(repeating: 0)
    var index = 0
    while index < length {
        let isTail = index == vectorLength
        let exponential = exponentialOf(isTail ? tailLanes : loadLanes(input + index), shift)
        if let output {
            if isTail { storeLanes(exponential, output + index, count: tail) } else { storeLanes(exponential, output + index) }
        }
        sums += exponential
        index += 8
    }
    return sums.sum()
}

/// `sums += exp(line − shifts)` over columns `[0, width)` of one row, storing the exponentials
/// into `output` when there is one.
///
/// NOTE: a function of its own for the reason given at `sumOfShiftedExponentials`: inside
/// `softmaxColumns` the exponential was left out of line. Scratch has room for whole vectors, so
/// the tail's lanes of `shifts` and `sums` are read and written whole; their lanes past `width`
/// are never used.
@inline(never)
private func addShiftedExponentials<Scalar: FloatingPointTensorElement>(
    _ line: UnsafePointer<Scalar>, width: Int, shifts: UnsafePointer<Scalar>, into sums: UnsafeMutablePointer<Scalar>,
    storingInto output: UnsafeMutablePointer<Scalar>?
) {
    let vectorWidth = width & ~7, tail = width - vectorWidth
    let exponentialOf = ShiftedExponential<Scalar>()
    var column = 0
    while column < width {
        let isTail = column == vectorWidth
        let x = isTail ? loadLanes(line + column, count: tail) : loadLanes(line + column)
        let exponential = exponentialOf(x, loadLanes(shifts + column))
        if let output {
            if isTail { storeLanes(exponential, output + column, count: tail) } else { storeLanes(exponential, output + column) }
        }
        storeLanes(loadLanes(sums + column) + exponential, sums + column)
        column += 8
    }
}

/// Softmax down columns `[0, width)` of a `[length, inner]` slab; `largest` and `sums` hold
/// `width` elements of scratch.
@inline(never)
private func softmaxColumns<Scalar: FloatingPointTensorElement>(
    _ input: UnsafePointer<Scalar>, _ output: UnsafeMutablePointer<Scalar>,
    length: Int, inner: Int, width: Int,
    largest: UnsafeMutablePointer<Scalar>, sums: UnsafeMutablePointer<Scalar>, logarithmic: Bool
) {
    let vectorWidth = width & ~7
    let rounded = (width + 7) & ~7
    largest.initialize(repeating: -.infinity, count: rounded)
    sums.initialize(repeating: 0, count: rounded)
    for row in 0..<length {
        let line = input + row * inner
        var column = 0
        while column < vectorWidth {
            storeLanes(laneMaximum(loadLanes(largest + column), loadLanes(line + column)), largest + column)
            column += 8
        }
        for column in vectorWidth..<width { largest[column] = scalarMaximum(largest[column], line[column]) }
    }
    for row in 0..<length {
        addShiftedExponentials(input + row * inner, width: width, shifts: largest, into: sums,
                               storingInto: logarithmic ? nil : output + row * inner)
    }
    for column in 0..<width { sums[column] = logarithmic ? Scalar.log(sums[column]) : 1 / sums[column] }
    for row in 0..<length {
        let line = input + row * inner, target = output + row * inner
        var column = 0
        while column < vectorWidth {
            if logarithmic {
                storeLanes(loadLanes(line + column) - loadLanes(largest + column) - loadLanes(sums + column),
                           target + column)
            } else {
                storeLanes(loadLanes(target + column) * loadLanes(sums + column), target + column)
            }
            column += 8
        }
        for column in vectorWidth..<width {
            target[column] = logarithmic ? line[column] - largest[column] - sums[column] : target[column] * sums[column]
        }
    }
}
