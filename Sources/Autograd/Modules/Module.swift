/// Modules: the building blocks of models, holding parameters, buffers and child modules under
/// stable dotted names (`layer1.0.conv1.weight`) — the names PyTorch gives the same architecture,
/// so weights can be exchanged.
///
/// A module is a class (it is shared and updated in place by optimizers). Its parameters,
/// buffers and children are found by reflection over its stored properties, so a model file only
/// declares them:
///
/// ```swift
/// final class TwoLayerNetwork: Layer {
///     typealias Scalar = Float
///     var isTraining = true
///     let fc1 = Linear<Float>(inputFeatures: 784, outputFeatures: 128, using: &generator)
///     let fc2 = Linear<Float>(inputFeatures: 128, outputFeatures: 10, using: &generator)
///     func forward(_ x: Variable<Float>) -> Variable<Float> { fc2(fc1(x).relu()) }
/// }
/// ```
public protocol Module<Scalar>: AnyObject {
    /// The element type of the module's parameters.
    associatedtype Scalar: FloatingPointTensorElement
    /// Training mode (dropout active, batch statistics) or evaluation mode; `train()` and
    /// `eval()` set it for the whole tree.
    var isTraining: Bool { get set }
    /// The direct parameters, buffers and child modules with their keys. By default found by
    /// reflection: stored properties holding a `Parameter`, a `Buffer`, a module, an optional of
    /// one, or an array of modules (keyed `name.0`, `name.1`, …).
    var members: [(key: String, member: ModuleMember<Scalar>)] { get }
    /// Keys that differ from the property names converted to snake case (`runningMean` →
    /// `running_mean`), e.g. `["classToken": "cls_token"]` to match timm.
    static var keyOverrides: [String: String] { get }
}

/// What a module holds under one key.
public enum ModuleMember<Scalar: FloatingPointTensorElement> {
    /// A trainable tensor.
    case parameter(Parameter<Scalar>)
    /// A tensor saved with the module but not trained (running statistics).
    case buffer(any AnyBuffer)
    /// A child module.
    case module(any Module<Scalar>)
}

/// A module with one input and one output, called like a function: `layer(x)`.
public protocol Layer<Scalar>: Module {
    /// The layer's computation. Call the layer itself (`layer(x)`), not this method, so that
    /// summaries can trace it.
    func forward(_ input: Variable<Scalar>) -> Variable<Scalar>
}

extension Layer {
    /// Runs `forward`, reporting the output shape when a summary is being traced.
    public func callAsFunction(_ input: Variable<Scalar>) -> Variable<Scalar> {
        let output = forward(input)
        ModuleTrace.current?.record(self, outputShape: output.shape)
        return output
    }
}

extension Module {
    public static var keyOverrides: [String: String] { [:] }

    public var members: [(key: String, member: ModuleMember<Scalar>)] {
        var result: [(key: String, member: ModuleMember<Scalar>)] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        var levels: [Mirror] = []
        while let current = mirror { levels.append(current); mirror = current.superclassMirror }
        for level in levels.reversed() {  // superclass properties first, in declaration order
            for child in level.children {
                guard let label = child.label else { continue }
                let name = label.hasPrefix("_") ? String(label.dropFirst()) : label
                let key = Self.keyOverrides[name] ?? snakeCase(name)
                result += Self.memberList(key: key, value: child.value)
            }
        }
        return result
    }

    static func memberList(key: String, value: Any) -> [(key: String, member: ModuleMember<Scalar>)] {
        if let parameter = value as? Parameter<Scalar> { return [(key, .parameter(parameter))] }
        if let buffer = value as? any AnyBuffer { return [(key, .buffer(buffer))] }
        if let module = value as? any Module<Scalar> { return [(key, .module(module))] }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.map { memberList(key: key, value: $0.value) } ?? []
        case .collection:
            return mirror.children.enumerated().flatMap { index, element -> [(key: String, member: ModuleMember<Scalar>)] in
                element.value is any Module<Scalar> ? memberList(key: "\(key).\(index)", value: element.value) : []
            }
        default:
            return []
        }
    }
}

/// `runningMean` → `running_mean`; digits stay attached (`layer1`, `conv2d3`).
func snakeCase(_ name: String) -> String {
    var result = ""
    for character in name {
        if character.isUppercase {
            if !result.isEmpty { result.append("_") }
            result.append(contentsOf: character.lowercased())
        } else {
            result.append(character)
        }
    }
    return result
}
