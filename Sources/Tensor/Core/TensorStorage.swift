/// A reference-counted buffer of elements, shared by a tensor and its views.
///
/// Tensors are values: mutation goes through `Tensor.ensureUniqueStorage()`, which copies the
/// buffer when anyone else holds it (copy-on-write), so a tensor saved for a backward pass can
/// never change behind the tape's back.
///
/// Small buffers live in the storage object itself, after its header: one allocation per tensor
/// instead of two, and no trip through the buffer cache's lock (a tape of small tensors makes
/// several per op). Larger ones come from `BufferCache`, which keeps their pages mapped.
///
/// It is not `Sendable` (`ManagedBuffer` is explicitly not); the `Tensor` values that hold it are.
public final class TensorStorage<Element: TensorElement>:
    ManagedBuffer<(base: UnsafeMutablePointer<Element>, count: Int, cachedBytes: Int), Element>
{
    /// Buffers up to this many bytes are held in the object; larger ones in the buffer cache.
    static var inlineByteLimit: Int { 1024 }

    /// The first element of the buffer.
    // Read through a pointer to the header: `header.base` would be a dynamically checked access
    // to a class's stored property, on every kernel call.
    @inline(__always)
    public var base: UnsafeMutablePointer<Element> { withUnsafeMutablePointerToHeader { $0.pointee.base } }

    /// The number of elements the buffer holds.
    public var count: Int { withUnsafeMutablePointerToHeader { $0.pointee.count } }

    /// Uninitialized storage for `count` elements. Element types are trivial, so no
    /// initialization is needed before writing.
    @inline(__always)
    static func uninitialized(count: Int) -> TensorStorage {
        let byteCount = Swift.max(count, 1) * MemoryLayout<Element>.stride
        if byteCount <= inlineByteLimit {
            let buffer = create(minimumCapacity: Swift.max(count, 1)) { buffer in
                (base: buffer.withUnsafeMutablePointerToElements { $0 }, count: count, cachedBytes: 0)
            }
            return unsafeDowncast(buffer, to: TensorStorage.self)
        }
        let (raw, capacity) = BufferCache.shared.allocate(byteCount: byteCount)
        let buffer = create(minimumCapacity: 0) { _ in
            (base: raw.bindMemory(to: Element.self, capacity: Swift.max(count, 1)), count: count, cachedBytes: capacity)
        }
        return unsafeDowncast(buffer, to: TensorStorage.self)
    }

    deinit {
        let (base, _, cachedBytes) = withUnsafeMutablePointerToHeader { $0.pointee }
        if cachedBytes > 0 { BufferCache.shared.deallocate(UnsafeMutableRawPointer(base), capacity: cachedBytes) }
    }
}
