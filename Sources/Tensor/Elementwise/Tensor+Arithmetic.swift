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

extension Tensor where Scalar: FloatingPointTensorElement {
    /// The elementwise sum, broadcasting the shapes as NumPy does.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { arithmetic(lhs, rhs, .add) }
    /// The elementwise difference, broadcasting the shapes as NumPy does.
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { arithmetic(lhs, rhs, .subtract) }
    /// The elementwise product, broadcasting the shapes as NumPy does.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { arithmetic(lhs, rhs, .multiply) }
    /// The elementwise quotient, broadcasting the shapes as NumPy does.
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor { arithmetic(lhs, rhs, .divide) }

    /// Adds `rhs` to every element.
    public static func + (lhs: Tensor, rhs: Scalar) -> Tensor { lhs + Tensor(rhs) }
    /// Subtracts `rhs` from every element.
    public static func - (lhs: Tensor, rhs: Scalar) -> Tensor { lhs - Tensor(rhs) }
    /// Multiplies every element by `rhs`.
    public static func * (lhs: Tensor, rhs: Scalar) -> Tensor { lhs * Tensor(rhs) }
    /// Divides every element by `rhs`.
    public static func / (lhs: Tensor, rhs: Scalar) -> Tensor { lhs / Tensor(rhs) }
    /// Adds `lhs` to every element.
    public static func + (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) + rhs }
    /// `lhs` minus each element.
    public static func - (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) - rhs }
    /// Multiplies every element by `lhs`.
    public static func * (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) * rhs }
    /// `lhs` divided by each element.
    public static func / (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) / rhs }
}
