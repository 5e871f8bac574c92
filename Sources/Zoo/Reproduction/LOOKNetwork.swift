/// The networks `zoo reproduce look` pre-trains: one small convolutional backbone, with either a
/// linear classifier (cross-entropy) or a projection head (LOOK) on top.
///
/// ```
/// image [N, 1, 28, 28]
///   ─ conv3×3(16) ─ BN ─ ReLU ─ maxpool 2        [N, 16, 14, 14]
///   ─ conv3×3(32) ─ BN ─ ReLU ─ maxpool 2        [N, 32, 7, 7]
///   ─ conv3×3(64) ─ BN ─ ReLU ─ global avg pool  [N, 64]        ← the features that transfer
///   ─ cross-entropy: Linear(64, classes)          [N, classes]
///   ─ LOOK: Linear(64, 128) ─ ReLU ─ Linear(128, 128)  [N, 128] ← z before normalization
/// ```
///
/// Feng et al. put an MLP head after the backbone for the LOOK loss and transfer the backbone's
/// features, not the head's; the cross-entropy baseline has the usual linear classifier.

/// A small convolutional feature extractor for 28×28 grey images: three 3×3 convolutions with
/// batch norm and ReLU, two max-pools, global average pooling. About 23,000 parameters.
public final class SmallConvolutionalBackbone: Layer, @unchecked Sendable {
    public typealias Scalar = Float
    public var isTraining = true
    /// 3×3 convolution, input channels → 16, no bias (a batch norm follows).
    public let conv1: Conv2d<Float>
    /// The batch norm after `conv1`.
    public let bn1: BatchNorm2d<Float>
    /// 3×3 convolution, 16 → 32 channels.
    public let conv2: Conv2d<Float>
    /// The batch norm after `conv2`.
    public let bn2: BatchNorm2d<Float>
    /// 3×3 convolution, 32 → 64 channels.
    public let conv3: Conv2d<Float>
    /// The batch norm after `conv3`.
    public let bn3: BatchNorm2d<Float>
    /// The length of the feature vector (the last convolution's channels).
    public let featureCount: Int

    /// - Parameters:
    ///   - inputChannels: image channels (1 for Fashion-MNIST).
    ///   - widths: the three convolutions' channels (16, 32, 64 by default).
    ///   - generator: the source of the initial weights.
    public init(inputChannels: Int = 1, widths: [Int] = [16, 32, 64], using generator: inout PhiloxGenerator) {
        precondition(widths.count == 3 && widths.allSatisfy { $0 > 0 }, "SmallConvolutionalBackbone: widths \(widths) must be three positive numbers")
        conv1 = convolutionBeforeNorm(inputChannels, widths[0], kernelSize: 3, using: &generator)
        bn1 = BatchNorm2d(featureCount: widths[0])
        conv2 = convolutionBeforeNorm(widths[0], widths[1], kernelSize: 3, using: &generator)
        bn2 = BatchNorm2d(featureCount: widths[1])
        conv3 = convolutionBeforeNorm(widths[1], widths[2], kernelSize: 3, using: &generator)
        bn3 = BatchNorm2d(featureCount: widths[2])
        featureCount = widths[2]
    }

    /// `[N, C, H, W]` images → `[N, featureCount]` features.
    public func forward(_ images: Variable<Float>) -> Variable<Float> {
        var x = maxPool2d(bn1(conv1(images)).relu(), kernelSize: 2)      // [N, 16, H/2, W/2]
        x = maxPool2d(bn2(conv2(x)).relu(), kernelSize: 2)               // [N, 32, H/4, W/4]
        x = bn3(conv3(x)).relu()                                         // [N, 64, H/4, W/4]
        return x.mean(alongAxes: [2, 3])                                 // [N, 64]
    }
}

/// A backbone followed by a head: a classifier for cross-entropy, or LOOK's projection MLP.
public final class PretrainingNetwork: Layer, @unchecked Sendable {
    public typealias Scalar = Float
    public var isTraining = true
    /// The part whose features transfer.
    public let backbone: SmallConvolutionalBackbone
    /// `Linear(64, classes)` for cross-entropy; `Linear(64, 128) ─ ReLU ─ Linear(128, 128)` for LOOK.
    public let head: Sequential<Float>

    /// A backbone with a linear classifier over `classCount` classes.
    public static func classifier(classCount: Int, using generator: inout PhiloxGenerator) -> PretrainingNetwork {
        let backbone = SmallConvolutionalBackbone(using: &generator)
        let head = Sequential<Float>([Linear<Float>(inputFeatures: backbone.featureCount, outputFeatures: classCount, using: &generator)])
        return PretrainingNetwork(backbone: backbone, head: head)
    }

    /// A backbone with LOOK's projection head: `Linear ─ ReLU ─ Linear` to `projectionCount` (128).
    public static func projection(projectionCount: Int = 128, using generator: inout PhiloxGenerator) -> PretrainingNetwork {
        let backbone = SmallConvolutionalBackbone(using: &generator)
        let head = Sequential<Float>([
            Linear<Float>(inputFeatures: backbone.featureCount, outputFeatures: projectionCount, using: &generator),
            ReLU<Float>(),
            Linear<Float>(inputFeatures: projectionCount, outputFeatures: projectionCount, using: &generator),
        ])
        return PretrainingNetwork(backbone: backbone, head: head)
    }

    init(backbone: SmallConvolutionalBackbone, head: Sequential<Float>) {
        self.backbone = backbone
        self.head = head
    }

    /// `[N, 1, 28, 28]` → the head's output `[N, classes]` or `[N, 128]`.
    public func forward(_ images: Variable<Float>) -> Variable<Float> {
        head(backbone(images))
    }
}
