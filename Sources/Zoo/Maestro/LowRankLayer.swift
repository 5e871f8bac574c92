/// What Maestro's low-rank layers share (Horváth et al., *Maestro: Uncovering Low-Rank Structures
/// via Trainable Decomposition*, ICML 2024, https://arxiv.org/abs/2308.14929).
///
/// A low-rank layer stores its weight as two factors, `W = U·Vᵀ`, with `U: [out, r]` indexed by
/// column and `V` stored as `r` rows of `fanIn` numbers (`V_j` is row `j`). Rank `j` is the pair
/// (column `U_{:,j}`, row `V_j`); keeping rank `b` uses only the first `b` of them, which is what
/// ordered dropout trains and what the hierarchical group lasso orders.

/// A layer whose weight is `U·Vᵀ` and which can run with only its first `keptRank` ranks.
public protocol LowRankLayer<Scalar>: Layer {
    /// `r`, the inner rank the layer holds now (it falls when progressive shrinking drops ranks).
    var rank: Int { get }
    /// The rank the next forward passes keep, `1...rank`; `nil` keeps them all. Ordered dropout
    /// sets it for one step; evaluation at a rank budget sets it for the whole model.
    var keptRank: Int? { get set }
    /// The numbers each rank's row of `V` holds: `in` for a linear layer, `in·k²` for a convolution.
    var fanIn: Int { get }
    /// The output features or channels: the length of each column of `U`.
    var fanOut: Int { get }
    /// Whether the layer adds a bias (`fanOut` numbers, the same in either form).
    var hasBias: Bool { get }
    /// `U` as a matrix `[fanOut, rank]`, recorded so that penalties on it are differentiated.
    var factorU: Variable<Scalar> { get }
    /// `V` as a matrix `[rank, fanIn]` (one row per rank), recorded like `factorU`.
    var factorV: Variable<Scalar> { get }
    /// Drops every rank from `rank + 1` on, for good: the parameters become smaller tensors.
    ///
    /// - Precondition: `1 ≤ rank ≤ self.rank`. Optimizers holding the old parameters must be
    ///   rebuilt afterwards.
    func shrink(toRank rank: Int)
}

extension LowRankLayer {
    /// The rank a forward pass uses now: `keptRank`, or all of them.
    public var effectiveRank: Int { keptRank ?? rank }

    /// The parameters of the factored form at `rank` (default: the rank held): `(fanIn + fanOut)·rank`
    /// plus the bias.
    public func factorParameterCount(rank: Int? = nil) -> Int {
        (fanIn + fanOut) * (rank ?? self.rank) + (hasBias ? fanOut : 0)
    }

    /// The parameters of the same layer stored dense: `fanIn·fanOut` plus the bias.
    public var denseParameterCount: Int { fanIn * fanOut + (hasBias ? fanOut : 0) }

    /// The parameters of the smaller of the two forms at `rank`: Maestro turns a layer back into
    /// a dense one when `(in + out)·r > in·out`.
    public func compactParameterCount(rank: Int? = nil) -> Int {
        Swift.min(factorParameterCount(rank: rank), denseParameterCount)
    }

    /// Whether the dense form is smaller than the factored one at the rank held.
    public var isSmallerDense: Bool { factorParameterCount() > denseParameterCount }

    /// The product of the kept factors, `U[:, :b]·V[:b]`, as a `[fanOut, fanIn]` matrix.
    public func denseWeightMatrix(rank: Int? = nil) -> Tensor<Scalar> {
        let kept = rank ?? effectiveRank
        return matmul(factorU.value.sliced(axis: 1, to: kept), factorV.value.sliced(axis: 0, to: kept))
    }
}

/// `ceil(r·p)`, never 0: the rank ordered dropout and rank budgets keep of `r` at fraction `p`.
///
/// - Precondition: `0 < p ≤ 1` and `r ≥ 1`.
public func truncatedRank(of rank: Int, fraction: Double) -> Int {
    precondition(fraction > 0 && fraction <= 1, "truncatedRank: fraction \(fraction) is not in (0, 1]")
    precondition(rank >= 1, "truncatedRank: rank \(rank) is below 1")
    return Swift.max(1, Swift.min(rank, Int((Double(rank) * fraction).rounded(.up))))
}

/// Maestro's initialization of the factors from a dense weight: with `W = P·Σ·Qᵀ` (the thin SVD),
/// `U = P·√Σ` and `V = Q·√Σ`, so that `U·Vᵀ = W` and rank `j` carries `√σ_j` on either side.
///
/// - Parameters:
///   - weight: `[fanOut, fanIn]`.
///   - layer: the layer's name, for the messages of a failed precondition or SVD.
/// - Returns: `u: [fanOut, r]` and `v: [r, fanIn]` (V's rows), `r = min(fanOut, fanIn)`.
/// - Precondition: the weight is finite (a fresh initialization or a trained layer).
public func singularValueFactors<Scalar: FloatingPointTensorElement>(
    of weight: Tensor<Scalar>, layer: String
) -> (u: Tensor<Scalar>, v: Tensor<Scalar>) {
    precondition(weight.rank == 2, "\(layer): the weight to factor has shape \(weight.shape), not [out, in]")
    let decomposition: (u: Tensor<Scalar>, singularValues: Tensor<Scalar>, vTransposed: Tensor<Scalar>)
    do {
        decomposition = try svd(weight, fullMatrices: false)
    } catch {
        preconditionFailure("\(layer): the SVD of the \(weight.shape) weight failed: \(error)")
    }
    let root = decomposition.singularValues.sqrt()                     // [r]
    let rank = root.count
    let u = decomposition.u * root.reshaped(to: [1, rank])               // [out, r]
    let v = decomposition.vTransposed * root.reshaped(to: [rank, 1])     // [r, in]
    return (u.contiguous(), v.contiguous())
}
