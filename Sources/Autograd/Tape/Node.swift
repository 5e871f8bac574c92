import Synchronization

/// The creation counter of the tape: a node's number orders it after every node it depends on.
let nodeCounter = Atomic<Int>(0)
/// Numbers the sweeps, so that a node knows whether the current sweep has reached it.
let sweepCounter = Atomic<Int>(0)

/// One recorded operation: which variables it read, how to map the gradient of its result to
/// gradients of those inputs, and what it is (for the graph dump and anomaly messages).
///
/// Nodes hold their input nodes strongly and nothing holds a node but the variables computed
/// from it, so a graph is freed by reference counting as soon as its outputs die.
public final class Node<Scalar: FloatingPointTensorElement>: @unchecked Sendable {
    /// The position in creation order.
    public let sequenceNumber: Int
    /// The operation's name, as in the derivative index (`"exp"`, `"matmul"`); `"leaf"` for a
    /// variable created by the user.
    public let operation: String
    /// The nodes of the inputs that need gradients (`nil` for constants), in argument order.
    let inputs: [Node?]
    /// The shape of the result (gradients arriving here have this shape).
    public let shape: [Int]
    /// Maps the gradient of the result to one gradient per input (each of the input's shape or
    /// broadcastable to it). Released after the sweep has used it, unless the graph is retained.
    var pullback: ((Variable<Scalar>) -> [Variable<Scalar>?])?
    /// Bytes of tensors the pullback keeps alive, and the forward FLOPs, for the graph dump.
    public let savedBytes: Int
    /// Floating-point operations of the forward pass, for the graph dump.
    public let flops: Int
    /// Where user code called the operation, for anomaly messages.
    let file: StaticString
    let line: UInt
    /// Sweep bookkeeping, kept on the node rather than in hash tables keyed by it: the number of
    /// the last sweep that reached it, and the gradient accumulated for it during that sweep.
    /// (So one graph is swept by one thread at a time, like PyTorch's default engine.)
    var lastSweep = 0
    var pendingGradient: Variable<Scalar>?

    init(operation: String, inputs: [Node?], shape: [Int], savedBytes: Int = 0, flops: Int = 0,
         file: StaticString, line: UInt, pullback: ((Variable<Scalar>) -> [Variable<Scalar>?])?) {
        self.sequenceNumber = nodeCounter.wrappingAdd(1, ordering: .relaxed).newValue
        self.operation = operation
        self.inputs = inputs
        self.shape = shape
        self.savedBytes = savedBytes
        self.flops = flops
        self.file = file
        self.line = line
        self.pullback = pullback
    }

    /// Whether this node stands for a variable the user created (it has no inputs).
    public var isLeaf: Bool { operation == "leaf" }

    /// Whether the sweep has released the pullback (and the tensors it saved).
    var wasReleased: Bool { !isLeaf && pullback == nil }
}
