import RealModule

/// The element types a `Tensor` can hold, and what each one can do.
///
/// `TensorElement` is anything stored in a tensor (floats, integers, `Bool` masks).
/// `NumericTensorElement` adds arithmetic and ordering; `FloatingPointTensorElement` adds the
/// transcendental functions and the BLAS/LAPACK entry points, and is what differentiable code uses.

/// The storage type of a tensor's elements, as NumPy and safetensors name them.
public enum DataType: String, Sendable, CaseIterable {
    /// `Float`, `Double`, `Int32`, `Int` (64-bit), `UInt8` and `Bool`, named as NumPy names them.
    case float32, float64, int32, int64, uint8, bool

    /// Size of one element in bytes.
    public var byteCount: Int {
        switch self {
        case .float32, .int32: 4
        case .float64, .int64: 8
        case .uint8, .bool: 1
        }
    }
}

/// Anything a tensor can store: a plain value copied bit for bit.
public protocol TensorElement: BitwiseCopyable, Sendable, Equatable {
    /// The storage type's name, as NumPy and safetensors spell it.
    static var dataType: DataType { get }
    /// The value freshly created storage is filled with (`0`, `false`).
    static var zeroValue: Self { get }
}

/// An element with arithmetic and ordering: the integers and the floating-point types.
public protocol NumericTensorElement: TensorElement, Numeric, Comparable {
    /// The multiplicative identity, `1`.
    static var oneValue: Self { get }
    /// Converts an `Int` (an index, a count) into this type.
    init(exactly index: Int)
    /// The nearest `Double`, used for printing and for reference comparisons.
    var doubleValue: Double { get }
}

/// `Float` or `Double`: elements with transcendental functions and BLAS/LAPACK entry points,
/// the element type of differentiable code.
// `Codable` is stated because `SIMDScalar`'s same-type constraints imply it (the compiler warned
// at every use of the protocol until it was).
public protocol FloatingPointTensorElement: NumericTensorElement, ConvertibleTensorElement, BinaryFloatingPoint, Real, SIMDScalar, Codable
where Self.RawSignificand: FixedWidthInteger {
    /// Converts a `Double` literal computed in higher precision (a constant, a random number).
    init(_ value: Double)
}

extension Float: FloatingPointTensorElement {
    public static var dataType: DataType { .float32 }
    public static var zeroValue: Float { 0 }
    public static var oneValue: Float { 1 }
    public init(exactly index: Int) { self = Float(index) }
    public var doubleValue: Double { Double(self) }
}

extension Double: FloatingPointTensorElement {
    public static var dataType: DataType { .float64 }
    public static var zeroValue: Double { 0 }
    public static var oneValue: Double { 1 }
    public init(exactly index: Int) { self = Double(index) }
    public var doubleValue: Double { self }
}

extension Int: NumericTensorElement {
    public static var dataType: DataType { .int64 }
    public static var zeroValue: Int { 0 }
    public static var oneValue: Int { 1 }
    public init(exactly index: Int) { self = index }
    public var doubleValue: Double { Double(self) }
}

extension Int32: NumericTensorElement {
    public static var dataType: DataType { .int32 }
    public static var zeroValue: Int32 { 0 }
    public static var oneValue: Int32 { 1 }
    public init(exactly index: Int) { self = Int32(index) }
    public var doubleValue: Double { Double(self) }
}

extension UInt8: NumericTensorElement {
    public static var dataType: DataType { .uint8 }
    public static var zeroValue: UInt8 { 0 }
    public static var oneValue: UInt8 { 1 }
    public init(exactly index: Int) { self = UInt8(index) }
    public var doubleValue: Double { Double(self) }
}

extension Bool: TensorElement {
    public static var dataType: DataType { .bool }
    public static var zeroValue: Bool { false }
}
