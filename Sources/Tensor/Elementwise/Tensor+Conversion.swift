/// Converting tensors between element types: `Tensor<Float>(converting: labels)`.

/// An element type tensors can be converted from and to.
///
/// Each value passes through the widest type of its kind (`Int64` for integers and masks, the
/// value itself for floating point), so conversions round once.
public protocol ConvertibleTensorElement: TensorElement {
    /// The value converted to `Destination`.
    func converted<Destination: ConvertibleTensorElement>(to destination: Destination.Type) -> Destination
    /// From an integer; integers too wide for this type wrap around (like NumPy's `astype`).
    init(convertingInteger value: Int64)
    /// From a floating-point value; integer types round toward zero and stop on NaN or a value
    /// out of range.
    init<Source: BinaryFloatingPoint>(convertingFloatingPoint value: Source)
}

extension ConvertibleTensorElement where Self: BinaryFloatingPoint {
    @inline(__always)
    public func converted<Destination: ConvertibleTensorElement>(to destination: Destination.Type) -> Destination {
        Destination(convertingFloatingPoint: self)
    }
    @inline(__always)
    public init(convertingInteger value: Int64) { self.init(value) }
    @inline(__always)
    public init<Source: BinaryFloatingPoint>(convertingFloatingPoint value: Source) { self.init(value) }
}

extension ConvertibleTensorElement where Self: FixedWidthInteger {
    @inline(__always)
    public func converted<Destination: ConvertibleTensorElement>(to destination: Destination.Type) -> Destination {
        Destination(convertingInteger: Int64(truncatingIfNeeded: self))
    }
    @inline(__always)
    public init(convertingInteger value: Int64) { self.init(truncatingIfNeeded: value) }
    @inline(__always)
    public init<Source: BinaryFloatingPoint>(convertingFloatingPoint value: Source) {
        guard let converted = Self(exactly: value.rounded(.towardZero)) else {
            preconditionFailure("init(converting:): \(value) cannot be represented as \(Self.self)")
        }
        self = converted
    }
}

extension Float: ConvertibleTensorElement {}
extension Double: ConvertibleTensorElement {}
extension Int: ConvertibleTensorElement {}
extension Int32: ConvertibleTensorElement {}
extension UInt8: ConvertibleTensorElement {}

extension Bool: ConvertibleTensorElement {
    /// `true` becomes 1, `false` 0.
    @inline(__always)
    public func converted<Destination: ConvertibleTensorElement>(to destination: Destination.Type) -> Destination {
        Destination(convertingInteger: self ? 1 : 0)
    }
    /// Non-zero is `true`.
    @inline(__always)
    public init(convertingInteger value: Int64) { self = value != 0 }
    /// Non-zero (including NaN) is `true`, as in NumPy.
    @inline(__always)
    public init<Source: BinaryFloatingPoint>(convertingFloatingPoint value: Source) { self = value != 0 }
}

@_specialize(where Source == Int, Result == Float)
@_specialize(where Source == Int32, Result == Float)
@_specialize(where Source == Bool, Result == Float)
@_specialize(where Source == Float, Result == Double)
@_specialize(where Source == Double, Result == Float)
@_specialize(where Source == Float, Result == Int)
@_specialize(where Source == Int, Result == Double)
@_specialize(where Source == Bool, Result == Double)
@_specialize(where Source == Int, Result == Int32)
@_specialize(where Source == Int32, Result == Int)
func convert<Source: ConvertibleTensorElement, Result: ConvertibleTensorElement>(
    _ source: Tensor<Source>, to type: Result.Type
) -> Tensor<Result> {
    source.applying { mapScalars($0, $1, $2, $3, { $0.converted(to: Result.self) }) }
}

extension Tensor where Scalar: ConvertibleTensorElement {
    /// The elements of `source` converted to this element type, in a new contiguous tensor.
    ///
    /// Integers and masks become floats exactly (or rounded to nearest when too wide), floats
    /// become integers rounded toward zero, anything non-zero becomes `true`.
    /// Precondition: converting to an integer type, no element is NaN or out of its range.
    public init<Source: ConvertibleTensorElement>(converting source: Tensor<Source>) {
        self = convert(source, to: Scalar.self)
    }
}
