/// The VJPs of `relu`, `tanh` and `sigmoid` from their outputs, each in one pass over the
/// gradient: what the tape uses outside `backward(createGraph: true)`, in place of two or three
/// separate products (each with its own result tensor and dispatch). Each computes the same
/// roundings, in the same order, as the composed products, so the values are identical.

/// The gradient of `relu` from its output: `g · [y > 0]` (`[y > 0]` is `[x > 0]` for
/// `y = relu(x)`, NaN included).
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
package func reluGradient<Scalar: FloatingPointTensorElement>(
    _ gradient: Tensor<Scalar>, output: Tensor<Scalar>
) -> Tensor<Scalar> {
    // A plain loop the compiler vectorizes (compare, select, multiply).
    activationGradient(gradient, output: output, op: "reluGradient") { g, y in g * (y > 0 ? 1 : 0) }
}

/// The gradient of `tanh` from its output: `g · (1 − y·y)`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
package func tanhGradient<Scalar: FloatingPointTensorElement>(
    _ gradient: Tensor<Scalar>, output: Tensor<Scalar>
) -> Tensor<Scalar> {
    activationGradient(gradient, output: output, op: "tanhGradient") { g, y in g * (1 - y * y) }
}

/// The gradient of `sigmoid` from its output: `g · y · (1 − y)`, multiplied left to right.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
package func sigmoidGradient<Scalar: FloatingPointTensorElement>(
    _ gradient: Tensor<Scalar>, output: Tensor<Scalar>
) -> Tensor<Scalar> {
    activationGradient(gradient, output: output, op: "sigmoidGradient") { g, y in g * y * (1 - y) }
}

/// `formula(g, y)` for each element of two tensors of one shape, into a new contiguous tensor.
@inline(__always)
private func activationGradient<Scalar: FloatingPointTensorElement>(
    _ gradient: Tensor<Scalar>, output: Tensor<Scalar>, op: StaticString,
    _ formula: (Scalar, Scalar) -> Scalar
) -> Tensor<Scalar> {
    precondition(gradient.shape == output.shape,
                 "\(op): gradient \(gradient.shape) and output \(output.shape) differ")
    let gradient = gradient.contiguous(), output = output.contiguous()
    let result = Tensor<Scalar>(uninitializedLike: output)
    let incoming = UnsafePointer(gradient.storage.base + gradient.offset)
    let values = UnsafePointer(output.storage.base + output.offset)
    let destination = result.storage.base
    parallelChunks(count: result.count, grain: elementwiseGrain) { range in
        for index in range { destination[index] = formula(incoming[index], values[index]) }
    }
    return withExtendedLifetime((gradient, output)) { result }
}
