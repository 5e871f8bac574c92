/// A ViT that classifies from the mean of its patch tokens, as MAE fine-tunes its encoder
/// (`models_vit.py` with `global_pool=True`, the default of `main_finetune.py`).
///
/// ```
/// encoder.encode:  [B, C, H, W] → [B, 1 + L, D]   (patch embedding, class token, blocks, norm)
/// mean over the L patch tokens  → [B, D]
/// encoder.head                  → [B, classes]
/// ```
///
/// MAE replaces the final norm by one after the pooling (`fc_norm`); here the encoder's own norm
/// stays before it, so that a `VisionTransformer` — fresh or from `MaskedAutoencoder.visionTransformer`
/// — is used as it is. The class token is still computed but not read.
public final class GlobalPoolClassifier<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// The ViT whose patch tokens are pooled and whose head classifies them; saved as `encoder`.
    public let encoder: VisionTransformer<Scalar>

    /// `encoder` classifying from its mean patch token.
    public init(_ encoder: VisionTransformer<Scalar>) {
        self.encoder = encoder
    }

    /// `[B, C, H, W]` → logits `[B, classCount]`.
    public func forward(_ images: Variable<Scalar>) -> Variable<Scalar> {
        let patches = encoder.encode(images).sliced(axis: 1, from: 1)                    // [B, L, D]
        return encoder.head(patches.mean(alongAxes: [1]))                                // [B, classCount]
    }
}
