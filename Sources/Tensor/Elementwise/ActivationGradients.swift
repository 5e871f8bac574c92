/// The VJPs of `relu`, `tanh` and `sigmoid` from their outputs, each in one pass over the
/// gradient: what the tape uses outside `backward(createGraph: true)`, in place of two or three
/// separate products (each with its own result tensor and dispatch). Each computes the same
/// roundings, in the same order, as the composed products, so the values are identical.

// NOTE: each is specialized twice. The exported specializations let the tape's VJPs in Autograd
// call the Float and Double versions directly: through the generic entry, each call first built
// SIMD8<Scalar>'s metadata (about 330 instructions, on 16-element tensors more than the
// arithmetic). The plain ones keep the generic entry's dispatch to them, which an exported
// specialization alone does not give.

/// The gradient of `relu` from its output: `g · [y > 0]` (`[y > 0]` is `[x > 0]` for
/// `y = relu(x)`, NaN included).
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
@_specialize(exported: true, where Scalar == Float)
@_specialize(exported: true, where Scalar == Double)
package func reluGradient<Scalar: FloatingPointTensorElement>(
    _ gradient: Tensor<Scalar>, output: Tensor<Scalar>
) -> Tensor<Scalar> {
    activationGradient(gradient, output: output, op: "reluGradient",
                       vector: { g, y in g * lanePositive(y) },
                       scalar: { g, y in g * (y > 0 ? 1 : 0) })
}

/// The gradient of `tanh` from its output: `g · (1 − y·y)`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
@_specialize(exported: true, where Scalar == Float)
@_specialize(exported: true, where Scalar == Double)
package func tanhGradient<Scalar: FloatingPointTensorElement>(
    _ gradient: Tensor<Scalar>, output: Tensor<Scalar>
) -> Tensor<Scalar> {
    activationGradient(gradient, output: output, op: "tanhGradient",
                       vector: { g, y in g * (1 - y * y) }, scalar: { g, y in g * (1 - y * y) })
}

/// The gradient of `sigmoid` from its output: `g · y · (1 − y)`, multiplied left to right.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
@_specialize(exported: true, where Scalar == Float)
@_specialize(exported: true, where Scalar == Double)
package func sigmoidGradient<Scalar: FloatingPointTensorElement>(
    _ gradient: Tensor<Scalar>, output: Tensor<Scalar>
) -> Tensor<Scalar> {
    activationGradient(gradient, output: output, op: "sigmoidGradient",
                       vector: { g, y in g * y * (1 - y) }, scalar: { g, y in g * y * (1 - y) })
}

/// `g ⊙ y` by the binary elementwise loops (strided operands are read in place, not copied),
/// for a gradient and an output of one shape.
@inline(__always)
private func activationGradient<Scalar: FloatingPointTensorElement>(
    _ gradient: Tensor<Scalar>, output: Tensor<Scalar>, op: StaticString,
    vector: (SIMD8<Scalar>, SIMD8<Scalar>) -> SIMD8<Scalar>, scalar: (Scalar, Scalar) -> Scalar
) -> Tensor<Scalar> {
    precondition(gradient.shape == output.shape,
                 "\(op): gradient \(gradient.shape) and output \(output.shape) differ")
    return applying(gradient, output, op: op) { mapRow($0, $1, $2, $3, $4, $5, vector: vector, scalar: scalar) }
}
