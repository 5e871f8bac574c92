/// The bulk-fill loop shared by the random tensor creators, and bits-to-number conversions.
///
/// A fill splits the tensor into *groups* (one element, or a Box–Muller pair) that each use a
/// fixed number of 32-bit words: group `g` uses words `g·w ..< g·w + w` of the fill, that is
/// block `base + g·w / 4` of the generator's stream. Which numbers land where therefore depends
/// only on the generator and the element count, never on how the work is split across threads.

/// Philox blocks per parallel chunk: below this, one thread fills the whole tensor.
let randomBlockGrain = 1 << 12

/// Runs `body(group, words, lane)` for groups `0 ..< groupCount`, where the group's words are
/// `words[lane ..< lane + wordsPerGroup]`, and moves the generator past the blocks used.
///
/// - Precondition: `wordsPerGroup` is 1, 2 or 4.
@inline(__always)
func forEachRandomGroup(
    count groupCount: Int, wordsPerGroup: Int, using generator: inout PhiloxGenerator,
    _ body: (_ group: Int, _ words: SIMD4<UInt32>, _ lane: Int) -> Void
) {
    assert(wordsPerGroup == 1 || wordsPerGroup == 2 || wordsPerGroup == 4)
    let groupsPerBlock = 4 / wordsPerGroup
    let blockCount = (groupCount + groupsPerBlock - 1) / groupsPerBlock
    let key = generator.key
    let base = generator.reserveBlocks(blockCount)
    parallelChunks(count: blockCount, grain: randomBlockGrain) { blocks in
        for block in blocks {
            let words = PhiloxGenerator.block(counter: base &+ UInt128(block), key: key)
            let firstGroup = block * groupsPerBlock
            for slot in 0..<min(groupsPerBlock, groupCount - firstGroup) {
                body(firstGroup + slot, words, slot * wordsPerGroup)
            }
        }
    }
}

/// Random bits per uniform number: 24 for `Float`, 53 for `Double` (the significand's precision).
@inline(__always)
func randomBitCount<Scalar: FloatingPointTensorElement>(for _: Scalar.Type) -> Int {
    Scalar.significandBitCount + 1
}

/// 32-bit words per uniform number: 1 for `Float`, 2 for `Double`.
@inline(__always)
func randomWordCount<Scalar: FloatingPointTensorElement>(for _: Scalar.Type) -> Int {
    randomBitCount(for: Scalar.self) <= 32 ? 1 : 2
}

/// The random bits of one uniform number, as an integer in `0 ..< 2^bits`.
@inline(__always)
func randomBits<Scalar: FloatingPointTensorElement>(
    _ words: SIMD4<UInt32>, _ lane: Int, for _: Scalar.Type
) -> UInt64 {
    let bits = randomBitCount(for: Scalar.self)
    if bits <= 32 { return UInt64(words[lane] >> UInt32(32 - bits)) }
    let raw = UInt64(words[lane]) << 32 | UInt64(words[lane + 1])
    return raw >> UInt64(64 - bits)
}

/// `2^-bits`: the spacing of the uniform numbers.
@inline(__always)
func randomSpacing<Scalar: FloatingPointTensorElement>(for _: Scalar.Type) -> Scalar {
    Scalar(sign: .plus, exponent: Scalar.Exponent(-randomBitCount(for: Scalar.self)), significand: 1)
}

extension PhiloxGenerator {
    /// A uniform integer in `0 ..< bound`, without bias (Lemire's multiply-and-reject method,
    /// https://arxiv.org/abs/1805.10941). Sequential: it draws as many numbers as it needs.
    mutating func nextIndex(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "PhiloxGenerator: empty range")
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return product.high
    }
}
