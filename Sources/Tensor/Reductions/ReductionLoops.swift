/// The loops behind every floating-point reduction, on the canonical `[outer, reduced, inner]`
/// layout (see `ReductionLayout`).
///
/// Results are bit-identical whatever `ThreadBudget.count` is (DESIGN.md, decision 4): a reduced
/// row is cut into blocks whose boundaries depend only on its length, each block is reduced in a
/// fixed order (four SIMD8 accumulators, then the lanes, then the tail), and the block partials
/// are combined in block order. Threads only decide *who* computes a block, never how.
///
/// An operation is a `LaneTransform` (what each element contributes) and a `LaneCombine` (how
/// contributions accumulate), passed as types rather than closures: the loops are specialized
/// for each pair, so nothing in them is an indirect call (closures captured by the parallel
/// loop's body were not inlined, and cost a call per eight elements).
///
/// Two shapes of loop:
/// - `inner == 1` (the reduced elements are contiguous): SIMD along the row. Many rows are split
///   across threads; a single long row is split by blocks.
/// - `inner > 1` (an outer axis of a contiguous tensor, like a bias gradient over the batch):
///   SIMD across the `inner` columns, walking down the reduced rows. Column tiles keep the
///   accumulators in L1; blocks of rows bound the rounding error and give a single tile parallelism.

/// Elements per block of a contiguous reduced row.
let reductionBlockLength = 4096
/// Rows per block when reducing down the columns of `[reduced, inner]`.
let reductionRowsPerBlock = 256
/// Columns per tile when reducing down the columns.
let reductionTileWidth = 1024
/// Elements per parallel chunk: below this, one thread does the work.
let reductionGrain = 1 << 15

/// What a floating-point reduction accumulates. `center` is a per-result value some
/// reductions subtract first (the mean for a variance, the maximum for a log-sum-exp).
enum ReductionOperation {
    case sum, product, maximum, minimum
    /// `Σ |x|`
    case sumOfMagnitudes
    /// `Σ x²`
    case sumOfSquares
    /// `Σ |x|^p`
    case sumOfPowers(Double)
    /// `max |x|`, `min |x|`
    case maximumMagnitude, minimumMagnitude
    /// `Σ (x ≠ 0)`
    case countOfNonzero
    /// `Σ (x − center)²`
    case sumOfSquaredDeviations
    /// `Σ exp(x − center)`
    case sumOfExponentials
}

/// Reduces `layout` with `operation` into a contiguous `[outer · inner]` buffer.
///
/// - Parameter center: an `[outer · inner]` buffer, for the operations that use one.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func reduce<Scalar: FloatingPointTensorElement>(
    _ layout: ReductionLayout<Scalar>, _ operation: ReductionOperation, center: Tensor<Scalar>? = nil
) -> Tensor<Scalar> {
    switch operation {
    case .sum: return reduce(layout, center, Identity(), Addition())
    case .product: return reduce(layout, center, Identity(), Multiplication())
    case .maximum: return reduce(layout, center, Identity(), Maximum())
    case .minimum: return reduce(layout, center, Identity(), Minimum())
    case .sumOfMagnitudes: return reduce(layout, center, Magnitude(), Addition())
    case .sumOfSquares: return reduce(layout, center, Square(), Addition())
    case .sumOfPowers(let order): return reduce(layout, center, MagnitudePower(exponent: Scalar(order)), Addition())
    case .maximumMagnitude: return reduce(layout, center, Magnitude(), Maximum())
    case .minimumMagnitude: return reduce(layout, center, Magnitude(), Minimum())
    case .countOfNonzero: return reduce(layout, center, NonzeroIndicator(), Addition())
    case .sumOfSquaredDeviations: return reduce(layout, center, SquaredDeviation(), Addition())
    case .sumOfExponentials: return reduce(layout, center, ShiftedExponential(), Addition())
    }
}

/// What one element contributes to a reduction, `f(x, center)`, eight lanes at a time.
/// Tails are padded to eight lanes, so every element goes through this same arithmetic.
protocol LaneTransform {
    associatedtype Scalar: FloatingPointTensorElement
    func callAsFunction(_ x: SIMD8<Scalar>, _ center: SIMD8<Scalar>) -> SIMD8<Scalar>
}

/// An associative combine with its identity, over vectors and scalars (the two agree lane by lane).
protocol LaneCombine {
    associatedtype Scalar: FloatingPointTensorElement
    var identity: Scalar { get }
    func callAsFunction(_ a: SIMD8<Scalar>, _ b: SIMD8<Scalar>) -> SIMD8<Scalar>
    func callAsFunction(_ a: Scalar, _ b: Scalar) -> Scalar
}

/// `x`
struct Identity<Scalar: FloatingPointTensorElement>: LaneTransform {
    @inline(__always) func callAsFunction(_ x: SIMD8<Scalar>, _: SIMD8<Scalar>) -> SIMD8<Scalar> { x }
}

/// `|x|`
struct Magnitude<Scalar: FloatingPointTensorElement>: LaneTransform {
    @inline(__always) func callAsFunction(_ x: SIMD8<Scalar>, _: SIMD8<Scalar>) -> SIMD8<Scalar> { laneMagnitude(x) }
}

/// `x²`
struct Square<Scalar: FloatingPointTensorElement>: LaneTransform {
    @inline(__always) func callAsFunction(_ x: SIMD8<Scalar>, _: SIMD8<Scalar>) -> SIMD8<Scalar> { x * x }
}

/// `|x|^p`, with the library's `pow` lane by lane (norms of other orders are rare).
struct MagnitudePower<Scalar: FloatingPointTensorElement>: LaneTransform {
    let exponent: Scalar
    @inline(__always) func callAsFunction(_ x: SIMD8<Scalar>, _: SIMD8<Scalar>) -> SIMD8<Scalar> {
        var result = x
        for lane in 0..<8 { result[lane] = Scalar.pow(Swift.abs(x[lane]), exponent) }
        return result
    }
}

/// `x ≠ 0 ? 1 : 0`
struct NonzeroIndicator<Scalar: FloatingPointTensorElement>: LaneTransform {
    @inline(__always) func callAsFunction(_ x: SIMD8<Scalar>, _: SIMD8<Scalar>) -> SIMD8<Scalar> { laneNonzero(x) }
}

/// `(x − c)²`
struct SquaredDeviation<Scalar: FloatingPointTensorElement>: LaneTransform {
    @inline(__always) func callAsFunction(_ x: SIMD8<Scalar>, _ center: SIMD8<Scalar>) -> SIMD8<Scalar> {
        (x - center) * (x - center)
    }
}

/// `exp(x − c)`
struct ShiftedExponential<Scalar: FloatingPointTensorElement>: LaneTransform {
    @inline(__always) func callAsFunction(_ x: SIMD8<Scalar>, _ center: SIMD8<Scalar>) -> SIMD8<Scalar> {
        laneExponential(x - center)
    }
}

/// `a + b`, from 0.
struct Addition<Scalar: FloatingPointTensorElement>: LaneCombine {
    var identity: Scalar { 0 }
    @inline(__always) func callAsFunction(_ a: SIMD8<Scalar>, _ b: SIMD8<Scalar>) -> SIMD8<Scalar> { a + b }
    @inline(__always) func callAsFunction(_ a: Scalar, _ b: Scalar) -> Scalar { a + b }
}

/// `a · b`, from 1.
struct Multiplication<Scalar: FloatingPointTensorElement>: LaneCombine {
    var identity: Scalar { 1 }
    @inline(__always) func callAsFunction(_ a: SIMD8<Scalar>, _ b: SIMD8<Scalar>) -> SIMD8<Scalar> { a * b }
    @inline(__always) func callAsFunction(_ a: Scalar, _ b: Scalar) -> Scalar { a * b }
}

/// `max(a, b)`, from −∞; NaN wins, like NumPy and PyTorch.
struct Maximum<Scalar: FloatingPointTensorElement>: LaneCombine {
    var identity: Scalar { -.infinity }
    @inline(__always) func callAsFunction(_ a: SIMD8<Scalar>, _ b: SIMD8<Scalar>) -> SIMD8<Scalar> { laneMaximum(a, b) }
    @inline(__always) func callAsFunction(_ a: Scalar, _ b: Scalar) -> Scalar { scalarMaximum(a, b) }
}

/// `min(a, b)`, from +∞; NaN wins.
struct Minimum<Scalar: FloatingPointTensorElement>: LaneCombine {
    var identity: Scalar { .infinity }
    @inline(__always) func callAsFunction(_ a: SIMD8<Scalar>, _ b: SIMD8<Scalar>) -> SIMD8<Scalar> { laneMinimum(a, b) }
    @inline(__always) func callAsFunction(_ a: Scalar, _ b: Scalar) -> Scalar { scalarMinimum(a, b) }
}

/// One block of a contiguous row, in a fixed order: four vector accumulators, then the lanes,
/// then the padded tail.
@inline(__always)
func reduceRow<Transform: LaneTransform, Combine: LaneCombine>(
    _ start: UnsafePointer<Transform.Scalar>, _ count: Int, _ center: Transform.Scalar,
    _ transform: Transform, _ combine: Combine
) -> Transform.Scalar where Transform.Scalar == Combine.Scalar {
    let centerVector = SIMD8(repeating: center)
    var sum0 = SIMD8(repeating: combine.identity), sum1 = sum0, sum2 = sum0, sum3 = sum0
    var index = 0
    while index + 32 <= count {
        sum0 = combine(sum0, transform(loadLanes(start + index), centerVector))
        sum1 = combine(sum1, transform(loadLanes(start + index + 8), centerVector))
        sum2 = combine(sum2, transform(loadLanes(start + index + 16), centerVector))
        sum3 = combine(sum3, transform(loadLanes(start + index + 24), centerVector))
        index += 32
    }
    while index + 8 <= count {
        sum0 = combine(sum0, transform(loadLanes(start + index), centerVector))
        index += 8
    }
    let lanes = combine(combine(sum0, sum1), combine(sum2, sum3))
    var total = lanes[0]
    for lane in 1..<8 { total = combine(total, lanes[lane]) }
    if index < count {
        let tail = transform(loadLanes(start + index, count: count - index), centerVector)
        for lane in 0..<(count - index) { total = combine(total, tail[lane]) }
    }
    return total
}

/// Reduces `rows` of a `[rows, inner]` slab down its columns `[0, width)` into `accumulator`
/// (which it initializes), row after row for each column. Four rows at a time per load and
/// store of the accumulator, which adds them in the same order as one at a time.
@inline(__always)
func reduceColumns<Transform: LaneTransform, Combine: LaneCombine>(
    _ source: UnsafePointer<Transform.Scalar>, rows: Range<Int>, inner: Int, width: Int,
    _ centerRow: UnsafePointer<Transform.Scalar>, _ accumulator: UnsafeMutablePointer<Transform.Scalar>,
    _ transform: Transform, _ combine: Combine
) where Transform.Scalar == Combine.Scalar {
    accumulator.initialize(repeating: combine.identity, count: width)
    let vectorWidth = width & ~7, tail = width - vectorWidth
    var row = rows.lowerBound
    while row + 4 <= rows.upperBound {
        let line0 = source + row * inner, line1 = line0 + inner, line2 = line1 + inner, line3 = line2 + inner
        var column = 0
        while column < vectorWidth {
            let center = loadLanes(centerRow + column)
            var value = loadLanes(accumulator + column)
            value = combine(value, transform(loadLanes(line0 + column), center))
            value = combine(value, transform(loadLanes(line1 + column), center))
            value = combine(value, transform(loadLanes(line2 + column), center))
            value = combine(value, transform(loadLanes(line3 + column), center))
            storeLanes(value, accumulator + column)
            column += 8
        }
        row += 4
    }
    while row < rows.upperBound {
        let line = source + row * inner
        var column = 0
        while column < vectorWidth {
            let value = transform(loadLanes(line + column), loadLanes(centerRow + column))
            storeLanes(combine(loadLanes(accumulator + column), value), accumulator + column)
            column += 8
        }
        row += 1
    }
    if tail > 0 {
        let center = loadLanes(centerRow + vectorWidth, count: tail)
        for row in rows {
            let value = transform(loadLanes(source + row * inner + vectorWidth, count: tail), center)
            for lane in 0..<tail {
                accumulator[vectorWidth + lane] = combine(accumulator[vectorWidth + lane], value[lane])
            }
        }
    }
}

/// `target = combine(target, partial)` over `width` elements.
@inline(__always)
func combineInto<Combine: LaneCombine>(
    _ target: UnsafeMutablePointer<Combine.Scalar>, _ partial: UnsafePointer<Combine.Scalar>, _ width: Int,
    _ combine: Combine
) {
    var column = 0
    while column + 8 <= width {
        storeLanes(combine(loadLanes(target + column), loadLanes(partial + column)), target + column)
        column += 8
    }
    while column < width {
        target[column] = combine(target[column], partial[column])
        column += 1
    }
}

/// The reduction loops for one operation.
func reduce<Transform: LaneTransform, Combine: LaneCombine>(
    _ layout: ReductionLayout<Transform.Scalar>, _ center: Tensor<Transform.Scalar>?,
    _ transform: Transform, _ combine: Combine
) -> Tensor<Transform.Scalar> where Transform.Scalar == Combine.Scalar {
    typealias Scalar = Transform.Scalar
    let result = Tensor<Scalar>(uninitializedShape: [layout.resultCount])
    let output = result.storage.base
    let (outer, reduced, inner) = (layout.outer, layout.reduced, layout.inner)
    if layout.resultCount == 0 { return result }
    if reduced == 0 {
        output.initialize(repeating: combine.identity, count: layout.resultCount)
        return result
    }
    let base = layout.base
    let centers = center.map { UnsafePointer($0.storage.base + $0.offset) }

    let blocks = (reduced + reductionBlockLength - 1) / reductionBlockLength
    if inner == 1 && (outer > 1 || blocks == 1) {
        parallelChunks(count: outer, grain: max(1, reductionGrain / reduced)) { rows in
            for row in rows {
                let start = base + row * reduced
                let center = centers?[row] ?? 0
                var total = reduceRow(start, min(reduced, reductionBlockLength), center, transform, combine)
                for block in 1..<blocks {
                    let first = block * reductionBlockLength
                    total = combine(total, reduceRow(start + first, min(reductionBlockLength, reduced - first),
                                                     center, transform, combine))
                }
                output[row] = total
            }
        }
    } else if inner == 1 {
        // One long row: blocks in parallel, then combined in block order as above.
        let center = centers?[0] ?? 0
        let partialBuffer = Tensor<Scalar>(uninitializedShape: [blocks])
        let partials = partialBuffer.storage.base
        parallelChunks(count: blocks, grain: max(1, reductionGrain / reductionBlockLength)) { range in
            for block in range {
                let first = block * reductionBlockLength
                partials[block] = reduceRow(base + first, min(reductionBlockLength, reduced - first),
                                            center, transform, combine)
            }
        }
        var total = partials[0]
        for block in 1..<blocks { total = combine(total, partials[block]) }
        output[0] = total
        withExtendedLifetime(partialBuffer) {}
    } else {
        let zeros = centers == nil ? Tensor<Scalar>(repeating: 0, shape: [layout.resultCount]) : nil
        let centerBase = centers ?? UnsafePointer(zeros!.storage.base)
        let tiles = (inner + reductionTileWidth - 1) / reductionTileWidth
        let rowBlocks = (reduced + reductionRowsPerBlock - 1) / reductionRowsPerBlock
        /// Rows `[block · rowsPerBlock, …)` of one slab, columns `[first, first + width)`.
        func reduceBlock(_ slab: Int, _ block: Int, _ first: Int, _ width: Int,
                         _ accumulator: UnsafeMutablePointer<Scalar>) {
            let rows = block * reductionRowsPerBlock..<min((block + 1) * reductionRowsPerBlock, reduced)
            reduceColumns(base + slab * reduced * inner + first, rows: rows, inner: inner, width: width,
                          centerBase + slab * inner + first, accumulator, transform, combine)
        }
        if outer * tiles > 1 || rowBlocks == 1 {
            let work = reduced * min(inner, reductionTileWidth)
            parallelChunks(count: outer * tiles, grain: max(1, reductionGrain / work)) { tasks in
                withUnsafeTemporaryAllocation(of: Scalar.self, capacity: reductionTileWidth) { scratch in
                    for task in tasks {
                        let (slab, tile) = task.quotientAndRemainder(dividingBy: tiles)
                        let first = tile * reductionTileWidth, width = min(reductionTileWidth, inner - first)
                        let target = output + slab * inner + first
                        reduceBlock(slab, 0, first, width, target)
                        for block in 1..<rowBlocks {
                            reduceBlock(slab, block, first, width, scratch.baseAddress!)
                            combineInto(target, scratch.baseAddress!, width, combine)
                        }
                    }
                }
            }
        } else {
            // One tile of columns over many rows: blocks of rows in parallel, combined in order.
            let partials = Tensor<Scalar>(uninitializedShape: [rowBlocks, inner])
            let partialBase = partials.storage.base
            parallelChunks(count: rowBlocks, grain: max(1, reductionGrain / (reductionRowsPerBlock * inner))) { range in
                for block in range { reduceBlock(0, block, 0, inner, partialBase + block * inner) }
            }
            output.update(from: partialBase, count: inner)
            for block in 1..<rowBlocks { combineInto(output, partialBase + block * inner, inner, combine) }
        }
        withExtendedLifetime(zeros) {}
    }
    return withExtendedLifetime((layout.source, center)) { result }
}
