/// `+ - * /` with NumPy broadcasting, and their scalar forms.

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func arithmetic<Scalar: FloatingPointTensorElement>(
    _ lhs: Tensor<Scalar>, _ rhs: Tensor<Scalar>, _ operation: ArithmeticOperation
) -> Tensor<Scalar> {
    switch operation {
    case .add:
        applying(lhs, rhs, op: "add") { mapRow($0, $1, $2, $3, $4, $5, vector: { $0 + $1 }, scalar: { $0 + $1 }) }
    case .subtract:
        applying(lhs, rhs, op: "subtract") { mapRow($0, $1, $2, $3, $4, $5, vector: { $0 - $1 }, scalar: { $0 - $1 }) }
    case .multiply:
        applying(lhs, rhs, op: "multiply") { mapRow($0, $1, $2, $3, $4, $5, vector: { $0 * $1 }, scalar: { $0 * $1 }) }
    case .divide:
        applying(lhs, rhs, op: "divide") { mapRow($0, $1, $2, $3, $4, $5, vector: { $0 / $1 }, scalar: { $0 / $1 }) }
    }
}

enum ArithmeticOperation { case add, subtract, multiply, divide }

/// `tensor ⊙ scalar`, or `scalar ⊙ tensor` when `scalarOnLeft`, elementwise.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func scalarArithmetic<Scalar: FloatingPointTensorElement>(
    _ tensor: Tensor<Scalar>, _ scalar: Scalar, _ operation: ArithmeticOperation, scalarOnLeft: Bool
) -> Tensor<Scalar> {
    let splat = SIMD8<Scalar>(repeating: scalar)
    switch (operation, scalarOnLeft) {
    case (.add, _):
        return tensor.applying { mapRow($0, $1, $2, $3, vector: { $0 + splat }, scalar: { $0 + scalar }) }
    case (.multiply, _):
        return tensor.applying { mapRow($0, $1, $2, $3, vector: { $0 * splat }, scalar: { $0 * scalar }) }
    case (.subtract, false):
        return tensor.applying { mapRow($0, $1, $2, $3, vector: { $0 - splat }, scalar: { $0 - scalar }) }
    case (.subtract, true):
        return tensor.applying { mapRow($0, $1, $2, $3, vector: { splat - $0 }, scalar: { scalar - $0 }) }
    case (.divide, false):
        return tensor.applying { mapRow($0, $1, $2, $3, vector: { $0 / splat }, scalar: { $0 / scalar }) }
    case (.divide, true):
        return tensor.applying { mapRow($0, $1, $2, $3, vector: { splat / $0 }, scalar: { scalar / $0 }) }
    }
}

extension Tensor where Scalar: FloatingPointTensorElement {
    /// The elementwise sum, broadcasting the shapes as NumPy does.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { arithmetic(lhs, rhs, .add) }
    /// The elementwise difference, broadcasting the shapes as NumPy does.
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { arithmetic(lhs, rhs, .subtract) }
    /// The elementwise product, broadcasting the shapes as NumPy does.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { arithmetic(lhs, rhs, .multiply) }
    /// The elementwise quotient, broadcasting the shapes as NumPy does.
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor { arithmetic(lhs, rhs, .divide) }

    // A scalar operand is applied inside the row loop, not broadcast from a rank-0 tensor: on the
    // small tensors of a tape's VJPs that saves a tensor, two arrays and the broadcasting.
    /// Adds `rhs` to every element.
    public static func + (lhs: Tensor, rhs: Scalar) -> Tensor { scalarArithmetic(lhs, rhs, .add, scalarOnLeft: false) }
    /// Subtracts `rhs` from every element.
    public static func - (lhs: Tensor, rhs: Scalar) -> Tensor { scalarArithmetic(lhs, rhs, .subtract, scalarOnLeft: false) }
    /// Multiplies every element by `rhs`.
    public static func * (lhs: Tensor, rhs: Scalar) -> Tensor { scalarArithmetic(lhs, rhs, .multiply, scalarOnLeft: false) }
    /// Divides every element by `rhs`.
    public static func / (lhs: Tensor, rhs: Scalar) -> Tensor { scalarArithmetic(lhs, rhs, .divide, scalarOnLeft: false) }
    /// Adds `lhs` to every element.
    public static func + (lhs: Scalar, rhs: Tensor) -> Tensor { scalarArithmetic(rhs, lhs, .add, scalarOnLeft: true) }
    /// `lhs` minus each element.
    public static func - (lhs: Scalar, rhs: Tensor) -> Tensor { scalarArithmetic(rhs, lhs, .subtract, scalarOnLeft: true) }
    /// Multiplies every element by `lhs`.
    public static func * (lhs: Scalar, rhs: Tensor) -> Tensor { scalarArithmetic(rhs, lhs, .multiply, scalarOnLeft: true) }
    /// `lhs` divided by each element.
    public static func / (lhs: Scalar, rhs: Tensor) -> Tensor { scalarArithmetic(rhs, lhs, .divide, scalarOnLeft: true) }
}
