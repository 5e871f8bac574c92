/// Layer normalization as one fused op: per-row statistics, the normalized output with its
/// affine transform, and the closed-form VJP for the input, `γ` and `β`.
///
/// NOTE: fused for speed and memory. Composed from mean, subtract, square, mean, rsqrt, multiply
/// and the affine ops, it recorded nine nodes and kept as many `[…, D]` temporaries alive for
/// the backward pass; a transformer runs it twice per block. This makes two passes over a row
/// forward and two backward (a row of a few hundred elements stays in cache), and keeps only
/// the input and two numbers per row.

/// Layer-normalizes `input` over its trailing `normalizedShape` axes, like PyTorch's
/// `F.layer_norm`.
///
/// `y = (x − μ) / √(σ² + ε) · γ + β`, with the mean `μ` and the *biased* variance `σ²` of each
/// row (the trailing `D = normalizedShape.reduce(1, *)` elements). VJP, with `x̂ = (x − μ)/σ`,
/// `σ = √(σ² + ε)` and `ĝ = g · γ`:
/// `dx = (ĝ − mean(ĝ) − x̂ · mean(ĝ · x̂)) / σ`, `dγ = Σ_rows g · x̂`, `dβ = Σ_rows g`.
///
/// - Parameters:
///   - input: `[…, normalizedShape]`.
///   - normalizedShape: the trailing axes normalized together, e.g. `[D]` for tokens `[B, N, D]`.
///   - weight: `γ`, of `normalizedShape`, or `nil` for 1.
///   - bias: `β`, of `normalizedShape`, or `nil` for 0.
///   - epsilon: `ε`, added to the variance.
/// - Returns: the input's shape.
/// - Precondition: `input` ends in `normalizedShape`; `weight` and `bias` have that shape.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func layerNormalized<Scalar: FloatingPointTensorElement>(
    _ input: Variable<Scalar>, normalizedShape: [Int], weight: Variable<Scalar>?, bias: Variable<Scalar>?, epsilon: Scalar
) -> Variable<Scalar> {
    let count = normalizedShape.count
    precondition(!normalizedShape.isEmpty && input.rank >= count && Array(input.shape.suffix(count)) == normalizedShape,
                 "layerNorm: input \(input.shape) does not end in the normalized shape \(normalizedShape)")
    precondition(weight.map { $0.shape == normalizedShape } ?? true && bias.map { $0.shape == normalizedShape } ?? true,
                 "layerNorm: input \(input.shape): weight \(weight?.shape ?? []) or bias \(bias?.shape ?? []) is not \(normalizedShape)")
    let x = input.value.contiguous()
    let gamma = weight?.value.contiguous(), beta = bias?.value.contiguous()
    let (output, mean, reciprocalDeviation) = layerNormalizationForward(x, dimension: normalizedShape.reduce(1, *), weight: gamma,
                                                                                bias: beta, epsilon: epsilon)
    var inputs = [input]
    if let weight { inputs.append(weight) }
    if let bias { inputs.append(bias) }
    return differentiableOperation("layerNorm", inputs: inputs, value: output,
                                   savedBytes: (x.count + 2 * mean.count) * MemoryLayout<Scalar>.stride) { gradient in
        // Under `backward(createGraph: true)` the VJP is composed from recorded ops, so that
        // double backward through layer norm stays correct; otherwise one fused kernel.
        let gradients = GradientMode.isEnabled
            ? composedLayerNormalizationGradients(gradient, input: input, normalizedShape: normalizedShape,
                                                  weight: weight, epsilon: epsilon)
            : fusedLayerNormalizationGradients(gradient.value, input: x, mean: mean,
                                               reciprocalDeviation: reciprocalDeviation, weight: gamma)
        var result: [Variable<Scalar>?] = [gradients.input]
        if let weight { result.append(gradients.weight.reshaped(to: weight.shape)) }
        if let bias { result.append(gradients.bias.reshaped(to: bias.shape)) }
        return InputGradients(result)
    }
}

/// The VJP from recorded ops (for second derivatives): the same closed form as the fused kernel.
private func composedLayerNormalizationGradients<Scalar: FloatingPointTensorElement>(
    _ gradient: Variable<Scalar>, input: Variable<Scalar>, normalizedShape: [Int], weight: Variable<Scalar>?, epsilon: Scalar
) -> (input: Variable<Scalar>, weight: Variable<Scalar>, bias: Variable<Scalar>) {
    let axes = Array((input.rank - normalizedShape.count)..<input.rank)
    let leadingAxes = Array(0..<(input.rank - normalizedShape.count))
    let centered = input - input.mean(alongAxes: axes, keepingDimensions: true)
    let reciprocalDeviation = ((centered * centered).mean(alongAxes: axes, keepingDimensions: true) + epsilon).rsqrt()
    let normalized = centered * reciprocalDeviation                                   // x̂
    let scaled = weight.map { gradient * $0 } ?? gradient                              // ĝ = γ · g
    let inputGradient = reciprocalDeviation * (scaled - scaled.mean(alongAxes: axes, keepingDimensions: true)
        - normalized * (scaled * normalized).mean(alongAxes: axes, keepingDimensions: true))
    let weightGradient = gradient * normalized
    if leadingAxes.isEmpty { return (inputGradient, weightGradient, gradient) }
    return (inputGradient, weightGradient.sum(alongAxes: leadingAxes), gradient.sum(alongAxes: leadingAxes))
}

/// The fused VJP on raw tensors, wrapped as constants; `dγ` and `dβ` come back flat, `[D]`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
private func fusedLayerNormalizationGradients<Scalar: FloatingPointTensorElement>(
    _ gradient: Tensor<Scalar>, input x: Tensor<Scalar>, mean: Tensor<Scalar>, reciprocalDeviation: Tensor<Scalar>,
    weight gamma: Tensor<Scalar>?
) -> (input: Variable<Scalar>, weight: Variable<Scalar>, bias: Variable<Scalar>) {
    let gradients = layerNormalizationBackward(gradient.contiguous(), input: x, mean: mean,
                                               reciprocalDeviation: reciprocalDeviation, weight: gamma)
    return (Variable(gradients.input), Variable(gradients.weight), Variable(gradients.bias))
}
