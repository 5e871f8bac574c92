/// 2-D convolution in NCHW, lowered to im2col + GEMM.
///
/// Each image is independent, so the batch is split across the thread budget; each chunk of
/// images reuses one column buffer, and every group of an image is a matrix product
/// `weight_g [O/groups, C/groups · kH · kW] · columns [C/groups · kH · kW, Hout · Wout]`, done in
/// blocks of output rows (`Conv2dGeometry.columnBlocks`) so that the columns stay in cache. Small
/// feature maps put several images into one product instead (ImageGroups.swift).

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func conv2dForward<Scalar: FloatingPointTensorElement>(
    _ input: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>?, geometry g: Conv2dGeometry
) -> Tensor<Scalar> {
    let input = input.contiguous(), weight = weight.contiguous(), bias = bias?.contiguous()
    let result = Tensor<Scalar>(uninitializedShape: g.outputShape)
    let inputBase = UnsafePointer(input.storage.base + input.offset)
    let weightBase = UnsafePointer(weight.storage.base + weight.offset)
    let biasBase = bias.map { UnsafePointer($0.storage.base + $0.offset) }
    let outputBase = result.storage.base
    if g.imagesPerProduct > 1 {
        // Small feature maps: the columns of several images side by side, one product for all.
        forEachImageGroup(batch: g.batch, size: g.imagesPerProduct) { images in
            let width = images.count * g.columnCount
            let columns = Tensor<Scalar>(uninitializedShape: [g.columnRows * width])
            let product = Tensor<Scalar>(uninitializedShape: [g.outputChannels * width])
            for (position, image) in images.enumerated() {
                im2col(inputBase + image * g.inputImageCount, g,
                       into: columns.storage.base + position * g.columnCount, rowStride: width)
            }
            if let biasBase {
                for channel in 0..<g.outputChannels {
                    (product.storage.base + channel * width).update(repeating: biasBase[channel], count: width)
                }
            }
            // [O, C·kH·kW] · [C·kH·kW, images · Hout·Wout] → [O, images · Hout·Wout]
            BLAS.gemm(transposeA: false, transposeB: false, m: g.outputChannels, n: width, k: g.columnRows,
                      alpha: 1, a: weightBase, lda: g.columnRows, b: columns.storage.base, ldb: width,
                      beta: biasBase == nil ? 0 : 1, c: product.storage.base, ldc: width)
            copyImagePlanes(images: images, channels: g.outputChannels, planeCount: g.columnCount,
                            planes: outputBase, matrix: product.storage.base, gathering: false)
            withExtendedLifetime((columns, product)) {}
        }
        return withExtendedLifetime((input, weight, bias)) { result }
    }
    let groupWeightCount = g.groupOutputChannels * g.columnRows
    forEachImageChunk(batch: g.batch) { images, splitColumns in
        // A single image splits its products across the threads, so it keeps one whole block.
        let blocks = g.columnsAreImage || splitColumns ? [0..<g.outputHeight] : g.columnBlocks
        let blockCapacity = blocks.map(\.count).max()! * g.outputWidth
        // One column buffer per chunk, from the buffer cache.
        let columns = Tensor<Scalar>(uninitializedShape: [g.columnsAreImage ? 0 : g.columnRows * blockCapacity])
        for image in images {
            let output = outputBase + image * g.outputImageCount
            if let biasBase {
                for channel in 0..<g.outputChannels {
                    (output + channel * g.columnCount).update(repeating: biasBase[channel], count: g.columnCount)
                }
            }
            for group in 0..<g.groups {
                let groupInput = inputBase + image * g.inputImageCount + group * g.groupInputChannels * g.height * g.width
                for rows in blocks {
                    let first = rows.lowerBound * g.outputWidth, count = rows.count * g.outputWidth
                    if !g.columnsAreImage { im2col(groupInput, g, outputRows: rows, into: columns.storage.base) }
                    convolutionGemm(
                        splitColumns: splitColumns, transposeA: false, transposeB: false,
                        m: g.groupOutputChannels, n: count, k: g.columnRows,
                        a: weightBase + group * groupWeightCount, lda: g.columnRows,
                        b: g.columnsAreImage ? groupInput : UnsafePointer(columns.storage.base),
                        ldb: g.columnsAreImage ? g.columnCount : count,
                        beta: biasBase == nil ? 0 : 1,
                        c: output + group * g.groupOutputChannels * g.columnCount + first, ldc: g.columnCount)
                }
            }
        }
        withExtendedLifetime(columns) {}
    }
    return withExtendedLifetime((input, weight, bias)) { result }
}

/// Checks the bias against the geometry.
func checkBias<Scalar>(_ bias: Tensor<Scalar>?, _ g: Conv2dGeometry, op: StaticString) {
    guard let bias else { return }
    precondition(bias.shape == [g.outputChannels],
                 "\(op): bias \(bias.shape) does not match weight \(g.weightShape); expected [\(g.outputChannels)]")
}

/// The 2-D convolution (cross-correlation, as in every deep-learning library) of a batch of images.
///
/// `out[n, o, i, j] = bias[o] + Σ_{c, p, q} weight[o, c, p, q] · x[n, g·C/groups + c, i·s_h − pad_h + p·d_h, j·s_w − pad_w + q·d_w]`
/// where `g` is the group of output channel `o` and `x` is zero outside the image.
///
/// - Parameters:
///   - input: `[N, C, H, W]`, any layout.
///   - weight: `[O, C/groups, kH, kW]`.
///   - bias: `[O]`, or `nil`.
///   - stride: the step between windows, per axis (an integer literal means both axes).
///   - padding: zeros added on each side, per axis.
///   - dilation: the spacing between kernel taps, per axis.
///   - groups: `C` and `O` are split into this many independent groups (`C` for depthwise).
/// - Returns: `[N, O, Hout, Wout]` with `Hout = (H + 2·pad_h − d_h·(kH − 1) − 1) / s_h + 1`.
/// - Precondition: the shapes agree and the padded input is at least as large as the dilated kernel.
public func conv2d<Scalar: FloatingPointTensorElement>(
    _ input: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>? = nil,
    stride: Spatial2d = 1, padding: Spatial2d = 0, dilation: Spatial2d = 1, groups: Int = 1
) -> Tensor<Scalar> {
    let geometry = Conv2dGeometry(inputShape: input.shape, weightShape: weight.shape, stride: stride,
                                  padding: padding, dilation: dilation, groups: groups, op: "conv2d")
    checkBias(bias, geometry, op: "conv2d")
    return conv2dForward(input, weight: weight, bias: bias, geometry: geometry)
}
