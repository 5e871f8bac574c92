import Foundation

/// DANN's schedule of the adaptation factor λ (Ganin et al. 2016, section 5.2.2): the weight of the
/// reversed domain gradient grows from 0 to nearly 1 with training progress `p ∈ [0, 1]`,
/// `λ_p = 2 / (1 + exp(−γ·p)) − 1` with `γ = 10`, so that the domain classifier's noisy early
/// signal does not disturb the feature extractor. λ_0 = 0; λ_1 = 0.99991.
///
/// The learning rate anneals alongside it with `InverseDecaySchedule` (`μ_p = μ₀ / (1 + α·p)^β`).
public struct AdaptationFactorSchedule: Sendable, Equatable {
    /// The step at which progress `p` reaches 1.
    public let totalSteps: Int
    /// `γ`, how fast λ rises (10 in the paper).
    public let gamma: Double

    /// - Precondition: `totalSteps > 0`.
    public init(totalSteps: Int, gamma: Double = 10) {
        precondition(totalSteps > 0, "AdaptationFactorSchedule: total steps \(totalSteps) must be positive")
        self.totalSteps = totalSteps
        self.gamma = gamma
    }

    /// `p = min(step / totalSteps, 1)`.
    public func progress(at step: Int) -> Double {
        Swift.min(Double(step) / Double(totalSteps), 1)
    }

    /// `λ` at `step`: `2 / (1 + exp(−γ·p)) − 1`.
    public func factor(at step: Int) -> Double {
        Self.factor(progress: progress(at: step), gamma: gamma)
    }

    /// `λ_p = 2 / (1 + exp(−γ·p)) − 1` for progress `p`.
    public static func factor(progress: Double, gamma: Double = 10) -> Double {
        2 / (1 + exp(-gamma * progress)) - 1
    }
}
