import Autograd

/// Residual networks (He et al., *Deep Residual Learning for Image Recognition*, CVPR 2016,
/// https://arxiv.org/abs/1512.03385), laid out like torchvision's `models/resnet.py`:
///
/// ```
/// stem:    conv1 → bn1 → ReLU (→ max-pool 3×3/2 with the ImageNet stem)
/// stages:  layer1 … layer4, each a list of blocks; the first block of every stage after the
///          first halves the resolution (stride 2) and widens the channels
/// head:    global average pool → fc
/// ```
///
/// Parameter names equal torchvision's state-dict keys (`conv1.weight`, `bn1.running_mean`,
/// `layer1.0.conv1.weight`, `layer2.0.downsample.0.weight`, `fc.weight`, …). Build one with
/// `ResNet.cifar(depth:…)` (the paper's §4.2 family) or `ResNet.imageNet(depth:…)`.
///
/// ```swift
/// var generator = PhiloxGenerator(seed: 0)
/// let model = ResNet<Float>.cifar(depth: 20, classCount: 10, using: &generator)  // 269,722 parameters
/// let logits = model(Variable(images))                                          // [N, 3, 32, 32] → [N, 10]
/// ```
public final class ResNet<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// The stem convolution: 7×7/2 (ImageNet) or 3×3/1 (CIFAR).
    public let conv1: Conv2d<Scalar>
    /// The batch normalization after the stem convolution.
    public let bn1: BatchNorm2d<Scalar>
    /// 3×3/2 max-pool after the ImageNet stem; `nil` with the CIFAR stem.
    public let maxpool: MaxPool2d<Scalar>?
    /// The stages' blocks (`BasicBlock` or `Bottleneck`); the CIFAR family has no `layer4`.
    public let layer1: [any Layer<Scalar>]
    /// The second stage: stride 2 at its first block.
    public let layer2: [any Layer<Scalar>]
    /// The third stage: stride 2 at its first block.
    public let layer3: [any Layer<Scalar>]
    /// The fourth stage (empty in the CIFAR family).
    public let layer4: [any Layer<Scalar>]
    /// The classifier on the pooled features.
    public let fc: Linear<Scalar>
    /// The number of features `fc` reads: the last stage's channels.
    public let featureCount: Int

    /// The stem: how the first layers reduce the image before the stages.
    public enum Stem: Sendable, Hashable {
        /// conv 7×7/2 + BN + ReLU + max-pool 3×3/2: 224 → 56.
        case imageNet
        /// conv 3×3/1 + BN + ReLU, no max-pool: 32 → 32 (the paper's CIFAR network, kuangliu's).
        case cifar
    }

    /// The kind of block every stage stacks.
    public enum Block: Sendable, Hashable {
        /// Two 3×3 convolutions (`BasicBlock`, expansion 1).
        case basic
        /// 1×1, 3×3, 1×1 (`Bottleneck`, expansion 4).
        case bottleneck
    }

    /// A ResNet of any shape; the factories below give the paper's.
    ///
    /// - Parameters:
    ///   - block: the block every stage stacks.
    ///   - stageDepths: the blocks per stage, 1 to 4 stages (`[3, 4, 6, 3]` for ResNet-50).
    ///   - stageWidths: each stage's block width (`[64, 128, 256, 512]`); the stem outputs
    ///     `stageWidths[0]` channels.
    ///   - stem: `.imageNet` or `.cifar`.
    ///   - shortcut: option A or B where a block changes the shape.
    ///   - residual: false builds the paper's plain network (no shortcuts at all).
    ///   - classCount: the width of `fc`'s output.
    ///   - inputChannels: the channels of the images (3 for RGB, 1 for MNIST).
    ///   - zeroInitializedResiduals: start each block's last batch-norm `γ` at zero, so every
    ///     block starts as the identity (torchvision's `zero_init_residual`).
    ///   - generator: draws the convolutions (`kaiming_normal(fan_out, relu)`) and `fc`
    ///     (PyTorch's `nn.Linear` default).
    /// - Precondition: 1 to 4 stages, as many widths as depths.
    public init(
        block: Block, stageDepths: [Int], stageWidths: [Int], stem: Stem, shortcut: ResNetShortcut = .projection,
        residual: Bool = true, classCount: Int, inputChannels: Int = 3, zeroInitializedResiduals: Bool = false,
        using generator: inout PhiloxGenerator
    ) {
        precondition((1...4).contains(stageDepths.count) && stageDepths.count == stageWidths.count,
                     "ResNet: stage depths \(stageDepths) and widths \(stageWidths) must name the same 1 to 4 stages")
        let stemWidth = stageWidths[0]
        switch stem {
        case .imageNet:
            conv1 = convolutionBeforeNorm(inputChannels, stemWidth, kernelSize: 7, stride: 2, using: &generator)
            maxpool = MaxPool2d(kernelSize: 3, stride: 2, padding: 1)
        case .cifar:
            conv1 = convolutionBeforeNorm(inputChannels, stemWidth, kernelSize: 3, using: &generator)
            maxpool = nil
        }
        bn1 = BatchNorm2d(featureCount: stemWidth)

        var stages: [[any Layer<Scalar>]] = []
        var channels = stemWidth
        for (stage, (depth, width)) in zip(stageDepths, stageWidths).enumerated() {
            var blocks: [any Layer<Scalar>] = []
            for index in 0..<depth {
                let stride = stage > 0 && index == 0 ? 2 : 1
                switch block {
                case .basic:
                    let basic = BasicBlock<Scalar>(inputChannels: channels, width: width, stride: stride,
                                                   shortcut: shortcut, residual: residual, using: &generator)
                    if zeroInitializedResiduals { basic.lastNorm.weight?.value = Tensor.zeros([width]) }
                    blocks.append(basic)
                    channels = width * BasicBlock<Scalar>.expansion
                case .bottleneck:
                    let bottleneck = Bottleneck<Scalar>(inputChannels: channels, width: width, stride: stride,
                                                        shortcut: shortcut, residual: residual, using: &generator)
                    channels = width * Bottleneck<Scalar>.expansion
                    if zeroInitializedResiduals { bottleneck.lastNorm.weight?.value = Tensor.zeros([channels]) }
                    blocks.append(bottleneck)
                }
            }
            stages.append(blocks)
        }
        while stages.count < 4 { stages.append([]) }
        (layer1, layer2, layer3, layer4) = (stages[0], stages[1], stages[2], stages[3])
        featureCount = channels
        fc = Linear(inputFeatures: channels, outputFeatures: classCount, using: &generator)
    }

    /// The pooled features before `fc`: `[N, C, H, W]` → `[N, featureCount]`.
    public func features(_ images: Variable<Scalar>) -> Variable<Scalar> {
        precondition(images.rank == 4 && images.shape[1] == conv1.weight.shape[1],
                     "ResNet: images \(images.shape) are not [N, \(conv1.weight.shape[1]), H, W]")
        var x = bn1(conv1(images)).relu()                                               // [N, C₀, H/2, W/2] (CIFAR: H, W)
        if let maxpool { x = maxpool(x) }                                               // [N, C₀, H/4, W/4]
        for block in layer1 + layer2 + layer3 + layer4 { x = block(x) }                 // [N, featureCount, H/32, W/32] (CIFAR: H/4)
        return adaptiveAvgPool2d(x, outputSize: 1)                                      // [N, featureCount, 1, 1]
            .flattened(from: 1)                                                         // [N, featureCount]
    }

    /// `[N, C, H, W]` → logits `[N, classCount]`.
    public func forward(_ images: Variable<Scalar>) -> Variable<Scalar> {
        fc(features(images))                                                            // [N, classCount]
    }
}

extension ResNet {
    /// The CIFAR-10 networks of the paper's §4.2: a 3×3 conv with 16 filters, three stages of
    /// `n` basic blocks with 16, 32 and 64 channels (stride 2 at the start of stages 2 and 3),
    /// global average pooling and `fc`; depth `6n + 2` (ResNet-20, 32, 44, 56, 110, 1202).
    ///
    /// ResNet-20 has 0.27M parameters (269,722 with option A and 10 classes), ResNet-56 0.85M
    /// (853,018), ResNet-110 1.7M.
    ///
    /// - Parameters:
    ///   - depth: `6n + 2` layers with weights: 20, 32, 44, 56, 110 or 1202.
    ///   - shortcut: `.identityPadding` is the paper's option A (its CIFAR experiments),
    ///     `.projection` option B.
    ///   - classCount: the width of `fc`'s output.
    ///   - inputChannels: the channels of the images (3 for RGB, 1 for MNIST).
    ///   - residual: false gives the plain network of the paper's Fig. 6 (same layers, no shortcuts).
    ///   - zeroInitializedResiduals: start each block's last batch-norm `γ` at zero.
    ///   - generator: draws the initial weights.
    /// - Precondition: `depth` is `6n + 2` with `n ≥ 1`.
    public static func cifar(
        depth: Int, shortcut: ResNetShortcut = .identityPadding, classCount: Int = 10, inputChannels: Int = 3,
        residual: Bool = true, zeroInitializedResiduals: Bool = false, using generator: inout PhiloxGenerator
    ) -> ResNet {
        precondition(depth >= 8 && (depth - 2) % 6 == 0, "ResNet.cifar: depth \(depth) is not 6n + 2 (20, 32, 44, 56, 110)")
        let blocksPerStage = (depth - 2) / 6
        return ResNet(block: .basic, stageDepths: Array(repeating: blocksPerStage, count: 3), stageWidths: [16, 32, 64],
                      stem: .cifar, shortcut: shortcut, residual: residual, classCount: classCount,
                      inputChannels: inputChannels, zeroInitializedResiduals: zeroInitializedResiduals, using: &generator)
    }

    /// torchvision's ImageNet ResNets: 18 and 34 with basic blocks, 50, 101 and 152 with
    /// bottlenecks; stages of width 64, 128, 256, 512; projection shortcuts.
    ///
    /// ResNet-18 has 11,689,512 parameters (11,173,962 with the CIFAR stem and 10 classes),
    /// ResNet-50 25,557,032.
    ///
    /// - Parameters:
    ///   - depth: 18, 34, 50, 101 or 152.
    ///   - classCount: the width of `fc`'s output.
    ///   - cifarStem: a 3×3/1 stem without max-pool for 32×32 images (kuangliu's pytorch-cifar).
    ///   - inputChannels: the channels of the images.
    ///   - zeroInitializedResiduals: start each block's last batch-norm `γ` at zero.
    ///   - generator: draws the initial weights.
    /// - Precondition: `depth` is 18, 34, 50, 101 or 152.
    public static func imageNet(
        depth: Int, classCount: Int = 1000, cifarStem: Bool = false, inputChannels: Int = 3,
        zeroInitializedResiduals: Bool = false, using generator: inout PhiloxGenerator
    ) -> ResNet {
        let layouts: [Int: (Block, [Int])] = [
            18: (.basic, [2, 2, 2, 2]), 34: (.basic, [3, 4, 6, 3]),
            50: (.bottleneck, [3, 4, 6, 3]), 101: (.bottleneck, [3, 4, 23, 3]), 152: (.bottleneck, [3, 8, 36, 3]),
        ]
        guard let (block, stageDepths) = layouts[depth] else {
            preconditionFailure("ResNet.imageNet: depth \(depth) is not 18, 34, 50, 101 or 152")
        }
        return ResNet(block: block, stageDepths: stageDepths, stageWidths: [64, 128, 256, 512],
                      stem: cifarStem ? .cifar : .imageNet, shortcut: .projection, classCount: classCount,
                      inputChannels: inputChannels, zeroInitializedResiduals: zeroInitializedResiduals, using: &generator)
    }
}
