/// The sizes that describe a 2-D convolution or pooling window, shared by the forward and backward
/// kernels so that all of them agree on one output size.

/// A pair of sizes along height and width: a stride, a padding, a dilation or a kernel size.
///
/// An integer literal means the same value along both axes: `stride: 2` is `Spatial2d(2, 2)`.
public struct Spatial2d: Sendable, Hashable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    /// The size along the height axis.
    public var height: Int
    /// The size along the width axis.
    public var width: Int

    /// A pair of sizes: `height` along the first spatial axis, `width` along the second.
    public init(_ height: Int, _ width: Int) {
        self.height = height
        self.width = width
    }

    /// The same value along both axes.
    public init(_ both: Int) { self.init(both, both) }

    /// The same value along both axes, from an integer literal: `stride: 2`.
    public init(integerLiteral value: Int) { self.init(value) }

    /// `(height, width)`.
    public var description: String { "(\(height), \(width))" }
}

/// The number of window positions along one axis: `(size + 2·padding − dilation·(kernel − 1) − 1) / stride + 1`.
@inline(__always)
func slidingOutputSize(size: Int, kernel: Int, stride: Int, padding: Int, dilation: Int) -> Int {
    let span = size + 2 * padding - dilation * (kernel - 1) - 1
    return span < 0 ? 0 : span / stride + 1
}

/// Everything a convolution kernel needs to know, checked once: the input `[N, C, H, W]`, the
/// weight `[O, C/groups, kH, kW]`, the window parameters and the output size.
struct Conv2dGeometry {
    let batch: Int, inputChannels: Int, height: Int, width: Int
    let outputChannels: Int, groups: Int, kernelHeight: Int, kernelWidth: Int
    let stride: Spatial2d, padding: Spatial2d, dilation: Spatial2d
    let outputHeight: Int, outputWidth: Int

    /// Checks the shapes and window against each other, stopping with `op`'s name when they disagree.
    init(inputShape: [Int], weightShape: [Int], stride: Spatial2d, padding: Spatial2d,
         dilation: Spatial2d, groups: Int, op: StaticString) {
        precondition(inputShape.count == 4, "\(op): input \(inputShape) is not [N, C, H, W]")
        precondition(weightShape.count == 4, "\(op): weight \(weightShape) is not [O, C/groups, kH, kW]")
        precondition(stride.height > 0 && stride.width > 0, "\(op): stride \(stride) must be positive")
        precondition(dilation.height > 0 && dilation.width > 0, "\(op): dilation \(dilation) must be positive")
        precondition(padding.height >= 0 && padding.width >= 0, "\(op): padding \(padding) must not be negative")
        precondition(groups > 0, "\(op): groups \(groups) must be positive")
        precondition(inputShape[1] % groups == 0 && weightShape[0] % groups == 0,
                     "\(op): input \(inputShape), weight \(weightShape): channels are not divisible by \(groups) groups")
        precondition(weightShape[1] * groups == inputShape[1],
                     "\(op): input \(inputShape), weight \(weightShape): weight expects \(weightShape[1] * groups) input channels with \(groups) groups")
        precondition(weightShape[2] > 0 && weightShape[3] > 0, "\(op): weight \(weightShape) has an empty kernel")
        batch = inputShape[0]; inputChannels = inputShape[1]; height = inputShape[2]; width = inputShape[3]
        outputChannels = weightShape[0]; kernelHeight = weightShape[2]; kernelWidth = weightShape[3]
        self.groups = groups
        self.stride = stride; self.padding = padding; self.dilation = dilation
        outputHeight = slidingOutputSize(size: height, kernel: kernelHeight, stride: stride.height,
                                         padding: padding.height, dilation: dilation.height)
        outputWidth = slidingOutputSize(size: width, kernel: kernelWidth, stride: stride.width,
                                        padding: padding.width, dilation: dilation.width)
        precondition(outputHeight > 0 && outputWidth > 0,
                     "\(op): input \(inputShape), weight \(weightShape), padding \(padding), dilation \(dilation): the padded input is smaller than the kernel")
    }

    var inputShape: [Int] { [batch, inputChannels, height, width] }
    var outputShape: [Int] { [batch, outputChannels, outputHeight, outputWidth] }
    var weightShape: [Int] { [outputChannels, inputChannels / groups, kernelHeight, kernelWidth] }

    /// Input and output channels of one group.
    var groupInputChannels: Int { inputChannels / groups }
    var groupOutputChannels: Int { outputChannels / groups }
    /// Rows of one group's column matrix (`C/groups · kH · kW`) and its columns (`Hout · Wout`).
    var columnRows: Int { groupInputChannels * kernelHeight * kernelWidth }
    var columnCount: Int { outputHeight * outputWidth }
    /// Elements of one image of the input and of the output.
    var inputImageCount: Int { inputChannels * height * width }
    var outputImageCount: Int { outputChannels * outputHeight * outputWidth }
    /// Whether the column matrix is the image itself (a 1×1 kernel, stride 1, no padding), so
    /// that `im2col` and `col2im` can be skipped.
    var columnsAreImage: Bool {
        kernelHeight == 1 && kernelWidth == 1 && stride == Spatial2d(1) && padding == Spatial2d(0)
    }
    /// The output rows of one block of the column matrix: blocks of whole output rows, about
    /// 64 Ki elements (a few hundred KiB, so that `im2col` writes into the level-2 cache and the
    /// product reads from it) but at least 128 columns wide, and as even as the rows allow. The
    /// blocks depend only on the shape.
    var columnBlocks: [Range<Int>] {
        let targetColumns = max(128, (1 << 16) / max(1, columnRows))
        let blockCount = max(1, outputHeight / max(1, (targetColumns + outputWidth - 1) / outputWidth))
        return (0..<blockCount).map { block in
            (block * outputHeight / blockCount)..<((block + 1) * outputHeight / blockCount)
        }
    }

    /// `2 · N · O · C/groups · kH · kW · Hout · Wout`, the multiply-adds of one kernel counted twice.
    var flops: Int { 2 * batch * outputChannels * columnRows * columnCount }
}
