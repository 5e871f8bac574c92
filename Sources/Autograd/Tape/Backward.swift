/// The reverse sweep: from one output back to every variable it depends on.

/// Gradients returned by `backward`, keyed by variable.
public struct Gradients<Scalar: FloatingPointTensorElement>: @unchecked Sendable {
    // The node is kept with its gradient so that its identity cannot be reused while we hold it.
    var entries: [ObjectIdentifier: (node: Node<Scalar>, gradient: Variable<Scalar>)] = [:]

    /// The gradient for `variable`, or `nil` when the output does not depend on it.
    public subscript(variable: Variable<Scalar>) -> Tensor<Scalar>? {
        self.variable(for: variable)?.value
    }

    /// The gradient as a variable: under `backward(createGraph: true)` it is recorded and can be
    /// differentiated again.
    public func variable(for variable: Variable<Scalar>) -> Variable<Scalar>? {
        guard let node = variable.node else { return nil }
        return entries[ObjectIdentifier(node)]?.gradient
    }

    /// The number of variables that received a gradient.
    public var count: Int { entries.count }
}

extension Variable {
    /// Sweeps the recorded graph from this output back to its leaves and returns the gradients
    /// of `Σ seed ⊙ self` (the gradient of a scalar output when `seed` is omitted).
    ///
    /// Nodes reachable from this output run their VJPs in reverse creation order; a variable
    /// used several times receives the sum of its gradients, reduced over broadcast dimensions.
    ///
    /// - Parameters:
    ///   - seed: the gradient of the output; required unless the output has one element.
    ///   - variables: also return gradients for these (intermediate) variables; leaves always get theirs.
    ///   - createGraph: record the VJPs, so that the gradients can be differentiated again.
    ///   - retainGraph: keep the saved tensors so that the graph can be swept again (implied by
    ///     `createGraph`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func backward(
        seed: Tensor<Scalar>? = nil, alsoFor variables: [Variable] = [],
        createGraph: Bool = false, retainGraph: Bool = false
    ) -> Gradients<Scalar> {
        guard let root = node else {
            preconditionFailure("backward: the output \(shape) does not require a gradient: no input it was computed from has requiresGradient: true, or it was computed without recording")
        }
        let seed = seed ?? {
            precondition(count == 1, "backward: the output has shape \(shape); pass a seed gradient of that shape for a non-scalar output")
            return Tensor<Scalar>(repeating: 1, shape: shape)
        }()
        precondition(seed.shape == shape, "backward: seed shape \(seed.shape) differs from output shape \(shape)")
        let keep = retainGraph || createGraph
        let requested = Set(variables.compactMap { $0.node.map(ObjectIdentifier.init) })

        var result = Gradients<Scalar>()
        let order = reachableNodes(from: root)
        let detectingAnomalies = GradientMode.settings.isDetectingAnomalies
        root.pendingGradient = Variable(seed)
        // The VJPs' own ops are not checked for anomalies: the sweep checks what each VJP returns,
        // so that a message names the op being differentiated and where it was called.
        GradientMode.sweeping(recording: createGraph) {
            for reference in order {
                let node = reference.takeUnretainedValue()
                guard let gradient = node.pendingGradient else { continue }
                node.pendingGradient = nil
                let identifier = ObjectIdentifier(node)
                if node.isLeaf || (!requested.isEmpty && requested.contains(identifier)) {
                    result.entries[identifier] = (node, gradient)
                }
                if node.isLeaf { continue }
                guard let pullback = node.pullback else {
                    preconditionFailure("backward: the graph through \(node.operation) (recorded at \(node.file):\(node.line)) was already swept and its saved tensors freed; pass retainGraph: true to the first backward to sweep it twice")
                }
                let inputGradients = pullback(gradient)
                if !keep { node.pullback = nil }
                precondition(inputGradients.count == node.inputCount,
                             "backward: the VJP of \(node.operation) returned \(inputGradients.count) gradients for \(node.inputCount) inputs")
                for index in 0..<node.inputCount {
                    guard let input = node.input(index), let inputGradient = inputGradients[index] else { continue }
                    if detectingAnomalies { node.checkFinite(gradient: inputGradient) }
                    // Most gradients already have their input's shape: handed on as they are, not
                    // through `summed`, whose result would be a copy.
                    if inputGradient.shape == input.shape {
                        input.accumulate(inputGradient, recording: createGraph)
                    } else {
                        input.accumulate(inputGradient.summed(toShape: input.shape, operation: node.operation),
                                         recording: createGraph)
                    }
                }
            }
        }
        return result
    }
}

extension Node {
    /// Stops when a gradient this node's VJP returned holds NaN or infinity, naming the op and
    /// where it was called (out of line, like the other anomaly-mode work).
    @inline(never)
    func checkFinite(gradient: Variable<Scalar>) {
        Autograd.checkFinite(gradient.value, operation: operation, pass: "backward",
                             calledAt: CallSite.location(callSite, file: file, line: line))
    }

    /// Adds `gradient` to the gradient pending for this node. Outside `createGraph` the sum is
    /// written into the pending tensor when nothing else holds it (the same additions, without a
    /// new tensor for each use of a variable used many times).
    func accumulate(_ gradient: Variable<Scalar>, recording: Bool) {
        guard pendingGradient != nil else {
            pendingGradient = gradient
            return
        }
        if recording {
            pendingGradient = pendingGradient! + gradient
            return
        }
        var total = pendingGradient!.value
        pendingGradient = nil  // `total` is now the only holder, unless a VJP kept a copy.
        total += gradient.value
        pendingGradient = Variable(total)
    }
}

/// Every node the output depends on, in reverse creation order (a topological order: a node is
/// always created after its inputs).
///
/// The references are unretained: `root` holds every node it depends on, through their inputs,
/// for as long as the caller holds `root`, and a sweep never changes a node's inputs. (Retained,
/// and each input retained while it was looked at, they cost two retains and two releases per
/// node and sweep: 2.5 % of a small op.)
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func reachableNodes<Scalar>(from root: Node<Scalar>) -> [Unmanaged<Node<Scalar>>] {
    let sweep = sweepCounter.wrappingAdd(1, ordering: .relaxed).newValue
    root.lastSweep = sweep
    // The result is its own worklist: each node is appended when first found and visited in
    // turn, so a node is appended once and there is no separate stack to push and pop.
    var order = [Unmanaged.passUnretained(root)]
    var next = 0
    while next < order.count {
        // A guaranteed reference: the inputs read from it are not retained either.
        order[next]._withUnsafeGuaranteedRef { node in
            for index in 0..<node.inputCount {
                guard let input = node.input(index), input.lastSweep != sweep else { continue }
                input.lastSweep = sweep
                order.append(Unmanaged.passUnretained(input))
            }
        }
        next += 1
    }
    order.sort { $0.takeUnretainedValue().sequenceNumber > $1.takeUnretainedValue().sequenceNumber }
    return order
}

extension Variable {
    /// Undoes broadcasting: sums the gradient over the dimensions that broadcasting added or
    /// stretched, so that it gets the input's shape. The one place broadcasting is undone; the
    /// sweep calls it only for a gradient whose shape differs from its input's.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func summed(toShape target: [Int], operation: String) -> Variable {
        let lead = rank - target.count
        precondition(lead >= 0, "backward: the VJP of \(operation) returned a gradient of shape \(shape) for an input of shape \(target)")
        var axes = Array(0..<lead)
        for axis in 0..<target.count where target[axis] == 1 && shape[lead + axis] != 1 {
            axes.append(lead + axis)
        }
        for axis in 0..<target.count where target[axis] != 1 {
            precondition(shape[lead + axis] == target[axis],
                         "backward: the VJP of \(operation) returned a gradient of shape \(shape) for an input of shape \(target)")
        }
        return sum(alongAxes: axes, keepingDimensions: true).reshaped(to: target)
    }
}
