/// An N-dimensional array with value semantics over copy-on-write, strided storage.
///
/// A tensor is a *layout* (shape, strides in elements, offset into the storage) over a shared
/// `TensorStorage`. Views (transpose, slice, broadcast with stride 0, reshape of contiguous data)
/// build a new layout over the same storage and copy nothing.
///
/// ```swift
/// let x = Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
/// let y = x.transposed()          // [3, 2], a view
/// print(y.contiguous().scalars)   // [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]
/// ```
public struct Tensor<Scalar: TensorElement>: @unchecked Sendable {
    /// The buffer the elements live in, shared with the tensor's views.
    public internal(set) var storage: TensorStorage<Scalar>
    /// The size of each dimension.
    public internal(set) var shape: [Int]
    /// The distance, in elements, between neighbours along each dimension (0 when broadcast).
    public internal(set) var strides: [Int]
    /// The position of element `[0, 0, …]` in the storage.
    public internal(set) var offset: Int

    /// A tensor over existing storage. The layout must stay within the storage.
    public init(storage: TensorStorage<Scalar>, shape: [Int], strides: [Int], offset: Int) {
        precondition(shape.count == strides.count, "Tensor: shape \(shape) and strides \(strides) differ in rank")
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(shape)")
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
    }

    /// A tensor over a layout already known to be valid (kernels' results): no checks.
    @inline(__always)
    init(uncheckedStorage storage: TensorStorage<Scalar>, shape: [Int], strides: [Int], offset: Int) {
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
    }

    /// A contiguous tensor whose elements are not yet written. Kernels use it for their results.
    public init(uninitializedShape shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(shape)")
        let count = shape.reduce(1, *)
        self.init(storage: TensorStorage.uninitialized(count: count), shape: shape,
                  strides: Tensor.contiguousStrides(for: shape), offset: 0)
    }

    /// A contiguous tensor shaped like `layout`, whose elements are not yet written. When
    /// `layout` is itself contiguous its shape and strides arrays are shared rather than rebuilt,
    /// which saves two allocations per result on the small tensors where they dominate.
    @inline(__always)
    init<Other>(uninitializedLike layout: Tensor<Other>) {
        if layout.hasRowMajorStrides {
            self.init(rowMajorLike: layout)
        } else {
            self.init(uninitializedShape: layout.shape)
        }
    }

    /// A tensor with the shape and strides arrays of `layout`, which has row-major strides, and
    /// fresh storage whose elements are not yet written.
    @inline(__always)
    init<Other>(rowMajorLike layout: Tensor<Other>) {
        self.init(uncheckedStorage: TensorStorage.uninitialized(count: layout.count), shape: layout.shape,
                  strides: layout.strides, offset: 0)
    }

    /// A contiguous tensor from row-major scalars; their number must equal the shape's product.
    public init(shape: [Int], scalars: some Collection<Scalar>) {
        let count = shape.reduce(1, *)
        precondition(scalars.count == count,
                     "Tensor(shape:scalars:): shape \(shape) holds \(count) elements but \(scalars.count) were given")
        self.init(uninitializedShape: shape)
        _ = UnsafeMutableBufferPointer(start: storage.base, count: count).initialize(from: scalars)
    }

    /// A rank-1 tensor holding `scalars`.
    public init(_ scalars: [Scalar]) { self.init(shape: [scalars.count], scalars: scalars) }

    /// A rank-0 tensor holding one scalar.
    public init(_ scalar: Scalar) { self.init(shape: [], scalars: [scalar]) }

    /// The number of dimensions.
    public var rank: Int { shape.count }
    /// The number of elements.
    public var count: Int { shape.reduce(1, *) }
    /// The element type's name, as NumPy and safetensors spell it.
    public var dataType: DataType { Scalar.dataType }

    /// Row-major strides of a contiguous tensor of this shape.
    public static func contiguousStrides(for shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= Swift.max(shape[axis], 1)
        }
        return strides
    }

    /// Whether the elements lie in row-major order without gaps (size-1 dimensions may have any stride).
    public var isContiguous: Bool {
        var expected = 1
        for axis in stride(from: rank - 1, through: 0, by: -1) where shape[axis] != 1 {
            if strides[axis] != expected { return false }
            expected *= shape[axis]
        }
        return true
    }

    /// Whether the strides are exactly `Tensor.contiguousStrides(for: shape)` (size-1 dimensions
    /// included), so that a new contiguous tensor of this shape can share the strides array.
    @inline(__always)
    var hasRowMajorStrides: Bool {
        var expected = 1
        for axis in stride(from: rank - 1, through: 0, by: -1) {
            if strides[axis] != expected { return false }
            expected *= Swift.max(shape[axis], 1)
        }
        return true
    }

    /// The position in storage of the element at `indices`.
    @inline(__always)
    func storageIndex(_ indices: [Int]) -> Int {
        var position = offset
        for axis in 0..<indices.count { position += indices[axis] * strides[axis] }
        return position
    }

    /// The element at `indices` (one index per dimension; negative indices count from the end).
    public subscript(indices: Int...) -> Scalar {
        get { self[indices] }
        set { self[indices] = newValue }
    }

    public subscript(indices: [Int]) -> Scalar {
        get { storage.base[storageIndex(checkedIndices(indices))] }
        set {
            let position = checkedIndices(indices)
            ensureUniqueStorage()
            storage.base[storageIndex(position)] = newValue
        }
    }

    private func checkedIndices(_ indices: [Int]) -> [Int] {
        precondition(indices.count == rank, "subscript: \(indices.count) indices for shape \(shape)")
        return indices.enumerated().map { axis, index in
            let resolved = index < 0 ? index + shape[axis] : index
            precondition(resolved >= 0 && resolved < shape[axis],
                         "subscript: index \(index) out of range for axis \(axis) of shape \(shape)")
            return resolved
        }
    }

    /// The only element of a tensor with one element.
    public var scalar: Scalar {
        precondition(count == 1, "scalar: tensor of shape \(shape) has \(count) elements, not one")
        return storage.base[offset]
    }

    /// All elements in row-major order.
    public var scalars: [Scalar] {
        let source = contiguous()
        return Array(UnsafeBufferPointer(start: source.storage.base + source.offset, count: count))
    }

    /// Makes the storage uniquely owned by this tensor before a write, copying it (into a
    /// contiguous layout) when it is shared with another tensor.
    public mutating func ensureUniqueStorage() {
        if !isKnownUniquelyReferenced(&storage) || hasBroadcastDimensions {
            self = copied()
        }
    }

    /// Whether two elements of the layout share a storage location (a stride-0 broadcast).
    var hasBroadcastDimensions: Bool {
        zip(shape, strides).contains { $0 > 1 && $1 == 0 }
    }

    /// A contiguous tensor with the same elements: `self` when already contiguous.
    public func contiguous() -> Tensor {
        isContiguous ? self : copied()
    }

    /// A contiguous copy in fresh storage.
    // Specialized: generic, each row's copy went through the element type's witness table, and
    // the head splits and merges of attention copy rows of 32 elements by the thousand.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Int)
    public func copied() -> Tensor {
        var result = Tensor(uninitializedShape: shape)
        let destination = result.storage.base
        var written = 0
        forEachRow { position, count, stride in
            let source = storage.base + position
            if stride == 1 {
                (destination + written).update(from: source, count: count)
            } else {
                for index in 0..<count { destination[written + index] = source[index * stride] }
            }
            written += count
        }
        result.offset = 0
        return result
    }

    /// Gives mutable access to the elements of a contiguous, uniquely owned buffer, in row-major order.
    public mutating func withUnsafeMutableBufferPointer<Result>(
        _ body: (inout UnsafeMutableBufferPointer<Scalar>) throws -> Result
    ) rethrows -> Result {
        if !isContiguous { self = copied() }
        ensureUniqueStorage()
        var buffer = UnsafeMutableBufferPointer(start: storage.base + offset, count: count)
        return try body(&buffer)
    }

    /// Gives read access to the elements in row-major order (copying first when not contiguous).
    public func withUnsafeBufferPointer<Result>(
        _ body: (UnsafeBufferPointer<Scalar>) throws -> Result
    ) rethrows -> Result {
        let source = contiguous()
        return try withExtendedLifetime(source) {
            try body(UnsafeBufferPointer(start: source.storage.base + source.offset, count: count))
        }
    }
}

extension Tensor: Equatable {
    /// Tensors are equal when shapes and all elements are equal (layouts may differ).
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        lhs.shape == rhs.shape && lhs.scalars == rhs.scalars
    }
}
