import Foundation

/// Images as sequences of flattened patches, and the fixed 2-D sin-cos position embedding: the
/// two pieces of MAE (`models_mae.py`, `util/pos_embed.py`) that fix how pixels map to tokens.

extension Tensor where Scalar: FloatingPointTensorElement {
    /// Images cut into non-overlapping `p × p` patches, each flattened: MAE's `patchify`,
    /// `[N, C, H, W]` → `[N, L, p²·C]` with `L = (H/p)·(W/p)` patches in row-major order and the
    /// values of a patch in the order `(row in patch, column in patch, channel)` — `nhwpqc`.
    ///
    /// - Precondition: rank 4, square images whose side is a multiple of `patchSize`.
    public func patchified(patchSize: Int) -> Tensor {
        precondition(rank == 4 && shape[2] == shape[3] && patchSize > 0 && shape[2] % patchSize == 0,
                     "patchified: images \(shape) are not square [N, C, H, W] with a side that is a multiple of patch size \(patchSize)")
        let (count, channels, side) = (shape[0], shape[1], shape[2] / patchSize)
        return reshaped(to: [count, channels, side, patchSize, side, patchSize])          // [N, C, h, p, w, q]
            .permuted([0, 2, 4, 3, 5, 1])                                                 // [N, h, w, p, q, C]
            .contiguous()
            .reshaped(to: [count, side * side, patchSize * patchSize * channels])        // [N, L, p²·C]
    }

    /// The inverse of `patchified(patchSize:)`, MAE's `unpatchify`: `[N, L, p²·C]` → `[N, C, H, W]`.
    ///
    /// - Precondition: rank 3, `L` a square number, `p²·C` the last axis.
    public func unpatchified(patchSize: Int, channels: Int) -> Tensor {
        let side = Int(Double(rank == 3 ? shape[1] : 0).squareRoot().rounded())
        precondition(rank == 3 && side * side == shape[1] && shape[2] == patchSize * patchSize * channels,
                     "unpatchified: patches \(shape) are not [N, L = h², p²·C = \(patchSize * patchSize * channels)]")
        let count = shape[0]
        return reshaped(to: [count, side, side, patchSize, patchSize, channels])        // [N, h, w, p, q, C]
            .permuted([0, 5, 1, 3, 2, 4])                                                 // [N, C, h, p, w, q]
            .contiguous()
            .reshaped(to: [count, channels, side * patchSize, side * patchSize])        // [N, C, H, W]
    }

    /// MAE's fixed 2-D sin-cos position embedding (`get_2d_sincos_pos_embed(D, g, cls_token=True)`):
    /// `[1 + g², D]`, row 0 (the class token) zeros, row `1 + i·g + j` the patch in row `i`,
    /// column `j`.
    ///
    /// The first `D/2` values encode the column `j`, the other `D/2` the row `i`; each half is
    /// `[sin(pos·ω_k) for k < D/4, cos(pos·ω_k) for k < D/4]` with `ω_k = 1 / 10000^(k / (D/4))`,
    /// computed in Double as NumPy does.
    ///
    /// - Precondition: `D` is a positive multiple of 4, `gridSize ≥ 1`.
    public static func sinCosPositionEmbedding(dimension: Int, gridSize: Int) -> Tensor {
        precondition(dimension > 0 && dimension % 4 == 0 && gridSize >= 1,
                     "sinCosPositionEmbedding: dimension \(dimension) is not a positive multiple of 4 or grid \(gridSize) is empty")
        let quarter = dimension / 4
        let frequencies = (0..<quarter).map { 1 / Foundation.pow(10_000, Double($0) / Double(quarter)) }
        var values = [Scalar](repeating: Scalar(0), count: dimension)                   // the class token's row
        values.reserveCapacity((1 + gridSize * gridSize) * dimension)
        for row in 0..<gridSize {
            for column in 0..<gridSize {
                for position in [column, row] {
                    values += frequencies.map { Scalar(Foundation.sin(Double(position) * $0)) }
                    values += frequencies.map { Scalar(Foundation.cos(Double(position) * $0)) }
                }
            }
        }
        return Tensor(shape: [1 + gridSize * gridSize, dimension], scalars: values)      // [1 + L, D]
    }
}
