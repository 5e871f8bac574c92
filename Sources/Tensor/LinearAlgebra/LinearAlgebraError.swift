/// Why a decomposition or a solve could not be computed for this data.
///
/// These are conditions of the numbers, not of the shapes (a wrong shape stops with a
/// precondition): a matrix that is singular or not positive definite, an iteration that did not
/// converge, or infinities and NaNs in the input.
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible {
    /// The leading minor of this order (1-based) is not positive definite.
    case notPositiveDefinite(op: String, order: Int)
    /// The LU factorization has an exact zero at this (0-based) diagonal position.
    case singular(op: String, pivot: Int)
    /// The LAPACK iteration did not converge.
    case noConvergence(op: String)
    /// The input holds an infinity or a NaN.
    case nonFiniteInput(op: String)

    public var description: String {
        switch self {
        case let .notPositiveDefinite(op, order):
            "\(op): the leading minor of order \(order) is not positive definite"
        case let .singular(op, pivot):
            "\(op): the matrix is singular: U[\(pivot), \(pivot)] of its LU factorization is exactly zero"
        case let .noConvergence(op):
            "\(op): the algorithm did not converge; the matrix may be badly scaled"
        case let .nonFiniteInput(op):
            "\(op): the matrix holds an infinity or a NaN"
        }
    }
}
