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
/// thread, so results do not depend on the thread count. Along the last axis (`inner == 1`)
/// each row is read three times, but a row of a few thousand elements stays in cache, so memory
/// sees one read and one write per element.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func softmaxLoops<Scalar: FloatingPointTensorElement>(
    _ source: UnsafePointer<Scalar>, _ destination: UnsafeMutablePointer<Scalar>,
    outer: Int, length: Int, inner: Int, logarithmic: Bool
) {
    // NaN need not win here: a NaN logit makes its whole slice NaN through the sum anyway.
    @inline(__always) func maximum(_ a: SIMD8<Scalar>, _ b: SIMD8<Scalar>) -> SIMD8<Scalar> { pointwiseMax(a, b) }
    @inline(__always) func maximum(_ a: Scalar, _ b: Scalar) -> Scalar { Swift.max(a, b) }

    if inner == 1 {
        parallelChunks(count: outer, grain: Swift.max(1, reductionGrain / Swift.max(length, 1))) { rows in
            for row in rows {
                let input = source + row * length, output = destination + row * length
                var largest = SIMD8<Scalar>(repeating: -.infinity), index = 0
                while index + 8 <= length { largest = maximum(largest, loadLanes(input + index)); index += 8 }
                var m = largest[0]
                for lane in 1..<8 { m = maximum(m, largest[lane]) }
                while index < length { m = maximum(m, input[index]); index += 1 }
                let shift = SIMD8<Scalar>(repeating: m)
                var sums = SIMD8<Scalar>(repeating: 0)
                index = 0
                while index + 8 <= length {
                    let exponential = vectorExponential(loadLanes(input + index) - shift)
                    if !logarithmic { storeLanes(exponential, output + index) }
                    sums += exponential
                    index += 8
                }
                var sum = sums.sum()
                while index < length {
                    let exponential = Scalar.exp(input[index] - m)
                    if !logarithmic { output[index] = exponential }
                    sum += exponential
                    index += 1
                }
                if logarithmic {
                    let logSum = Scalar.log(sum)
                    index = 0
                    while index + 8 <= length {
                        storeLanes(loadLanes(input + index) - shift - logSum, output + index)
                        index += 8
                    }
                    while index < length { output[index] = input[index] - m - logSum; index += 1 }
                } else {
                    let scale = 1 / sum
                    index = 0
                    while index + 8 <= length { storeLanes(loadLanes(output + index) * scale, output + index); index += 8 }
                    while index < length { output[index] *= scale; index += 1 }
                }
            }
        }
        return
    }

    // An outer axis: SIMD across the columns, one tile of columns at a time.
    let tiles = (inner + reductionTileWidth - 1) / reductionTileWidth
    parallelChunks(count: outer * tiles, grain: Swift.max(1, reductionGrain / (length * Swift.min(inner, reductionTileWidth)))) { tasks in
        withUnsafeTemporaryAllocation(of: Scalar.self, capacity: 2 * reductionTileWidth) { scratch in
            let largest = scratch.baseAddress!, sums = largest + reductionTileWidth
            for task in tasks {
                let (slab, tile) = task.quotientAndRemainder(dividingBy: tiles)
                let first = tile * reductionTileWidth, width = Swift.min(reductionTileWidth, inner - first)
                let input = source + slab * length * inner + first
                let output = destination + slab * length * inner + first
                largest.initialize(repeating: -.infinity, count: width)
                sums.initialize(repeating: 0, count: width)
                for row in 0..<length {
                    let line = input + row * inner
                    for column in 0..<width { largest[column] = maximum(largest[column], line[column]) }
                }
                for row in 0..<length {
                    let line = input + row * inner, target = output + row * inner
                    var column = 0
                    while column + 8 <= width {
                        let exponential = vectorExponential(loadLanes(line + column) - loadLanes(largest + column))
                        if !logarithmic { storeLanes(exponential, target + column) }
                        storeLanes(loadLanes(sums + column) + exponential, sums + column)
                        column += 8
                    }
                    while column < width {
                        let exponential = Scalar.exp(line[column] - largest[column])
                        if !logarithmic { target[column] = exponential }
                        sums[column] += exponential
                        column += 1
                    }
                }
                for column in 0..<width { sums[column] = logarithmic ? Scalar.log(sums[column]) : 1 / sums[column] }
                for row in 0..<length {
                    let line = input + row * inner, target = output + row * inner
                    for column in 0..<width {
                        target[column] = logarithmic ? line[column] - largest[column] - sums[column]
                                                     : target[column] * sums[column]
                    }
                }
            }
        }
    }
}
