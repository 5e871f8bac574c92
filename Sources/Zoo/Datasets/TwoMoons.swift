import Foundation

/// Two interleaving half circles ("moons") in the plane, with labels 0 (upper) and 1 (lower):
/// the toy problem of DANN's section 5.1.1, where the target domain is the source rotated by 35°.
///
/// The points follow scikit-learn's `make_moons`: `⌊n/2⌋` points at `(cos t, sin t)` and the rest at
/// `(1 − cos t, 1 − sin t − 0.5)`, `t` evenly spaced in `[0, π]`, plus Gaussian noise of standard
/// deviation `noise` on each coordinate, then shuffled. `domainAdaptationPair` builds a source and
/// a target set as GRAAL-Research's `make_trans_moons` does: both are centred on the source's mean
/// and scaled by 2, and the target is rotated about that centre.
///
/// ```swift
/// let (source, target) = TwoMoons.domainAdaptationPair(count: 300, rotationDegrees: 35, seed: 0)
/// source.sample(at: 0)   // features [2], label 0 or 1
/// ```
public struct TwoMoons: Dataset {
    /// The points, `[N, 2]`.
    public let points: Tensor<Float>
    /// The labels, 0 (upper moon) or 1 (lower moon), one per point.
    public let labels: [Int]

    /// Points and labels given directly.
    ///
    /// - Precondition: `points` is `[N, 2]` with one label per row.
    public init(points: Tensor<Float>, labels: [Int]) {
        precondition(points.rank == 2 && points.shape[1] == 2 && points.shape[0] == labels.count,
                     "TwoMoons: points \(points.shape) are not [\(labels.count), 2]")
        self.points = points.contiguous()
        self.labels = labels
    }

    /// `count` noisy, shuffled points drawn from `generator` (scikit-learn's `make_moons`).
    ///
    /// - Parameters:
    ///   - count: the number of points, `⌊count/2⌋` on the upper moon.
    ///   - noise: the standard deviation of the Gaussian noise added to each coordinate.
    ///   - generator: the source of the noise and the shuffle.
    public init(count: Int, noise: Double = 0.1, using generator: inout PhiloxGenerator) {
        precondition(count >= 2 && noise >= 0, "TwoMoons: need at least 2 points and noise ≥ 0, got \(count) and \(noise)")
        let upper = count / 2, lower = count - upper
        func angles(_ n: Int) -> [Double] { (0..<n).map { n == 1 ? 0 : Double.pi * Double($0) / Double(n - 1) } }
        var coordinates = [Double]()
        for t in angles(upper) { coordinates += [cos(t), sin(t)] }
        for t in angles(lower) { coordinates += [1 - cos(t), 1 - sin(t) - 0.5] }
        let labels = [Int](repeating: 0, count: upper) + [Int](repeating: 1, count: lower)
        let jitter = Tensor<Double>.normal([count * 2], standardDeviation: noise, using: &generator).scalars
        let order = Tensor<Int>.randomPermutation(count, using: &generator).scalars
        var shuffled = [Float](), shuffledLabels = [Int]()
        for index in order {
            shuffled += [Float(coordinates[2 * index] + jitter[2 * index]), Float(coordinates[2 * index + 1] + jitter[2 * index + 1])]
            shuffledLabels.append(labels[index])
        }
        self.init(points: Tensor(shape: [count, 2], scalars: shuffled), labels: shuffledLabels)
    }

    /// A source set and a target set of `count` points each, drawn independently, centred on the
    /// source's mean, scaled by 2, the target rotated counter-clockwise by `rotationDegrees`.
    public static func domainAdaptationPair(count: Int = 300, noise: Double = 0.1, rotationDegrees: Double = 35,
                                            seed: UInt64) -> (source: TwoMoons, target: TwoMoons) {
        var generator = PhiloxGenerator(seed: seed)
        var sourceGenerator = generator.split(), targetGenerator = generator.split()
        let source = TwoMoons(count: count, noise: noise, using: &sourceGenerator)
        let target = TwoMoons(count: count, noise: noise, using: &targetGenerator)
        let centre = source.points.mean(alongAxes: [0]).scalars
        return (source.transformed(centre: centre, scale: 2, rotationDegrees: 0),
                target.transformed(centre: centre, scale: 2, rotationDegrees: rotationDegrees))
    }

    /// The points moved by `centre`, scaled, then rotated counter-clockwise about the origin:
    /// `R(θ) · scale · (x − centre)`.
    public func transformed(centre: [Float], scale: Float, rotationDegrees: Double) -> TwoMoons {
        precondition(centre.count == 2, "TwoMoons.transformed: centre \(centre) is not a point in the plane")
        let angle = rotationDegrees * Double.pi / 180
        let (c, s) = (Float(cos(angle)), Float(sin(angle)))
        let values = points.scalars
        var moved = [Float]()
        moved.reserveCapacity(values.count)
        for row in 0..<count {
            let x = scale * (values[2 * row] - centre[0]), y = scale * (values[2 * row + 1] - centre[1])
            moved += [c * x - s * y, s * x + c * y]
        }
        return TwoMoons(points: Tensor(shape: [count, 2], scalars: moved), labels: labels)
    }

    /// The number of points.
    public var count: Int { labels.count }

    /// Point `index` as features `[2]` with its label.
    public func sample(at index: Int) -> LabeledSample<Float> {
        precondition(index >= 0 && index < count, "TwoMoons: index \(index) out of range 0..<\(count)")
        return LabeledSample(features: Tensor([points.storage.base[2 * index + points.offset], points.storage.base[2 * index + 1 + points.offset]]),
                             label: labels[index])
    }
}
