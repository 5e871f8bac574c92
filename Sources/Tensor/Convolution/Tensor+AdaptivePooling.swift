/// Adaptive average pooling: windows sized so that the output has a requested size, and its backward.
///
/// Output position `i` of `out` along an axis of size `H` averages the input range
/// `floor(i·H / out) ..< ceil((i + 1)·H / out)`, PyTorch's rule: windows cover the input, may overlap
/// by one, and differ in size by at most one when `H` is not a multiple of `out`.

/// The input range that output position `index` of `outputSize` averages along an axis of `size`.
@inline(__always)
func adaptiveRange(_ index: Int, outputSize: Int, size: Int) -> Range<Int> {
    let start = index * size / outputSize
    let end = ((index + 1) * size + outputSize - 1) / outputSize
    return start..<end
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func adaptiveAveragePoolForward<Scalar: FloatingPointTensorElement>(
    _ input: Tensor<Scalar>, outputSize: Spatial2d
) -> Tensor<Scalar> {
    let input = input.contiguous()
    let (height, width) = (input.shape[2], input.shape[3])
    let planes = input.shape[0] * input.shape[1]
    let result = Tensor<Scalar>(uninitializedShape: [input.shape[0], input.shape[1], outputSize.height, outputSize.width])
    let source = UnsafePointer(input.storage.base + input.offset)
    let resultBase = result.storage.base
    parallelChunks(count: planes, grain: max(1, (1 << 15) / max(1, height * width))) { range in
        for plane in range {
            let image = source + plane * height * width
            var out = plane * outputSize.height * outputSize.width
            for outputRow in 0..<outputSize.height {
                let rows = adaptiveRange(outputRow, outputSize: outputSize.height, size: height)
                for outputColumn in 0..<outputSize.width {
                    let columns = adaptiveRange(outputColumn, outputSize: outputSize.width, size: width)
                    var total = Scalar.zero
                    for row in rows {
                        for column in columns { total += image[row * width + column] }
                    }
                    resultBase[out] = total / Scalar(exactly: rows.count * columns.count)
                    out += 1
                }
            }
        }
    }
    return withExtendedLifetime(input) { result }
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func adaptiveAveragePoolGradient<Scalar: FloatingPointTensorElement>(
    _ outputGradient: Tensor<Scalar>, inputShape: [Int]
) -> Tensor<Scalar> {
    let gradient = outputGradient.contiguous()
    let (height, width) = (inputShape[2], inputShape[3])
    let (outputHeight, outputWidth) = (gradient.shape[2], gradient.shape[3])
    let planes = inputShape[0] * inputShape[1]
    let result = Tensor<Scalar>.zeros(inputShape)
    let gradientBase = UnsafePointer(gradient.storage.base + gradient.offset)
    let resultBase = result.storage.base
    parallelChunks(count: planes, grain: max(1, (1 << 15) / max(1, height * width))) { range in
        for plane in range {
            let target = resultBase + plane * height * width
            var position = plane * outputHeight * outputWidth
            for outputRow in 0..<outputHeight {
                let rows = adaptiveRange(outputRow, outputSize: outputHeight, size: height)
                for outputColumn in 0..<outputWidth {
                    let columns = adaptiveRange(outputColumn, outputSize: outputWidth, size: width)
                    let share = gradientBase[position] / Scalar(exactly: rows.count * columns.count)
                    for row in rows {
                        for column in columns { target[row * width + column] += share }
                    }
                    position += 1
                }
            }
        }
    }
    return withExtendedLifetime(gradient) { result }
}

/// Adaptive average pooling to a fixed output size, whatever the input size.
///
/// `out[n, c, i, j] = mean(x[n, c, floor(i·H/Hout) ..< ceil((i+1)·H/Hout), floor(j·W/Wout) ..< ceil((j+1)·W/Wout)])`.
/// `outputSize: 1` is global average pooling.
///
/// - Parameters:
///   - input: `[N, C, H, W]`, any layout, with `H, W ≥ 1`.
///   - outputSize: `(Hout, Wout)`, both positive.
/// - Returns: `[N, C, Hout, Wout]`.
public func adaptiveAvgPool2d<Scalar: FloatingPointTensorElement>(
    _ input: Tensor<Scalar>, outputSize: Spatial2d
) -> Tensor<Scalar> {
    precondition(input.rank == 4, "adaptiveAvgPool2d: input \(input.shape) is not [N, C, H, W]")
    precondition(outputSize.height > 0 && outputSize.width > 0 && input.shape[2] > 0 && input.shape[3] > 0,
                 "adaptiveAvgPool2d: input \(input.shape) and output size \(outputSize) must have positive heights and widths")
    return adaptiveAveragePoolForward(input, outputSize: outputSize)
}

/// The gradient of `adaptiveAvgPool2d`: each output gradient is shared out evenly over its window.
///
/// - Parameters:
///   - outputGradient: `[N, C, Hout, Wout]`.
///   - inputShape: `[N, C, H, W]`.
/// - Returns: `[N, C, H, W]`.
public func adaptiveAvgPool2dBackward<Scalar: FloatingPointTensorElement>(
    _ outputGradient: Tensor<Scalar>, inputShape: [Int]
) -> Tensor<Scalar> {
    precondition(inputShape.count == 4 && outputGradient.rank == 4 &&
                 Array(outputGradient.shape.prefix(2)) == Array(inputShape.prefix(2)) &&
                 inputShape[2] > 0 && inputShape[3] > 0 && outputGradient.shape[2] > 0 && outputGradient.shape[3] > 0,
                 "adaptiveAvgPool2dBackward: output gradient \(outputGradient.shape) does not match input \(inputShape)")
    return adaptiveAveragePoolGradient(outputGradient, inputShape: inputShape)
}
