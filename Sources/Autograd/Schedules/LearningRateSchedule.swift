/// Learning-rate schedules: pure functions of the step, so that a resumed run needs only the step.

/// A learning rate as a function of the step.
///
/// A schedule keeps no state: the rate at step `t` depends only on `t` and the initial rate, so
/// restoring a checkpoint's step restores the schedule. `optimizer.applySchedule(schedule, at: t)`
/// sets each parameter group's rate from that group's initial rate, as PyTorch's schedulers scale
/// each group's `initial_lr`. Steps count optimizer updates or epochs, as the caller chooses.
public protocol LearningRateSchedule: Sendable {
    /// The learning rate at `step` (from 0) for a group whose initial learning rate is `initial`.
    func learningRate(at step: Int, initial: Double) -> Double
}

/// The initial learning rate at every step.
public struct ConstantSchedule: LearningRateSchedule {
    /// The constant schedule.
    public init() {}

    /// `lr(t) = lr₀`.
    public func learningRate(at step: Int, initial: Double) -> Double { initial }
}

/// Any schedule written as a closure of the step and the initial rate — PyTorch's `LambdaLR`
/// is `ClosureSchedule { step, initial in initial * factor(step) }`.
public struct ClosureSchedule: LearningRateSchedule {
    /// The rule: `(step, initial learning rate) → learning rate`.
    public let rule: @Sendable (Int, Double) -> Double

    /// A schedule whose rate at `step` is `rule(step, initial)`.
    public init(_ rule: @escaping @Sendable (_ step: Int, _ initial: Double) -> Double) { self.rule = rule }

    public func learningRate(at step: Int, initial: Double) -> Double { rule(step, initial) }
}
