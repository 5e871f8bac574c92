/// The raw kernels of the fused layer norm (`Variable+LayerNormalization.swift`): a contiguous
/// `[rows, D]` view of the input, each row normalized on its own.
///
/// Rows are split across threads at boundaries fixed by the shape. The parameter gradients sum
/// over rows: each block of `parameterBlockRows(D)` rows keeps partial sums, which are added in
/// block order at the end, so results do not depend on `ThreadBudget.count`.

/// Rows per block of work: about 16k elements, so small inputs stay on one thread.
private func rowsPerBlock(_ dimension: Int) -> Int { Swift.max(1, 16_384 / Swift.max(dimension, 1)) }

/// `y = (x − μ)/σ · γ + β` row by row, with each row's `μ` and `1/σ` (shape `[rows]`).
///
/// - Parameters:
///   - x: contiguous `[…, D]`, where `D` is the count of `weight` (or `bias`), or the last axis.
///   - weight, bias: contiguous `D` elements each, or `nil`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func layerNormalizationForward<Scalar: FloatingPointTensorElement>(
    _ x: Tensor<Scalar>, dimension: Int, weight: Tensor<Scalar>?, bias: Tensor<Scalar>?, epsilon: Scalar
) -> (output: Tensor<Scalar>, mean: Tensor<Scalar>, reciprocalDeviation: Tensor<Scalar>) {
    let rows = dimension == 0 ? 0 : x.count / dimension
    let output = Tensor<Scalar>(uninitializedShape: x.shape)
    let mean = Tensor<Scalar>(uninitializedShape: [rows])
    let reciprocalDeviation = Tensor<Scalar>(uninitializedShape: [rows])
    let x = x.contiguous()
    let gamma = (weight ?? Tensor(repeating: 1, shape: [dimension])).contiguous()
    let beta = (bias ?? Tensor(repeating: 0, shape: [dimension])).contiguous()
    guard rows > 0 else { return (output, mean, reciprocalDeviation) }
    let source = UnsafePointer(elements(x)), destination = elements(output)
    let weights = UnsafePointer(elements(gamma)), biases = UnsafePointer(elements(beta))
    let means = elements(mean), deviations = elements(reciprocalDeviation)
    parallelChunks(count: rows, grain: rowsPerBlock(dimension)) { range in
        for row in range {
            let start = row * dimension
            let rowMean = rowSum(source + start, count: dimension) / Scalar(dimension)
            let variance = sumOfSquaredDeviations(source + start, count: dimension, from: rowMean) / Scalar(dimension)
            let reciprocal = 1 / (variance + epsilon).squareRoot()
            means[row] = rowMean
            deviations[row] = reciprocal
            normalizeRow(source + start, into: destination + start, count: dimension,
                         mean: rowMean, reciprocalDeviation: reciprocal, weight: weights, bias: biases)
        }
    }
    return withExtendedLifetime((x, gamma, beta)) { (output, mean, reciprocalDeviation) }
}

/// The VJP of `layerNormalizationForward`: `dx` (the input's shape) and the flat `dγ`, `dβ` (`[D]`).
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func layerNormalizationBackward<Scalar: FloatingPointTensorElement>(
    _ gradient: Tensor<Scalar>, input x: Tensor<Scalar>, mean: Tensor<Scalar>, reciprocalDeviation: Tensor<Scalar>,
    weight: Tensor<Scalar>?
) -> (input: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>) {
    let rows = mean.count
    let dimension = rows == 0 ? 0 : x.count / rows
    let blockRows = rowsPerBlock(dimension)
    let blocks = (rows + blockRows - 1) / blockRows
    let inputGradient = Tensor<Scalar>(uninitializedShape: x.shape)
    let weightGradient = Tensor<Scalar>(repeating: 0, shape: [dimension])
    let biasGradient = Tensor<Scalar>(repeating: 0, shape: [dimension])
    guard rows > 0 else { return (inputGradient, weightGradient, biasGradient) }
    // Per block: Σ g · x̂ in the first D elements, Σ g in the next D.
    let partials = Tensor<Scalar>(uninitializedShape: [blocks, 2, dimension])
    let x = x.contiguous(), gradient = gradient.contiguous()
    let mean = mean.contiguous(), reciprocalDeviation = reciprocalDeviation.contiguous()
    let gamma = (weight ?? Tensor(repeating: 1, shape: [dimension])).contiguous()
    let source = UnsafePointer(elements(x)), incoming = UnsafePointer(elements(gradient))
    let weights = UnsafePointer(elements(gamma)), means = UnsafePointer(elements(mean))
    let deviations = UnsafePointer(elements(reciprocalDeviation))
    let destination = elements(inputGradient), partialBase = elements(partials)
    parallelChunks(count: blocks, grain: 1) { range in
        for block in range {
            let weightSums = partialBase + block * 2 * dimension
            let biasSums = weightSums + dimension
            weightSums.initialize(repeating: 0, count: 2 * dimension)
            for row in (block * blockRows)..<Swift.min(rows, (block + 1) * blockRows) {
                let start = row * dimension
                normalizationGradientRow(
                    incoming + start, source + start, into: destination + start, count: dimension,
                    mean: means[row], reciprocalDeviation: deviations[row], weight: weights,
                    weightSums: weightSums, biasSums: biasSums)
            }
        }
    }
    // The blocks' partial sums, added in block order.
    let weightSums = elements(weightGradient), biasSums = elements(biasGradient)
    for block in 0..<blocks {
        for index in 0..<dimension {
            weightSums[index] += partialBase[block * 2 * dimension + index]
            biasSums[index] += partialBase[(block * 2 + 1) * dimension + index]
        }
    }
    return withExtendedLifetime((x, gradient, mean, reciprocalDeviation, gamma, partials)) {
        (inputGradient, weightGradient, biasGradient)
    }
}

/// The first of a contiguous tensor's elements, to read or to fill in place; the caller keeps the
/// tensor alive while it uses the pointer.
@inline(__always)
private func elements<Scalar>(_ tensor: Tensor<Scalar>) -> UnsafeMutablePointer<Scalar> {
    tensor.storage.base + tensor.offset
}

// Row kernels: eight lanes at a time, then a scalar tail; lanes are combined in a fixed order.
//
// NOTE: these avoid `SIMD.sum()` and the Tensor module's `sumOfRow`: called from here, both ran
// as unspecialized generic code (a protocol witness per lane), which cost more than the rest
// of the layer norm together.

@inline(__always)
private func rowSum<Scalar: FloatingPointTensorElement>(_ row: UnsafePointer<Scalar>, count: Int) -> Scalar {
    var lanes = SIMD8<Scalar>()
    var index = 0
    while index + 8 <= count {
        lanes += load(row + index)
        index += 8
    }
    var total = laneSum(lanes)
    while index < count {
        total += row[index]
        index += 1
    }
    return total
}

@inline(__always)
private func load<Scalar: FloatingPointTensorElement>(_ pointer: UnsafePointer<Scalar>) -> SIMD8<Scalar> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Scalar>.self)
}

@inline(__always)
private func store<Scalar: FloatingPointTensorElement>(_ value: SIMD8<Scalar>, _ pointer: UnsafeMutablePointer<Scalar>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Scalar>.self)
}

/// `y = (x − μ) · (1/σ) · γ + β` over one row.
@inline(__always)
private func normalizeRow<Scalar: FloatingPointTensorElement>(
    _ row: UnsafePointer<Scalar>, into destination: UnsafeMutablePointer<Scalar>, count: Int,
    mean: Scalar, reciprocalDeviation: Scalar, weight: UnsafePointer<Scalar>, bias: UnsafePointer<Scalar>
) {
    let center = SIMD8<Scalar>(repeating: mean), scale = SIMD8<Scalar>(repeating: reciprocalDeviation)
    var index = 0
    while index + 8 <= count {
        store((load(row + index) - center) * scale * load(weight + index) + load(bias + index), destination + index)
        index += 8
    }
    while index < count {
        destination[index] = (row[index] - mean) * reciprocalDeviation * weight[index] + bias[index]
        index += 1
    }
}

/// One row of the VJP: `dx = (ĝ − mean(ĝ) − x̂ · mean(ĝ · x̂)) / σ` with `ĝ = g · γ`, and
/// `g · x̂`, `g` added to the block's sums.
@inline(__always)
private func normalizationGradientRow<Scalar: FloatingPointTensorElement>(
    _ gradient: UnsafePointer<Scalar>, _ row: UnsafePointer<Scalar>, into destination: UnsafeMutablePointer<Scalar>,
    count: Int, mean: Scalar, reciprocalDeviation: Scalar, weight: UnsafePointer<Scalar>,
    weightSums: UnsafeMutablePointer<Scalar>, biasSums: UnsafeMutablePointer<Scalar>
) {
    let center = SIMD8<Scalar>(repeating: mean), scale = SIMD8<Scalar>(repeating: reciprocalDeviation)
    // Σ ĝ and Σ ĝ · x̂, with the per-parameter sums on the way.
    var scaledLanes = SIMD8<Scalar>(), productLanes = SIMD8<Scalar>()
    var index = 0
    while index + 8 <= count {
        let g = load(gradient + index)
        let normalized = (load(row + index) - center) * scale
        let scaled = g * load(weight + index)
        scaledLanes += scaled
        productLanes += scaled * normalized
        store(load(weightSums + index) + g * normalized, weightSums + index)
        store(load(biasSums + index) + g, biasSums + index)
        index += 8
    }
    var scaledSum = laneSum(scaledLanes), productSum = laneSum(productLanes)
    while index < count {
        let normalized = (row[index] - mean) * reciprocalDeviation
        let scaled = gradient[index] * weight[index]
        scaledSum += scaled
        productSum += scaled * normalized
        weightSums[index] += gradient[index] * normalized
        biasSums[index] += gradient[index]
        index += 1
    }
    // dx = (1/σ) · ĝ − (1/σ) · mean(ĝ) − x̂ · (1/σ) · mean(ĝ · x̂)
    let scaledMean = SIMD8<Scalar>(repeating: scaledSum / Scalar(count))
    let productMean = SIMD8<Scalar>(repeating: productSum / Scalar(count))
    index = 0
    while index + 8 <= count {
        let normalized = (load(row + index) - center) * scale
        let scaled = load(gradient + index) * load(weight + index)
        store(scale * (scaled - scaledMean - normalized * productMean), destination + index)
        index += 8
    }
    while index < count {
        let normalized = (row[index] - mean) * reciprocalDeviation
        let scaled = gradient[index] * weight[index]
        destination[index] = reciprocalDeviation * (scaled - scaledMean[0] - normalized * productMean[0])
        index += 1
    }
}
