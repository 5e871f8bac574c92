/// The loops behind every floating-point reduction, on the canonical `[outer, reduced, inner]`
/// layout (see `ReductionLayout`).
///
/// Results are bit-identical whatever `ThreadBudget.count` is (DESIGN.md, decision 4): a reduced
/// row is cut into blocks whose boundaries depend only on its length, each block is reduced in a
/// fixed order (four SIMD8 accumulators, then the lanes, then the tail), and the block partials
/// are combined in block order. Threads only decide *who* computes a block, never how.
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
    let zero = Scalar.zero
    switch operation {
    case .sum:
        return reduce(layout, center, identity: zero, { x, _ in x }, { x, _ in x }, { $0 + $1 }, { $0 + $1 })
    case .product:
        return reduce(layout, center, identity: 1, { x, _ in x }, { x, _ in x }, { $0 * $1 }, { $0 * $1 })
    case .maximum:
        // NaN wins, like NumPy and PyTorch: once a lane holds NaN nothing replaces it.
        return reduce(layout, center, identity: -.infinity, { x, _ in x }, { x, _ in x },
                      { $0.replacing(with: $1, where: ($1 .> $0) .| ($1 .!= $1)) },
                      { $1 > $0 || $1.isNaN ? $1 : $0 })
    case .minimum:
        return reduce(layout, center, identity: .infinity, { x, _ in x }, { x, _ in x },
                      { $0.replacing(with: $1, where: ($1 .< $0) .| ($1 .!= $1)) },
                      { $1 < $0 || $1.isNaN ? $1 : $0 })
    case .sumOfMagnitudes:
        return reduce(layout, center, identity: zero, { x, _ in x.replacing(with: -x, where: x .< 0) },
                      { x, _ in Swift.abs(x) }, { $0 + $1 }, { $0 + $1 })
    case .sumOfSquares:
        return reduce(layout, center, identity: zero, { x, _ in x * x }, { x, _ in x * x }, { $0 + $1 }, { $0 + $1 })
    case .sumOfPowers(let order):
        let p = Scalar(order)
        return reduce(layout, center, identity: zero,
                      { x, _ in
                          var result = x
                          for lane in 0..<8 { result[lane] = Scalar.pow(Swift.abs(x[lane]), p) }
                          return result
                      },
                      { x, _ in Scalar.pow(Swift.abs(x), p) }, { $0 + $1 }, { $0 + $1 })
    case .maximumMagnitude:
        return reduce(layout, center, identity: zero, { x, _ in x.replacing(with: -x, where: x .< 0) },
                      { x, _ in Swift.abs(x) },
                      { $0.replacing(with: $1, where: ($1 .> $0) .| ($1 .!= $1)) },
                      { $1 > $0 || $1.isNaN ? $1 : $0 })
    case .minimumMagnitude:
        return reduce(layout, center, identity: .infinity, { x, _ in x.replacing(with: -x, where: x .< 0) },
                      { x, _ in Swift.abs(x) },
                      { $0.replacing(with: $1, where: ($1 .< $0) .| ($1 .!= $1)) },
                      { $1 < $0 || $1.isNaN ? $1 : $0 })
    case .countOfNonzero:
        return reduce(layout, center, identity: zero,
                      { x, _ in SIMD8<Scalar>(repeating: 0).replacing(with: 1, where: x .!= 0) },
                      { x, _ in x != 0 ? 1 : 0 }, { $0 + $1 }, { $0 + $1 })
    case .sumOfSquaredDeviations:
        return reduce(layout, center, identity: zero, { x, c in (x - c) * (x - c) }, { x, c in (x - c) * (x - c) },
                      { $0 + $1 }, { $0 + $1 })
    case .sumOfExponentials:
        return reduce(layout, center, identity: zero, { x, c in vectorExponential(x - c) }, { x, c in Scalar.exp(x - c) },
                      { $0 + $1 }, { $0 + $1 })
    }
}

/// The reduction loops for one operation, given as an elementwise transform `f(x, center)` and an
/// associative combine (each in a SIMD8 and a scalar form that must agree lane by lane).
@inline(__always)
func reduce<Scalar: FloatingPointTensorElement>(
    _ layout: ReductionLayout<Scalar>, _ center: Tensor<Scalar>?, identity: Scalar,
    _ vectorTransform: (SIMD8<Scalar>, SIMD8<Scalar>) -> SIMD8<Scalar>,
    _ scalarTransform: (Scalar, Scalar) -> Scalar,
    _ vectorCombine: (SIMD8<Scalar>, SIMD8<Scalar>) -> SIMD8<Scalar>,
    _ scalarCombine: (Scalar, Scalar) -> Scalar
) -> Tensor<Scalar> {
    let result = Tensor<Scalar>(uninitializedShape: [layout.resultCount])
    let output = result.storage.base
    let (outer, reduced, inner) = (layout.outer, layout.reduced, layout.inner)
    if layout.resultCount == 0 { return result }
    if reduced == 0 {
        output.initialize(repeating: identity, count: layout.resultCount)
        return result
    }
    let base = layout.base
    let centers = center.map { UnsafePointer($0.storage.base + $0.offset) }

    /// One block of a contiguous row, in a fixed order.
    func reduceBlock(_ start: UnsafePointer<Scalar>, _ count: Int, _ center: Scalar) -> Scalar {
        let centerVector = SIMD8<Scalar>(repeating: center)
        var sum0 = SIMD8<Scalar>(repeating: identity), sum1 = sum0, sum2 = sum0, sum3 = sum0
        var index = 0
        while index + 32 <= count {
            sum0 = vectorCombine(sum0, vectorTransform(loadLanes(start + index), centerVector))
            sum1 = vectorCombine(sum1, vectorTransform(loadLanes(start + index + 8), centerVector))
            sum2 = vectorCombine(sum2, vectorTransform(loadLanes(start + index + 16), centerVector))
            sum3 = vectorCombine(sum3, vectorTransform(loadLanes(start + index + 24), centerVector))
            index += 32
        }
        while index + 8 <= count {
            sum0 = vectorCombine(sum0, vectorTransform(loadLanes(start + index), centerVector))
            index += 8
        }
        let lanes = vectorCombine(vectorCombine(sum0, sum1), vectorCombine(sum2, sum3))
        var total = lanes[0]
        for lane in 1..<8 { total = scalarCombine(total, lanes[lane]) }
        while index < count {
            total = scalarCombine(total, scalarTransform(start[index], center))
            index += 1
        }
        return total
    }

    /// Down the columns `[first, first + width)` of one block of rows, into `accumulator`.
    func reduceColumns(_ slab: Int, _ block: Int, _ first: Int, _ width: Int,
                       _ centerRow: UnsafePointer<Scalar>, _ accumulator: UnsafeMutablePointer<Scalar>) {
        accumulator.initialize(repeating: identity, count: width)
        let rows = block * reductionRowsPerBlock..<min((block + 1) * reductionRowsPerBlock, reduced)
        for row in rows {
            let source = base + (slab * reduced + row) * inner + first
            var column = 0
            while column + 8 <= width {
                let value = vectorTransform(loadLanes(source + column), loadLanes(centerRow + column))
                storeLanes(vectorCombine(loadLanes(accumulator + column), value), accumulator + column)
                column += 8
            }
            while column < width {
                accumulator[column] = scalarCombine(accumulator[column], scalarTransform(source[column], centerRow[column]))
                column += 1
            }
        }
    }

    /// `target = combine(target, partial)` over `width` elements.
    func combine(_ target: UnsafeMutablePointer<Scalar>, _ partial: UnsafePointer<Scalar>, _ width: Int) {
        var column = 0
        while column + 8 <= width {
            storeLanes(vectorCombine(loadLanes(target + column), loadLanes(partial + column)), target + column)
            column += 8
        }
        while column < width {
            target[column] = scalarCombine(target[column], partial[column])
            column += 1
        }
    }

    let blocks = (reduced + reductionBlockLength - 1) / reductionBlockLength
    if inner == 1 && (outer > 1 || blocks == 1) {
        parallelChunks(count: outer, grain: max(1, reductionGrain / reduced)) { rows in
            for row in rows {
                let start = base + row * reduced
                let center = centers?[row] ?? 0
                var total = reduceBlock(start, min(reduced, reductionBlockLength), center)
                for block in 1..<blocks {
                    let first = block * reductionBlockLength
                    total = scalarCombine(total, reduceBlock(start + first, min(reductionBlockLength, reduced - first), center))
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
                partials[block] = reduceBlock(base + first, min(reductionBlockLength, reduced - first), center)
            }
        }
        var total = partials[0]
        for block in 1..<blocks { total = scalarCombine(total, partials[block]) }
        output[0] = total
        withExtendedLifetime(partialBuffer) {}
    } else {
        let zeros = centers == nil ? Tensor<Scalar>(repeating: 0, shape: [layout.resultCount]) : nil
        let centerBase = centers ?? UnsafePointer(zeros!.storage.base)
        let tiles = (inner + reductionTileWidth - 1) / reductionTileWidth
        let rowBlocks = (reduced + reductionRowsPerBlock - 1) / reductionRowsPerBlock
        if outer * tiles > 1 || rowBlocks == 1 {
            let work = reduced * min(inner, reductionTileWidth)
            parallelChunks(count: outer * tiles, grain: max(1, reductionGrain / work)) { tasks in
                withUnsafeTemporaryAllocation(of: Scalar.self, capacity: reductionTileWidth) { scratch in
                    for task in tasks {
                        let (slab, tile) = task.quotientAndRemainder(dividingBy: tiles)
                        let first = tile * reductionTileWidth, width = min(reductionTileWidth, inner - first)
                        let target = output + slab * inner + first
                        let centerRow = centerBase + slab * inner + first
                        reduceColumns(slab, 0, first, width, centerRow, target)
                        for block in 1..<rowBlocks {
                            reduceColumns(slab, block, first, width, centerRow, scratch.baseAddress!)
                            combine(target, scratch.baseAddress!, width)
                        }
                    }
                }
            }
        } else {
            // One tile of columns over many rows: blocks of rows in parallel, combined in order.
            let partials = Tensor<Scalar>(uninitializedShape: [rowBlocks, inner])
            let partialBase = partials.storage.base
            parallelChunks(count: rowBlocks, grain: max(1, reductionGrain / (reductionRowsPerBlock * inner))) { range in
                for block in range {
                    reduceColumns(0, block, 0, inner, centerBase, partialBase + block * inner)
                }
            }
            output.update(from: partialBase, count: inner)
            for block in 1..<rowBlocks { combine(output, partialBase + block * inner, inner) }
        }
        withExtendedLifetime(zeros) {}
    }
    return withExtendedLifetime((layout.source, center)) { result }
}

@inline(__always)
func loadLanes<Scalar: FloatingPointTensorElement>(_ pointer: UnsafePointer<Scalar>) -> SIMD8<Scalar> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Scalar>.self)
}

@inline(__always)
func loadLanes<Scalar: FloatingPointTensorElement>(_ pointer: UnsafeMutablePointer<Scalar>) -> SIMD8<Scalar> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Scalar>.self)
}

@inline(__always)
func storeLanes<Scalar: FloatingPointTensorElement>(_ value: SIMD8<Scalar>, _ pointer: UnsafeMutablePointer<Scalar>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Scalar>.self)
}
