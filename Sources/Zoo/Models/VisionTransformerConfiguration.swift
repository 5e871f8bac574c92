/// The shape of a Vision Transformer (Dosovitskiy et al., 2021, https://arxiv.org/abs/2010.11929),
/// with timm's defaults (`vision_transformer.py`) and named presets.
///
/// ```swift
/// var configuration = VisionTransformerConfiguration.tinyCIFAR
/// configuration.inputChannels = 1                       // Fashion-MNIST padded to 32 × 32
/// let model = VisionTransformer<Float>(configuration, using: &generator)
/// ```
public struct VisionTransformerConfiguration: Sendable, Hashable {
    /// The side of the square input image, in pixels (224).
    public var imageSize: Int
    /// The side of each square patch, `p` (16); `imageSize` must be a multiple of it.
    public var patchSize: Int
    /// The image channels (3).
    public var inputChannels: Int
    /// `D`, the size of every token (768 for ViT-B).
    public var embeddingDimension: Int
    /// The number of transformer blocks (12).
    public var depth: Int
    /// `H`, the attention heads per block; each attends with `D/H` dimensions.
    public var headCount: Int
    /// The MLP's hidden size over `D` (4).
    public var mlpRatio: Double
    /// The classes of the head on the class token (1000).
    public var classCount: Int
    /// `ε` of every LayerNorm (1e-6, timm's and the paper's JAX code's).
    public var layerNormEpsilon: Double
    /// Whether the fused `qkv` projection has a bias (timm's `qkv_bias`, true).
    public var queryKeyValueBias: Bool
    /// σ of the class token's normal initialization: timm's 1e-6; MAE uses 0.02.
    public var classTokenStandardDeviation: Double

    /// A configuration; the defaults are ViT-Base/16 for 224×224 ImageNet images.
    public init(
        imageSize: Int = 224, patchSize: Int = 16, inputChannels: Int = 3, embeddingDimension: Int = 768,
        depth: Int = 12, headCount: Int = 12, mlpRatio: Double = 4, classCount: Int = 1000,
        layerNormEpsilon: Double = 1e-6, queryKeyValueBias: Bool = true, classTokenStandardDeviation: Double = 1e-6
    ) {
        self.imageSize = imageSize
        self.patchSize = patchSize
        self.inputChannels = inputChannels
        self.embeddingDimension = embeddingDimension
        self.depth = depth
        self.headCount = headCount
        self.mlpRatio = mlpRatio
        self.classCount = classCount
        self.layerNormEpsilon = layerNormEpsilon
        self.queryKeyValueBias = queryKeyValueBias
        self.classTokenStandardDeviation = classTokenStandardDeviation
    }

    /// The patches per side, `imageSize / patchSize`.
    public var patchesPerSide: Int { imageSize / patchSize }
    /// `N`, the patch tokens (the sequence has `1 + N` with the class token).
    public var patchCount: Int { patchesPerSide * patchesPerSide }
    /// The MLP's hidden size, `D · mlpRatio`.
    public var hiddenDimension: Int { Int(Double(embeddingDimension) * mlpRatio) }

    /// ViT-Ti/16 (DeiT-Ti, timm `vit_tiny_patch16_224`): D 192, 12 blocks, 3 heads; 5,717,416 parameters.
    public static let tinyPatch16 = VisionTransformerConfiguration(embeddingDimension: 192, depth: 12, headCount: 3)
    /// ViT-S/16 (timm `vit_small_patch16_224`): D 384, 12 blocks, 6 heads; 22,050,664 parameters.
    public static let smallPatch16 = VisionTransformerConfiguration(embeddingDimension: 384, depth: 12, headCount: 6)
    /// ViT-B/16 (the paper's base, timm `vit_base_patch16_224`): D 768, 12 blocks, 12 heads; 86,567,656 parameters.
    public static let basePatch16 = VisionTransformerConfiguration(embeddingDimension: 768, depth: 12, headCount: 12)
    /// A small ViT for 32 × 32 images, trained here: patch 4 (64 tokens), D 192, 6 blocks, 3
    /// heads, 10 classes; 2,693,578 parameters.
    public static let tinyCIFAR = VisionTransformerConfiguration(
        imageSize: 32, patchSize: 4, embeddingDimension: 192, depth: 6, headCount: 3, classCount: 10)
    /// The small ViT trained to the accuracy target here: 32 × 32, patch 4 (64 tokens), D 96, 6
    /// blocks, 3 heads of 32, 10 classes; 683,242 parameters. Half ViT-Tiny's width, so about a
    /// quarter of its arithmetic per image.
    public static let miniCIFAR = VisionTransformerConfiguration(
        imageSize: 32, patchSize: 4, embeddingDimension: 96, depth: 6, headCount: 3, classCount: 10)
    /// The smallest useful ViT, for tests: 32 × 32, patch 4, D 32, 2 blocks, 2 heads, 10
    /// classes; 29,482 parameters.
    public static let microCIFAR = VisionTransformerConfiguration(
        imageSize: 32, patchSize: 4, embeddingDimension: 32, depth: 2, headCount: 2, classCount: 10)
}
