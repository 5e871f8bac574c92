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
    /// Whether this node stands for a variable the user created (it has no inputs).
    public let isLeaf: Bool
    /// The nodes of the inputs that need gradients (`nil` for constants), in argument order.
    /// Most ops have one or two inputs, so those live in the node itself: no array per node.
    let firstInput: Node?, secondInput: Node?
    /// The inputs from the third on, for ops with more than two (concatenate, stack); `nil`
    /// otherwise, so that a node of one or two inputs holds no (empty) array to release.
    let otherInputs: [Node?]?
    /// The number of inputs.
    let inputCount: Int
    /// The shape of the result (gradients arriving here have this shape).
    public let shape: [Int]
    /// Maps the gradient of the result to one gradient per input (each of the input's shape or
    /// broadcastable to it). Released after the sweep has used it, unless the graph is retained.
    var pullback: ((Variable<Scalar>) -> InputGradients<Scalar>)?
    /// Bytes of tensors the pullback keeps alive, and the forward FLOPs, for the graph dump.
    public let savedBytes: Int
    /// Floating-point operations of the forward pass, for the graph dump.
    public let flops: Int
    /// Where the operation was called, as the op passed it on (`#fileID` and `#line`).
    let file: StaticString
    let line: UInt
    /// The call stack that recorded the node, kept in anomaly mode only: anomaly messages name
    /// the caller's line from it.
    var callSite: CallSite?
    /// Sweep bookkeeping, kept on the node rather than in hash tables keyed by it: the number of
    /// the last sweep that reached it, and the gradient accumulated for it during that sweep.
    /// (So one graph is swept by one thread at a time, like PyTorch's default engine.)
    var lastSweep = 0
    var pendingGradient: Variable<Scalar>?

    /// A recorded operation on `inputCount` inputs, given by their nodes (`nil` for a constant).
    @inline(__always)
    init(operation: String, inputCount: Int, firstInput: Node?, secondInput: Node?, otherInputs: [Node?]? = nil,
         shape: [Int], savedBytes: Int, flops: Int,
         file: StaticString, line: UInt, pullback: @escaping (Variable<Scalar>) -> InputGradients<Scalar>) {
        self.sequenceNumber = nodeCounter.wrappingAdd(1, ordering: .relaxed).newValue
        self.operation = operation
        self.isLeaf = false
        self.inputCount = inputCount
        self.firstInput = firstInput
        self.secondInput = secondInput
        self.otherInputs = otherInputs
        self.shape = shape
        self.savedBytes = savedBytes
        self.flops = flops
        self.file = file
        self.line = line
        self.pullback = pullback
    }

    /// A leaf: a variable the user created, of this shape.
    init(leafOfShape shape: [Int], file: StaticString = #fileID, line: UInt = #line) {
        self.sequenceNumber = nodeCounter.wrappingAdd(1, ordering: .relaxed).newValue
        self.operation = "leaf"
        self.isLeaf = true
        self.inputCount = 0
        self.firstInput = nil
        self.secondInput = nil
        self.otherInputs = nil
        self.shape = shape
        self.savedBytes = 0
        self.flops = 0
        self.file = file
        self.line = line
        self.pullback = nil
    }

    /// The node of input `index` (`nil` for a constant).
    @inline(__always)
    func input(_ index: Int) -> Node? {
        switch index {
        case 0: firstInput
        case 1: secondInput
        default: otherInputs![index - 2]
        }
    }

    /// The input nodes in argument order, as an array (for the graph dump; the sweep uses
    /// `input(_:)`).
    var inputs: [Node?] { (0..<inputCount).map(input) }

    /// Whether the sweep has released the pullback (and the tensors it saved).
    var wasReleased: Bool { !isLeaf && pullback == nil }
}
