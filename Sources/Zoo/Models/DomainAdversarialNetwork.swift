/// The domain-adversarial neural network (DANN) of Ganin et al., *Domain-Adversarial Training of
/// Neural Networks*, JMLR 2016 (https://arxiv.org/abs/1505.07818), Figure 1:
///
/// ```
///                                  ┌─ label classifier G_y ─ class logits   (source labels)
/// input ─ feature extractor G_f ─ f┤
///                                  └─ GRL(λ) ─ domain classifier G_d ─ domain logits (0 source, 1 target)
/// ```
///
/// The label classifier sees the features directly; only the domain classifier sits behind the
/// gradient reversal layer (`gradientReversal(_:scale:)`: identity forward, `−λ·g` backward), so
/// that one backward pass trains `G_d` to tell the domains apart and `G_f` to make them
/// indistinguishable.
///
/// **The domain classifier's own gradient is not scaled by λ.** The paper's update rule
/// (equations 13–15) scales it — `θ_d ← θ_d − μ·λ·∂L_d/∂θ_d` — which is what minimizing
/// `L_y + λ·L_d` through a GRL of scale 1 gives. The GRL implementations (Ganin's Caffe layer, the
/// PyTorch ports such as fungtion/DANN) instead minimize `L_y + L_d` through a GRL of scale λ: the
/// feature extractor gets the same `−λ·∂L_d/∂θ_f`, but `G_d` learns at the full rate from the first
/// step, while λ_p is still near 0. We follow the GRL form, because a domain classifier that is
/// already good when λ grows sends the feature extractor a meaningful reversed gradient; the
/// training loop offers the paper's form (`DomainClassifierGradient.scaledByAdaptationFactor`) as
/// an option.
///
/// There is no batch normalization in the paper's networks, so running source and target through
/// one forward pass (as the training loop does) or two gives the same features.

// MARK: - Model

/// A feature extractor with a label classifier on top and a domain classifier behind a gradient
/// reversal layer.
///
/// Parameters are named `feature_extractor.<i>…`, `label_classifier.<i>…` and
/// `domain_classifier.<i>…`, with `<i>` the position in each `Sequential`.
public final class DomainAdversarialNetwork<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// `G_f`: inputs to the feature vector `f`.
    public let featureExtractor: Sequential<Scalar>
    /// `G_y`: features to class logits.
    public let labelClassifier: Sequential<Scalar>
    /// `G_d`: features to two domain logits (0: source, 1: target).
    public let domainClassifier: Sequential<Scalar>

    /// A network of the three given parts; the feature extractor's output must be `[N, F]` and
    /// both classifiers must take `F` features.
    public init(featureExtractor: Sequential<Scalar>, labelClassifier: Sequential<Scalar>, domainClassifier: Sequential<Scalar>) {
        self.featureExtractor = featureExtractor
        self.labelClassifier = labelClassifier
        self.domainClassifier = domainClassifier
    }

    /// The features `f = G_f(x)`.
    ///
    /// - Parameter input: `[N, …]` inputs (images `[N, 3, 28, 28]` for the digits network).
    /// - Returns: `[N, F]`.
    public func extractFeatures(_ input: Variable<Scalar>) -> Variable<Scalar> {
        let features = featureExtractor(input)
        precondition(features.rank == 2, "DomainAdversarialNetwork: the feature extractor gave \(features.shape) for input \(input.shape), not [N, F]")
        return features
    }

    /// The class logits `G_y(f)`: `[N, F]` → `[N, classes]`.
    public func classifyLabels(_ features: Variable<Scalar>) -> Variable<Scalar> {
        labelClassifier(features)
    }

    /// The domain logits `G_d(GRL_λ(f))`: `[N, F]` → `[N, 2]`; the features receive `−λ` times
    /// the domain classifier's gradient.
    ///
    /// - Parameters:
    ///   - features: `[N, F]`, from `extractFeatures(_:)`.
    ///   - reversalScale: `λ` (a negative value makes the extractor help the domain
    ///     classifier instead: the "cooperative" ablation).
    public func classifyDomains(_ features: Variable<Scalar>, reversalScale: Scalar) -> Variable<Scalar> {
        domainClassifier(gradientReversal(features, scale: reversalScale))
    }

    /// Class logits and domain logits for a batch, the domain branch through a GRL of scale `λ`.
    ///
    /// - Parameters:
    ///   - input: `[N, …]` inputs.
    ///   - reversalScale: `λ`, the GRL's scale.
    /// - Returns: class logits `[N, classes]` and domain logits `[N, 2]`.
    public func forward(_ input: Variable<Scalar>, reversalScale: Scalar) -> (classLogits: Variable<Scalar>, domainLogits: Variable<Scalar>) {
        let features = extractFeatures(input)  // [N, F]
        return (classifyLabels(features), classifyDomains(features, reversalScale: reversalScale))
    }

    /// Class logits only, `[N, …]` → `[N, classes]`: the model a DANN run delivers.
    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        classifyLabels(extractFeatures(input))
    }
}

// MARK: - The paper's networks

extension DomainAdversarialNetwork {
    /// The MNIST → MNIST-M network (section 5.2.2 and Figure 4, top), on `[N, 3, 28, 28]` images:
    ///
    /// ```
    /// G_f: conv5×5(32) ─ ReLU ─ maxpool2 ─ conv5×5(48) ─ ReLU ─ maxpool2 ─ flatten   → 768 features
    /// G_y: FC100 ─ ReLU ─ FC100 ─ ReLU ─ FC10
    /// G_d: FC100 ─ ReLU ─ FC2
    /// ```
    ///
    /// 28 → 24 → 12 → 8 → 4, so `f` has 48·4·4 = 768 entries. Layers are initialized as PyTorch's.
    /// MNIST digits enter with their grey channel repeated to three.
    public static func digits(classCount: Int = 10, using generator: inout PhiloxGenerator) -> DomainAdversarialNetwork {
        let featureExtractor = Sequential<Scalar>([
            Conv2d(inputChannels: 3, outputChannels: 32, kernelSize: 5, using: &generator),   // [N, 32, 24, 24]
            ReLU(),
            MaxPool2d(kernelSize: 2),                                                          // [N, 32, 12, 12]
            Conv2d(inputChannels: 32, outputChannels: 48, kernelSize: 5, using: &generator),  // [N, 48, 8, 8]
            ReLU(),
            MaxPool2d(kernelSize: 2),                                                          // [N, 48, 4, 4]
            Flatten(),                                                                         // [N, 768]
        ])
        let labelClassifier = Sequential<Scalar>([
            Linear(inputFeatures: 768, outputFeatures: 100, using: &generator), ReLU(),
            Linear(inputFeatures: 100, outputFeatures: 100, using: &generator), ReLU(),
            Linear(inputFeatures: 100, outputFeatures: classCount, using: &generator),        // [N, classes]
        ])
        let domainClassifier = Sequential<Scalar>([
            Linear(inputFeatures: 768, outputFeatures: 100, using: &generator), ReLU(),
            Linear(inputFeatures: 100, outputFeatures: 2, using: &generator),                 // [N, 2]
        ])
        return DomainAdversarialNetwork(featureExtractor: featureExtractor, labelClassifier: labelClassifier,
                                        domainClassifier: domainClassifier)
    }

    /// A network for the two-moons toy (section 5.1.1) on `[N, 2]` points.
    ///
    /// The paper's is shallow: one hidden layer of 15 units as `G_f`, a linear `G_y` and a linear
    /// (logistic) `G_d` on it — `featureWidths: [15], domainHiddenWidth: nil`, the defaults. Deeper
    /// features (`[32, 32]`) and a hidden domain layer (`32`) adapt more reliably with a few
    /// hundred SGD steps; the tests use those, as the calibration of `ZOO.md` does.
    ///
    /// ```
    /// G_f: (Linear ─ ReLU) per feature width        [N, 2] → [N, F]
    /// G_y: Linear                                   [N, F] → [N, 2]
    /// G_d: (Linear ─ ReLU)? ─ Linear                [N, F] → [N, 2]
    /// ```
    public static func twoMoons(featureWidths: [Int] = [15], domainHiddenWidth: Int? = nil,
                                using generator: inout PhiloxGenerator) -> DomainAdversarialNetwork {
        precondition(!featureWidths.isEmpty && featureWidths.allSatisfy { $0 > 0 } && (domainHiddenWidth ?? 1) > 0,
                     "DomainAdversarialNetwork.twoMoons: feature widths \(featureWidths) and domain width \(String(describing: domainHiddenWidth)) must be positive")
        var featureLayers: [any Layer<Scalar>] = []
        for (input, output) in zip([2] + featureWidths, featureWidths) {
            featureLayers += [Linear<Scalar>(inputFeatures: input, outputFeatures: output, using: &generator), ReLU<Scalar>()]
        }
        let width = featureWidths.last!
        let labelClassifier = Sequential<Scalar>([Linear(inputFeatures: width, outputFeatures: 2, using: &generator)])
        let domainLayers: [any Layer<Scalar>] = domainHiddenWidth.map { hidden in
            [Linear<Scalar>(inputFeatures: width, outputFeatures: hidden, using: &generator), ReLU<Scalar>(),
             Linear<Scalar>(inputFeatures: hidden, outputFeatures: 2, using: &generator)]
        } ?? [Linear<Scalar>(inputFeatures: width, outputFeatures: 2, using: &generator)]
        return DomainAdversarialNetwork(featureExtractor: Sequential(featureLayers), labelClassifier: labelClassifier,
                                        domainClassifier: Sequential(domainLayers))
    }
}
