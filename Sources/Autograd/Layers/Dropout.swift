/// Inverted dropout (Srivastava et al., 2014, https://jmlr.org/papers/v15/srivastava14a.html):
/// in training mode each element is zeroed with probability `p` and the survivors are scaled
/// by `1/(1 − p)`, so the expected output equals the input; in evaluation mode the identity.
/// PyTorch's `nn.Dropout`.
///
/// The layer owns its random generator, split from the one passed at construction: a layer is
/// called as `layer(x)` with no room for a generator, and owning one keeps every mask
/// reproducible from the model's seed without any global state. `generator` is public so that
/// checkpoints can save and restore its position (`generator.state`).
public final class Dropout<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// `p`, the probability that an element is zeroed.
    public let probability: Double
    /// The stream the masks are drawn from; each training call moves it on.
    public var generator: PhiloxGenerator

    /// - Parameters:
    ///   - probability: `p` in `[0, 1]`; PyTorch's default is 0.5.
    ///   - generator: split once (one draw) to seed the layer's own stream.
    public init(probability: Double = 0.5, using generator: inout PhiloxGenerator) {
        precondition(probability >= 0 && probability <= 1, "Dropout: probability \(probability) is not in [0, 1]")
        self.probability = probability
        self.generator = generator.split()
    }

    /// `x ⊙ mask / (1 − p)` with `mask ~ Bernoulli(1 − p)` in training mode, `x` in evaluation
    /// mode or when `p = 0`. Any shape.
    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        guard isTraining && probability > 0 else { return input }
        let keep = Tensor<Bool>.bernoulli(input.shape, probability: 1 - probability, using: &generator)
        // With p = 1 everything is dropped: zeros, not 0/0.
        let scale = probability < 1 ? Scalar(1 / (1 - probability)) : 0
        return input * Variable(Tensor<Scalar>(converting: keep) * scale)
    }
}
