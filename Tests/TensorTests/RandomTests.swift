import Foundation
import Testing
import Tensor
import _TestSupport

@Suite struct RandomTests {
    // MARK: - The generator

    @Test func philoxMatchesRandom123KnownAnswers() {
        // kat_vectors from the Random123 distribution: philox4x32 10 <counter ×4> <key ×2> <result ×4>.
        #expect(PhiloxGenerator.block(counter: 0, key: 0) == SIMD4(0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8))
        #expect(PhiloxGenerator.block(counter: .max, key: .max) == SIMD4(0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd))
        let counter = UInt128(0x0370_7344) << 96 | UInt128(0x1319_8a2e) << 64 | UInt128(0x85a3_08d3) << 32 | 0x243f_6a88
        let key = UInt64(0x299f_31d0) << 32 | 0xa409_3822
        #expect(PhiloxGenerator.block(counter: counter, key: key) == SIMD4(0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1))
    }

    @Test func wordsComeFromConsecutiveCounters() {
        var generator = PhiloxGenerator(seed: 7)
        let words = (0..<8).map { _ in generator.nextWord() }
        let first = PhiloxGenerator.block(counter: 0, key: 7), second = PhiloxGenerator.block(counter: 1, key: 7)
        #expect(words == [first[0], first[1], first[2], first[3], second[0], second[1], second[2], second[3]])
        #expect(generator.counter == 2)
    }

    @Test func sameSeedSameNumbersAndStateRoundTrips() {
        var first = PhiloxGenerator(seed: 2024), second = PhiloxGenerator(seed: 2024)
        #expect((0..<10).map { _ in first.next() } == (0..<10).map { _ in second.next() })
        _ = first.nextWord()  // stop in the middle of a block
        var restored = PhiloxGenerator(state: first.state)
        #expect(restored == first)
        #expect((0..<9).map { _ in restored.nextWord() } == (0..<9).map { _ in first.nextWord() })
        var other = PhiloxGenerator(seed: 2025), original = PhiloxGenerator(seed: 2024)
        #expect(other.next() != original.next())
    }

    @Test func splitAndForkGiveDistinctReproducibleStreams() {
        var parent = PhiloxGenerator(seed: 1)
        let before = parent
        var child = parent.split()
        #expect(parent != before)  // the parent moved on
        #expect(child.key != parent.key)
        var copy = before
        #expect(copy.split() == child)  // reproducible
        var forkA = parent.forked(stream: 0), forkB = parent.forked(stream: 1)
        #expect(forkA.key != forkB.key)
        #expect(parent.forked(stream: 0) == forkA)  // derived without drawing
        var draws = Set<UInt64>()
        for _ in 0..<100 { draws.insert(child.next()); draws.insert(forkA.next()); draws.insert(forkB.next()) }
        #expect(draws.count == 300)
        _ = parent.next()
        #expect(parent.forked(stream: 0).key != forkA.key)  // a later parent position forks elsewhere
    }

    // MARK: - Tensors: determinism

    @Test func uniformFloatIsTheWordStreamScaled() {
        // Bulk fills must equal the plain sequential stream: element i is word i's top 24 bits.
        var generator = PhiloxGenerator(seed: 99)
        var reference = generator
        let count = 70_001  // several parallel chunks and a partial last block
        let tensor = Tensor<Float>.uniform([count], using: &generator)
        let expected = (0..<count).map { _ in Float(reference.nextWord() >> 8) * 0x1p-24 }
        #expect(tensor.scalars == expected)
        #expect(generator.counter == UInt128((count + 3) / 4))
    }

    @Test func uniformDoubleUsesFiftyThreeBitsFromTwoWords() {
        var generator = PhiloxGenerator(seed: 5)
        var reference = generator
        let tensor = Tensor<Double>.uniform([3], low: -1, high: 3, using: &generator)
        let expected = (0..<3).map { _ -> Double in
            let high = UInt64(reference.nextWord()), low = UInt64(reference.nextWord())
            return -1 + 4 * Double((high << 32 | low) >> 11) * 0x1p-53
        }
        #expect(tensor.scalars == expected)
    }

    @Test func resultsDoNotDependOnThreadCount() {
        let saved = ThreadBudget.count
        defer { ThreadBudget.count = saved }
        func draw() -> [[Double]] {
            var generator = PhiloxGenerator(seed: 31)
            return [
                Tensor<Float>.uniform([300, 257], using: &generator).scalars.map { Double($0) },
                Tensor<Float>.normal([300, 257], using: &generator).scalars.map { Double($0) },
                Tensor<Double>.normal([100_001], using: &generator).scalars,
                Tensor<Double>.truncatedNormal([50_000], using: &generator).scalars,
                Tensor<Bool>.bernoulli([80_000], probability: 0.5, using: &generator).scalars.map { $0 ? 1 : 0 },
                Tensor<Int>.randomIntegers([40_000], in: -5..<5, using: &generator).scalars.map { Double($0) },
            ]
        }
        ThreadBudget.count = 1
        let single = draw()
        ThreadBudget.count = 2
        let double = draw()
        #expect(single == double)
    }

    @Test func consecutiveDrawsDifferAndSameSeedRepeats() {
        var first = PhiloxGenerator(seed: 3), second = PhiloxGenerator(seed: 3)
        let a = Tensor<Float>.normal([2, 5], using: &first), b = Tensor<Float>.normal([2, 5], using: &first)
        #expect(a != b)
        #expect(Tensor<Float>.normal([2, 5], using: &second) == a)
        #expect(Tensor<Float>.normal([2, 5], using: &second) == b)
    }

    @Test func zeroSizeAndRankZeroShapes() {
        var generator = PhiloxGenerator(seed: 0)
        #expect(Tensor<Float>.uniform([0, 3], using: &generator).shape == [0, 3])
        #expect(Tensor<Double>.normal([4, 0], using: &generator).count == 0)
        #expect(Tensor<Bool>.bernoulli([0], probability: 0.5, using: &generator).count == 0)
        #expect(generator.counter == 0)  // nothing drawn for nothing
        let scalar = Tensor<Double>.normal([], using: &generator)
        #expect(scalar.shape == [] && scalar.scalar.isFinite)
        #expect(Tensor<Int>.randomPermutation(0, using: &generator).shape == [0])
    }

    // MARK: - Tensors: distributions

    func moments(_ values: [Double]) -> (mean: Double, standardDeviation: Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        return (mean, variance.squareRoot())
    }

    @Test func uniformMomentsAndRange() {
        var generator = PhiloxGenerator(seed: 11)
        let float = Tensor<Float>.uniform([100_000], low: 2, high: 5, using: &generator).scalars.map { Double($0) }
        let double = Tensor<Double>.uniform([100_000], low: 2, high: 5, using: &generator).scalars
        for values in [float, double] {
            #expect(values.allSatisfy { $0 >= 2 && $0 < 5 })
            let (mean, deviation) = moments(values)
            // Standard error of the mean: (3/√12)/√10⁵ ≈ 0.0027; allow 5 of them.
            #expect(abs(mean - 3.5) < 0.014)
            #expect(abs(deviation - 3 / 12.0.squareRoot()) < 0.01)
        }
    }

    @Test func normalMoments() {
        var generator = PhiloxGenerator(seed: 12)
        let float = Tensor<Float>.normal([100_000], mean: 1, standardDeviation: 3, using: &generator).scalars.map { Double($0) }
        let double = Tensor<Double>.normal([100_001], mean: 1, standardDeviation: 3, using: &generator).scalars
        for values in [float, double] {
            let (mean, deviation) = moments(values)
            #expect(abs(mean - 1) < 0.05)        // 5 standard errors: 5·3/√10⁵
            #expect(abs(deviation - 3) < 0.035)  // 5·3/√(2·10⁵)
            let within = Double(values.filter { abs($0 - 1) < 3 }.count) / Double(values.count)
            #expect(abs(within - 0.682_689) < 0.008)
        }
    }

    /// Mean and standard deviation of N(μ, σ²) truncated to [a, b], from the closed form.
    func truncatedMoments(mean mu: Double, deviation sigma: Double, lower: Double, upper: Double) -> (Double, Double) {
        func pdf(_ x: Double) -> Double { exp(-x * x / 2) / (2 * Double.pi).squareRoot() }
        func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
        let alpha = (lower - mu) / sigma, beta = (upper - mu) / sigma
        let z = cdf(beta) - cdf(alpha)
        let shift = (pdf(alpha) - pdf(beta)) / z
        let variance = 1 + (alpha * pdf(alpha) - beta * pdf(beta)) / z - shift * shift
        return (mu + sigma * shift, sigma * variance.squareRoot())
    }

    @Test(arguments: [(0.0, 1.0, -2.0, 2.0), (0.5, 2.0, -1.0, 3.0), (0.0, 1.0, 3.0, 4.0), (0.0, 0.02, -2.0, 2.0), (1.0, 1.0, -8.0, -3.0)])
    func truncatedNormalBoundsAndMoments(mean: Double, deviation: Double, lower: Double, upper: Double) {
        var generator = PhiloxGenerator(seed: 13)
        let double = Tensor<Double>.truncatedNormal([100_000], mean: mean, standardDeviation: deviation,
                                                    lower: lower, upper: upper, using: &generator).scalars
        let float = Tensor<Float>.truncatedNormal([100_000], mean: Float(mean), standardDeviation: Float(deviation),
                                                  lower: Float(lower), upper: Float(upper), using: &generator)
            .scalars.map { Double($0) }
        let (expectedMean, expectedDeviation) = truncatedMoments(mean: mean, deviation: deviation, lower: lower, upper: upper)
        for values in [double, float] {
            #expect(values.allSatisfy { $0 >= lower && $0 <= upper })
            let (sampleMean, sampleDeviation) = moments(values)
            #expect(abs(sampleMean - expectedMean) < 5 * expectedDeviation / 100_000.0.squareRoot())
            #expect(abs(sampleDeviation - expectedDeviation) < 0.02 * expectedDeviation)
        }
    }

    @Test func bernoulliRateAndExtremes() {
        var generator = PhiloxGenerator(seed: 14)
        let mask = Tensor<Bool>.bernoulli([100_000], probability: 0.3, using: &generator)
        let rate = Double(mask.scalars.filter { $0 }.count) / 100_000
        #expect(abs(rate - 0.3) < 0.0075)  // 5·√(0.21/10⁵)
        #expect(Tensor<Bool>.bernoulli([1000], probability: 0, using: &generator).scalars.allSatisfy { !$0 })
        #expect(Tensor<Bool>.bernoulli([1000], probability: 1, using: &generator).scalars.allSatisfy { $0 })
    }

    @Test func randomIntegersCoverTheRangeEvenly() {
        var generator = PhiloxGenerator(seed: 15)
        let values = Tensor<Int>.randomIntegers([60_000], in: -3..<3, using: &generator).scalars
        #expect(values.allSatisfy { (-3..<3).contains($0) })
        for value in -3..<3 {
            let share = Double(values.filter { $0 == value }.count) / 60_000
            #expect(abs(share - 1.0 / 6) < 0.008)
        }
        let wide = Tensor<Int>.randomIntegers([1000], in: Int.min..<Int.max, using: &generator).scalars
        #expect(Set(wide).count == 1000 && wide.contains { $0 < 0 } && wide.contains { $0 > 0 })
    }

    @Test func permutationIsAPermutation() {
        var generator = PhiloxGenerator(seed: 16)
        let order = Tensor<Int>.randomPermutation(1000, using: &generator)
        #expect(order.shape == [1000])
        #expect(order.scalars.sorted() == Array(0..<1000))
        #expect(order.scalars != Array(0..<1000))
        #expect(Tensor<Int>.randomPermutation(1, using: &generator).scalars == [0])
        // Every ordering of three items appears about equally often.
        var counts: [[Int]: Int] = [:]
        for _ in 0..<6000 { counts[Tensor<Int>.randomPermutation(3, using: &generator).scalars, default: 0] += 1 }
        #expect(counts.count == 6)
        #expect(counts.values.allSatisfy { abs($0 - 1000) < 150 })
    }
}
