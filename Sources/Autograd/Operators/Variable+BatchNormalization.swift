/// Training-mode batch normalization as one fused op: per-channel batch statistics, the
/// normalized output with its affine transform, and the closed-form VJP.
///
/// The composed version (mean, subtract, multiply, rsqrt, then the affine ops) recorded nine
/// nodes and made as many passes over an `[N, C, H, W]` activation, forward and backward; this
/// makes three passes forward and two backward, each channel's reductions in one thread, in an
/// order fixed by the shape (so results do not depend on `ThreadBudget.count`).

/// Batch-normalizes `input` (channels on axis 1) with its own batch statistics.
///
/// `y = (x − μ_B) / √(σ²_B + ε) · γ + β`, with `μ_B` and the *biased* `σ²_B` taken per channel
/// over every axis but 1. VJP, with `x̂ = (x − μ_B)/σ` and `σ = √(σ²_B + ε)`:
/// `dx = γ/σ · (g − mean(g) − x̂ · mean(g · x̂))`, `dγ = Σ g · x̂`, `dβ = Σ g`.
///
/// - Parameters:
///   - input: `[N, C, …]`, at least two values per channel.
///   - weight: `γ`, `[C]`, or `nil` for 1.
///   - bias: `β`, `[C]`, or `nil` for 0.
///   - epsilon: `ε`, added to the variance.
/// - Returns: the output (the input's shape), and the batch mean and biased variance, `[C]` each,
///   for the running statistics.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func batchNormalizedWithBatchStatistics<Scalar: FloatingPointTensorElement>(
    _ input: Variable<Scalar>, weight: Variable<Scalar>?, bias: Variable<Scalar>?, epsilon: Scalar
) -> (output: Variable<Scalar>, mean: Tensor<Scalar>, variance: Tensor<Scalar>) {
    let channels = input.shape[1]
    precondition(weight.map { $0.shape == [channels] } ?? true && bias.map { $0.shape == [channels] } ?? true,
                 "batchNorm: input \(input.shape): weight \(weight?.shape ?? []) or bias \(bias?.shape ?? []) is not [\(channels)]")
    let layout = ChannelLayout(shape: input.shape)
    let x = input.value.contiguous()
    let gamma = weight?.value.contiguous()
    let gammas = gamma?.scalars, betas = bias?.value.scalars
    var mean = Tensor<Scalar>(uninitializedShape: [channels])
    var variance = Tensor<Scalar>(uninitializedShape: [channels])
    var output = Tensor<Scalar>(uninitializedShape: input.shape)
    x.withUnsafeBufferPointer { source in
        output.withUnsafeMutableBufferPointer { destination in
            mean.withUnsafeMutableBufferPointer { means in
                variance.withUnsafeMutableBufferPointer { variances in
                    let source = source.baseAddress!, destination = destination.baseAddress!
                    let means = means.baseAddress!, variances = variances.baseAddress!
                    layout.forEachChannel { channel in
                        var total = Scalar.zero
                        layout.forEachRow(of: channel) { start in total += sumOfRow(source + start, count: layout.inner) }
                        let channelMean = total / Scalar(layout.perChannel)
                        var squares = Scalar.zero
                        layout.forEachRow(of: channel) { start in
                            squares += sumOfSquaredDeviations(source + start, count: layout.inner, from: channelMean)
                        }
                        let channelVariance = squares / Scalar(layout.perChannel)
                        means[channel] = channelMean
                        variances[channel] = channelVariance
                        // y = x · scale + shift, with scale = γ/σ and shift = β − μ · scale.
                        let scale = (gammas?[channel] ?? 1) / (channelVariance + epsilon).squareRoot()
                        let shift = (betas?[channel] ?? 0) - channelMean * scale
                        layout.forEachRow(of: channel) { start in
                            scaleAndShiftRow(source + start, into: destination + start, count: layout.inner,
                                             scale: scale, shift: shift)
                        }
                    }
                }
            }
        }
    }
    var inputs = [input]
    if let weight { inputs.append(weight) }
    if let bias { inputs.append(bias) }
    let batchMean = mean, batchVariance = variance
    let result = differentiableOperation("batchNorm", inputs: inputs, value: output,
                                         savedBytes: x.count * MemoryLayout<Scalar>.stride) { gradient in
        // Under `backward(createGraph: true)` the VJP is composed from recorded ops, so that
        // double backward through batch norm stays correct; otherwise one fused kernel.
        let gradients = GradientMode.isEnabled
            ? composedBatchNormalizationGradients(gradient, input: input, weight: weight, epsilon: epsilon)
            : fusedBatchNormalizationGradients(gradient.value, input: x, mean: batchMean, variance: batchVariance,
                                               weight: gamma, epsilon: epsilon)
        var result: [Variable<Scalar>?] = [gradients.input]
        if weight != nil { result.append(gradients.weight) }
        if bias != nil { result.append(gradients.bias) }
        return InputGradients(result)
    }
    return (result, mean, variance)
}

/// The VJP from recorded ops (for second derivatives): the same closed form as the fused kernel.
private func composedBatchNormalizationGradients<Scalar: FloatingPointTensorElement>(
    _ gradient: Variable<Scalar>, input: Variable<Scalar>, weight: Variable<Scalar>?, epsilon: Scalar
) -> (input: Variable<Scalar>, weight: Variable<Scalar>, bias: Variable<Scalar>) {
    let channels = input.shape[1]
    let axes = [0] + Array(2..<input.rank)
    var channelShape = [Int](repeating: 1, count: input.rank)                          // [1, C, 1, …]
    channelShape[1] = channels
    let centered = input - input.mean(alongAxes: axes, keepingDimensions: true)
    let reciprocalDeviation = ((centered * centered).mean(alongAxes: axes, keepingDimensions: true) + epsilon).rsqrt()
    let normalized = centered * reciprocalDeviation                                   // x̂
    let scaled = weight.map { gradient * $0.reshaped(to: channelShape) } ?? gradient  // γ · g
    let inputGradient = reciprocalDeviation * (scaled - scaled.mean(alongAxes: axes, keepingDimensions: true)
        - normalized * (scaled * normalized).mean(alongAxes: axes, keepingDimensions: true))
    return (inputGradient, (gradient * normalized).sum(alongAxes: axes), gradient.sum(alongAxes: axes))
}

/// The fused VJP on raw tensors: one pass for `Σ g` and `Σ g · x̂` per channel, one for `dx`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
private func fusedBatchNormalizationGradients<Scalar: FloatingPointTensorElement>(
    _ gradient: Tensor<Scalar>, input x: Tensor<Scalar>, mean: Tensor<Scalar>, variance: Tensor<Scalar>,
    weight gamma: Tensor<Scalar>?, epsilon: Scalar
) -> (input: Variable<Scalar>, weight: Variable<Scalar>, bias: Variable<Scalar>) {
    let layout = ChannelLayout(shape: x.shape)
    let g = gradient.contiguous()
    let channels = layout.channels
    var inputGradient = Tensor<Scalar>(uninitializedShape: x.shape)
    var weightGradient = Tensor<Scalar>(uninitializedShape: [channels])
    var biasGradient = Tensor<Scalar>(uninitializedShape: [channels])
    let means = mean.scalars, variances = variance.scalars, gammas = gamma?.scalars
    x.withUnsafeBufferPointer { source in
        g.withUnsafeBufferPointer { incoming in
            inputGradient.withUnsafeMutableBufferPointer { destination in
                weightGradient.withUnsafeMutableBufferPointer { weightSums in
                    biasGradient.withUnsafeMutableBufferPointer { biasSums in
                        let source = source.baseAddress!, incoming = incoming.baseAddress!
                        let destination = destination.baseAddress!
                        let weightSums = weightSums.baseAddress!, biasSums = biasSums.baseAddress!
                        layout.forEachChannel { channel in
                            let channelMean = means[channel]
                            let reciprocalDeviation = 1 / (variances[channel] + epsilon).squareRoot()
                            var gradientSum = Scalar.zero, centeredProductSum = Scalar.zero
                            layout.forEachRow(of: channel) { start in
                                let sums = sumsOfGradientAndCenteredProduct(incoming + start, source + start,
                                                                             count: layout.inner, mean: channelMean)
                                gradientSum += sums.gradient
                                centeredProductSum += sums.product
                            }
                            let productSum = centeredProductSum * reciprocalDeviation  // Σ g · x̂
                            weightSums[channel] = productSum
                            biasSums[channel] = gradientSum
                            // dx = k·(g − mean(g) − x̂·mean(g·x̂)) with k = γ/σ, as a·g + b·x + c.
                            let count = Scalar(layout.perChannel)
                            let k = (gammas?[channel] ?? 1) * reciprocalDeviation
                            let b = -k * reciprocalDeviation * (productSum / count)
                            let c = -k * (gradientSum / count) - b * channelMean
                            layout.forEachRow(of: channel) { start in
                                linearCombinationRow(incoming + start, source + start, into: destination + start,
                                                     count: layout.inner, a: k, b: b, c: c)
                            }
                        }
                    }
                }
            }
        }
    }
    return (Variable(inputGradient), Variable(weightGradient), Variable(biasGradient))
}

/// `[N, C, …]` seen as `N` blocks of `C` contiguous rows of `inner` elements.
private struct ChannelLayout {
    let outer: Int, channels: Int, inner: Int

    init(shape: [Int]) {
        precondition(shape.count >= 2, "batchNorm: input \(shape) has no channel axis")
        outer = shape[0]
        channels = shape[1]
        inner = shape.dropFirst(2).reduce(1, *)
    }

    var perChannel: Int { outer * inner }

    /// Runs `body` for every channel, channels split across threads (each channel in one thread).
    func forEachChannel(_ body: (Int) -> Void) {
        // About 32k elements per thread at least, so small inputs stay on one thread.
        parallelChunks(count: channels, grain: Swift.max(1, 32_768 / Swift.max(perChannel, 1))) { range in
            for channel in range { body(channel) }
        }
    }

    /// Runs `body` with the flat offset of each of `channel`'s rows, in order.
    @inline(__always)
    func forEachRow(of channel: Int, _ body: (Int) -> Void) {
        for block in 0..<outer { body((block * channels + channel) * inner) }
    }
}

// Row kernels: eight lanes at a time, then a scalar tail; lanes are combined in a fixed order
// (`laneSum`, RowKernels.swift).


@inline(__always)
private func scaleAndShiftRow<Scalar: FloatingPointTensorElement>(
    _ row: UnsafePointer<Scalar>, into destination: UnsafeMutablePointer<Scalar>, count: Int,
    scale: Scalar, shift: Scalar
) {
    let scales = SIMD8<Scalar>(repeating: scale), shifts = SIMD8<Scalar>(repeating: shift)
    var index = 0
    while index + 8 <= count {
        let value = UnsafeRawPointer(row + index).loadUnaligned(as: SIMD8<Scalar>.self) * scales + shifts
        UnsafeMutableRawPointer(destination + index).storeBytes(of: value, as: SIMD8<Scalar>.self)
        index += 8
    }
    while index < count {
        destination[index] = row[index] * scale + shift
        index += 1
    }
}

@inline(__always)
private func sumsOfGradientAndCenteredProduct<Scalar: FloatingPointTensorElement>(
    _ gradient: UnsafePointer<Scalar>, _ row: UnsafePointer<Scalar>, count: Int, mean: Scalar
) -> (gradient: Scalar, product: Scalar) {
    var gradientLanes = SIMD8<Scalar>(), productLanes = SIMD8<Scalar>()
    let center = SIMD8<Scalar>(repeating: mean)
    var index = 0
    while index + 8 <= count {
        let g = UnsafeRawPointer(gradient + index).loadUnaligned(as: SIMD8<Scalar>.self)
        let centered = UnsafeRawPointer(row + index).loadUnaligned(as: SIMD8<Scalar>.self) - center
        gradientLanes += g
        productLanes += g * centered
        index += 8
    }
    var gradientTotal = laneSum(gradientLanes), productTotal = laneSum(productLanes)
    while index < count {
        gradientTotal += gradient[index]
        productTotal += gradient[index] * (row[index] - mean)
        index += 1
    }
    return (gradientTotal, productTotal)
}

@inline(__always)
private func linearCombinationRow<Scalar: FloatingPointTensorElement>(
    _ gradient: UnsafePointer<Scalar>, _ row: UnsafePointer<Scalar>, into destination: UnsafeMutablePointer<Scalar>,
    count: Int, a: Scalar, b: Scalar, c: Scalar
) {
    let aLanes = SIMD8<Scalar>(repeating: a), bLanes = SIMD8<Scalar>(repeating: b), cLanes = SIMD8<Scalar>(repeating: c)
    var index = 0
    while index + 8 <= count {
        let g = UnsafeRawPointer(gradient + index).loadUnaligned(as: SIMD8<Scalar>.self)
        let x = UnsafeRawPointer(row + index).loadUnaligned(as: SIMD8<Scalar>.self)
        UnsafeMutableRawPointer(destination + index).storeBytes(of: aLanes * g + bLanes * x + cLanes, as: SIMD8<Scalar>.self)
        index += 8
    }
    while index < count {
        destination[index] = a * gradient[index] + b * row[index] + c
        index += 1
    }
}
