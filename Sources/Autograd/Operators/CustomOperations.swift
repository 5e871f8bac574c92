/// The reference custom ops, each declared by its forward value and its VJP through
/// `differentiableOperation` — the same public API users write their own ops with.

/// The gradient reversal layer of DANN (Ganin et al., 2016, https://arxiv.org/abs/1505.07818):
/// the identity forward, `−scale · g` backward. Features pass unchanged to the domain classifier,
/// while the feature extractor receives the *reversed* domain gradient and so learns features
/// the domain classifier cannot separate.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func gradientReversal<Scalar>(_ input: Variable<Scalar>, scale: Scalar) -> Variable<Scalar> {
    differentiableOperation("gradientReversal", input: input, value: input.value) { gradient in
        InputGradients(gradient * -scale)
    }
}

/// A straight-through estimator (Bengio et al., 2013, https://arxiv.org/abs/1308.3432): the
/// forward applies a non-differentiable `function` (rounding, binarization, quantization), the
/// backward passes the gradient through unchanged, as if the function were the identity.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func straightThrough<Scalar>(
    _ input: Variable<Scalar>, _ function: (Tensor<Scalar>) -> Tensor<Scalar>
) -> Variable<Scalar> {
    let value = function(input.value)
    precondition(value.shape == input.shape,
                 "straightThrough: the function changed the shape \(input.shape) to \(value.shape)")
    return differentiableOperation("straightThrough", input: input, value: value) { gradient in
        InputGradients(gradient)
    }
}
