/// MAE's per-sample random masking (`random_masking` in `models_mae.py`): which patches each
/// image keeps, and how to put the decoder's tokens back in their places.

/// A random choice of kept and removed patches for each image of a batch.
///
/// Per sample, `noise ~ U[0, 1)` over the `L` patches; `idsShuffle = argsort(noise)`; the first
/// `keptCount = floor(L·(1 − r))` of the shuffled order are kept; `idsRestore = argsort(idsShuffle)`
/// puts the shuffled order back; `mask` is 1 at the removed patches, in the original order.
///
/// ```swift
/// let masking = RandomMasking<Float>(batchSize: 8, patchCount: 49, maskRatio: 0.75, using: &generator)
/// let visible = masking.keep(tokens)                      // [8, 49, D] → [8, 12, D]
/// let restored = masking.unshuffle(visibleAndMaskTokens)  // [8, 49, D], original patch order
/// ```
public struct RandomMasking<Scalar: FloatingPointTensorElement>: @unchecked Sendable {
    /// `idsShuffle`, `[N, L]`: the patches in the order they were drawn, the kept ones first.
    public let shuffleIndices: Tensor<Int>
    /// `idsRestore`, `[N, L]`: where each patch went in the shuffled order (`argsort(idsShuffle)`).
    public let restoreIndices: Tensor<Int>
    /// `[N, L]`: 1 where the patch was removed, 0 where it is kept, in the original order.
    public let mask: Tensor<Scalar>
    /// `floor(L·(1 − r))`, the patches kept per image.
    public let keptCount: Int

    /// A fresh random masking: one noise vector per image, drawn from `generator`.
    ///
    /// The noise is drawn in Float whatever `Scalar` is, so that a Float and a Double model given
    /// the same generator mask the same patches.
    ///
    /// - Precondition: `batchSize ≥ 1`, `patchCount ≥ 1`, `0 ≤ maskRatio < 1`.
    public init(batchSize: Int, patchCount: Int, maskRatio: Double, using generator: inout PhiloxGenerator) {
        precondition(batchSize >= 1 && patchCount >= 1 && maskRatio >= 0 && maskRatio < 1,
                     "RandomMasking: batch \(batchSize), \(patchCount) patches, mask ratio \(maskRatio): need at least one of each and 0 ≤ r < 1")
        let noise = Tensor<Float>.uniform([batchSize, patchCount], using: &generator)   // [N, L]
        self.init(noise: noise, maskRatio: maskRatio)
    }

    /// The masking that `noise` `[N, L]` chooses: each image keeps its `floor(L·(1 − r))` patches
    /// of smallest noise.
    public init(noise: Tensor<Float>, maskRatio: Double) {
        precondition(noise.rank == 2 && noise.count > 0 && maskRatio >= 0 && maskRatio < 1,
                     "RandomMasking: noise \(noise.shape) is not [N, L] or mask ratio \(maskRatio) is not in [0, 1)")
        let patchCount = noise.shape[1]
        let keptCount = Int((Double(patchCount) * (1 - maskRatio)).rounded(.down))
        self.keptCount = keptCount
        shuffleIndices = noise.argsort(alongAxis: 1)                                      // [N, L]
        restoreIndices = shuffleIndices.argsort(alongAxis: 1)                             // [N, L]
        // 0 for the first `keptCount` places of the shuffled order, 1 after; back in the original order.
        let shuffledMask = Tensor<Scalar>(
            shape: [1, patchCount],
            scalars: (0..<patchCount).map { $0 < keptCount ? Scalar.zeroValue : Scalar.oneValue })
            .expanded(to: noise.shape)                                                   // [N, L]
        mask = shuffledMask.gathering(alongAxis: 1, indices: restoreIndices)             // [N, L]
    }

    /// `idsShuffle[:, :keptCount]`, `[N, keptCount]`: the kept patches of each image, in drawn order.
    public var keptIndices: Tensor<Int> { shuffleIndices.sliced(axis: 1, to: keptCount) }

    /// The kept tokens of each image: `[N, L, D]` → `[N, keptCount, D]` (a gather, so gradients
    /// reach the kept tokens only).
    public func keep(_ tokens: Variable<Scalar>) -> Variable<Scalar> {
        precondition(tokens.rank == 3 && tokens.shape[0] == shuffleIndices.shape[0] && tokens.shape[1] == shuffleIndices.shape[1],
                     "RandomMasking.keep: tokens \(tokens.shape) are not [\(shuffleIndices.shape[0]), \(shuffleIndices.shape[1]), D]")
        let shape = [tokens.shape[0], keptCount, tokens.shape[2]]
        return tokens.gathering(alongAxis: 1, indices: keptIndices.unsqueezed(at: 2).expanded(to: shape))  // [N, keep, D]
    }

    /// Tokens in the shuffled order (kept ones first, then one per removed patch) put back in
    /// the original patch order with `idsRestore`: `[N, L, D]` → `[N, L, D]`.
    public func unshuffle(_ tokens: Variable<Scalar>) -> Variable<Scalar> {
        precondition(tokens.rank == 3 && Array(tokens.shape.prefix(2)) == restoreIndices.shape,
                     "RandomMasking.unshuffle: tokens \(tokens.shape) are not [\(restoreIndices.shape[0]), \(restoreIndices.shape[1]), D]")
        return tokens.gathering(alongAxis: 1, indices: restoreIndices.unsqueezed(at: 2).expanded(to: tokens.shape))  // [N, L, D]
    }
}
