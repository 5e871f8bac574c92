/// `+ - *` on integer tensors (indices, labels, counts), with NumPy broadcasting.
///
/// Overflow wraps around, as in NumPy and PyTorch, rather than stopping the program.

enum IntegerOperation { case add, subtract, multiply }

@_specialize(where Scalar == Int)
@_specialize(where Scalar == Int32)
func integerArithmetic<Scalar: NumericTensorElement & FixedWidthInteger>(
    _ lhs: Tensor<Scalar>, _ rhs: Tensor<Scalar>, _ operation: IntegerOperation
) -> Tensor<Scalar> {
    switch operation {
    case .add: mapPairs(lhs, rhs, op: "add") { $0 &+ $1 }
    case .subtract: mapPairs(lhs, rhs, op: "subtract") { $0 &- $1 }
    case .multiply: mapPairs(lhs, rhs, op: "multiply") { $0 &* $1 }
    }
}

extension Tensor where Scalar: NumericTensorElement & FixedWidthInteger {
    /// `a + b` elementwise with broadcasting (wrapping on overflow).
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { integerArithmetic(lhs, rhs, .add) }
    /// `a - b` elementwise with broadcasting (wrapping on overflow).
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { integerArithmetic(lhs, rhs, .subtract) }
    /// `a · b` elementwise with broadcasting (wrapping on overflow).
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { integerArithmetic(lhs, rhs, .multiply) }

    /// `a + s` for every element.
    public static func + (lhs: Tensor, rhs: Scalar) -> Tensor { lhs + Tensor(rhs) }
    /// `a - s` for every element.
    public static func - (lhs: Tensor, rhs: Scalar) -> Tensor { lhs - Tensor(rhs) }
    /// `a · s` for every element.
    public static func * (lhs: Tensor, rhs: Scalar) -> Tensor { lhs * Tensor(rhs) }
    /// `s + b` for every element.
    public static func + (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) + rhs }
    /// `s - b` for every element.
    public static func - (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) - rhs }
    /// `s · b` for every element.
    public static func * (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) * rhs }
}
