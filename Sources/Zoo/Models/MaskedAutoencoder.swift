/// The masked autoencoder (He et al., *Masked Autoencoders Are Scalable Vision Learners*,
/// CVPR 2022, https://arxiv.org/abs/2111.06377), laid out like facebookresearch/mae's
/// `models_mae.py` and the paper's Figure 1:
///
/// ```
/// encoder:  patch_embed + pos_embed[1:]              [N, C, H, W] → [N, L, D]
///           random masking, per sample               → [N, keep, D]   (keep = floor(L·(1 − r)))
///           prepend cls_token + pos_embed[0]         → [N, 1 + keep, D]
///           blocks, norm                             → [N, 1 + keep, D]
/// decoder:  decoder_embed                            → [N, 1 + keep, D′]
///           append L − keep mask_tokens, unshuffle   → [N, 1 + L, D′]   (original patch order)
///           + decoder_pos_embed, decoder_blocks, decoder_norm, decoder_pred, drop cls
///                                                    → [N, L, p²·C]
/// loss:     mean over the removed patches of the per-patch MSE against patchify(images)
/// ```
///
/// The encoder is built from the ViT's parts (`PatchEmbedding`, `TransformerBlock`, `LayerNorm`)
/// and its parameters have the ViT's names, so `visionTransformer(classCount:using:)` hands it to
/// a classifier for fine-tuning. Parameter names equal MAE's (`patch_embed.proj.weight`,
/// `cls_token`, `pos_embed`, `blocks.0.attn.qkv.weight`, `decoder_embed.weight`, `mask_token`,
/// `decoder_blocks.0.mlp.fc1.weight`, `decoder_pred.weight`, …). Both position embeddings are
/// fixed 2-D sin-cos tables, parameters that are not trained (`requires_grad=False` in MAE).
public final class MaskedAutoencoder<Scalar: FloatingPointTensorElement>: Module, @unchecked Sendable {
    public var isTraining = true
    /// The shape this model was built with.
    public let configuration: MaskedAutoencoderConfiguration

    // MARK: Encoder

    /// Images to patch tokens, saved as `patch_embed`.
    public let patchEmbedding: PatchEmbedding<Scalar>
    /// The learned class token `[1, 1, D]`, saved as `cls_token`.
    public let classToken: Parameter<Scalar>
    /// The fixed sin-cos position embedding `[1, 1 + L, D]` (class token row zero), saved as `pos_embed`.
    public let positionEmbedding: Parameter<Scalar>
    /// The encoder's pre-norm transformer blocks, saved as `blocks.0`, `blocks.1`, ….
    public let blocks: [TransformerBlock<Scalar>]
    /// The encoder's final LayerNorm.
    public let norm: LayerNorm<Scalar>

    // MARK: Decoder

    /// `Linear(D, D′)`, saved as `decoder_embed`.
    public let decoderEmbedding: Linear<Scalar>
    /// The one learned token `[1, 1, D′]` that stands for every removed patch, saved as `mask_token`.
    public let maskToken: Parameter<Scalar>
    /// The decoder's fixed sin-cos position embedding `[1, 1 + L, D′]`, saved as `decoder_pos_embed`.
    public let decoderPositionEmbedding: Parameter<Scalar>
    /// The decoder's transformer blocks, saved as `decoder_blocks.0`, ….
    public let decoderBlocks: [TransformerBlock<Scalar>]
    /// The decoder's final LayerNorm.
    public let decoderNorm: LayerNorm<Scalar>
    /// `Linear(D′, p²·C)`: each token's patch of pixels, saved as `decoder_pred`.
    public let decoderPrediction: Linear<Scalar>

    public static var keyOverrides: [String: String] {
        ["patchEmbedding": "patch_embed", "classToken": "cls_token", "positionEmbedding": "pos_embed",
         "decoderEmbedding": "decoder_embed", "decoderPositionEmbedding": "decoder_pos_embed",
         "decoderPrediction": "decoder_pred"]
    }

    /// A model with MAE's initialization (`initialize_weights`): sin-cos position embeddings,
    /// the patch projection xavier-uniform as a `[D, C·p²]` matrix, class and mask tokens normal
    /// σ 0.02, every Linear xavier-uniform with zero bias, LayerNorms γ 1 β 0.
    ///
    /// - Precondition: `imageSize` a multiple of `patchSize`; both token sizes multiples of 4
    ///   (the sin-cos table) and of their head counts.
    public init(_ configuration: MaskedAutoencoderConfiguration, using generator: inout PhiloxGenerator) {
        let (dimension, decoderDimension) = (configuration.embeddingDimension, configuration.decoderEmbeddingDimension)
        precondition(dimension % 4 == 0 && decoderDimension % 4 == 0,
                     "MaskedAutoencoder: token sizes \(dimension) and \(decoderDimension) must be multiples of 4 for the sin-cos embedding")
        precondition(configuration.maskRatio >= 0 && configuration.maskRatio < 1,
                     "MaskedAutoencoder: mask ratio \(configuration.maskRatio) is not in [0, 1)")
        self.configuration = configuration
        func block(_ dimension: Int, _ heads: Int) -> TransformerBlock<Scalar> {
            TransformerBlock(embeddingDimension: dimension, headCount: heads,
                             hiddenDimension: Int(Double(dimension) * configuration.mlpRatio),
                             layerNormEpsilon: configuration.layerNormEpsilon, using: &generator)
        }
        func fixedPositions(_ dimension: Int) -> Parameter<Scalar> {
            let table = Tensor<Scalar>.sinCosPositionEmbedding(dimension: dimension, gridSize: configuration.patchesPerSide)
            return Parameter(table.unsqueezed(at: 0), requiresGradient: false)           // [1, 1 + L, D]
        }
        patchEmbedding = PatchEmbedding(imageSize: configuration.imageSize, patchSize: configuration.patchSize,
                                        inputChannels: configuration.inputChannels, embeddingDimension: dimension,
                                        using: &generator)
        classToken = Parameter(Initializer.normal(mean: 0, standardDeviation: 0.02).tensor([1, 1, dimension], using: &generator))
        positionEmbedding = fixedPositions(dimension)
        blocks = (0..<configuration.depth).map { _ in block(dimension, configuration.headCount) }
        norm = LayerNorm(dimension: dimension, epsilon: configuration.layerNormEpsilon)

        decoderEmbedding = Linear(inputFeatures: dimension, outputFeatures: decoderDimension, using: &generator)
        maskToken = Parameter(Initializer.normal(mean: 0, standardDeviation: 0.02).tensor([1, 1, decoderDimension], using: &generator))
        decoderPositionEmbedding = fixedPositions(decoderDimension)
        decoderBlocks = (0..<configuration.decoderDepth).map { _ in block(decoderDimension, configuration.decoderHeadCount) }
        decoderNorm = LayerNorm(dimension: decoderDimension, epsilon: configuration.layerNormEpsilon)
        decoderPrediction = Linear(inputFeatures: decoderDimension, outputFeatures: configuration.patchValueCount, using: &generator)

        // MAE's `_init_weights`: xavier-uniform for every Linear (the blocks' too), and the patch
        // projection treated as the Linear map it is.
        let projection = patchEmbedding.projection.weight
        projection.value = Initializer.xavierUniform().tensor([dimension, projection.count / dimension], using: &generator)
            .reshaped(to: projection.shape)
        for case let linear as Linear<Scalar> in namedModules().map(\.module) {
            linear.weight.initialize(.xavierUniform(), using: &generator)
            linear.bias?.initialize(.zeros, using: &generator)
        }
    }

    // MARK: - Encoder

    /// The encoder on the patches `masking` keeps (all patches, in order, when it is `nil`):
    /// `[N, C, H, W]` → `[N, 1 + keep, D]`, the class token first.
    public func encode(_ images: Variable<Scalar>, masking: RandomMasking<Scalar>?) -> Variable<Scalar> {
        let dimension = configuration.embeddingDimension
        let positions = positionEmbedding.variable                                        // [1, 1 + L, D]
        var tokens = patchEmbedding(images) + positions.sliced(axis: 1, from: 1)         // [N, L, D]
        if let masking { tokens = masking.keep(tokens) }                                 // [N, keep, D]
        let batch = tokens.shape[0]
        let classTokens = (classToken.variable + positions.sliced(axis: 1, to: 1))
            .expanded(to: [batch, 1, dimension])                                          // [N, 1, D]
        tokens = Variable.concatenating([classTokens, tokens], alongAxis: 1)             // [N, 1 + keep, D]
        return norm(blocks.reduce(tokens) { tokens, block in block(tokens) })            // [N, 1 + keep, D]
    }

    /// A random masking of a batch of `batchSize` images with the configured ratio.
    public func randomMasking(batchSize: Int, using generator: inout PhiloxGenerator) -> RandomMasking<Scalar> {
        RandomMasking(batchSize: batchSize, patchCount: configuration.patchCount, maskRatio: configuration.maskRatio,
                      using: &generator)
    }

    // MARK: - Decoder

    /// The decoder: the encoder's tokens `[N, 1 + keep, D]` → each patch's predicted pixels
    /// `[N, L, p²·C]`, in the original patch order.
    public func decode(_ latent: Variable<Scalar>, masking: RandomMasking<Scalar>) -> Variable<Scalar> {
        let decoderDimension = configuration.decoderEmbeddingDimension
        let tokens = decoderEmbedding(latent)                                             // [N, 1 + keep, D′]
        let (batch, patchCount) = (tokens.shape[0], configuration.patchCount)
        precondition(tokens.shape[1] == 1 + masking.keptCount,
                     "MaskedAutoencoder.decode: \(tokens.shape[1]) tokens for a masking that keeps \(masking.keptCount) patches (plus the class token)")
        let maskTokens = maskToken.variable.expanded(to: [batch, patchCount - masking.keptCount, decoderDimension])
        let shuffled = Variable.concatenating([tokens.sliced(axis: 1, from: 1), maskTokens], alongAxis: 1)  // [N, L, D′]
        let patches = masking.unshuffle(shuffled)                                         // [N, L, D′]
        var sequence = Variable.concatenating([tokens.sliced(axis: 1, to: 1), patches], alongAxis: 1)  // [N, 1 + L, D′]
        sequence = sequence + decoderPositionEmbedding.variable                          // [N, 1 + L, D′]
        sequence = decoderNorm(decoderBlocks.reduce(sequence) { tokens, block in block(tokens) })
        return decoderPrediction(sequence).sliced(axis: 1, from: 1)                       // [N, L, p²·C]
    }

    // MARK: - Loss

    /// The mean over removed patches of each patch's mean squared error:
    /// `Σ_patches mean_{p²C}(prediction − target)² · mask / Σ mask`, with the target
    /// `patchify(images)`, standardized per patch when `normalizesPixelTargets`
    /// (`(t − mean) / sqrt(var_unbiased + 1e-6)`).
    ///
    /// - Parameters:
    ///   - images: `[N, C, H, W]`, the originals (no gradient flows into the target).
    ///   - prediction: `[N, L, p²·C]`.
    ///   - mask: `[N, L]`, 1 for the patches the loss counts.
    /// - Returns: a scalar.
    public func reconstructionLoss(images: Tensor<Scalar>, prediction: Variable<Scalar>, mask: Tensor<Scalar>) -> Variable<Scalar> {
        let target = reconstructionTarget(images)                                         // [N, L, p²·C]
        precondition(prediction.shape == target.shape && mask.shape == Array(target.shape.prefix(2)),
                     "MaskedAutoencoder.reconstructionLoss: prediction \(prediction.shape) and mask \(mask.shape) do not fit target \(target.shape)")
        let perPatch = (prediction - Variable(target)).square().mean(alongAxes: [2])       // [N, L]
        return (perPatch * Variable(mask)).sum() / Variable(mask.sum())                    // []
    }

    /// What the decoder is trained to predict: `patchify(images)` `[N, L, p²·C]`, each patch
    /// standardized when `normalizesPixelTargets`.
    public func reconstructionTarget(_ images: Tensor<Scalar>) -> Tensor<Scalar> {
        let target = images.patchified(patchSize: configuration.patchSize)                // [N, L, p²·C]
        guard configuration.normalizesPixelTargets else { return target }
        let mean = target.mean(alongAxes: [2], keepingDimensions: true)                   // [N, L, 1]
        let variance = target.variance(alongAxes: [2], correction: 1, keepingDimensions: true)
        return (target - mean) / (variance + Tensor(Scalar(1e-6))).sqrt()
    }

    /// One MAE step's forward pass: mask at random, encode the visible patches, decode every
    /// patch, and score the removed ones.
    ///
    /// - Parameters:
    ///   - images: `[N, C, H, W]`.
    ///   - generator: the source of the random masking.
    /// - Returns: the loss (a scalar), the prediction `[N, L, p²·C]` and the masking used.
    public func callAsFunction(_ images: Variable<Scalar>, using generator: inout PhiloxGenerator)
        -> (loss: Variable<Scalar>, prediction: Variable<Scalar>, masking: RandomMasking<Scalar>) {
        let masking = randomMasking(batchSize: images.shape[0], using: &generator)
        let prediction = decode(encode(images, masking: masking), masking: masking)     // [N, L, p²·C]
        return (reconstructionLoss(images: images.value, prediction: prediction, mask: masking.mask), prediction, masking)
    }

    // MARK: - Using the encoder

    /// How `features(_:pooling:)` turns the encoder's tokens into one vector per image.
    public enum FeaturePooling: Sendable, Hashable {
        /// The class token after the final norm (MAE's linear probe).
        case classToken
        /// The mean of the patch tokens after the final norm.
        case patchMean
        /// Both, concatenated: `[N, 2D]`.
        case classTokenAndPatchMean
    }

    /// Features of whole images (no masking): `[N, C, H, W]` → `[N, D]` (`[N, 2D]` for
    /// `.classTokenAndPatchMean`).
    public func features(_ images: Variable<Scalar>, pooling: FeaturePooling = .classToken) -> Variable<Scalar> {
        let tokens = encode(images, masking: nil)                                         // [N, 1 + L, D]
        let classToken = tokens.selecting(0, alongAxis: 1)                                // [N, D]
        let patchMean = tokens.sliced(axis: 1, from: 1).mean(alongAxes: [1])              // [N, D]
        switch pooling {
        case .classToken: return classToken
        case .patchMean: return patchMean
        case .classTokenAndPatchMean: return Variable.concatenating([classToken, patchMean], alongAxis: 1)  // [N, 2D]
        }
    }

    /// A ViT classifier whose encoder starts from this model's (every parameter whose name the
    /// two share: `patch_embed`, `cls_token`, `pos_embed`, `blocks`, `norm`, copied), with a new
    /// head of `classCount` classes drawn from `generator`, as MAE's `main_finetune.py` loads a
    /// pre-trained checkpoint. The copied position embedding is trained from then on.
    public func visionTransformer(classCount: Int, using generator: inout PhiloxGenerator) -> VisionTransformer<Scalar> {
        let classifier = VisionTransformer<Scalar>(configuration.encoderConfiguration(classCount: classCount), using: &generator)
        let encoderParameters = Dictionary(uniqueKeysWithValues: namedParameters().map { ($0.name, $0.parameter) })
        var copied = 0
        for (name, parameter) in classifier.namedParameters() {
            guard let source = encoderParameters[name] else { continue }
            precondition(source.shape == parameter.shape,
                         "MaskedAutoencoder.visionTransformer: \(name) is \(source.shape) here but \(parameter.shape) in the ViT")
            parameter.value = source.value.copied()
            copied += 1
        }
        precondition(copied == classifier.namedParameters().count - 2,
                     "MaskedAutoencoder.visionTransformer: copied \(copied) parameters; expected all but the head's two")
        return classifier
    }
}
