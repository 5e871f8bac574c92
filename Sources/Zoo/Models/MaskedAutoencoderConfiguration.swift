/// The shape of a masked autoencoder (He et al., *Masked Autoencoders Are Scalable Vision
/// Learners*, CVPR 2022, https://arxiv.org/abs/2111.06377), with the defaults of
/// facebookresearch/mae `models_mae.py` and its named presets.
///
/// ```swift
/// var configuration = MaskedAutoencoderConfiguration.smallFashionMNIST   // 28 × 28, patch 4
/// let model = MaskedAutoencoder<Float>(configuration, using: &generator)
/// ```
public struct MaskedAutoencoderConfiguration: Sendable, Hashable {
    /// The side of the square input image, in pixels (224).
    public var imageSize: Int
    /// The side of each square patch, `p` (16); `imageSize` must be a multiple of it.
    public var patchSize: Int
    /// The image channels (3).
    public var inputChannels: Int
    /// The encoder's token size `D` (1024 in `models_mae.py`'s defaults; 768 for ViT-B).
    public var embeddingDimension: Int
    /// The encoder's transformer blocks (24).
    public var depth: Int
    /// The encoder's attention heads (16).
    public var headCount: Int
    /// The decoder's token size (512).
    public var decoderEmbeddingDimension: Int
    /// The decoder's transformer blocks (8).
    public var decoderDepth: Int
    /// The decoder's attention heads (16).
    public var decoderHeadCount: Int
    /// The MLP's hidden size over the token size, in encoder and decoder (4).
    public var mlpRatio: Double
    /// `ε` of every LayerNorm (1e-6, `partial(nn.LayerNorm, eps=1e-6)`).
    public var layerNormEpsilon: Double
    /// The fraction of patches removed, `r` (0.75); `floor(L·(1 − r))` patches are kept.
    public var maskRatio: Double
    /// Whether the loss compares with each patch standardized by its own mean and variance
    /// (`--norm_pix_loss`, used for the paper's results; `models_mae.py`'s default is false).
    public var normalizesPixelTargets: Bool

    /// A configuration with the given settings; the defaults are `models_mae.py`'s.
    public init(
        imageSize: Int = 224, patchSize: Int = 16, inputChannels: Int = 3, embeddingDimension: Int = 1024,
        depth: Int = 24, headCount: Int = 16, decoderEmbeddingDimension: Int = 512, decoderDepth: Int = 8,
        decoderHeadCount: Int = 16, mlpRatio: Double = 4, layerNormEpsilon: Double = 1e-6, maskRatio: Double = 0.75,
        normalizesPixelTargets: Bool = false
    ) {
        self.imageSize = imageSize
        self.patchSize = patchSize
        self.inputChannels = inputChannels
        self.embeddingDimension = embeddingDimension
        self.depth = depth
        self.headCount = headCount
        self.decoderEmbeddingDimension = decoderEmbeddingDimension
        self.decoderDepth = decoderDepth
        self.decoderHeadCount = decoderHeadCount
        self.mlpRatio = mlpRatio
        self.layerNormEpsilon = layerNormEpsilon
        self.maskRatio = maskRatio
        self.normalizesPixelTargets = normalizesPixelTargets
    }

    /// The patches per side, `imageSize / patchSize`.
    public var patchesPerSide: Int { imageSize / patchSize }
    /// `L`, the patch tokens.
    public var patchCount: Int { patchesPerSide * patchesPerSide }
    /// The values of one flattened patch, `p²·C`: the decoder's output per token.
    public var patchValueCount: Int { patchSize * patchSize * inputChannels }
    /// The patches the encoder sees, `floor(L·(1 − r))`.
    public var keptPatchCount: Int { Int((Double(patchCount) * (1 - maskRatio)).rounded(.down)) }

    /// The encoder as a plain ViT with a classifier of `classCount` classes, for fine-tuning: the
    /// same names and shapes as the MAE encoder, class token σ 0.02 as MAE initializes it.
    public func encoderConfiguration(classCount: Int) -> VisionTransformerConfiguration {
        VisionTransformerConfiguration(
            imageSize: imageSize, patchSize: patchSize, inputChannels: inputChannels, embeddingDimension: embeddingDimension,
            depth: depth, headCount: headCount, mlpRatio: mlpRatio, classCount: classCount,
            layerNormEpsilon: layerNormEpsilon, queryKeyValueBias: true, classTokenStandardDeviation: 0.02)
    }

    /// MAE ViT-B/16 (`mae_vit_base_patch16_dec512d8b`, with `--norm_pix_loss`): D 768, 12 blocks,
    /// 12 heads; decoder 512 × 8 blocks × 16 heads; 111,907,840 parameters.
    public static let basePatch16 = MaskedAutoencoderConfiguration(
        embeddingDimension: 768, depth: 12, headCount: 12, normalizesPixelTargets: true)
    /// MAE ViT-L/16 (`mae_vit_large_patch16_dec512d8b`): D 1024, 24 blocks, 16 heads; the same
    /// decoder; 329,541,888 parameters.
    public static let largePatch16 = MaskedAutoencoderConfiguration(
        embeddingDimension: 1024, depth: 24, headCount: 16, normalizesPixelTargets: true)
    /// MAE ViT-H/14 (`mae_vit_huge_patch14_dec512d8b`): D 1280, 32 blocks, 16 heads, patch 14;
    /// the same decoder; 657,074,508 parameters.
    public static let hugePatch14 = MaskedAutoencoderConfiguration(
        patchSize: 14, embeddingDimension: 1280, depth: 32, headCount: 16, normalizesPixelTargets: true)
    /// A small MAE for 28 × 28 grey images (MNIST, Fashion-MNIST), trained here: patch 4 (49
    /// tokens, 12 kept), D 128, 4 blocks, 4 heads; decoder 64 × 2 blocks × 4 heads; plain pixel
    /// targets (see `normalizesPixelTargets`); 914,704 parameters.
    public static let smallFashionMNIST = MaskedAutoencoderConfiguration(
        imageSize: 28, patchSize: 4, inputChannels: 1, embeddingDimension: 128, depth: 4, headCount: 4,
        decoderEmbeddingDimension: 64, decoderDepth: 2, decoderHeadCount: 4)
    /// A lighter MAE for 28 × 28 grey images, what `zoo reproduce mae` trains: patch 4 (49 tokens,
    /// 12 kept), D 64, 4 blocks, 4 heads; decoder 64 × 2 blocks × 4 heads; plain pixel targets;
    /// 312,976 parameters.
    public static let tinyFashionMNIST = MaskedAutoencoderConfiguration(
        imageSize: 28, patchSize: 4, inputChannels: 1, embeddingDimension: 64, depth: 4, headCount: 4,
        decoderEmbeddingDimension: 64, decoderDepth: 2, decoderHeadCount: 4)
    /// The same for 32 × 32 images (the `-32` datasets, CIFAR-shaped ones with `inputChannels = 3`):
    /// patch 4 (64 tokens, 16 kept); 917,584 parameters with one channel.
    public static let smallCIFAR = MaskedAutoencoderConfiguration(
        imageSize: 32, patchSize: 4, inputChannels: 1, embeddingDimension: 128, depth: 4, headCount: 4,
        decoderEmbeddingDimension: 64, decoderDepth: 2, decoderHeadCount: 4)
}
