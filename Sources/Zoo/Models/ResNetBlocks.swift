import Autograd

/// The building blocks of ResNet (He et al., 2016, https://arxiv.org/abs/1512.03385): the
/// shortcut options, the basic block (two 3×3 convolutions) and the bottleneck (1×1, 3×3, 1×1
/// with expansion 4), named as in torchvision's `models/resnet.py` (`conv1`, `bn1`, …,
/// `downsample.0`, `downsample.1`) so torchvision weights load as they are.

/// How a residual block's shortcut matches the block's output where the shape changes
/// (paper §3.3 and §4.2). Where the shape stays, the shortcut is the identity in both options.
public enum ResNetShortcut: Sendable, Hashable {
    /// Option A: the identity, subsampled with stride 2 and zero-padded with the extra channels
    /// (half before, half after, as the common PyTorch CIFAR code does); no parameters.
    case identityPadding
    /// Option B: a 1×1 convolution with the block's stride and a batch norm
    /// (`downsample.0`, `downsample.1`), as torchvision does for every ResNet.
    case projection
}

/// A convolution before a batch norm: no bias, weights `kaiming_normal(mode: fan_out, relu)`
/// as torchvision initializes them.
func convolutionBeforeNorm<Scalar: FloatingPointTensorElement>(
    _ inputChannels: Int, _ outputChannels: Int, kernelSize: Int, stride: Int = 1,
    using generator: inout PhiloxGenerator
) -> Conv2d<Scalar> {
    let convolution = Conv2d<Scalar>(inputChannels: inputChannels, outputChannels: outputChannels,
                                     kernelSize: Spatial2d(kernelSize), stride: Spatial2d(stride),
                                     padding: Spatial2d(kernelSize / 2), bias: false, using: &generator)
    convolution.weight.initialize(.kaimingNormal(mode: .fanOut, nonlinearity: .relu), using: &generator)
    return convolution
}

/// The shortcut of a block whose output shape differs from its input's.
func makeShortcut<Scalar: FloatingPointTensorElement>(
    _ shortcut: ResNetShortcut, inputChannels: Int, outputChannels: Int, stride: Int,
    using generator: inout PhiloxGenerator
) -> any Layer<Scalar> {
    switch shortcut {
    case .identityPadding:
        return PaddedIdentityShortcut(inputChannels: inputChannels, outputChannels: outputChannels, stride: stride)
    case .projection:
        return Sequential<Scalar>([
            convolutionBeforeNorm(inputChannels, outputChannels, kernelSize: 1, stride: stride, using: &generator),
            BatchNorm2d<Scalar>(featureCount: outputChannels),
        ])
    }
}

/// Option A's shortcut: `x[:, :, ::s, ::s]` with zero channels added on both sides,
/// `[N, C, H, W]` → `[N, C', ⌈H/s⌉, ⌈W/s⌉]`. It holds no parameters.
public final class PaddedIdentityShortcut<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// `C`, the channels that come in.
    public let inputChannels: Int
    /// `C'`; the `C' − C` new channels are zero.
    public let outputChannels: Int
    /// The subsampling step along height and width.
    public let stride: Int

    /// - Precondition: `outputChannels − inputChannels` is even and not negative.
    public init(inputChannels: Int, outputChannels: Int, stride: Int) {
        precondition(outputChannels >= inputChannels && (outputChannels - inputChannels) % 2 == 0,
                     "PaddedIdentityShortcut: cannot pad \(inputChannels) channels evenly to \(outputChannels)")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.stride = stride
    }

    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        precondition(input.rank == 4 && input.shape[1] == inputChannels,
                     "PaddedIdentityShortcut: input \(input.shape) is not [N, \(inputChannels), H, W]")
        let extra = (outputChannels - inputChannels) / 2
        return input
            .sliced(axis: 2, by: stride)                                                // [N, C, H/s, W]
            .sliced(axis: 3, by: stride)                                                // [N, C, H/s, W/s]
            .padded([(0, 0), (extra, extra), (0, 0), (0, 0)])                           // [N, C', H/s, W/s]
    }
}

/// The two-layer residual block of ResNet-18/34 and of the CIFAR family:
/// `relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))`, both convolutions 3×3, the stride on
/// the first. Without `residual` it is the paper's *plain* block (no shortcut).
public final class BasicBlock<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// The output channels per input width: 1.
    public static var expansion: Int { 1 }
    /// The first 3×3 convolution, which applies the stride.
    public let conv1: Conv2d<Scalar>
    /// The batch normalization after `conv1`.
    public let bn1: BatchNorm2d<Scalar>
    /// The second 3×3 convolution.
    public let conv2: Conv2d<Scalar>
    /// The batch normalization after `conv2`, before the shortcut is added.
    public let bn2: BatchNorm2d<Scalar>
    /// The shortcut where the shape changes (`nil`: the identity, or none in a plain block).
    public let downsample: (any Layer<Scalar>)?
    /// Whether the shortcut is added (false: the plain network of the paper's Fig. 6).
    public let residual: Bool

    /// - Parameters:
    ///   - inputChannels: the channels of the block's input.
    ///   - width: the output channels.
    ///   - stride: applied by `conv1` (and the shortcut).
    ///   - shortcut: option A or B where the shape changes.
    ///   - residual: false leaves the shortcut out (the plain network).
    ///   - generator: draws the initial weights.
    public init(inputChannels: Int, width: Int, stride: Int = 1, shortcut: ResNetShortcut = .projection,
                residual: Bool = true, using generator: inout PhiloxGenerator) {
        conv1 = convolutionBeforeNorm(inputChannels, width, kernelSize: 3, stride: stride, using: &generator)
        bn1 = BatchNorm2d(featureCount: width)
        conv2 = convolutionBeforeNorm(width, width, kernelSize: 3, using: &generator)
        bn2 = BatchNorm2d(featureCount: width)
        let changesShape = stride != 1 || inputChannels != width
        downsample = residual && changesShape
            ? makeShortcut(shortcut, inputChannels: inputChannels, outputChannels: width, stride: stride, using: &generator)
            : nil
        self.residual = residual
    }

    /// The batch norm whose `γ` starts at zero with `zeroInitializedResiduals`, so the block
    /// starts as the identity (Goyal et al., 2017).
    public var lastNorm: BatchNorm2d<Scalar> { bn2 }

    /// `[N, C, H, W]` → `[N, width, H/stride, W/stride]`.
    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        let hidden = bn1(conv1(input)).relu()                                           // [N, width, H/s, W/s]
        let output = bn2(conv2(hidden))                                                 // [N, width, H/s, W/s]
        guard residual else { return output.relu() }
        return (output + (downsample?(input) ?? input)).relu()
    }
}

/// The bottleneck block of ResNet-50/101: 1×1 reduces to `width`, 3×3 (with the stride, as in
/// torchvision's "ResNet v1.5"), 1×1 expands to `4·width`; the shortcut is added before the
/// last ReLU.
public final class Bottleneck<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// The output channels per width: 4.
    public static var expansion: Int { 4 }
    /// The 1×1 convolution that reduces the channels to `width`.
    public let conv1: Conv2d<Scalar>
    /// The batch normalization after `conv1`.
    public let bn1: BatchNorm2d<Scalar>
    /// The 3×3 convolution, which applies the stride.
    public let conv2: Conv2d<Scalar>
    /// The batch normalization after `conv2`.
    public let bn2: BatchNorm2d<Scalar>
    /// The 1×1 convolution that expands the channels to `4·width`.
    public let conv3: Conv2d<Scalar>
    /// The batch normalization after `conv3`, before the shortcut is added.
    public let bn3: BatchNorm2d<Scalar>
    /// The shortcut where the shape changes (`nil`: the identity, or none in a plain block).
    public let downsample: (any Layer<Scalar>)?
    /// Whether the shortcut is added.
    public let residual: Bool

    /// - Parameters:
    ///   - inputChannels: the channels of the block's input.
    ///   - width: the channels of the 3×3 convolution; the block outputs `4·width`.
    ///   - stride: applied by `conv2` (and the shortcut).
    ///   - shortcut: option A or B where the shape changes.
    ///   - residual: false leaves the shortcut out.
    ///   - generator: draws the initial weights.
    public init(inputChannels: Int, width: Int, stride: Int = 1, shortcut: ResNetShortcut = .projection,
                residual: Bool = true, using generator: inout PhiloxGenerator) {
        let outputChannels = width * Self.expansion
        conv1 = convolutionBeforeNorm(inputChannels, width, kernelSize: 1, using: &generator)
        bn1 = BatchNorm2d(featureCount: width)
        conv2 = convolutionBeforeNorm(width, width, kernelSize: 3, stride: stride, using: &generator)
        bn2 = BatchNorm2d(featureCount: width)
        conv3 = convolutionBeforeNorm(width, outputChannels, kernelSize: 1, using: &generator)
        bn3 = BatchNorm2d(featureCount: outputChannels)
        let changesShape = stride != 1 || inputChannels != outputChannels
        downsample = residual && changesShape
            ? makeShortcut(shortcut, inputChannels: inputChannels, outputChannels: outputChannels, stride: stride, using: &generator)
            : nil
        self.residual = residual
    }

    /// The batch norm whose `γ` starts at zero with `zeroInitializedResiduals`.
    public var lastNorm: BatchNorm2d<Scalar> { bn3 }

    /// `[N, C, H, W]` → `[N, 4·width, H/stride, W/stride]`.
    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        let reduced = bn1(conv1(input)).relu()                                          // [N, width, H, W]
        let hidden = bn2(conv2(reduced)).relu()                                         // [N, width, H/s, W/s]
        let output = bn3(conv3(hidden))                                                 // [N, 4·width, H/s, W/s]
        guard residual else { return output.relu() }
        return (output + (downsample?(input) ?? input)).relu()
    }
}
