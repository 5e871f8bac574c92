import Testing
import Tensor

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
