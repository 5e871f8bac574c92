/// A lookup table of learned vectors, indexed by integers (token ids, class ids): PyTorch's
/// `nn.Embedding`. Parameter `weight` `[embeddingCount, embeddingDimension]`, initialized
/// `N(0, 1)` as in PyTorch, with PyTorch's `padding_idx` and `max_norm` options.
///
/// Its input is a `Tensor<Int>`, not a variable, so it is a `Module` called as
/// `embedding(indices)` rather than a `Layer`.
public final class Embedding<Scalar: FloatingPointTensorElement>: Module, @unchecked Sendable {
    public var isTraining = true
    /// `[embeddingCount, embeddingDimension]`: row `i` is the vector of index `i`.
    public let weight: Parameter<Scalar>
    /// The index whose row starts at zero and never receives a gradient (PyTorch's
    /// `padding_idx`: the "no token" filler of padded sequences), in `0 ..< embeddingCount`.
    public let paddingIndex: Int?
    /// The largest Euclidean norm a looked-up row may have (PyTorch's `max_norm`): rows that
    /// are longer are scaled down in place, `w ← w · maximumNorm / (‖w‖ + 1e-7)`, before the lookup.
    public let maximumNorm: Scalar?

    /// A table of `embeddingCount` vectors of `embeddingDimension`, drawn from `N(0, 1)` as PyTorch does.
    ///
    /// - Parameters:
    ///   - embeddingCount: the number of indices, `0 ..< embeddingCount`.
    ///   - embeddingDimension: the length of each vector.
    ///   - paddingIndex: an index whose row is zero and frozen; negative values count from the
    ///     end, as in PyTorch.
    ///   - maximumNorm: renormalize looked-up rows longer than this.
    ///   - generator: the source of the initial values.
    public init(embeddingCount: Int, embeddingDimension: Int, paddingIndex: Int? = nil, maximumNorm: Scalar? = nil,
                using generator: inout PhiloxGenerator) {
        var table: Tensor<Scalar> = Initializer.normal(mean: 0, standardDeviation: 1)
            .tensor([embeddingCount, embeddingDimension], using: &generator)
        if let index = paddingIndex {
            precondition(-embeddingCount <= index && index < embeddingCount,
                         "Embedding: padding index \(index) is outside 0 ..< \(embeddingCount)")
            let row = index < 0 ? index + embeddingCount : index
            table.withUnsafeMutableBufferPointer { values in
                for column in 0..<embeddingDimension { values[row * embeddingDimension + column] = 0 }
            }
            self.paddingIndex = row
        } else {
            self.paddingIndex = nil
        }
        if let maximumNorm { precondition(maximumNorm > 0, "Embedding: maximum norm \(maximumNorm) is not positive") }
        self.maximumNorm = maximumNorm
        weight = Parameter(table)
    }

    /// The rows of `weight` at `indices`: `[…]` → `[…, embeddingDimension]`. The gradient
    /// scatters back into the rows used (added where an index repeats), except the padding row's.
    /// - Precondition: every index is in `0 ..< embeddingCount`.
    public func callAsFunction(_ indices: Tensor<Int>) -> Variable<Scalar> {
        let flatIndices = indices.reshaped(to: [indices.count])
        if let maximumNorm { renormalizeRows(flatIndices.scalars, to: maximumNorm) }
        var rows = weight.variable.indexSelect(alongAxis: 0, indices: flatIndices)
        if let paddingIndex, flatIndices.scalars.contains(paddingIndex) {
            // The padding row's value passes through unchanged (`x·1 + x·0` is exact), its
            // gradient does not: the product with the constant 0 stops it.
            let isPadding = Tensor<Scalar>(shape: [flatIndices.count, 1],
                                           scalars: flatIndices.scalars.map { $0 == paddingIndex ? 1 : 0 })
            rows = rows * Variable(1 - isPadding) + rows.detached() * Variable(isPadding)
        }
        let output = rows.reshaped(to: indices.shape + [weight.shape[1]])
        ModuleTrace.current?.record(self, outputShape: output.shape)
        return output
    }

    /// Scales each distinct row among `indices` whose norm exceeds `maximumNorm` back to it, in
    /// place and outside the tape, as PyTorch's `embedding_renorm_` does.
    private func renormalizeRows(_ indices: [Int], to maximumNorm: Scalar) {
        let width = weight.shape[1], count = weight.shape[0]
        weight.value.withUnsafeMutableBufferPointer { values in
            for row in Set(indices) {
                precondition(row >= 0 && row < count, "Embedding: index \(row) is outside 0 ..< \(count)")
                let start = row * width
                var squares = Scalar.zero
                for column in 0..<width { squares += values[start + column] * values[start + column] }
                let norm = squares.squareRoot()
                guard norm > maximumNorm else { continue }
                let scale = maximumNorm / (norm + Scalar(1e-7))
                for column in 0..<width { values[start + column] *= scale }
            }
        }
    }
}
