/// How a loss turns its per-element values into what it returns — PyTorch's `reduction` argument.

/// How a loss combines its per-element values, like PyTorch's `reduction=` argument.
public enum Reduction: Sendable, Equatable {
    /// The per-element losses, unreduced (`reduction="none"`): shape of the batch.
    case none
    /// Their mean (`reduction="mean"`): a scalar. Weighted losses (cross-entropy with class
    /// weights) divide by the total weight instead of the count, as PyTorch does.
    case mean
    /// Their sum (`reduction="sum"`): a scalar.
    case sum
    /// Their sum divided by the batch size, the first dimension (`reduction="batchmean"`): the
    /// mathematical definition of the KL divergence between batches of distributions.
    case batchMean
}

extension Reduction {
    /// Applies the reduction to per-element `losses`; `.mean` divides by `meanDivisor` when given
    /// (a total class weight), by the element count otherwise.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func apply<Scalar>(to losses: Variable<Scalar>, meanDivisor: Scalar? = nil) -> Variable<Scalar> {
        switch self {
        case .none: return losses
        case .sum: return losses.sum()
        case .mean: return losses.sum() / (meanDivisor ?? Scalar(exactly: losses.count))
        case .batchMean: return losses.sum() / Scalar(exactly: losses.rank == 0 ? 1 : losses.shape[0])
        }
    }
}

/// Stops unless two loss operands have the same shape; the message names the loss and both shapes.
func checkSameShape<Scalar>(_ name: String, _ first: Variable<Scalar>, _ firstName: String,
                            _ second: Variable<Scalar>, _ secondName: String) {
    precondition(first.shape == second.shape,
                 "\(name): \(firstName) \(first.shape) and \(secondName) \(second.shape) must have the same shape")
}
