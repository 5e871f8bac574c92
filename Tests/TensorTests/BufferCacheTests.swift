import Testing
@testable import Tensor

@Suite struct BufferCacheTests {
    @Test func sizeClassesRoundUpByAtMostAQuarterAndIndexOneToOne() {
        var sizeForIndex: [Int: Int] = [:]
        var requests = Array(1...20_000)
        var state: UInt64 = 1
        for _ in 0..<20_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            requests.append(Int(state >> 24))  // up to 2⁴⁰ bytes
        }
        for bytes in requests {
            let size = BufferCache.sizeClass(bytes)
            #expect(size >= bytes && size <= Swift.max(64, bytes + bytes / 4 + 64))
            let index = BufferCache.sizeClassIndex(size)
            #expect(index >= 0 && index < BufferCache.sizeClassCount)
            if let other = sizeForIndex[index] { #expect(other == size, "sizes \(other) and \(size) share index \(index)") }
            sizeForIndex[index] = size
        }
    }

    @Test func freedBuffersAreReused() {
        let before = BufferCache.shared.statistics
        for _ in 0..<10 { _ = Tensor<Float>.zeros([12_345]) }
        let after = BufferCache.shared.statistics
        #expect(after.hits - before.hits >= 9)
    }
}

@Suite struct TensorStorageTests {
    /// The bytes a tensor's storage holds from the buffer cache (0 when its elements live in
    /// the storage object).
    func cachedBytes<Scalar>(_ tensor: Tensor<Scalar>) -> Int {
        tensor.storage.withUnsafeMutablePointerToHeader { $0.pointee.cachedBytes }
    }

    @Test func smallBuffersLiveInTheStorageObjectAndLargeOnesInTheCache() {
        let limit = TensorStorage<Float>.inlineByteLimit / MemoryLayout<Float>.stride
        for count in [0, 1, 7, limit] {
            let tensor = Tensor<Float>(shape: [count], scalars: (0..<count).map { Float($0) })
            #expect(cachedBytes(tensor) == 0, "\(count) floats")
            #expect(tensor.scalars == (0..<count).map { Float($0) })
            // The elements follow the header inside the object.
            let object = UInt(bitPattern: Unmanaged.passUnretained(tensor.storage).toOpaque())
            let elements = UInt(bitPattern: tensor.storage.base)
            #expect(elements > object && elements < object + 128)
        }
        for count in [limit + 1, 12_345] {
            let tensor = Tensor<Float>(shape: [count], scalars: (0..<count).map { Float($0) })
            #expect(cachedBytes(tensor) >= count * 4, "\(count) floats")
            #expect(tensor.scalars == (0..<count).map { Float($0) })
        }
        let doubles = Tensor<Double>.ones([TensorStorage<Double>.inlineByteLimit / 8 + 1])
        #expect(cachedBytes(doubles) > 0)
        #expect(doubles.sum().scalar == Double(doubles.count))
    }

    @Test func aWriteToASharedSmallBufferCopiesIt() {
        let original = Tensor<Double>([1, 2, 3])
        var copy = original
        copy[1] = 20
        #expect(original.scalars == [1, 2, 3])
        #expect(copy.scalars == [1, 20, 3])
    }
}
