import Autograd

/// The Vision Transformer (Dosovitskiy et al., *An Image is Worth 16x16 Words*, ICLR 2021,
/// https://arxiv.org/abs/2010.11929), laid out like timm's `vision_transformer.py`:
///
/// ```
/// patch_embed:  conv p×p / p            [B, C, H, W] → [B, N, D]
/// cls_token, pos_embed:                 prepend the class token, add positions → [B, 1 + N, D]
/// blocks:       x += attn(norm1(x)); x += mlp(norm2(x))    (pre-norm, `depth` times)
/// norm → head on the class token        → [B, classes]
/// ```
///
/// Parameter names equal timm's (`cls_token`, `pos_embed`, `patch_embed.proj.weight`,
/// `blocks.0.norm1.weight`, `blocks.0.attn.qkv.weight`, `blocks.0.mlp.fc1.weight`,
/// `norm.weight`, `head.weight`), so timm checkpoints load as they are. The parts are public so
/// that MAE builds its encoder from the same `PatchEmbedding`, `TransformerBlock`s and norm.
/// timm's dropout and stochastic depth default to zero and are left out.
public final class VisionTransformer<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// The shape this model was built with.
    public let configuration: VisionTransformerConfiguration
    /// The learned class token `[1, 1, D]`, saved as `cls_token`.
    public let classToken: Parameter<Scalar>
    /// The learned position embeddings `[1, 1 + N, D]` (class token first), saved as `pos_embed`.
    public let positionEmbedding: Parameter<Scalar>
    /// Images to patch tokens, saved as `patch_embed`.
    public let patchEmbedding: PatchEmbedding<Scalar>
    /// The pre-norm transformer blocks, saved as `blocks.0`, `blocks.1`, ….
    public let blocks: [TransformerBlock<Scalar>]
    /// The final LayerNorm.
    public let norm: LayerNorm<Scalar>
    /// The classifier on the class token: `Linear(D, classCount)`.
    public let head: Linear<Scalar>

    public static var keyOverrides: [String: String] {
        ["classToken": "cls_token", "positionEmbedding": "pos_embed", "patchEmbedding": "patch_embed"]
    }

    /// A ViT with timm's initialization: Linear weights and the position embeddings truncated
    /// normal σ 0.02, Linear biases zero, the class token normal with
    /// `configuration.classTokenStandardDeviation`, LayerNorms γ 1 β 0, the patch convolution
    /// PyTorch's `nn.Conv2d` default.
    ///
    /// - Precondition: `imageSize` is a multiple of `patchSize`, `D` of `headCount`.
    public init(_ configuration: VisionTransformerConfiguration, using generator: inout PhiloxGenerator) {
        let dimension = configuration.embeddingDimension
        self.configuration = configuration
        patchEmbedding = PatchEmbedding(imageSize: configuration.imageSize, patchSize: configuration.patchSize,
                                        inputChannels: configuration.inputChannels, embeddingDimension: dimension,
                                        using: &generator)
        classToken = Parameter(Initializer.normal(mean: 0, standardDeviation: configuration.classTokenStandardDeviation)
            .tensor([1, 1, dimension], using: &generator))
        positionEmbedding = Parameter(Initializer.truncatedNormal(standardDeviation: 0.02)
            .tensor([1, 1 + configuration.patchCount, dimension], using: &generator))
        blocks = (0..<configuration.depth).map { _ in
            TransformerBlock(embeddingDimension: dimension, headCount: configuration.headCount,
                             hiddenDimension: configuration.hiddenDimension, queryKeyValueBias: configuration.queryKeyValueBias,
                             layerNormEpsilon: configuration.layerNormEpsilon, using: &generator)
        }
        norm = LayerNorm(dimension: dimension, epsilon: configuration.layerNormEpsilon)
        head = Linear(inputFeatures: dimension, outputFeatures: configuration.classCount, using: &generator)
        initializeLikeTimm(head, using: &generator)
    }

    /// Patch tokens with the class token in front and the positions added:
    /// `[B, C, H, W]` → `[B, 1 + N, D]`.
    public func embed(_ images: Variable<Scalar>) -> Variable<Scalar> {
        let patches = patchEmbedding(images)                                            // [B, N, D]
        let batch = patches.shape[0]
        let classTokens = classToken.variable.expanded(to: [batch, 1, configuration.embeddingDimension])  // [B, 1, D]
        let tokens = Variable.concatenating([classTokens, patches], alongAxis: 1)       // [B, 1 + N, D]
        return tokens + positionEmbedding.variable                                      // [B, 1 + N, D]
    }

    /// The encoder: embedding, every block, the final norm: `[B, C, H, W]` → `[B, 1 + N, D]`.
    public func encode(_ images: Variable<Scalar>) -> Variable<Scalar> {
        norm(blocks.reduce(embed(images)) { tokens, block in block(tokens) })          // [B, 1 + N, D]
    }

    /// `[B, C, H, W]` → logits `[B, classCount]` from the class token.
    public func forward(_ images: Variable<Scalar>) -> Variable<Scalar> {
        let classToken = encode(images).selecting(0, alongAxis: 1)                      // [B, D]
        return head(classToken)                                                         // [B, classCount]
    }

    /// The attention weights of the last forward pass, one `[B, H, 1 + N, 1 + N]` per block
    /// (row `i` is how token `i` attends to every token; each row sums to one). Empty before
    /// the first pass.
    public var attentionWeights: [Tensor<Scalar>] { blocks.compactMap(\.attention.attentionWeights) }
}

/// Images to a sequence of patch tokens with a convolution whose kernel and stride are the
/// patch size — a linear map of each flattened `p × p × C` patch — like timm's `PatchEmbed`
/// (its convolution saved as `proj`).
public final class PatchEmbedding<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// `Conv2d(C, D, kernel p, stride p)`, saved as `proj`.
    public let projection: Conv2d<Scalar>
    /// The side of the expected square images.
    public let imageSize: Int
    /// `p`.
    public let patchSize: Int

    public static var keyOverrides: [String: String] { ["projection": "proj"] }

    /// - Precondition: `imageSize` is a positive multiple of `patchSize`.
    public init(imageSize: Int, patchSize: Int, inputChannels: Int, embeddingDimension: Int,
                using generator: inout PhiloxGenerator) {
        precondition(patchSize > 0 && imageSize > 0 && imageSize % patchSize == 0,
                     "PatchEmbedding: image size \(imageSize) is not a multiple of patch size \(patchSize)")
        self.imageSize = imageSize
        self.patchSize = patchSize
        projection = Conv2d(inputChannels: inputChannels, outputChannels: embeddingDimension,
                            kernelSize: Spatial2d(patchSize), stride: Spatial2d(patchSize), using: &generator)
    }

    /// `[B, C, H, W]` → `[B, N, D]` with `N = (H/p)·(W/p)` in row-major patch order.
    public func forward(_ images: Variable<Scalar>) -> Variable<Scalar> {
        precondition(images.rank == 4 && images.shape[1] == projection.weight.shape[1]
                     && images.shape[2] == imageSize && images.shape[3] == imageSize,
                     "PatchEmbedding: images \(images.shape) are not [B, \(projection.weight.shape[1]), \(imageSize), \(imageSize)]")
        return projection(images)                                                       // [B, D, H/p, W/p]
            .flattened(from: 2)                                                         // [B, D, N]
            .transposed(1, 2)                                                           // [B, N, D]
    }
}

/// A pre-norm transformer block, timm's `Block`: `x += attn(norm1(x)); x += mlp(norm2(x))`.
public final class TransformerBlock<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// The LayerNorm before attention.
    public let norm1: LayerNorm<Scalar>
    /// Multi-head self-attention, saved as `attn`; its `attentionWeights` keep the last call's.
    public let attention: MultiHeadAttention<Scalar>
    /// The LayerNorm before the feed-forward network.
    public let norm2: LayerNorm<Scalar>
    /// `D → hidden → D` with GELU, saved as `mlp`.
    public let multilayerPerceptron: TransformerFeedForward<Scalar>

    public static var keyOverrides: [String: String] { ["attention": "attn", "multilayerPerceptron": "mlp"] }

    /// A block with timm's initialization (Linear weights truncated normal σ 0.02, biases zero).
    public init(embeddingDimension: Int, headCount: Int, hiddenDimension: Int, queryKeyValueBias: Bool = true,
                layerNormEpsilon: Double = 1e-6, using generator: inout PhiloxGenerator) {
        norm1 = LayerNorm(dimension: embeddingDimension, epsilon: layerNormEpsilon)
        attention = MultiHeadAttention(embeddingDimension: embeddingDimension, headCount: headCount,
                                       bias: queryKeyValueBias, using: &generator)
        norm2 = LayerNorm(dimension: embeddingDimension, epsilon: layerNormEpsilon)
        multilayerPerceptron = TransformerFeedForward(inputFeatures: embeddingDimension, hiddenFeatures: hiddenDimension,
                                                    using: &generator)
        initializeLikeTimm(attention.queryKeyValue, using: &generator)
        initializeLikeTimm(attention.outputProjection, using: &generator)
    }

    /// `[B, N, D]` → `[B, N, D]`.
    public func forward(_ tokens: Variable<Scalar>) -> Variable<Scalar> {
        let attended = tokens + attention(norm1(tokens))                                // [B, N, D]
        return attended + multilayerPerceptron(norm2(attended))                         // [B, N, D]
    }
}

/// The transformer's feed-forward network, timm's `Mlp`: `fc2(GELU(fc1(x)))` with the exact
/// (erf) GELU.
public final class TransformerFeedForward<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// `D → hidden`, followed by GELU.
    public let fc1: Linear<Scalar>
    /// `hidden → D`.
    public let fc2: Linear<Scalar>

    /// Linear weights truncated normal σ 0.02, biases zero (timm's ViT initialization).
    public init(inputFeatures: Int, hiddenFeatures: Int, using generator: inout PhiloxGenerator) {
        fc1 = Linear(inputFeatures: inputFeatures, outputFeatures: hiddenFeatures, using: &generator)
        fc2 = Linear(inputFeatures: hiddenFeatures, outputFeatures: inputFeatures, using: &generator)
        initializeLikeTimm(fc1, using: &generator)
        initializeLikeTimm(fc2, using: &generator)
    }

    /// `[…, D]` → `[…, hidden]` → `[…, D]`.
    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        fc2(fc1(input).gelu())
    }
}

/// timm's `init_weights_vit_timm` for a Linear: weight truncated normal σ 0.02, bias zero.
func initializeLikeTimm<Scalar>(_ linear: Linear<Scalar>, using generator: inout PhiloxGenerator) {
    linear.weight.initialize(.truncatedNormal(standardDeviation: 0.02), using: &generator)
    linear.bias?.initialize(.zeros, using: &generator)
}
