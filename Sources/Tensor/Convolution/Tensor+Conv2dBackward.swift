/// The two backward kernels of `conv2d`, and the bias gradient.
///
/// For one image and group, with `X` its column matrix and `G` its output gradient `[O/groups, Hout · Wout]`:
/// the forward pass is `Y = W · X`, so the input gradient is `col2im(Wᵀ · G)` and the weight gradient
/// is `Σ_images G · Xᵀ`.

/// Images per partial sum of the weight gradient: at most 16 partials, each a whole number of
/// `imagesPerProduct`. The partial sums are added in chunk order, and the chunks depend only on
/// the shape, so the result does not depend on the thread count.
private func weightGradientChunkSize(_ g: Conv2dGeometry) -> Int {
    let images = g.imagesPerProduct
    return (max(1, (g.batch + 15) / 16) + images - 1) / images * images
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func conv2dInputGradient<Scalar: FloatingPointTensorElement>(
    _ outputGradient: Tensor<Scalar>, weight: Tensor<Scalar>, geometry g: Conv2dGeometry
) -> Tensor<Scalar> {
    if let flipped = g.inputGradientAsConvolution {
        return conv2dForward(outputGradient, weight: flippedKernel(weight, g), bias: nil, geometry: flipped)
    }
    let outputGradient = outputGradient.contiguous(), weight = weight.contiguous()
    let result = Tensor<Scalar>(uninitializedShape: g.inputShape)
    let gradientBase = UnsafePointer(outputGradient.storage.base + outputGradient.offset)
    let weightBase = UnsafePointer(weight.storage.base + weight.offset)
    let inputBase = result.storage.base
    let groupWeightCount = g.groupOutputChannels * g.columnRows
    let groupInputCount = g.groupInputChannels * g.height * g.width
    if g.imagesPerProduct > 1 {
        // Small feature maps: one product for several images,
        // [C·kH·kW, O] · [O, images · Hout·Wout] → the images' columns side by side.
        forEachImageGroup(batch: g.batch, size: g.imagesPerProduct) { images in
            let width = images.count * g.columnCount
            let gathered = Tensor<Scalar>(uninitializedShape: [g.outputChannels * width])
            let columns = Tensor<Scalar>(uninitializedShape: [g.columnRows * width])
            copyImagePlanes(images: images, channels: g.outputChannels, planeCount: g.columnCount,
                            planes: UnsafeMutablePointer(mutating: gradientBase),
                            matrix: gathered.storage.base, gathering: true)
            BLAS.gemm(transposeA: true, transposeB: false, m: g.columnRows, n: width, k: g.outputChannels,
                      alpha: 1, a: weightBase, lda: g.columnRows, b: gathered.storage.base, ldb: width,
                      beta: 0, c: columns.storage.base, ldc: width)
            for (position, image) in images.enumerated() {
                let imageGradient = inputBase + image * g.inputImageCount
                imageGradient.update(repeating: Scalar.zero, count: g.inputImageCount)
                col2im(columns.storage.base + position * g.columnCount, g, addingInto: imageGradient, rowStride: width)
            }
            withExtendedLifetime((gathered, columns)) {}
        }
        return withExtendedLifetime((outputGradient, weight)) { result }
    }
    forEachImageChunk(batch: g.batch) { images, splitColumns in
        let columns = Tensor<Scalar>(uninitializedShape: [g.columnsAreImage ? 0 : g.columnRows * g.columnCount])
        for image in images {
            for group in 0..<g.groups {
                let groupInput = inputBase + image * g.inputImageCount + group * groupInputCount
                // For a 1×1 kernel the product lands directly in the input gradient.
                let target = g.columnsAreImage ? groupInput : columns.storage.base
                convolutionGemm(
                    splitColumns: splitColumns, transposeA: true, transposeB: false,
                    m: g.columnRows, n: g.columnCount, k: g.groupOutputChannels,
                    a: weightBase + group * groupWeightCount, lda: g.columnRows,
                    b: gradientBase + image * g.outputImageCount + group * g.groupOutputChannels * g.columnCount,
                    ldb: g.columnCount, beta: 0, c: target, ldc: g.columnCount)
                if !g.columnsAreImage {
                    groupInput.update(repeating: Scalar.zero, count: groupInputCount)
                    col2im(columns.storage.base, g, addingInto: groupInput)
                }
            }
        }
        withExtendedLifetime(columns) {}
    }
    return withExtendedLifetime((outputGradient, weight)) { result }
}

extension Conv2dGeometry {
    /// For stride 1 and one group, the input gradient is itself a convolution:
    /// `dx[c, h, w] = Σ_{o, p, q} w[o, c, p, q] · dy[o, h + pad − p·d, w + pad − q·d]`, the output
    /// gradient convolved with the kernel turned by 180° and its channels swapped, padded by
    /// `d·(k − 1) − pad`. This is that convolution's geometry, or `nil` where it does not apply.
    ///
    /// Its matrix product `[C, O·kH·kW] · [O·kH·kW, H·W]` has the forward pass's long inner
    /// dimension, where `col2im(wᵀ · dy)` has only `O` and writes a column matrix `kH·kW` times the
    /// size of the input gradient before folding it.
    var inputGradientAsConvolution: Conv2dGeometry? {
        guard groups == 1 && stride == Spatial2d(1) && !columnsAreImage else { return nil }
        let padding = Spatial2d(dilation.height * (kernelHeight - 1) - self.padding.height,
                                dilation.width * (kernelWidth - 1) - self.padding.width)
        guard padding.height >= 0 && padding.width >= 0 else { return nil }
        return Conv2dGeometry(inputShape: outputShape, weightShape: [inputChannels, outputChannels, kernelHeight, kernelWidth],
                              stride: 1, padding: padding, dilation: dilation, groups: 1, op: "conv2dBackwardInput")
    }
}

/// `w'[c, o, p, q] = w[o, c, kH − 1 − p, kW − 1 − q]`: the kernel of `inputGradientAsConvolution`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func flippedKernel<Scalar: FloatingPointTensorElement>(_ weight: Tensor<Scalar>, _ g: Conv2dGeometry) -> Tensor<Scalar> {
    let weight = weight.contiguous()
    let taps = g.kernelHeight * g.kernelWidth
    let result = Tensor<Scalar>(uninitializedShape: [g.inputChannels, g.outputChannels, g.kernelHeight, g.kernelWidth])
    let source = UnsafePointer(weight.storage.base + weight.offset)
    let destination = result.storage.base
    for output in 0..<g.outputChannels {
        for input in 0..<g.inputChannels {
            let from = source + (output * g.inputChannels + input) * taps
            let to = destination + (input * g.outputChannels + output) * taps
            for tap in 0..<taps { to[tap] = from[taps - 1 - tap] }
        }
    }
    return withExtendedLifetime(weight) { result }
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func conv2dWeightGradient<Scalar: FloatingPointTensorElement>(
    _ outputGradient: Tensor<Scalar>, input: Tensor<Scalar>, geometry g: Conv2dGeometry
) -> Tensor<Scalar> {
    let outputGradient = outputGradient.contiguous(), input = input.contiguous()
    let weightCount = g.outputChannels * g.columnRows
    let chunkSize = weightGradientChunkSize(g)
    let chunkCount = (g.batch + chunkSize - 1) / chunkSize
    guard chunkCount > 0 else { return Tensor.zeros(g.weightShape) }
    let partials = Tensor<Scalar>(uninitializedShape: [chunkCount, weightCount])
    let partialBase = partials.storage.base
    let gradientBase = UnsafePointer(outputGradient.storage.base + outputGradient.offset)
    let inputBase = UnsafePointer(input.storage.base + input.offset)
    let groupWeightCount = g.groupOutputChannels * g.columnRows
    let groupInputCount = g.groupInputChannels * g.height * g.width
    if g.imagesPerProduct > 1 {
        // Small feature maps: each product sums over several images at once,
        // [O, images · Hout·Wout] · [images · Hout·Wout, C·kH·kW] → [O, C·kH·kW].
        parallelChunks(count: chunkCount, grain: 1) { chunks in
            let capacity = g.imagesPerProduct * g.columnCount  // columns of the widest product
            let columns = Tensor<Scalar>(uninitializedShape: [g.columnRows * capacity])
            let gathered = Tensor<Scalar>(uninitializedShape: [g.outputChannels * capacity])
            for chunk in chunks {
                let chunkImages = (chunk * chunkSize)..<min(g.batch, (chunk + 1) * chunkSize)
                for first in stride(from: chunkImages.lowerBound, to: chunkImages.upperBound, by: g.imagesPerProduct) {
                    let images = first..<min(chunkImages.upperBound, first + g.imagesPerProduct)
                    let width = images.count * g.columnCount
                    for (position, image) in images.enumerated() {
                        im2col(inputBase + image * g.inputImageCount, g,
                               into: columns.storage.base + position * g.columnCount, rowStride: width)
                    }
                    copyImagePlanes(images: images, channels: g.outputChannels, planeCount: g.columnCount,
                                    planes: UnsafeMutablePointer(mutating: gradientBase),
                                    matrix: gathered.storage.base, gathering: true)
                    BLAS.gemm(transposeA: false, transposeB: true, m: g.outputChannels, n: g.columnRows, k: width,
                              alpha: 1, a: gathered.storage.base, lda: width, b: columns.storage.base, ldb: width,
                              beta: first == chunkImages.lowerBound ? 0 : 1,
                              c: partialBase + chunk * weightCount, ldc: g.columnRows)
                }
            }
            withExtendedLifetime((columns, gathered)) {}
        }
        return sumOfPartials(partials, count: chunkCount, shape: g.weightShape, keeping: (outputGradient, input))
    }
    // Parallel over chunks of images; each chunk sums its images in order into its own partial.
    forEachImageChunk(batch: chunkCount) { chunks, splitColumns in
        let blocks = g.columnsAreImage ? [0..<g.outputHeight] : g.columnBlocks
        let blockCapacity = blocks.map(\.count).max()! * g.outputWidth
        let columns = Tensor<Scalar>(uninitializedShape: [g.columnsAreImage ? 0 : g.columnRows * blockCapacity])
        for chunk in chunks {
            let partial = partialBase + chunk * weightCount
            for image in (chunk * chunkSize)..<min(g.batch, (chunk + 1) * chunkSize) {
                for group in 0..<g.groups {
                    let groupInput = inputBase + image * g.inputImageCount + group * groupInputCount
                    for rows in blocks {
                        let first = rows.lowerBound * g.outputWidth, count = rows.count * g.outputWidth
                        if !g.columnsAreImage { im2col(groupInput, g, outputRows: rows, into: columns.storage.base) }
                        convolutionGemm(
                            splitColumns: splitColumns, transposeA: false, transposeB: true,
                            m: g.groupOutputChannels, n: g.columnRows, k: count,
                            a: gradientBase + image * g.outputImageCount + group * g.groupOutputChannels * g.columnCount + first,
                            lda: g.columnCount,
                            b: g.columnsAreImage ? groupInput : UnsafePointer(columns.storage.base),
                            ldb: g.columnsAreImage ? g.columnCount : count,
                            beta: image == chunk * chunkSize && first == 0 ? 0 : 1,
                            c: partial + group * groupWeightCount, ldc: g.columnRows)
                    }
                }
            }
        }
        withExtendedLifetime(columns) {}
    }
    return sumOfPartials(partials, count: chunkCount, shape: g.weightShape, keeping: (outputGradient, input))
}

/// The sum of the `count` partials (`[count, shape's elements]`), added in chunk order.
@inline(__always)
private func sumOfPartials<Scalar: FloatingPointTensorElement, Kept>(
    _ partials: Tensor<Scalar>, count: Int, shape: [Int], keeping kept: Kept
) -> Tensor<Scalar> {
    let result = Tensor<Scalar>(uninitializedShape: shape)
    let resultBase = result.storage.base, partialBase = partials.storage.base
    let elementCount = result.count
    resultBase.update(from: partialBase, count: elementCount)
    for chunk in 1..<count {
        let partial = partialBase + chunk * elementCount
        for index in 0..<elementCount { resultBase[index] += partial[index] }
    }
    return withExtendedLifetime((kept, partials)) { result }
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func conv2dBiasGradient<Scalar: FloatingPointTensorElement>(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
    let gradient = outputGradient.contiguous()
    let (batch, channels) = (gradient.shape[0], gradient.shape[1])
    let planeCount = gradient.shape[2] * gradient.shape[3]
    let base = UnsafePointer(gradient.storage.base + gradient.offset)
    let result = Tensor<Scalar>(uninitializedShape: [channels])
    let resultBase = result.storage.base
    // One channel per task: each sums its planes in image order, so threads change nothing.
    parallelChunks(count: channels, grain: max(1, (1 << 15) / max(1, batch * planeCount))) { range in
        for channel in range {
            var total = Scalar.zero
            for image in 0..<batch {
                let plane = base + (image * channels + channel) * planeCount
                total += sumOfRow(plane, count: planeCount)
            }
            resultBase[channel] = total
        }
    }
    return withExtendedLifetime(gradient) { result }
}


/// The gradient of `conv2d` with respect to its input.
///
/// `dx = col2im(weightᵀ · dy)` per image and group: every output gradient flows back to each input
/// position its window covered, overlapping windows adding up.
///
/// - Parameters:
///   - outputGradient: `[N, O, Hout, Wout]`, the gradient of the loss with respect to `conv2d`'s output.
///   - weight: `[O, C/groups, kH, kW]`, the forward pass's weight.
///   - inputShape: `[N, C, H, W]`, the forward pass's input shape (`H` and `W` are not implied by
///     `Hout` and `Wout` when the stride is above 1).
///   - stride: the forward pass's stride.
///   - padding: the forward pass's padding.
///   - dilation: the forward pass's dilation.
///   - groups: the forward pass's group count.
/// - Returns: `[N, C, H, W]`.
public func conv2dBackwardInput<Scalar: FloatingPointTensorElement>(
    _ outputGradient: Tensor<Scalar>, weight: Tensor<Scalar>, inputShape: [Int],
    stride: Spatial2d = 1, padding: Spatial2d = 0, dilation: Spatial2d = 1, groups: Int = 1
) -> Tensor<Scalar> {
    let geometry = Conv2dGeometry(inputShape: inputShape, weightShape: weight.shape, stride: stride,
                                  padding: padding, dilation: dilation, groups: groups, op: "conv2dBackwardInput")
    precondition(outputGradient.shape == geometry.outputShape,
                 "conv2dBackwardInput: output gradient \(outputGradient.shape) does not match the output \(geometry.outputShape) of input \(inputShape) and weight \(weight.shape)")
    return conv2dInputGradient(outputGradient, weight: weight, geometry: geometry)
}

/// The gradient of `conv2d` with respect to its weight.
///
/// `dweight_g = Σ_n dy[n, g] · im2col(x[n, g])ᵀ`, summed over the batch in a fixed order: the
/// result is bit-identical whatever the thread count.
///
/// - Parameters:
///   - outputGradient: `[N, O, Hout, Wout]`.
///   - input: `[N, C, H, W]`, the forward pass's input, any layout.
///   - weightShape: `[O, C/groups, kH, kW]`.
///   - stride: the forward pass's stride.
///   - padding: the forward pass's padding.
///   - dilation: the forward pass's dilation.
///   - groups: the forward pass's group count.
/// - Returns: `[O, C/groups, kH, kW]`.
public func conv2dBackwardWeight<Scalar: FloatingPointTensorElement>(
    _ outputGradient: Tensor<Scalar>, input: Tensor<Scalar>, weightShape: [Int],
    stride: Spatial2d = 1, padding: Spatial2d = 0, dilation: Spatial2d = 1, groups: Int = 1
) -> Tensor<Scalar> {
    let geometry = Conv2dGeometry(inputShape: input.shape, weightShape: weightShape, stride: stride,
                                  padding: padding, dilation: dilation, groups: groups, op: "conv2dBackwardWeight")
    precondition(outputGradient.shape == geometry.outputShape,
                 "conv2dBackwardWeight: output gradient \(outputGradient.shape) does not match the output \(geometry.outputShape) of input \(input.shape) and weight \(weightShape)")
    return conv2dWeightGradient(outputGradient, input: input, geometry: geometry)
}

/// The gradient of `conv2d` with respect to its bias: `dbias[o] = Σ_{n, i, j} dy[n, o, i, j]`.
///
/// - Parameter outputGradient: `[N, O, Hout, Wout]`.
/// - Returns: `[O]`.
public func conv2dBackwardBias<Scalar: FloatingPointTensorElement>(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
    precondition(outputGradient.rank == 4, "conv2dBackwardBias: output gradient \(outputGradient.shape) is not [N, O, Hout, Wout]")
    return conv2dBiasGradient(outputGradient)
}
