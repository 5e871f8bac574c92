/// Pooling over the last two axes of `[N, C, H, W]`. Average pooling and its backward kernel are
/// adjoint linear maps, each the other's VJP; max pooling routes the gradient through its argmax
/// indices with scatter-add, whose own VJP is a gather.

/// The largest element of each window (`ceilMode` rounds the output size up); VJP: `g` added at
/// each window's argmax.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func maxPool2d<Scalar>(
    _ input: Variable<Scalar>, kernelSize: Spatial2d, stride: Spatial2d? = nil, padding: Spatial2d = 0,
    dilation: Spatial2d = 1, ceilMode: Bool = false
) -> Variable<Scalar> {
    let (values, indices) = maxPool2d(input.value, kernelSize: kernelSize, stride: stride, padding: padding,
                                      dilation: dilation, ceilMode: ceilMode)
    let inputShape = input.shape
    return differentiableOperation("maxPool2d", input: input, value: values,
                                   savedBytes: indices.count * MemoryLayout<Int>.stride) { gradient in
        // Planes flattened: the indices address each H×W plane.
        let batch = inputShape[0], channels = inputShape[1]
        let flatIndices = indices.reshaped(to: [batch, channels, -1])
        let flatGradient = gradient.reshaped(to: [batch, channels, -1])
        let scattered = Variable.scatteringAdd(flatGradient, alongAxis: 2, indices: flatIndices,
                                               shape: [batch, channels, inputShape[2] * inputShape[3]])
        return InputGradients(scattered.reshaped(to: inputShape))
    }
}

/// The mean of each window (padding counted as zeros unless `countIncludesPadding` is false;
/// `ceilMode` rounds the output size up); VJP: `avgPool2dBackward`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func avgPool2d<Scalar>(
    _ input: Variable<Scalar>, kernelSize: Spatial2d, stride: Spatial2d? = nil, padding: Spatial2d = 0,
    countIncludesPadding: Bool = true, ceilMode: Bool = false
) -> Variable<Scalar> {
    let value = avgPool2d(input.value, kernelSize: kernelSize, stride: stride, padding: padding,
                          countIncludesPadding: countIncludesPadding, ceilMode: ceilMode)
    let inputShape = input.shape
    return differentiableOperation("avgPool2d", input: input, value: value) { gradient in
        InputGradients(averagePoolingGradient(gradient, inputShape: inputShape, kernelSize: kernelSize, stride: stride,
                                              padding: padding, countIncludesPadding: countIncludesPadding, ceilMode: ceilMode))
    }
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func averagePoolingGradient<Scalar>(
    _ gradient: Variable<Scalar>, inputShape: [Int], kernelSize: Spatial2d, stride: Spatial2d?,
    padding: Spatial2d, countIncludesPadding: Bool, ceilMode: Bool
) -> Variable<Scalar> {
    let value = avgPool2dBackward(gradient.value, inputShape: inputShape, kernelSize: kernelSize, stride: stride,
                                  padding: padding, countIncludesPadding: countIncludesPadding, ceilMode: ceilMode)
    return differentiableOperation("avgPool2dBackward", input: gradient, value: value) { upstream in
        InputGradients(avgPool2d(upstream, kernelSize: kernelSize, stride: stride, padding: padding,
                                 countIncludesPadding: countIncludesPadding, ceilMode: ceilMode))
    }
}

/// The mean over PyTorch's adaptive windows, giving `outputSize` exactly; VJP: its adjoint.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func adaptiveAvgPool2d<Scalar>(_ input: Variable<Scalar>, outputSize: Spatial2d) -> Variable<Scalar> {
    let inputShape = input.shape
    return differentiableOperation("adaptiveAvgPool2d", input: input,
                                   value: adaptiveAvgPool2d(input.value, outputSize: outputSize)) { gradient in
        InputGradients(adaptiveAveragePoolingGradient(gradient, inputShape: inputShape, outputSize: outputSize))
    }
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func adaptiveAveragePoolingGradient<Scalar>(_ gradient: Variable<Scalar>, inputShape: [Int], outputSize: Spatial2d) -> Variable<Scalar> {
    differentiableOperation("adaptiveAvgPool2dBackward", input: gradient,
                            value: adaptiveAvgPool2dBackward(gradient.value, inputShape: inputShape)) { upstream in
        InputGradients(adaptiveAvgPool2d(upstream, outputSize: outputSize))
    }
}
