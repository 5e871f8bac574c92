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
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { arithmetic(lhs, rhs, .add) }
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { arithmetic(lhs, rhs, .subtract) }
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { arithmetic(lhs, rhs, .multiply) }
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor { arithmetic(lhs, rhs, .divide) }

    public static func + (lhs: Tensor, rhs: Scalar) -> Tensor { lhs + Tensor(rhs) }
    public static func - (lhs: Tensor, rhs: Scalar) -> Tensor { lhs - Tensor(rhs) }
    public static func * (lhs: Tensor, rhs: Scalar) -> Tensor { lhs * Tensor(rhs) }
    public static func / (lhs: Tensor, rhs: Scalar) -> Tensor { lhs / Tensor(rhs) }
    public static func + (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) + rhs }
    public static func - (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) - rhs }
    public static func * (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) * rhs }
    public static func / (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) / rhs }
}
