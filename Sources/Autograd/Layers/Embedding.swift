/// A lookup table of learned vectors, indexed by integers (token ids, class ids): PyTorch's
/// `nn.Embedding`. Parameter `weight` `[embeddingCount, embeddingDimension]`, initialized
/// `N(0, 1)` as in PyTorch.
///
/// Its input is a `Tensor<Int>`, not a variable, so it is a `Module` called as
/// `embedding(indices)` rather than a `Layer`.
public final class Embedding<Scalar: FloatingPointTensorElement>: Module, @unchecked Sendable {
    public var isTraining = true
    /// `[embeddingCount, embeddingDimension]`: row `i` is the vector of index `i`.
    public let weight: Parameter<Scalar>

    /// A table of `embeddingCount` vectors of `embeddingDimension`, drawn from `N(0, 1)` as PyTorch does.
    public init(embeddingCount: Int, embeddingDimension: Int, using generator: inout PhiloxGenerator) {
        weight = Parameter(Initializer.normal(mean: 0, standardDeviation: 1)
            .tensor([embeddingCount, embeddingDimension], using: &generator))
    }

    /// The rows of `weight` at `indices`: `[…]` → `[…, embeddingDimension]`. The gradient
    /// scatters back into the rows used (added where an index repeats).
    /// - Precondition: every index is in `0 ..< embeddingCount`.
    public func callAsFunction(_ indices: Tensor<Int>) -> Variable<Scalar> {
        let rows = weight.variable.indexSelect(alongAxis: 0, indices: indices.reshaped(to: [indices.count]))
        let output = rows.reshaped(to: indices.shape + [weight.shape[1]])
        ModuleTrace.current?.record(self, outputShape: output.shape)
        return output
    }
}
