/// The classifier of the Maestro reproduction: an MLP whose hidden layers are low-rank, and its
/// dense twin, as `Sequential` models (PyTorch: `nn.Sequential(Flatten(), …)`).
///
/// ```
/// Flatten → [LowRankLinear → BatchNorm1d → ReLU] × hidden → Linear (head, dense)
/// ```
/// The head stays dense: truncating a 10-way output to rank 1 says nothing about the features.

/// Builds the MLP. With `lowRank` the hidden layers are `LowRankLinear`, initialized as the
/// dense twin's `Linear` layers and factored by SVD, so both start from the same function when
/// built from the same seed.
///
/// - Parameters:
///   - inputFeatures: pixels per image (784 for 28×28).
///   - hiddenFeatures: the width of each hidden layer, e.g. `[256, 128]`.
///   - classCount: logits out.
///   - lowRank: factored hidden layers (Maestro) or plain `Linear` (the baseline).
///   - generator: the source of the layers' initial weights.
/// - Returns: `[N, C, H, W]` (or `[N, inputFeatures]`) → `[N, classCount]`.
public func lowRankMultilayerPerceptron<Scalar: FloatingPointTensorElement>(
    inputFeatures: Int, hiddenFeatures: [Int], classCount: Int, lowRank: Bool, using generator: inout PhiloxGenerator
) -> Sequential<Scalar> {
    precondition(!hiddenFeatures.isEmpty, "lowRankMultilayerPerceptron: no hidden layer")
    var layers: [any Layer<Scalar>] = [Flatten<Scalar>()]                            // [N, in]
    var width = inputFeatures
    for features in hiddenFeatures {
        let dense = Linear<Scalar>(inputFeatures: width, outputFeatures: features, using: &generator)
        layers.append(lowRank ? LowRankLinear(dense: dense) : dense)                   // [N, features]
        layers.append(BatchNorm1d<Scalar>(featureCount: features))
        layers.append(ReLU<Scalar>())
        width = features
    }
    layers.append(Linear<Scalar>(inputFeatures: width, outputFeatures: classCount, using: &generator))  // [N, C]
    return Sequential(layers)
}

extension Sequential {
    /// The same model (its layers shared) with every `Linear` but the last one factored by SVD
    /// into a `LowRankLinear` that computes the same function: how a normally trained network is
    /// truncated afterwards.
    public func factoringHiddenLinearLayers() -> Sequential {
        let lastLinear = layers.lastIndex { $0 is Linear<Scalar> }
        return Sequential(layers.enumerated().map { index, layer -> any Layer<Scalar> in
            guard index != lastLinear, let linear = layer as? Linear<Scalar> else { return layer }
            return LowRankLinear(dense: linear)
        })
    }
}
