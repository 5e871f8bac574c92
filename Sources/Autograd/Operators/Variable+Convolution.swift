/// 2-D convolution in NCHW and its two backward kernels, each a differentiable op: the three
/// are adjoints of one another, so second derivatives (gradient penalties) come for free.
///
/// With `y = conv(x, w)`, `I(g, w) = ∂⟨conv(x, w), g⟩/∂x` and `W(g, x) = ∂⟨conv(x, w), g⟩/∂w`:
/// `conv`'s VJP is `(I(g, w), W(g, x))`; `I`'s is `(conv(u, w), W(g, u))`; `W`'s is
/// `(conv(x, v), I(g, v))`.

/// The stride, padding, dilation and groups of one convolution.
public struct ConvolutionSettings: Sendable {
    /// The step between windows along height and width.
    public var stride: Spatial2d = 1
    /// Zeros added on both sides of height and width.
    public var padding: Spatial2d = 0
    /// The spacing between kernel taps.
    public var dilation: Spatial2d = 1
    /// The number of channel groups convolved separately.
    public var groups = 1

    /// Settings of a convolution; the defaults are PyTorch's.
    public init(stride: Spatial2d = 1, padding: Spatial2d = 0, dilation: Spatial2d = 1, groups: Int = 1) {
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
    }
}

/// `conv2d(x: [N, C, H, W], w: [O, C/groups, kH, kW]) + bias[O]` → `[N, O, Hout, Wout]`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func conv2d<Scalar>(
    _ input: Variable<Scalar>, weight: Variable<Scalar>, bias: Variable<Scalar>? = nil,
    stride: Spatial2d = 1, padding: Spatial2d = 0, dilation: Spatial2d = 1, groups: Int = 1
) -> Variable<Scalar> {
    let settings = ConvolutionSettings(stride: stride, padding: padding, dilation: dilation, groups: groups)
    let output = convolution(input, weight, settings)
    guard let bias else { return output }
    return output + bias.reshaped(to: [1, bias.count, 1, 1])
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func convolution<Scalar>(_ input: Variable<Scalar>, _ weight: Variable<Scalar>, _ s: ConvolutionSettings) -> Variable<Scalar> {
    let value = conv2d(input.value, weight: weight.value, stride: s.stride, padding: s.padding, dilation: s.dilation, groups: s.groups)
    let flops = 2 * value.count * weight.count / Swift.max(weight.shape[0], 1)
    return differentiableOperation("conv2d", inputs: input, weight, value: value,
                                   savedBytes: savedBytes(input, weight), flops: flops) { gradient in
        InputGradients(input.requiresGradient ? convolutionInputGradient(gradient, weight, inputShape: input.shape, s) : nil,
                       weight.requiresGradient ? convolutionWeightGradient(gradient, input, weightShape: weight.shape, s) : nil)
    }
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func convolutionInputGradient<Scalar>(
    _ gradient: Variable<Scalar>, _ weight: Variable<Scalar>, inputShape: [Int], _ s: ConvolutionSettings
) -> Variable<Scalar> {
    let value = conv2dBackwardInput(gradient.value, weight: weight.value, inputShape: inputShape,
                                    stride: s.stride, padding: s.padding, dilation: s.dilation, groups: s.groups)
    return differentiableOperation("conv2dBackwardInput", inputs: gradient, weight, value: value) { upstream in
        InputGradients(gradient.requiresGradient ? convolution(upstream, weight, s) : nil,
                       weight.requiresGradient ? convolutionWeightGradient(gradient, upstream, weightShape: weight.shape, s) : nil)
    }
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func convolutionWeightGradient<Scalar>(
    _ gradient: Variable<Scalar>, _ input: Variable<Scalar>, weightShape: [Int], _ s: ConvolutionSettings
) -> Variable<Scalar> {
    let value = conv2dBackwardWeight(gradient.value, input: input.value, weightShape: weightShape,
                                     stride: s.stride, padding: s.padding, dilation: s.dilation, groups: s.groups)
    return differentiableOperation("conv2dBackwardWeight", inputs: gradient, input, value: value) { upstream in
        InputGradients(gradient.requiresGradient ? convolution(input, upstream, s) : nil,
                       input.requiresGradient ? convolutionInputGradient(gradient, upstream, inputShape: input.shape, s) : nil)
    }
}
