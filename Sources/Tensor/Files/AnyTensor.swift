/// A tensor of any element type, for collections that mix them (a checkpoint, a `.npy` file of unknown type).

/// One tensor whose element type is known only at run time.
public enum AnyTensor: Sendable, Equatable {
    /// A tensor of `Float` (`F32`).
    case float32(Tensor<Float>)
    /// A tensor of `Double` (`F64`).
    case float64(Tensor<Double>)
    /// A tensor of `Int32` (`I32`).
    case int32(Tensor<Int32>)
    /// A tensor of `Int`, stored as 64-bit integers (`I64`).
    case int64(Tensor<Int>)
    /// A tensor of `UInt8` (`U8`).
    case uint8(Tensor<UInt8>)
    /// A tensor of `Bool` (`BOOL`).
    case bool(Tensor<Bool>)

    /// Wraps a typed tensor.
    public init<Scalar: TensorElement>(_ tensor: Tensor<Scalar>) {
        switch Scalar.dataType {
        case .float32: self = .float32(tensor as! Tensor<Float>)
        case .float64: self = .float64(tensor as! Tensor<Double>)
        case .int32: self = .int32(tensor as! Tensor<Int32>)
        case .int64: self = .int64(tensor as! Tensor<Int>)
        case .uint8: self = .uint8(tensor as! Tensor<UInt8>)
        case .bool: self = .bool(tensor as! Tensor<Bool>)
        }
    }

    /// The element type.
    public var dataType: DataType {
        switch self {
        case .float32: .float32
        case .float64: .float64
        case .int32: .int32
        case .int64: .int64
        case .uint8: .uint8
        case .bool: .bool
        }
    }

    /// The size of each dimension.
    public var shape: [Int] {
        switch self {
        case .float32(let tensor): tensor.shape
        case .float64(let tensor): tensor.shape
        case .int32(let tensor): tensor.shape
        case .int64(let tensor): tensor.shape
        case .uint8(let tensor): tensor.shape
        case .bool(let tensor): tensor.shape
        }
    }

    /// The tensor as `Tensor<Scalar>`, or `nil` when its element type is another one.
    public func tensor<Scalar: TensorElement>(as _: Scalar.Type = Scalar.self) -> Tensor<Scalar>? {
        switch self {
        case .float32(let tensor): tensor as? Tensor<Scalar>
        case .float64(let tensor): tensor as? Tensor<Scalar>
        case .int32(let tensor): tensor as? Tensor<Scalar>
        case .int64(let tensor): tensor as? Tensor<Scalar>
        case .uint8(let tensor): tensor as? Tensor<Scalar>
        case .bool(let tensor): tensor as? Tensor<Scalar>
        }
    }

    /// The tensor when it holds `Float`, else `nil`.
    public var float32: Tensor<Float>? { tensor() }
    /// The tensor when it holds `Double`, else `nil`.
    public var float64: Tensor<Double>? { tensor() }
    /// The tensor when it holds `Int32`, else `nil`.
    public var int32: Tensor<Int32>? { tensor() }
    /// The tensor when it holds `Int`, else `nil`.
    public var int64: Tensor<Int>? { tensor() }
    /// The tensor when it holds `UInt8`, else `nil`.
    public var uint8: Tensor<UInt8>? { tensor() }
    /// The tensor when it holds `Bool`, else `nil`.
    public var bool: Tensor<Bool>? { tensor() }

    /// The elements' bytes in row-major order, little-endian (`Bool` as one byte, 0 or 1).
    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        switch self {
        case .float32(let tensor): try tensor.withUnsafeBufferPointer { try body(UnsafeRawBufferPointer($0)) }
        case .float64(let tensor): try tensor.withUnsafeBufferPointer { try body(UnsafeRawBufferPointer($0)) }
        case .int32(let tensor): try tensor.withUnsafeBufferPointer { try body(UnsafeRawBufferPointer($0)) }
        case .int64(let tensor): try tensor.withUnsafeBufferPointer { try body(UnsafeRawBufferPointer($0)) }
        case .uint8(let tensor): try tensor.withUnsafeBufferPointer { try body(UnsafeRawBufferPointer($0)) }
        case .bool(let tensor): try tensor.withUnsafeBufferPointer { try body(UnsafeRawBufferPointer($0)) }
        }
    }

    /// A tensor of `dataType` and `shape` from little-endian bytes; `bytes.count` must be the exact size.
    /// Boolean bytes other than 0 read as `true`, so no invalid `Bool` is ever made.
    static func fromBytes(_ bytes: UnsafeRawBufferPointer, dataType: DataType, shape: [Int]) -> AnyTensor {
        func make<Scalar: TensorElement>(_: Scalar.Type) -> Tensor<Scalar> {
            var tensor = Tensor<Scalar>(uninitializedShape: shape)
            tensor.withUnsafeMutableBufferPointer { destination in
                precondition(bytes.count == destination.count * MemoryLayout<Scalar>.stride)
                UnsafeMutableRawBufferPointer(destination).copyMemory(from: bytes)
            }
            return tensor
        }
        switch dataType {
        case .float32: return .float32(make(Float.self))
        case .float64: return .float64(make(Double.self))
        case .int32: return .int32(make(Int32.self))
        case .int64: return .int64(make(Int.self))
        case .uint8: return .uint8(make(UInt8.self))
        case .bool:
            var tensor = Tensor<Bool>(uninitializedShape: shape)
            tensor.withUnsafeMutableBufferPointer { destination in
                for index in destination.indices { destination[index] = bytes[index] != 0 }
            }
            return .bool(tensor)
        }
    }
}

#if _endian(big)
// The readers and writers copy bytes straight between files and tensors, which is right only on
// little-endian machines (every machine Gradus targets). A big-endian port must swap bytes here.
#error("Tensor files assume a little-endian host")
#endif
