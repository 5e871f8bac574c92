/// `+ − × ÷` and negation with NumPy broadcasting. The VJPs return gradients of the broadcast
/// shape; the sweep sums them back to each input's shape.

extension Variable {
    /// `a + b`; VJP `(g, g)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func + (lhs: Variable, rhs: Variable) -> Variable {
        differentiableOperation("add", inputs: lhs, rhs, value: lhs.value + rhs.value) { gradient in
            InputGradients(gradient, gradient)
        }
    }

    /// `a − b`; VJP `(g, −g)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func - (lhs: Variable, rhs: Variable) -> Variable {
        differentiableOperation("subtract", inputs: lhs, rhs, value: lhs.value - rhs.value) { gradient in
            InputGradients(gradient, rhs.requiresGradient ? -gradient : nil)
        }
    }

    /// `a · b` elementwise; VJP `(g·b, g·a)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func * (lhs: Variable, rhs: Variable) -> Variable {
        differentiableOperation("multiply", inputs: lhs, rhs, value: lhs.value * rhs.value,
                                savedBytes: savedBytes(lhs, rhs)) { gradient in
            // Outside `createGraph`, products of the tensors: the same values, without a
            // variable op (and its read of the gradient mode) for each.
            guard GradientMode.isEnabled else {
                return InputGradients(lhs.requiresGradient ? Variable(gradient.value * rhs.value) : nil,
                                      rhs.requiresGradient ? Variable(gradient.value * lhs.value) : nil)
            }
            return InputGradients(lhs.requiresGradient ? gradient * rhs : nil, rhs.requiresGradient ? gradient * lhs : nil)
        }
    }

    /// `a / b` elementwise; VJP `(g / b, −g·a / b²)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func / (lhs: Variable, rhs: Variable) -> Variable {
        differentiableOperation("divide", inputs: lhs, rhs, value: lhs.value / rhs.value,
                                savedBytes: savedBytes(lhs, rhs)) { gradient in
            InputGradients(lhs.requiresGradient ? gradient / rhs : nil,
                           rhs.requiresGradient ? -(gradient * lhs) / (rhs * rhs) : nil)
        }
    }

    /// `−a`; VJP `−g`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static prefix func - (operand: Variable) -> Variable {
        differentiableOperation("negate", input: operand, value: -operand.value) { gradient in InputGradients(-gradient) }
    }

    // Scalar operands are constants, applied inside the kernel (no rank-0 tensor to broadcast).

    /// `a + c`; VJP `g`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func + (lhs: Variable, rhs: Scalar) -> Variable {
        differentiableOperation("addScalar", input: lhs, value: lhs.value + rhs) { gradient in InputGradients(gradient) }
    }
    /// `a − c`; VJP `g`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func - (lhs: Variable, rhs: Scalar) -> Variable { lhs + (-rhs) }
    /// `a · c`; VJP `g · c`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func * (lhs: Variable, rhs: Scalar) -> Variable {
        differentiableOperation("multiplyScalar", input: lhs, value: lhs.value * rhs) { gradient in InputGradients(gradient * rhs) }
    }
    /// `a / c`; VJP `g / c`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func / (lhs: Variable, rhs: Scalar) -> Variable {
        differentiableOperation("divideByScalar", input: lhs, value: lhs.value / rhs) { gradient in InputGradients(gradient / rhs) }
    }
    /// `c + a`; VJP `g`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func + (lhs: Scalar, rhs: Variable) -> Variable { rhs + lhs }
    /// `c − a`; VJP `−g`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func - (lhs: Scalar, rhs: Variable) -> Variable {
        differentiableOperation("subtractFromScalar", input: rhs, value: lhs - rhs.value) { gradient in InputGradients(-gradient) }
    }
    /// `c · a`; VJP `g · c`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func * (lhs: Scalar, rhs: Variable) -> Variable { rhs * lhs }
    /// `c / a`; VJP `−g · c / a²`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func / (lhs: Scalar, rhs: Variable) -> Variable {
        differentiableOperation("divideScalar", input: rhs, value: lhs / rhs.value) { gradient in
            InputGradients(-(gradient * lhs) / (rhs * rhs))
        }
    }
}

/// The bytes a binary op's VJP keeps alive: the operands that the other one's gradient needs.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func savedBytes<Scalar>(_ lhs: Variable<Scalar>, _ rhs: Variable<Scalar>) -> Int {
    let size = MemoryLayout<Scalar>.stride
    return (rhs.requiresGradient ? lhs.count * size : 0) + (lhs.requiresGradient ? rhs.count * size : 0)
}
