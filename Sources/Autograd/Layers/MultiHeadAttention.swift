/// Multi-head attention over token sequences `[B, N, D]`, laid out like timm's ViT `Attention`:
/// one fused projection `qkv` (`Linear(D, 3D)`) whose output rows are the queries, keys and
/// values of all heads in that order, then `proj` (`Linear(D, D)`). Parameter names
/// `qkv.weight` `[3D, D]`, `qkv.bias` `[3D]`, `proj.weight` `[D, D]`, `proj.bias` `[D]`, so timm
/// checkpoints load as they are. Both projections start with PyTorch's `nn.Linear`
/// initialization (models such as ViT re-initialize them).
///
/// Each of the `H` heads attends with `d = D/H` dimensions and scale `1/√d`; the softmax runs
/// over the keys. The weights of the last call are kept in `attentionWeights` for inspection.
public final class MultiHeadAttention<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// `D`, the size of each token.
    public let embeddingDimension: Int
    /// `H`; each head attends with `D/H` dimensions.
    public let headCount: Int
    /// `Linear(D, 3D)`, saved as `qkv`: rows `0..<D` make the queries, `D..<2D` the keys,
    /// `2D..<3D` the values; within each, head `h` owns rows `h·d ..< (h + 1)·d`.
    public let queryKeyValue: Linear<Scalar>
    /// `Linear(D, D)` applied to the concatenated heads, saved as `proj`.
    public let outputProjection: Linear<Scalar>
    /// The attention weights `[B, H, Nq, Nk]` of the last call (each row sums to one).
    public private(set) var attentionWeights: Tensor<Scalar>?

    public static var keyOverrides: [String: String] { ["queryKeyValue": "qkv", "outputProjection": "proj"] }

    /// - Parameters:
    ///   - embeddingDimension: `D`, the width of the tokens in and out.
    ///   - headCount: `H`, the number of heads, each of width `D / H`.
    ///   - bias: whether `qkv` has a bias (timm's `qkv_bias`); `proj` always has one, as in timm.
    ///   - generator: the stream the initial weights are drawn from.
    /// - Precondition: `embeddingDimension` is divisible by `headCount`.
    public init(embeddingDimension: Int, headCount: Int, bias: Bool = true, using generator: inout PhiloxGenerator) {
        precondition(headCount > 0 && embeddingDimension % headCount == 0,
                     "MultiHeadAttention: embedding dimension \(embeddingDimension) is not divisible by \(headCount) heads")
        self.embeddingDimension = embeddingDimension
        self.headCount = headCount
        queryKeyValue = Linear(inputFeatures: embeddingDimension, outputFeatures: 3 * embeddingDimension, bias: bias, using: &generator)
        outputProjection = Linear(inputFeatures: embeddingDimension, outputFeatures: embeddingDimension, using: &generator)
    }

    /// Self-attention without a mask: `[B, N, D]` → `[B, N, D]`.
    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> { selfAttention(input, mask: nil) }

    /// Self-attention: `[B, N, D]` → `[B, N, D]`, with an optional mask broadcastable to the
    /// scores `[B, H, N, N]`.
    public func callAsFunction(_ input: Variable<Scalar>, mask: AttentionMask<Scalar>?) -> Variable<Scalar> {
        let output = selfAttention(input, mask: mask)
        ModuleTrace.current?.record(self, outputShape: output.shape)
        return output
    }

    /// Cross-attention: queries from `query` `[B, Nq, D]`, keys and values from `key` and
    /// `value` `[B, Nk, D]`, through the same `qkv` rows → `[B, Nq, D]`. With all three equal it
    /// computes the same as self-attention.
    public func callAsFunction(
        query: Variable<Scalar>, key: Variable<Scalar>, value: Variable<Scalar>, mask: AttentionMask<Scalar>? = nil
    ) -> Variable<Scalar> {
        checkShape(query, "query")
        checkShape(key, "key")
        checkShape(value, "value")
        precondition(key.shape[0] == query.shape[0] && key.shape == value.shape,
                     "MultiHeadAttention: query \(query.shape), key \(key.shape), value \(value.shape) do not match")
        let output = attend(query: project(query, part: 0), key: project(key, part: 1), value: project(value, part: 2), mask: mask)
        ModuleTrace.current?.record(self, outputShape: output.shape)
        return output
    }

    private func selfAttention(_ input: Variable<Scalar>, mask: AttentionMask<Scalar>?) -> Variable<Scalar> {
        checkShape(input, "input")
        // NOTE: three products with the row blocks of `qkv` rather than one fused product split
        // afterwards. Same arithmetic, but the split's backward wrote each of the three gradients
        // into zeros of the whole `[B, N, 3D]` product and added them up: three times the
        // activation's size in extra memory traffic per block.
        // The summary shows `qkv` with the output it stands for, as if called as a layer.
        ModuleTrace.current?.record(queryKeyValue, outputShape: [input.shape[0], input.shape[1], 3 * embeddingDimension])
        return attend(query: project(input, part: 0), key: project(input, part: 1), value: project(input, part: 2), mask: mask)
    }

    /// `x` through rows `part·D ..< (part + 1)·D` of `qkv`, split into heads: `[B, N, D]` → `[B, H, N, d]`.
    private func project(_ input: Variable<Scalar>, part: Int) -> Variable<Scalar> {
        let rows = (part * embeddingDimension, (part + 1) * embeddingDimension)
        let projected = linear(input, weight: queryKeyValue.weight.variable.sliced(axis: 0, from: rows.0, to: rows.1),
                               bias: queryKeyValue.bias?.variable.sliced(axis: 0, from: rows.0, to: rows.1))
        return projected                                                                // [B, N, D]
            .reshaped(to: [input.shape[0], input.shape[1], headCount, embeddingDimension / headCount])  // [B, N, H, d]
            .permuted([0, 2, 1, 3])                                                     // [B, H, N, d]
    }

    /// Attention per head, heads merged, output projection: `[B, H, Nq, d]` ×3 → `[B, Nq, D]`.
    private func attend(query: Variable<Scalar>, key: Variable<Scalar>, value: Variable<Scalar>,
                        mask: AttentionMask<Scalar>?) -> Variable<Scalar> {
        let (output, weights) = scaledDotProductAttention(query: query, key: key, value: value, mask: mask)  // [B, H, Nq, d]
        attentionWeights = weights.value                                                // [B, H, Nq, Nk]
        let merged = output.permuted([0, 2, 1, 3])                                      // [B, Nq, H, d]
            .reshaped(to: [query.shape[0], query.shape[2], embeddingDimension])         // [B, Nq, D]
        return outputProjection(merged)
    }

    private func checkShape(_ input: Variable<Scalar>, _ name: String) {
        precondition(input.rank == 3 && input.shape[2] == embeddingDimension,
                     "MultiHeadAttention: \(name) \(input.shape) is not [B, N, \(embeddingDimension)]")
    }
}
