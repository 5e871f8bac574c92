/// A reference-counted buffer of elements, shared by a tensor and its views.
///
/// Tensors are values: mutation goes through `Tensor.ensureUniqueStorage()`, which copies the
/// buffer when anyone else holds it (copy-on-write), so a tensor saved for a backward pass can
/// never change behind the tape's back.
public final class TensorStorage<Element: TensorElement>: @unchecked Sendable {
    /// The first element of the buffer.
    public let base: UnsafeMutablePointer<Element>
    /// The number of elements the buffer holds.
    public let count: Int
    private let capacityBytes: Int

    /// Uninitialized storage for `count` elements. Element types are trivial, so no
    /// initialization is needed before writing.
    init(uninitializedCount count: Int) {
        let (raw, capacity) = BufferCache.shared.allocate(
            byteCount: max(count, 1) * MemoryLayout<Element>.stride)
        self.base = raw.bindMemory(to: Element.self, capacity: max(count, 1))
        self.count = count
        self.capacityBytes = capacity
    }

    convenience init(repeating value: Element, count: Int) {
        self.init(uninitializedCount: count)
        base.initialize(repeating: value, count: count)
    }

    deinit {
        BufferCache.shared.deallocate(UnsafeMutableRawPointer(base), capacity: capacityBytes)
    }
}
