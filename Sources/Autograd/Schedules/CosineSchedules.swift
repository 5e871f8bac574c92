import Foundation

/// Cosine annealing, alone or after a linear warmup.

/// Cosine annealing from the initial rate to `minimum` over `totalSteps` — PyTorch's
/// `CosineAnnealingLR` (without restarts) in closed form:
///
/// `lr(t) = η_min + (lr₀ − η_min)·(1 + cos(π·t / T))/2` for `t ≤ T`, and `η_min` after.
///
/// Unlike PyTorch's, which swings back up after `T`, the rate stays at the minimum.
public struct CosineAnnealingSchedule: LearningRateSchedule {
    /// The step `T` at which the rate reaches `minimum`.
    public let totalSteps: Int
    /// `η_min`, the rate at the end.
    public let minimum: Double

    /// - Precondition: `totalSteps > 0`.
    public init(totalSteps: Int, minimum: Double = 0) {
        precondition(totalSteps > 0, "CosineAnnealingSchedule: total steps \(totalSteps) must be positive")
        self.totalSteps = totalSteps
        self.minimum = minimum
    }

    public func learningRate(at step: Int, initial: Double) -> Double {
        let progress = Swift.min(Double(step) / Double(totalSteps), 1)
        return minimum + (initial - minimum) * (1 + cos(Double.pi * progress)) / 2
    }
}

/// A linear warmup from 0 to the initial rate over `warmupSteps`, then cosine annealing to
/// `minimum` at `totalSteps` — the schedule of MAE and ViT (`lr_sched.adjust_learning_rate`):
///
/// ```
/// lr(t) = lr₀·t / W                                                 for t < W
/// lr(t) = η_min + (lr₀ − η_min)·(1 + cos(π·(t − W)/(T − W)))/2     for W ≤ t ≤ T, η_min after
/// ```
public struct WarmupCosineSchedule: LearningRateSchedule {
    /// The steps of linear warmup, `W`.
    public let warmupSteps: Int
    /// The step `T` at which the rate reaches `minimum`.
    public let totalSteps: Int
    /// `η_min`, the rate at the end.
    public let minimum: Double

    /// - Precondition: `0 ≤ warmupSteps < totalSteps`.
    public init(warmupSteps: Int, totalSteps: Int, minimum: Double = 0) {
        precondition(warmupSteps >= 0 && warmupSteps < totalSteps,
                     "WarmupCosineSchedule: need 0 ≤ warmup steps (\(warmupSteps)) < total steps (\(totalSteps))")
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
        self.minimum = minimum
    }

    public func learningRate(at step: Int, initial: Double) -> Double {
        if step < warmupSteps { return initial * Double(step) / Double(warmupSteps) }
        let progress = Swift.min(Double(step - warmupSteps) / Double(totalSteps - warmupSteps), 1)
        return minimum + (initial - minimum) * (1 + cos(Double.pi * progress)) / 2
    }
}
