/// Max and average pooling over 2-D windows in NCHW, and their backward kernels.
///
/// Every `[H, W]` plane is pooled on its own, so planes are split across the thread budget and
/// results never depend on it. Windows follow PyTorch: the output size is
/// `⌊(H + 2·pad − d·(k − 1) − 1) / s⌋ + 1` (or rounded up in ceil mode, dropping a last window that
/// would start in the right padding), padding is `−∞` for max pooling and `0` for average pooling,
/// and the padding is at most half the kernel so that every window touches the input.

/// The window of a pooling op over planes of `[H, W]`, checked once.
struct Pool2dGeometry {
    let planes: Int, height: Int, width: Int
    let kernel: Spatial2d, stride: Spatial2d, padding: Spatial2d, dilation: Spatial2d
    let outputHeight: Int, outputWidth: Int

    init(inputShape: [Int], kernel: Spatial2d, stride: Spatial2d?, padding: Spatial2d, dilation: Spatial2d,
         ceilMode: Bool, op: StaticString) {
        let stride = stride ?? kernel
        precondition(inputShape.count == 4, "\(op): input \(inputShape) is not [N, C, H, W]")
        precondition(kernel.height > 0 && kernel.width > 0, "\(op): kernel size \(kernel) must be positive")
        precondition(stride.height > 0 && stride.width > 0, "\(op): stride \(stride) must be positive")
        precondition(dilation.height > 0 && dilation.width > 0, "\(op): dilation \(dilation) must be positive")
        precondition(padding.height >= 0 && padding.width >= 0 &&
                     padding.height <= kernel.height / 2 && padding.width <= kernel.width / 2,
                     "\(op): padding \(padding) must be between 0 and half the kernel size \(kernel)")
        planes = inputShape[0] * inputShape[1]; height = inputShape[2]; width = inputShape[3]
        self.kernel = kernel; self.stride = stride; self.padding = padding; self.dilation = dilation
        outputHeight = poolingOutputSize(size: height, kernel: kernel.height, stride: stride.height,
                                         padding: padding.height, dilation: dilation.height, ceilMode: ceilMode)
        outputWidth = poolingOutputSize(size: width, kernel: kernel.width, stride: stride.width,
                                        padding: padding.width, dilation: dilation.width, ceilMode: ceilMode)
        precondition(outputHeight > 0 && outputWidth > 0,
                     "\(op): input \(inputShape) is smaller than the kernel \(kernel) with padding \(padding) and dilation \(dilation)")
    }

    var planeCount: Int { height * width }
    var outputPlaneCount: Int { outputHeight * outputWidth }
    /// Planes per parallel chunk: enough window reads to be worth a thread.
    var grain: Int { max(1, (1 << 15) / max(1, outputPlaneCount * kernel.height * kernel.width)) }

    func outputShape(_ inputShape: [Int]) -> [Int] { [inputShape[0], inputShape[1], outputHeight, outputWidth] }
}

/// The windows along one axis, PyTorch's `pooling_output_shape`: floor mode counts the windows
/// that fit in the padded input; ceil mode also counts a last partial window, unless it would
/// start in the right padding. Kernels clip every window to the input, so partial windows need
/// no other care.
func poolingOutputSize(size: Int, kernel: Int, stride: Int, padding: Int, dilation: Int, ceilMode: Bool) -> Int {
    let span = size + 2 * padding - dilation * (kernel - 1) - 1
    guard span >= 0 else { return 0 }
    guard ceilMode else { return span / stride + 1 }
    var count = (span + stride - 1) / stride + 1
    if (count - 1) * stride >= size + padding { count -= 1 }
    return count
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func maxPoolForward<Scalar: FloatingPointTensorElement>(
    _ input: Tensor<Scalar>, _ g: Pool2dGeometry
) -> (values: Tensor<Scalar>, indices: Tensor<Int>) {
    let input = input.contiguous()
    let values = Tensor<Scalar>(uninitializedShape: g.outputShape(input.shape))
    let indices = Tensor<Int>(uninitializedShape: values.shape)
    let source = UnsafePointer(input.storage.base + input.offset)
    let valueBase = values.storage.base, indexBase = indices.storage.base
    parallelChunks(count: g.planes, grain: g.grain) { planes in
        for plane in planes {
            let image = source + plane * g.planeCount
            var out = plane * g.outputPlaneCount
            for outputRow in 0..<g.outputHeight {
                let rowStart = outputRow * g.stride.height - g.padding.height
                for outputColumn in 0..<g.outputWidth {
                    let columnStart = outputColumn * g.stride.width - g.padding.width
                    // Like PyTorch: start at the first position inside the input; a later value
                    // replaces the best only when strictly greater (the first of tied maxima
                    // wins) or NaN (NaN propagates).
                    var best = -Scalar.infinity
                    var bestIndex = -1
                    for kernelRow in 0..<g.kernel.height {
                        let row = rowStart + kernelRow * g.dilation.height
                        guard row >= 0 && row < g.height else { continue }
                        for kernelColumn in 0..<g.kernel.width {
                            let column = columnStart + kernelColumn * g.dilation.width
                            guard column >= 0 && column < g.width else { continue }
                            let index = row * g.width + column
                            let value = image[index]
                            if bestIndex < 0 { bestIndex = index }
                            if value > best || value.isNaN {
                                best = value
                                bestIndex = index
                            }
                        }
                    }
                    valueBase[out] = best
                    indexBase[out] = bestIndex
                    out += 1
                }
            }
        }
    }
    return withExtendedLifetime(input) { (values, indices) }
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func maxPoolGradient<Scalar: FloatingPointTensorElement>(
    _ outputGradient: Tensor<Scalar>, indices: Tensor<Int>, inputShape: [Int]
) -> Tensor<Scalar> {
    let gradient = outputGradient.contiguous(), indices = indices.contiguous()
    let result = Tensor<Scalar>.zeros(inputShape)
    let planes = inputShape[0] * inputShape[1], planeCount = inputShape[2] * inputShape[3]
    let outputPlaneCount = gradient.shape[2] * gradient.shape[3]
    let gradientBase = UnsafePointer(gradient.storage.base + gradient.offset)
    let indexBase = UnsafePointer(indices.storage.base + indices.offset)
    let resultBase = result.storage.base
    parallelChunks(count: planes, grain: max(1, (1 << 15) / max(1, outputPlaneCount))) { range in
        for plane in range {
            let target = resultBase + plane * planeCount
            for position in (plane * outputPlaneCount)..<((plane + 1) * outputPlaneCount) {
                let index = indexBase[position]
                precondition(index >= 0 && index < planeCount,
                             "maxPool2dBackward: index \(index) is outside a plane of \(planeCount) elements of input \(inputShape)")
                target[index] += gradientBase[position]
            }
        }
    }
    return withExtendedLifetime((gradient, indices)) { result }
}

/// The window `rowLow..<rowHigh × columnLow..<columnHigh` of average pooling at an output
/// position, clipped to the input, and its divisor (PyTorch's rule).
@inline(__always)
func averageWindow(_ g: Pool2dGeometry, outputRow: Int, outputColumn: Int, countIncludesPadding: Bool)
    -> (rows: Range<Int>, columns: Range<Int>, divisor: Int) {
    let rowStart = outputRow * g.stride.height - g.padding.height
    let columnStart = outputColumn * g.stride.width - g.padding.width
    // The window clipped to the padded input counts padding; clipped to the input it does not.
    let rowEnd = min(rowStart + g.kernel.height, g.height + g.padding.height)
    let columnEnd = min(columnStart + g.kernel.width, g.width + g.padding.width)
    let paddedCount = (rowEnd - rowStart) * (columnEnd - columnStart)
    let rows = max(rowStart, 0)..<min(rowEnd, g.height)
    let columns = max(columnStart, 0)..<min(columnEnd, g.width)
    return (rows, columns, countIncludesPadding ? paddedCount : rows.count * columns.count)
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func averagePoolForward<Scalar: FloatingPointTensorElement>(
    _ input: Tensor<Scalar>, _ g: Pool2dGeometry, countIncludesPadding: Bool
) -> Tensor<Scalar> {
    let input = input.contiguous()
    let result = Tensor<Scalar>(uninitializedShape: g.outputShape(input.shape))
    let source = UnsafePointer(input.storage.base + input.offset)
    let resultBase = result.storage.base
    parallelChunks(count: g.planes, grain: g.grain) { planes in
        for plane in planes {
            let image = source + plane * g.planeCount
            var out = plane * g.outputPlaneCount
            for outputRow in 0..<g.outputHeight {
                for outputColumn in 0..<g.outputWidth {
                    let window = averageWindow(g, outputRow: outputRow, outputColumn: outputColumn,
                                               countIncludesPadding: countIncludesPadding)
                    var total = Scalar.zero
                    for row in window.rows {
                        for column in window.columns { total += image[row * g.width + column] }
                    }
                    resultBase[out] = total / Scalar(exactly: window.divisor)
                    out += 1
                }
            }
        }
    }
    return withExtendedLifetime(input) { result }
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func averagePoolGradient<Scalar: FloatingPointTensorElement>(
    _ outputGradient: Tensor<Scalar>, _ g: Pool2dGeometry, inputShape: [Int], countIncludesPadding: Bool
) -> Tensor<Scalar> {
    let gradient = outputGradient.contiguous()
    let result = Tensor<Scalar>.zeros(inputShape)
    let gradientBase = UnsafePointer(gradient.storage.base + gradient.offset)
    let resultBase = result.storage.base
    parallelChunks(count: g.planes, grain: g.grain) { planes in
        for plane in planes {
            let target = resultBase + plane * g.planeCount
            var position = plane * g.outputPlaneCount
            for outputRow in 0..<g.outputHeight {
                for outputColumn in 0..<g.outputWidth {
                    let window = averageWindow(g, outputRow: outputRow, outputColumn: outputColumn,
                                               countIncludesPadding: countIncludesPadding)
                    let share = gradientBase[position] / Scalar(exactly: window.divisor)
                    for row in window.rows {
                        for column in window.columns { target[row * g.width + column] += share }
                    }
                    position += 1
                }
            }
        }
    }
    return withExtendedLifetime(gradient) { result }
}

/// Max pooling: the largest value in each window, and where it was.
///
/// `out[n, c, i, j] = max_{p, q} x[n, c, i·s_h − pad_h + p·d_h, j·s_w − pad_w + q·d_w]`, padding counting as `−∞`.
///
/// - Parameters:
///   - input: `[N, C, H, W]`, any layout.
///   - kernelSize: the window.
///   - stride: the step between windows; `nil` (the default) means the kernel size.
///   - padding: `−∞` added on each side, at most half the kernel size.
///   - dilation: the spacing between window taps.
///   - ceilMode: round the output size up (PyTorch's `ceil_mode`), keeping a last window that
///     hangs over the bottom or right edge; by default it is rounded down.
/// - Returns: the maxima `[N, C, Hout, Wout]`, and `indices` of the same shape: the flat position
///   `h·W + w` of each maximum in its `[H, W]` plane (the first one when tied), as PyTorch returns them.
public func maxPool2d<Scalar: FloatingPointTensorElement>(
    _ input: Tensor<Scalar>, kernelSize: Spatial2d, stride: Spatial2d? = nil, padding: Spatial2d = 0,
    dilation: Spatial2d = 1, ceilMode: Bool = false
) -> (values: Tensor<Scalar>, indices: Tensor<Int>) {
    let geometry = Pool2dGeometry(inputShape: input.shape, kernel: kernelSize, stride: stride,
                                  padding: padding, dilation: dilation, ceilMode: ceilMode, op: "maxPool2d")
    return maxPoolForward(input, geometry)
}

/// The gradient of `maxPool2d`: each output gradient goes to the position of its maximum,
/// `dx[n, c].flat[indices[n, c, i, j]] += dy[n, c, i, j]`.
///
/// - Parameters:
///   - outputGradient: `[N, C, Hout, Wout]`.
///   - indices: `[N, C, Hout, Wout]`, as `maxPool2d` returned them.
///   - inputShape: `[N, C, H, W]`.
/// - Returns: `[N, C, H, W]`.
public func maxPool2dBackward<Scalar: FloatingPointTensorElement>(
    _ outputGradient: Tensor<Scalar>, indices: Tensor<Int>, inputShape: [Int]
) -> Tensor<Scalar> {
    precondition(inputShape.count == 4 && outputGradient.rank == 4 && outputGradient.shape == indices.shape &&
                 Array(outputGradient.shape.prefix(2)) == Array(inputShape.prefix(2)),
                 "maxPool2dBackward: output gradient \(outputGradient.shape), indices \(indices.shape) and input \(inputShape) do not match")
    return maxPoolGradient(outputGradient, indices: indices, inputShape: inputShape)
}

/// Average pooling: the mean of each window.
///
/// `out[n, c, i, j] = Σ_{p, q} x[n, c, i·s_h − pad_h + p, j·s_w − pad_w + q] / divisor`, padding counting as 0.
/// The divisor is the window size clipped to the padded input (`countIncludesPadding`, PyTorch's
/// default) or the number of input elements in the window.
///
/// - Parameters:
///   - input: `[N, C, H, W]`, any layout.
///   - kernelSize: the window.
///   - stride: the step between windows; `nil` (the default) means the kernel size.
///   - padding: zeros added on each side, at most half the kernel size.
///   - countIncludesPadding: divide by the window size clipped to the padded input (`true`) or
///     by the number of input elements in the window (`false`).
///   - ceilMode: round the output size up (PyTorch's `ceil_mode`); a last window hanging over
///     the padded input is divided by its part inside the padded input.
/// - Returns: `[N, C, Hout, Wout]`.
public func avgPool2d<Scalar: FloatingPointTensorElement>(
    _ input: Tensor<Scalar>, kernelSize: Spatial2d, stride: Spatial2d? = nil, padding: Spatial2d = 0,
    countIncludesPadding: Bool = true, ceilMode: Bool = false
) -> Tensor<Scalar> {
    let geometry = Pool2dGeometry(inputShape: input.shape, kernel: kernelSize, stride: stride,
                                  padding: padding, dilation: 1, ceilMode: ceilMode, op: "avgPool2d")
    return averagePoolForward(input, geometry, countIncludesPadding: countIncludesPadding)
}

/// The gradient of `avgPool2d`: each output gradient is shared out over its window,
/// `dx[n, c, h, w] = Σ_{windows ∋ (h, w)} dy[n, c, i, j] / divisor(i, j)`.
///
/// - Parameters:
///   - outputGradient: `[N, C, Hout, Wout]`.
///   - inputShape: `[N, C, H, W]`.
///   - kernelSize: the forward pass's window.
///   - stride: the forward pass's stride (`nil`: the kernel size).
///   - padding: the forward pass's padding.
///   - countIncludesPadding: the forward pass's choice of divisor.
///   - ceilMode: the forward pass's rounding of the output size.
/// - Returns: `[N, C, H, W]`.
public func avgPool2dBackward<Scalar: FloatingPointTensorElement>(
    _ outputGradient: Tensor<Scalar>, inputShape: [Int], kernelSize: Spatial2d, stride: Spatial2d? = nil,
    padding: Spatial2d = 0, countIncludesPadding: Bool = true, ceilMode: Bool = false
) -> Tensor<Scalar> {
    let geometry = Pool2dGeometry(inputShape: inputShape, kernel: kernelSize, stride: stride,
                                  padding: padding, dilation: 1, ceilMode: ceilMode, op: "avgPool2dBackward")
    precondition(outputGradient.shape == geometry.outputShape(inputShape),
                 "avgPool2dBackward: output gradient \(outputGradient.shape) does not match the output \(geometry.outputShape(inputShape)) of input \(inputShape)")
    return averagePoolGradient(outputGradient, geometry, inputShape: inputShape, countIncludesPadding: countIncludesPadding)
}
