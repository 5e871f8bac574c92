/// Maestro's factored convolution: a k×k convolution from `in` to `b` channels (`V[:b]`), then a
/// 1×1 convolution from `b` to `out` channels (`U[:, :b]`) with the bias.
///
/// The weight it stands for is `W = U·V` reshaped to `[out, in, kH, kW]`, with inner rank
/// `r = min(out, in·kH·kW)` at first. Parameters `u` `[out, r, 1, 1]`, `v` `[r, in, kH, kW]` and
/// `bias` `[out]`. Groups and dilation are not supported (Maestro factors plain convolutions).
public final class LowRankConv2d<Scalar: FloatingPointTensorElement>: LowRankLayer, @unchecked Sendable {
    public var isTraining = true
    /// `U`, `[outputChannels, rank, 1, 1]`: the 1×1 convolution; rank `j` is channel `j` of axis 1.
    public private(set) var u: Parameter<Scalar>
    /// `V`, `[rank, inputChannels, kH, kW]`: the k×k convolution; rank `j` is filter `j`.
    public private(set) var v: Parameter<Scalar>
    /// `[outputChannels]`, or `nil` without bias.
    public let bias: Parameter<Scalar>?
    /// The step between windows of the k×k convolution.
    public let stride: Spatial2d
    /// Zeros added on both sides of height and width before the k×k convolution.
    public let padding: Spatial2d
    /// The rank the next forward passes keep (`nil`: all); see `LowRankLayer.keptRank`.
    public var keptRank: Int? {
        didSet {
            precondition(keptRank.map { $0 >= 1 && $0 <= rank } ?? true,
                         "LowRankConv2d: kept rank \(keptRank!) is not in 1...\(rank)")
        }
    }

    /// The factors of `dense`'s weight, flattened to `[out, in·kH·kW]`, by SVD, and a copy of its bias.
    ///
    /// - Precondition: `dense` has one group and no dilation.
    public init(dense: Conv2d<Scalar>) {
        precondition(dense.groups == 1 && dense.dilation == Spatial2d(1),
                     "LowRankConv2d: only convolutions with one group and no dilation can be factored")
        let shape = dense.weight.shape                                  // [out, in, kH, kW]
        let factors = singularValueFactors(of: dense.weight.value.reshaped(to: [shape[0], shape[1] * shape[2] * shape[3]]),
                                           layer: "LowRankConv2d")
        let rank = factors.u.shape[1]
        u = Parameter(factors.u.reshaped(to: [shape[0], rank, 1, 1]))  // [out, r, 1, 1]
        v = Parameter(factors.v.reshaped(to: [rank, shape[1], shape[2], shape[3]]))  // [r, in, kH, kW]
        bias = dense.bias.map { Parameter($0.value.copied()) }
        stride = dense.stride
        padding = dense.padding
    }

    /// A layer initialized like `Conv2d(inputChannels:outputChannels:kernelSize:…)` and then factored.
    public convenience init(inputChannels: Int, outputChannels: Int, kernelSize: Spatial2d, stride: Spatial2d = 1,
                            padding: Spatial2d = 0, bias: Bool = true, using generator: inout PhiloxGenerator) {
        self.init(dense: Conv2d(inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: kernelSize,
                                stride: stride, padding: padding, bias: bias, using: &generator))
    }

    /// The inner rank held now.
    public var rank: Int { v.shape[0] }
    /// The length of each row of `V`.
    public var fanIn: Int { v.shape[1] * v.shape[2] * v.shape[3] }
    /// The length of each column of `U`.
    public var fanOut: Int { u.shape[0] }
    /// Whether the layer adds a bias.
    public var hasBias: Bool { bias != nil }
    /// `U` as `[fanOut, rank]`, recorded.
    public var factorU: Variable<Scalar> { u.variable.reshaped(to: [fanOut, rank]) }
    /// `V` as `[rank, fanIn]`, recorded.
    public var factorV: Variable<Scalar> { v.variable.reshaped(to: [rank, fanIn]) }

    /// `[N, inputChannels, H, W]` → `[N, outputChannels, Hout, Wout]` at the kept rank.
    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        precondition(input.rank == 4 && input.shape[1] == v.shape[1],
                     "LowRankConv2d: input \(input.shape) is not [N, \(v.shape[1]), H, W]")
        return lowRankConv2d(input, u: u.variable, v: v.variable, bias: bias?.variable, rank: effectiveRank,
                             stride: stride, padding: padding)
    }

    /// Keeps only the first `newRank` ranks, for good (new, smaller parameters).
    public func shrink(toRank newRank: Int) {
        precondition(newRank >= 1 && newRank <= rank, "LowRankConv2d.shrink: rank \(newRank) is not in 1...\(rank)")
        guard newRank < rank else { return }
        keptRank = nil
        u = Parameter(u.value.sliced(axis: 1, to: newRank).contiguous())
        v = Parameter(v.value.sliced(axis: 0, to: newRank).contiguous())
    }

    /// The same function at the kept rank as an ordinary `Conv2d` with weight `U[:, :b]·V[:b]`.
    public func dense() -> Conv2d<Scalar> {
        var unused = PhiloxGenerator(seed: 0)  // the initial values are overwritten at once
        let layer = Conv2d<Scalar>(inputChannels: v.shape[1], outputChannels: fanOut,
                                   kernelSize: Spatial2d(v.shape[2], v.shape[3]),
                                   stride: stride, padding: padding, bias: hasBias, using: &unused)
        layer.weight.value = denseWeightMatrix().reshaped(to: [fanOut, v.shape[1], v.shape[2], v.shape[3]])
        if let bias, let denseBias = layer.bias { denseBias.value = bias.value.copied() }
        return layer
    }
}
