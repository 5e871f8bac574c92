/// The few scalar draws the transforms need, defined here once so that every platform and Swift
/// version draws the same numbers from the same generator (the standard library's
/// `random(in:using:)` leaves its algorithm unspecified).
extension PhiloxGenerator {
    /// A uniform integer in `0 ..< bound`: `⌊k·bound / 2^64⌋` for a uniform 64-bit `k` (bias below `bound / 2^64`).
    mutating func uniformInteger(below bound: Int) -> Int {
        precondition(bound > 0, "uniformInteger: bound \(bound) must be positive")
        return Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A uniform `Double` in `[low, high)` from 53 random bits.
    mutating func uniform(from low: Double, to high: Double) -> Double {
        low + (high - low) * (Double(next() >> 11) * 0x1p-53)
    }
}
