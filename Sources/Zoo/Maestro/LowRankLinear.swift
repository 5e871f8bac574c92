/// Maestro's factored linear layer: `y = (x·V[:b]ᵀ)·U[:, :b]ᵀ + bias`, with `W = U·Vᵀ`.
///
/// A drop-in for `Linear` in a `Sequential`: parameters `u` `[out, r]`, `v` `[r, in]` and `bias`
/// `[out]`, with `r = min(in, out)` at first. Built from a `Linear` (its SVD), or initialized as
/// `Linear` would be and then factored, so training starts from the same function.
public final class LowRankLinear<Scalar: FloatingPointTensorElement>: LowRankLayer, @unchecked Sendable {
    public var isTraining = true
    /// `U`, `[outputFeatures, rank]`: rank `j` is column `j`.
    public private(set) var u: Parameter<Scalar>
    /// `V`'s rows, `[rank, inputFeatures]`: rank `j` is row `j`.
    public private(set) var v: Parameter<Scalar>
    /// `[outputFeatures]`, or `nil` without bias.
    public let bias: Parameter<Scalar>?
    /// The rank the next forward passes keep (`nil`: all); see `LowRankLayer.keptRank`.
    public var keptRank: Int? {
        didSet {
            precondition(keptRank.map { $0 >= 1 && $0 <= rank } ?? true,
                         "LowRankLinear: kept rank \(keptRank!) is not in 1...\(rank)")
        }
    }

    /// The factors of `dense`'s weight by SVD (`U = P√Σ`, `V = Q√Σ`) and a copy of its bias.
    public init(dense: Linear<Scalar>) {
        let factors = singularValueFactors(of: dense.weight.value, layer: "LowRankLinear")
        u = Parameter(factors.u)
        v = Parameter(factors.v)
        bias = dense.bias.map { Parameter($0.value.copied()) }
    }

    /// A layer initialized like `Linear(inputFeatures:outputFeatures:)` and then factored by SVD.
    public convenience init(inputFeatures: Int, outputFeatures: Int, bias: Bool = true, using generator: inout PhiloxGenerator) {
        self.init(dense: Linear(inputFeatures: inputFeatures, outputFeatures: outputFeatures, bias: bias, using: &generator))
    }

    /// A layer with the given factors, `u: [out, r]` and `v: [r, in]`.
    public init(u: Tensor<Scalar>, v: Tensor<Scalar>, bias: Tensor<Scalar>?) {
        precondition(u.rank == 2 && v.rank == 2 && u.shape[1] == v.shape[0],
                     "LowRankLinear: factors \(u.shape) and \(v.shape) are not [out, r] and [r, in]")
        precondition(bias.map { $0.shape == [u.shape[0]] } ?? true, "LowRankLinear: bias \(bias!.shape) is not [\(u.shape[0])]")
        self.u = Parameter(u)
        self.v = Parameter(v)
        self.bias = bias.map { Parameter($0) }
    }

    /// The inner rank held now.
    public var rank: Int { v.shape[0] }
    /// The length of each row of `V`.
    public var fanIn: Int { v.shape[1] }
    /// The length of each column of `U`.
    public var fanOut: Int { u.shape[0] }
    /// Whether the layer adds a bias.
    public var hasBias: Bool { bias != nil }
    /// `U` as `[fanOut, rank]`, recorded.
    public var factorU: Variable<Scalar> { u.variable }
    /// `V` as `[rank, fanIn]`, recorded.
    public var factorV: Variable<Scalar> { v.variable }

    /// `[…, inputFeatures]` → `[…, outputFeatures]` at the kept rank.
    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        lowRankLinear(input, u: u.variable, v: v.variable, bias: bias?.variable, rank: effectiveRank)
    }

    /// Keeps only the first `newRank` ranks, for good (new, smaller parameters).
    public func shrink(toRank newRank: Int) {
        precondition(newRank >= 1 && newRank <= rank, "LowRankLinear.shrink: rank \(newRank) is not in 1...\(rank)")
        guard newRank < rank else { return }
        keptRank = nil
        u = Parameter(u.value.sliced(axis: 1, to: newRank).contiguous())
        v = Parameter(v.value.sliced(axis: 0, to: newRank).contiguous())
    }

    /// The same function at the kept rank as an ordinary `Linear` with weight `U[:, :b]·V[:b]`.
    public func dense() -> Linear<Scalar> {
        var unused = PhiloxGenerator(seed: 0)  // the initial values are overwritten at once
        let layer = Linear<Scalar>(inputFeatures: fanIn, outputFeatures: fanOut, bias: hasBias, using: &unused)
        layer.weight.value = denseWeightMatrix()
        if let bias, let denseBias = layer.bias { denseBias.value = bias.value.copied() }
        return layer
    }
}
