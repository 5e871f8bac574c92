/// A trainable tensor owned by a module: a leaf of the tape with a stable identity.
///
/// The forward pass reads `variable`, a leaf variable over the current value; `backward()`
/// returns its gradient keyed by that leaf, and `gradients[parameter]` finds it. The parameter
/// keeps no variable between steps, so once the step's graph is gone its storage is uniquely
/// referenced again and optimizers update it in place.
public final class Parameter<Scalar: FloatingPointTensorElement>: @unchecked Sendable {
    /// The current value.
    public var value: Tensor<Scalar>
    /// Whether the optimizer trains it; a frozen parameter enters the graph as a constant.
    public var requiresGradient: Bool
    /// The leaf node that stands for this parameter in every graph: its identity.
    let leaf: Node<Scalar>

    /// A parameter holding `value`, trained unless `requiresGradient` is false.
    public init(_ value: Tensor<Scalar>, requiresGradient: Bool = true) {
        self.value = value
        self.requiresGradient = requiresGradient
        self.leaf = Node(leafOfShape: value.shape)
    }

    /// The parameter as it enters a forward pass: a leaf when trainable and recording, a constant otherwise.
    public var variable: Variable<Scalar> {
        Variable(value: value, node: requiresGradient && GradientMode.isEnabled ? leaf : nil)
    }

    /// The shape of the value.
    public var shape: [Int] { value.shape }
    /// The number of elements of the value.
    public var count: Int { value.count }
}

extension Gradients {
    /// The gradient of `parameter`, or `nil` when the output does not depend on it. Setting it
    /// replaces the gradient with a constant (clipping, averaging over micro-batches); setting
    /// `nil` removes it.
    public subscript(parameter: Parameter<Scalar>) -> Tensor<Scalar>? {
        get { entries[ObjectIdentifier(parameter.leaf)]?.gradient.value }
        set {
            if let newValue {
                precondition(newValue.shape == parameter.shape,
                             "Gradients: a gradient of shape \(newValue.shape) for a parameter of shape \(parameter.shape)")
                entries[ObjectIdentifier(parameter.leaf)] = (parameter.leaf, Variable(newValue))
            } else {
                entries[ObjectIdentifier(parameter.leaf)] = nil
            }
        }
    }
}

/// A tensor a module keeps and updates without training it — batch norm's running statistics —
/// saved in checkpoints with the parameters.
public final class Buffer<Element: TensorElement>: @unchecked Sendable {
    /// The tensor.
    public var value: Tensor<Element>
    /// A buffer holding `value`.
    public init(_ value: Tensor<Element>) { self.value = value }
}

/// A buffer of any element type, for walking a module's buffers (checkpoints, summaries).
public protocol AnyBuffer: AnyObject {
    /// The value, type-erased; setting it requires the buffer's own element type and shape.
    var anyValue: AnyTensor { get set }
}

extension Buffer: AnyBuffer {
    public var anyValue: AnyTensor {
        get { AnyTensor(value) }
        set {
            guard let typed = newValue.tensor(as: Element.self) else {
                preconditionFailure("Buffer: cannot store a \(newValue.dataType) tensor in a buffer of \(Element.self)")
            }
            value = typed
        }
    }
}
