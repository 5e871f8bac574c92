/// Maestro's SVD-recovery experiment (paper §4, Theorem 4.1, at toy scale): a low-rank linear
/// layer trained with ordered dropout on a linear map with isotropic (identity) inputs learns
/// that map's singular value decomposition, rank by rank in order; trained without ordered
/// dropout it learns the map but not its order.

/// The settings of one SVD-recovery run.
public struct SingularValueRecoverySettings: Sendable {
    /// Input features of the layer and of the map (9).
    public var inputFeatures = 9
    /// Output features (6): the layer's inner rank is `min(9, 6) = 6`.
    public var outputFeatures = 6
    /// The non-zero singular values of the target map, in descending order (rank 3).
    public var singularValues: [Double] = [3, 2, 1]
    /// Plain SGD steps (the calibration reaches 1 % in about 1,000; the default leaves margin).
    public var steps = 6000
    /// The SGD learning rate on `Σ_outputs (ŷ − y)²` averaged over the inputs.
    public var learningRate = 0.5
    /// Train with ordered dropout (a rank drawn by the sampler each step) or always at full rank.
    public var orderedDropout = true

    /// The defaults.
    public init() {}
}

/// What one SVD-recovery run learned.
public struct SingularValueRecoveryResult: Sendable {
    /// The target's singular values, padded with zeros to the layer's rank: `[3, 2, 1, 0, 0, 0]`.
    public var trueSingularValues: [Double]
    /// `‖U_{:,j}‖·‖V_j‖` of each learned rank `j`, in the layer's order.
    public var learnedScales: [Double]
    /// `‖A − U[:, :b]·V[:b]‖_F` for `b = 1...r`: the error of the learned layer truncated to rank `b`.
    public var truncationErrors: [Double]
    /// `sqrt(Σ_{j > b} σ_j²)`: the smallest error any rank-`b` map can have (Eckart–Young).
    public var optimalTruncationErrors: [Double]

    /// The largest `|learned − σ| / σ` over the non-zero singular values: small only when rank
    /// `j` of the layer learned the `j`-th singular value, in order.
    public var maximumRelativeError: Double {
        zip(learnedScales, trueSingularValues).filter { $0.1 > 0 }.map { abs($0.0 - $0.1) / $0.1 }.max() ?? .nan
    }
}

/// Fits a `LowRankLinear` (no bias) to a random map of the given singular values on the identity
/// inputs, with or without ordered dropout.
///
/// The map is `A = P·diag(σ)·Qᵀ` with `P`, `Q` the Q factors of Gaussian matrices; the layer
/// starts from `Linear`'s initialization factored by SVD. Everything random comes from `seed`.
public func recoverSingularValues(_ settings: SingularValueRecoverySettings, seed: UInt64) -> SingularValueRecoveryResult {
    let (inputs, outputs, kept) = (settings.inputFeatures, settings.outputFeatures, settings.singularValues.count)
    precondition(kept <= min(inputs, outputs), "recoverSingularValues: \(kept) singular values for a \(inputs)→\(outputs) map")
    var generator = PhiloxGenerator(seed: seed)
    let left: Tensor<Double>, right: Tensor<Double>
    do {
        left = try qr(Tensor<Double>.normal([outputs, outputs], using: &generator)).q.sliced(axis: 1, to: kept)  // [out, k]
        right = try qr(Tensor<Double>.normal([inputs, inputs], using: &generator)).q.sliced(axis: 1, to: kept)   // [in, k]
    } catch {
        preconditionFailure("recoverSingularValues: QR of a Gaussian matrix failed: \(error)")
    }
    let target = matmul(left * Tensor(settings.singularValues).reshaped(to: [1, kept]), right.transposed())  // [out, in]
    let layer = LowRankLinear<Double>(inputFeatures: inputs, outputFeatures: outputs, bias: false, using: &generator)
    var sampler = OrderedDropoutSampler(ranks: [layer.rank], using: &generator)
    let optimizer = SGD(parameters: layer.parameters, learningRate: settings.learningRate)
    let identity = Variable(Tensor<Double>.eye(inputs))                 // [in, in]: one input per row
    let targets = Variable(target.transposed().contiguous())            // [in, out]: row i is A·e_i
    for _ in 0..<settings.steps {
        layer.keptRank = settings.orderedDropout ? sampler.next().rank : nil
        let error = layer(identity) - targets                           // [in, out]
        let loss = (error * error).sum() / Double(inputs)
        optimizer.update(along: loss.backward())
    }
    layer.keptRank = nil

    let singularValues = settings.singularValues + Array(repeating: 0, count: layer.rank - kept)
    let truncationErrors = (1...layer.rank).map { rank in
        let difference = target - layer.denseWeightMatrix(rank: rank)
        return (difference * difference).sum().scalar.squareRoot()
    }
    let optimal = (1...layer.rank).map { rank in
        singularValues.dropFirst(rank).reduce(0) { $0 + $1 * $1 }.squareRoot()
    }
    return SingularValueRecoveryResult(trueSingularValues: singularValues, learnedScales: rankScales(of: layer),
                                       truncationErrors: truncationErrors, optimalTruncationErrors: optimal)
}
