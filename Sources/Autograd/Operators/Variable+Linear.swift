/// A fully connected layer as one recorded op: `x · wᵀ + b`.

/// `x · wᵀ + b` over the last axis of `x`, `[…, in] · [out, in]ᵀ + [out] → […, out]`; VJP
/// `(g · w, gᵀ · x over all rows, g summed over all rows)`.
///
/// The same values as `matmul(x, w.transposed()) + b`, in one op: the forward pass writes the
/// bias and lets the GEMM add the product onto it, and the tape keeps one node instead of two.
/// The weight's gradient is one product over all rows of a `[B, N, in]` input; the bias's is left
/// to the sweep, which sums a gradient over the axes its input was broadcast along.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func linear<Scalar>(
    _ input: Variable<Scalar>, weight: Variable<Scalar>, bias: Variable<Scalar>? = nil
) -> Variable<Scalar> {
    let value = linear(input.value, weight: weight.value, bias: bias?.value)
    let inputs = bias.map { [input, weight, $0] } ?? [input, weight]
    let (outputs, inner) = (weight.shape[0], weight.shape[1])
    let rows = input.shape.dropLast().reduce(1, *)
    return differentiableOperation("linear", inputs: inputs, value: value,
                                   savedBytes: savedBytes(input, weight), flops: 2 * value.count * inner) { gradient in
        var gradients: [Variable<Scalar>?] = [
            input.requiresGradient ? matmul(gradient, weight) : nil,                        // […, out] · [out, in]
            weight.requiresGradient
                ? matmul(gradient.reshaped(to: [rows, outputs]).transposed(), input.reshaped(to: [rows, inner]))  // [out, in]
                : nil,
        ]
        if let bias { gradients.append(bias.requiresGradient ? gradient : nil) }
        return InputGradients(gradients)
    }
}
