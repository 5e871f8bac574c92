/// Recording an operation on the tape — the one door every differentiable op goes through, and
/// the public way to declare a custom op by its forward value and its vector-Jacobian product.

/// Declares a differentiable operation: `value` is its forward result, computed from `inputs`,
/// and `vectorJacobianProduct` maps the gradient of the result to one gradient per input
/// (`nil` where an input gets none), written as an array literal (see `InputGradients`). Each
/// returned gradient must have its input's shape or one that broadcasts to it; broadcasting is
/// undone when gradients are accumulated.
///
/// Write the VJP with operations on `Variable`, not on raw tensors: during an ordinary backward
/// pass nothing is recorded and they cost what the kernels cost; under
/// `backward(createGraph: true)` they record, and the op can be differentiated twice.
///
/// ```swift
/// // The gradient reversal layer of DANN: identity forward, −λ·g backward.
/// func gradientReversal(_ x: Variable<Float>, scale: Float) -> Variable<Float> {
///     differentiableOperation("gradientReversal", inputs: [x], value: x.value) { gradient in
///         [gradient * -scale]
///     }
/// }
/// ```
///
/// - Parameters:
///   - name: the op's name in graph dumps, the derivative index and anomaly messages.
///   - inputs: the variables `value` was computed from.
///   - value: the forward result.
///   - savedBytes: bytes of tensors the VJP keeps alive, shown by the graph dump.
///   - flops: the forward pass's floating-point operations, shown by the graph dump.
///   - file: the file anomaly messages name when the call stack names no line of the caller's
///     (a build without debug information); anomaly messages otherwise name the caller's line.
///   - line: the line of that call.
///   - vectorJacobianProduct: maps the gradient of the result to one gradient per input.
/// - Returns: a variable holding `value`, recorded on the tape when an input needs a gradient
///   and recording is on; a constant otherwise.
@inline(__always)
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func differentiableOperation<Scalar: FloatingPointTensorElement>(
    _ name: String, inputs: [Variable<Scalar>], value: Tensor<Scalar>,
    savedBytes: Int = 0, flops: Int = 0,
    file: StaticString = #fileID, line: UInt = #line,
    vectorJacobianProduct: @escaping (Variable<Scalar>) -> InputGradients<Scalar>
) -> Variable<Scalar> {
    recordedOperation(name, inputCount: inputs.count, needsGradient: inputs.contains { $0.requiresGradient },
                      firstInput: inputs.count > 0 ? inputs[0].node : nil,
                      secondInput: inputs.count > 1 ? inputs[1].node : nil,
                      otherInputs: inputs.count > 2 ? inputs[2...].map(\.node) : nil,
                      value: value, savedBytes: savedBytes, flops: flops, file: file, line: line,
                      vectorJacobianProduct: vectorJacobianProduct)
}

/// Declares a differentiable operation of one input: the same as
/// `differentiableOperation(_:inputs:value:savedBytes:flops:file:line:vectorJacobianProduct:)`
/// with `inputs: [input]`, without building an array of inputs (on small tensors, that array and
/// the copies of variables into it cost as much as the rest of the bookkeeping).
///
/// - Parameters:
///   - name: the op's name in graph dumps, the derivative index and anomaly messages.
///   - input: the variable `value` was computed from.
///   - value: the forward result.
///   - savedBytes: bytes of tensors the VJP keeps alive, shown by the graph dump.
///   - flops: the forward pass's floating-point operations, shown by the graph dump.
///   - file: the file anomaly messages name when the call stack names no line of the caller's
///     (a build without debug information); anomaly messages otherwise name the caller's line.
///   - line: the line of that call.
///   - vectorJacobianProduct: maps the gradient of the result to the gradient of the input.
/// - Returns: a variable holding `value`, recorded on the tape when the input needs a gradient
///   and recording is on; a constant otherwise.
@inline(__always)
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func differentiableOperation<Scalar: FloatingPointTensorElement>(
    _ name: String, input: Variable<Scalar>, value: Tensor<Scalar>,
    savedBytes: Int = 0, flops: Int = 0,
    file: StaticString = #fileID, line: UInt = #line,
    vectorJacobianProduct: @escaping (Variable<Scalar>) -> InputGradients<Scalar>
) -> Variable<Scalar> {
    let node = input.node
    return recordedOperation(name, inputCount: 1, needsGradient: node != nil, firstInput: node, secondInput: nil,
                             value: value, savedBytes: savedBytes, flops: flops, file: file, line: line,
                             vectorJacobianProduct: vectorJacobianProduct)
}

/// Declares a differentiable operation of two inputs: the same as
/// `differentiableOperation(_:inputs:value:savedBytes:flops:file:line:vectorJacobianProduct:)`
/// with `inputs: [first, second]`, without building an array of inputs.
///
/// - Parameters:
///   - name: the op's name in graph dumps, the derivative index and anomaly messages.
///   - first: the first variable `value` was computed from.
///   - second: the second one.
///   - value: the forward result.
///   - savedBytes: bytes of tensors the VJP keeps alive, shown by the graph dump.
///   - flops: the forward pass's floating-point operations, shown by the graph dump.
///   - file: the file anomaly messages name when the call stack names no line of the caller's
///     (a build without debug information); anomaly messages otherwise name the caller's line.
///   - line: the line of that call.
///   - vectorJacobianProduct: maps the gradient of the result to the gradients of the two inputs.
/// - Returns: a variable holding `value`, recorded on the tape when an input needs a gradient
///   and recording is on; a constant otherwise.
@inline(__always)
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func differentiableOperation<Scalar: FloatingPointTensorElement>(
    _ name: String, inputs first: Variable<Scalar>, _ second: Variable<Scalar>, value: Tensor<Scalar>,
    savedBytes: Int = 0, flops: Int = 0,
    file: StaticString = #fileID, line: UInt = #line,
    vectorJacobianProduct: @escaping (Variable<Scalar>) -> InputGradients<Scalar>
) -> Variable<Scalar> {
    let firstNode = first.node, secondNode = second.node
    return recordedOperation(name, inputCount: 2, needsGradient: firstNode != nil || secondNode != nil,
                             firstInput: firstNode, secondInput: secondNode,
                             value: value, savedBytes: savedBytes, flops: flops, file: file, line: line,
                             vectorJacobianProduct: vectorJacobianProduct)
}

/// The one place a node is recorded: checks the value in anomaly mode, and records a node when
/// recording is on and an input needs a gradient.
@inline(__always)
func recordedOperation<Scalar: FloatingPointTensorElement>(
    _ name: String, inputCount: Int, needsGradient: Bool,
    firstInput: Node<Scalar>?, secondInput: Node<Scalar>?, otherInputs: @autoclosure () -> [Node<Scalar>?]? = nil,
    value: Tensor<Scalar>, savedBytes: Int, flops: Int, file: StaticString, line: UInt,
    vectorJacobianProduct: @escaping (Variable<Scalar>) -> InputGradients<Scalar>
) -> Variable<Scalar> {
    let settings = GradientMode.settings
    let callSite = settings.isDetectingAnomalies ? CallSite() : nil
    if let callSite {
        checkFinite(value, operation: name, pass: "forward", calledAt: CallSite.location(callSite, file: file, line: line))
    }
    guard settings.isRecording, needsGradient else { return Variable(value: value, node: nil) }
    let node = Node(operation: name, inputCount: inputCount, firstInput: firstInput, secondInput: secondInput,
                    otherInputs: otherInputs(), shape: value.shape, savedBytes: savedBytes, flops: flops,
                    file: file, line: line, pullback: vectorJacobianProduct)
    node.callSite = callSite
    return Variable(value: value, node: node)
}

/// Stops with a message naming the op and where it was called when `value` holds NaN or infinity.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func checkFinite<Scalar: FloatingPointTensorElement>(
    _ value: Tensor<Scalar>, operation: String, pass: String, calledAt location: @autoclosure () -> String
) {
    let bad = value.withUnsafeBufferPointer { buffer in buffer.firstIndex { !$0.isFinite } }
    if let bad {
        preconditionFailure("anomaly: \(operation) (called at \(location())) produced \(value.scalars[bad]) in the \(pass) pass, at flat index \(bad) of shape \(value.shape)")
    }
}

/// The forward result as a VJP should use it: a constant during an ordinary sweep (nothing is
/// recorded, so it costs nothing), recomputed as a recorded variable under
/// `backward(createGraph: true)`, so that second derivatives see how it depends on the inputs.
/// (A VJP cannot capture its own output variable: the node would hold itself alive.)
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func savedOutput<Scalar>(_ result: Tensor<Scalar>, recompute: () -> Variable<Scalar>) -> Variable<Scalar> {
    GradientMode.isEnabled ? recompute() : Variable(result)
}
