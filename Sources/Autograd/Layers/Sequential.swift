/// Layers applied one after another: `Sequential([conv, norm, ReLU()])`. Children are keyed
/// `0`, `1`, … like PyTorch's `nn.Sequential`.
public final class Sequential<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// The layers, applied first to last.
    public let layers: [any Layer<Scalar>]

    /// Layers applied one after another, keyed `0`, `1`, … in that order.
    public init(_ layers: [any Layer<Scalar>]) { self.layers = layers }

    public var members: [(key: String, member: ModuleMember<Scalar>)] {
        layers.enumerated().map { ("\($0.offset)", .module($0.element)) }
    }

    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        layers.reduce(input) { $1($0) }
    }
}
