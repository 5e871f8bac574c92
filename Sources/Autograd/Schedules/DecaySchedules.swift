import Foundation

/// Schedules that multiply the learning rate by a constant factor: at fixed intervals, at chosen
/// steps, or every step.

/// Decay by `gamma` every `stepSize` steps — PyTorch's `StepLR`: `lr(t) = lr₀·γ^⌊t / stepSize⌋`.
public struct StepSchedule: LearningRateSchedule {
    /// The number of steps between decays.
    public let stepSize: Int
    /// `γ`, the factor applied at each decay.
    public let gamma: Double

    /// - Precondition: `stepSize > 0`.
    public init(stepSize: Int, gamma: Double = 0.1) {
        precondition(stepSize > 0, "StepSchedule: step size \(stepSize) must be positive")
        self.stepSize = stepSize
        self.gamma = gamma
    }

    public func learningRate(at step: Int, initial: Double) -> Double {
        initial * Foundation.pow(gamma, Double(step / stepSize))
    }
}

/// Decay by `gamma` at each milestone — PyTorch's `MultiStepLR`:
/// `lr(t) = lr₀·γ^(number of milestones ≤ t)`.
public struct MultiStepSchedule: LearningRateSchedule {
    /// The steps at which the rate is multiplied by `gamma`, in increasing order.
    public let milestones: [Int]
    /// `γ`, the factor applied at each decay.
    public let gamma: Double

    /// Multiplies the rate by `gamma` at each step in `milestones`.
    public init(milestones: [Int], gamma: Double = 0.1) {
        self.milestones = milestones.sorted()
        self.gamma = gamma
    }

    public func learningRate(at step: Int, initial: Double) -> Double {
        initial * Foundation.pow(gamma, Double(milestones.filter { $0 <= step }.count))
    }
}

/// Decay by `gamma` every step — PyTorch's `ExponentialLR`: `lr(t) = lr₀·γᵗ`.
public struct ExponentialSchedule: LearningRateSchedule {
    /// `γ`, the factor applied at each decay.
    public let gamma: Double

    /// Multiplies the rate by `gamma` every step.
    public init(gamma: Double) { self.gamma = gamma }

    public func learningRate(at step: Int, initial: Double) -> Double {
        initial * Foundation.pow(gamma, Double(step))
    }
}

/// The annealing of DANN (Ganin et al., https://arxiv.org/abs/1505.07818, section 5.2.2):
/// `lr(t) = lr₀ / (1 + α·p)^β` with training progress `p = min(t / totalSteps, 1)`.
public struct InverseDecaySchedule: LearningRateSchedule {
    /// The step at which progress `p` reaches 1.
    public let totalSteps: Int
    /// `α`, how fast the rate falls with progress.
    public let alpha: Double
    /// `β`, the exponent of the decay.
    public let beta: Double

    /// The paper's values by default: `α = 10`, `β = 0.75`.
    /// - Precondition: `totalSteps > 0`.
    public init(totalSteps: Int, alpha: Double = 10, beta: Double = 0.75) {
        precondition(totalSteps > 0, "InverseDecaySchedule: total steps \(totalSteps) must be positive")
        self.totalSteps = totalSteps
        self.alpha = alpha
        self.beta = beta
    }

    public func learningRate(at step: Int, initial: Double) -> Double {
        let progress = Swift.min(Double(step) / Double(totalSteps), 1)
        return initial / Foundation.pow(1 + alpha * progress, beta)
    }
}
