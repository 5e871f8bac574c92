/// What a vector-Jacobian product returns: one gradient per input of the op, in argument order,
/// `nil` where an input gets none. Written as an array literal, `[gradient, nil]`, or, for one
/// or two inputs, as `InputGradients(gradient)` and `InputGradients(gradient, nil)`.
///
/// Nearly every op has one or two inputs, so the first two gradients are held inline and a VJP
/// allocates nothing to return them; an op with more inputs keeps the rest in an array.
///
/// The built-in ops use the initializers: an array literal is built on the stack and destroyed
/// through the runtime's generic array code, which on a tape of small tensors costs about as
/// much as the VJP's arithmetic (a 16-element chain: 5,593 → 5,311 instructions per op when the
/// four ops on it switched).
public struct InputGradients<Scalar: FloatingPointTensorElement>: ExpressibleByArrayLiteral, @unchecked Sendable {
    /// The gradients of the first two inputs.
    private let first: Variable<Scalar>?, second: Variable<Scalar>?
    /// The gradients of the inputs from the third on; `nil` for one or two inputs, so that
    /// destroying the gradients of a small op releases no (empty) array.
    private let others: [Variable<Scalar>?]?
    /// The number of gradients: the number of the op's inputs.
    public let count: Int

    /// The gradients in argument order.
    @inline(__always)
    public init(arrayLiteral gradients: Variable<Scalar>?...) {
        self.init(gradients)
    }

    /// The gradient of an op's only input.
    @inline(__always)
    public init(_ first: Variable<Scalar>?) {
        (self.first, self.second, self.others, self.count) = (first, nil, nil, 1)
    }

    /// The gradients of an op's two inputs.
    @inline(__always)
    public init(_ first: Variable<Scalar>?, _ second: Variable<Scalar>?) {
        (self.first, self.second, self.others, self.count) = (first, second, nil, 2)
    }

    /// The gradients in argument order, from an array (for ops with a variable number of inputs).
    @inline(__always)
    public init(_ gradients: [Variable<Scalar>?]) {
        count = gradients.count
        first = gradients.count > 0 ? gradients[0] : nil
        second = gradients.count > 1 ? gradients[1] : nil
        others = gradients.count > 2 ? Self.copied(gradients, from: 2) : nil
    }

    /// The elements of `gradients` from `start` on, in a new array.
    // NOTE: not `Array(gradients[start...])`, which may share the literal's buffer: the literal
    // would then escape and be allocated on the heap, for every VJP.
    @inline(never)
    private static func copied(_ gradients: [Variable<Scalar>?], from start: Int) -> [Variable<Scalar>?] {
        var rest: [Variable<Scalar>?] = []
        rest.reserveCapacity(gradients.count - start)
        for index in start..<gradients.count { rest.append(gradients[index]) }
        return rest
    }

    /// The gradient of input `index`.
    @inline(__always)
    public subscript(index: Int) -> Variable<Scalar>? {
        switch index {
        case 0: first
        case 1: second
        default: others![index - 2]
        }
    }
}
