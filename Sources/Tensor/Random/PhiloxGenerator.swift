/// Philox4x32-10: a counter-based random number generator, passed explicitly (DESIGN.md, decision 11).
///
/// Salmon et al., "Parallel random numbers: as easy as 1, 2, 3" (SC 2011),
/// https://doi.org/10.1145/2063384.2063405. Each 128-bit counter value is enciphered under a 64-bit
/// key into four 32-bit words: `block(counter, key)`. Because block `c` does not depend on block
/// `c - 1`, a big tensor can be filled in parallel — chunk `i` starts at counter `base + i·chunk` —
/// and the numbers equal the single-threaded ones on every machine and any thread count.
///
/// The generator is a value: copying it copies the stream position, and nothing reads global state.
/// `state` and `init(state:)` save and restore it exactly, so a resumed run draws the same numbers
/// as one that never stopped.
///
/// ```swift
/// var generator = PhiloxGenerator(seed: 42)
/// let weights = Tensor<Float>.normal([64, 32], mean: 0, standardDeviation: 0.02, using: &generator)
/// let order = Tensor<Int>.randomPermutation(60_000, using: &generator)
/// ```
public struct PhiloxGenerator: RandomNumberGenerator, Hashable, Sendable {
    /// The 64-bit key: low word `key[0]`, high word `key[1]`.
    public let key: UInt64
    /// The counter of the next block to encipher.
    public private(set) var counter: UInt128
    /// The block enciphered from `counter - 1`, of which the words from `bufferPosition` on are unused.
    private var buffer: SIMD4<UInt32> = .zero
    private var bufferPosition = 4

    /// A generator whose key is `seed` and whose counter starts at zero.
    public init(seed: UInt64) {
        self.init(key: seed, counter: 0)
    }

    /// A generator at an explicit position of the stream of `key`.
    public init(key: UInt64, counter: UInt128) {
        self.key = key
        self.counter = counter
    }

    // MARK: - Checkpoints

    /// The exact position in the stream, for checkpoints: `[key, counter low, counter high, words used]`.
    public var state: [UInt64] {
        [key, UInt64(truncatingIfNeeded: counter), UInt64(truncatingIfNeeded: counter >> 64), UInt64(bufferPosition)]
    }

    /// Restores a generator saved with `state`; it continues with the numbers the saved one would have drawn.
    ///
    /// - Precondition: `state` has four elements, the last at most 4 (what `state` produces).
    public init(state: [UInt64]) {
        precondition(state.count == 4 && state[3] <= 4,
                     "PhiloxGenerator(state:): expected [key, counter low, counter high, words used ≤ 4], got \(state)")
        self.init(key: state[0], counter: UInt128(state[2]) << 64 | UInt128(state[1]))
        bufferPosition = Int(state[3])
        if bufferPosition < 4 {
            buffer = Self.block(counter: counter &- 1, key: key)
        }
    }

    // MARK: - Drawing numbers

    /// The next 64 random bits (two 32-bit words of the stream).
    public mutating func next() -> UInt64 {
        let low = nextWord(), high = nextWord()
        return UInt64(high) << 32 | UInt64(low)
    }

    /// The next 32-bit word of the stream.
    public mutating func nextWord() -> UInt32 {
        if bufferPosition == 4 {
            buffer = Self.block(counter: counter, key: key)
            counter &+= 1
            bufferPosition = 0
        }
        defer { bufferPosition += 1 }
        return buffer[bufferPosition]
    }

    /// Hands out `count` fresh blocks for a bulk fill and moves past them.
    ///
    /// Words left over in the current block are skipped, so a bulk fill always starts on a block
    /// boundary and block `i` of the fill is `block(counter: base + i, key: key)`.
    mutating func reserveBlocks(_ count: Int) -> UInt128 {
        bufferPosition = 4
        let base = counter
        counter &+= UInt128(count)
        return base
    }

    // MARK: - Independent streams

    /// A generator for an independent stream, keyed by the next 64 bits of this one.
    ///
    /// Use it to hand a sub-task its own generator; this generator moves on by one draw.
    public mutating func split() -> PhiloxGenerator {
        PhiloxGenerator(seed: next())
    }

    /// A generator for stream number `stream`, derived without drawing from this one.
    ///
    /// The same parent position and stream number always give the same child; different stream
    /// numbers give different keys. Data-loader workers use `forked(stream: workerIndex)`.
    public func forked(stream: UInt64) -> PhiloxGenerator {
        // Encipher the stream number under a domain tag, then mix in the parent's position, so
        // that children of different streams or of different parent positions get unrelated keys.
        let tag: UInt32 = 0x4B52_4F46  // "FORK"
        let first = Self.block(
            counter: UInt128(tag) << 96 | UInt128(stream), key: key)
        let position = UInt128(bufferPosition) << 124 ^ counter
        let mixed = SIMD4<UInt32>(UInt32(truncatingIfNeeded: position), UInt32(truncatingIfNeeded: position >> 32),
                                  UInt32(truncatingIfNeeded: position >> 64), UInt32(truncatingIfNeeded: position >> 96)) ^ first
        let second = Self.block(counter: Self.counter(mixed), key: key)
        return PhiloxGenerator(seed: UInt64(second[1]) << 32 | UInt64(second[0]))
    }

    // MARK: - The block function

    static let multiplier0: UInt32 = 0xD251_1F53
    static let multiplier1: UInt32 = 0xCD9E_8D57
    static let weyl0: UInt32 = 0x9E37_79B9
    static let weyl1: UInt32 = 0xBB67_AE85

    /// Philox4x32 with 10 rounds: the four words enciphered from `counter` under `key`.
    ///
    /// Word `i` of the counter is bits `32i ..< 32i + 32`, as in the Random123 reference.
    @inline(__always)
    public static func block(counter: UInt128, key: UInt64) -> SIMD4<UInt32> {
        var x0 = UInt32(truncatingIfNeeded: counter), x1 = UInt32(truncatingIfNeeded: counter >> 32)
        var x2 = UInt32(truncatingIfNeeded: counter >> 64), x3 = UInt32(truncatingIfNeeded: counter >> 96)
        var k0 = UInt32(truncatingIfNeeded: key), k1 = UInt32(truncatingIfNeeded: key >> 32)
        for round in 0..<10 {
            if round > 0 { k0 &+= weyl0; k1 &+= weyl1 }
            let (high0, low0) = multiplier0.multipliedFullWidth(by: x0)
            let (high1, low1) = multiplier1.multipliedFullWidth(by: x2)
            (x0, x1, x2, x3) = (high1 ^ x1 ^ k0, low1, high0 ^ x3 ^ k1, low0)
        }
        return SIMD4(x0, x1, x2, x3)
    }

    static func counter(_ words: SIMD4<UInt32>) -> UInt128 {
        UInt128(words[3]) << 96 | UInt128(words[2]) << 64 | UInt128(words[1]) << 32 | UInt128(words[0])
    }
}
