/// A tensor that takes part in differentiation.
///
/// A variable created with `requiresGradient: true` is a *leaf*: gradients can be asked for it.
/// Operations on variables compute their value at once and, when any input needs a gradient and
/// recording is on, record a node that knows how to map the result's gradient back to the inputs.
/// Constants (data, labels) are variables without a node: they record nothing.
///
/// ```swift
/// let x = Variable(Tensor<Double>([1, 2, 3]), requiresGradient: true)
/// let y = (x * x).sum()
/// let gradients = y.backward()
/// print(gradients[x]!)   // [2.0, 4.0, 6.0]
/// ```
public struct Variable<Scalar: FloatingPointTensorElement>: @unchecked Sendable {
    /// The value computed by the forward pass.
    public let value: Tensor<Scalar>
    /// The node that computed this variable, `nil` for a constant.
    public let node: Node<Scalar>?

    /// A variable holding `value`; a leaf of the graph when `requiresGradient` is true.
    public init(_ value: Tensor<Scalar>, requiresGradient: Bool = false) {
        self.value = value
        self.node = requiresGradient
            ? Node(leafOfShape: value.shape)
            : nil
    }

    /// A variable with a given node (the result of a recorded operation).
    init(value: Tensor<Scalar>, node: Node<Scalar>?) {
        self.value = value
        self.node = node
    }

    /// Whether gradients flow to or through this variable.
    public var requiresGradient: Bool { node != nil }

    /// The same value, cut from the graph: gradients do not flow through the result.
    public func detached() -> Variable { Variable(value: value, node: nil) }

    /// The shape of the value.
    public var shape: [Int] { value.shape }
    /// The number of axes of the value.
    public var rank: Int { value.rank }
    /// The number of elements of the value.
    public var count: Int { value.count }
}

extension Variable: CustomStringConvertible {
    public var description: String {
        "Variable<\(Scalar.self)> \(shape)\(requiresGradient ? " (\(node!.operation))" : "")\n\(value)"
    }
}
