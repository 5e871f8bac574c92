import Foundation
import Testing
import Autograd
import _TestSupport

/// Each schedule at several steps against values worked out by hand from its formula.
@Suite struct ScheduleTests {
    func rates(_ schedule: some LearningRateSchedule, _ steps: [Int], initial: Double = 0.1) -> [Double] {
        steps.map { schedule.learningRate(at: $0, initial: initial) }
    }

    @Test func constant() {
        #expect(rates(ConstantSchedule(), [0, 7, 1000]) == [0.1, 0.1, 0.1])
    }

    @Test func stepDecaysEveryStepSize() {
        // 0.1·0.5^⌊t/3⌋
        assertClose(rates(StepSchedule(stepSize: 3, gamma: 0.5), [0, 2, 3, 5, 6, 10]),
                    [0.1, 0.1, 0.05, 0.05, 0.025, 0.0125], absolute: 1e-15)
    }

    @Test func multiStepDecaysAtMilestones() {
        // Milestones given out of order; a milestone counts from its own step on.
        assertClose(rates(MultiStepSchedule(milestones: [8, 3], gamma: 0.1), [0, 2, 3, 7, 8, 100]),
                    [0.1, 0.1, 0.01, 0.01, 0.001, 0.001], absolute: 1e-15)
    }

    @Test func exponentialDecaysEveryStep() {
        assertClose(rates(ExponentialSchedule(gamma: 0.9), [0, 1, 2, 5]),
                    [0.1, 0.09, 0.081, 0.059049], absolute: 1e-15)
    }

    @Test func cosineAnnealingReachesTheMinimumAndStays() {
        // η_min + (lr₀ − η_min)(1 + cos(πt/T))/2 with lr₀ 0.1, η_min 0.01, T 8:
        // t = 2: 0.01 + 0.09·(1 + √½)/2; t = 4: midpoint 0.055; t = 6: 0.01 + 0.09·(1 − √½)/2.
        let half = 0.5.squareRoot()
        assertClose(rates(CosineAnnealingSchedule(totalSteps: 8, minimum: 0.01), [0, 2, 4, 6, 8, 12]),
                    [0.1, 0.01 + 0.045 * (1 + half), 0.055, 0.01 + 0.045 * (1 - half), 0.01, 0.01], absolute: 1e-15)
    }

    @Test func warmupRisesLinearlyThenFollowsTheCosine() {
        // Warmup 4 of 12 steps: 0.1·t/4, then cosine over the remaining 8 steps to 0.
        assertClose(rates(WarmupCosineSchedule(warmupSteps: 4, totalSteps: 12), [0, 1, 3, 4, 8, 10, 12, 20]),
                    [0, 0.025, 0.075, 0.1, 0.05, 0.05 * (1 - 0.5.squareRoot()), 0, 0], absolute: 1e-15)
    }

    @Test func dannAnnealingFollowsThePaper() {
        // lr₀/(1 + 10p)^0.75 with p = t/100: p = 0 → lr₀; p = 0.3 → lr₀/4^0.75 = lr₀/(2√2); p = 1 → lr₀/11^0.75.
        assertClose(rates(InverseDecaySchedule(totalSteps: 100), [0, 30, 100, 150], initial: 0.01),
                    [0.01, 0.01 / (2 * 2.0.squareRoot()), 0.01 / pow(11, 0.75), 0.01 / pow(11, 0.75)], absolute: 1e-15)
    }

    @Test func closureIsCalledWithTheStepAndInitialRate() {
        let linearDecay = ClosureSchedule { step, initial in initial * (1 - Double(step) / 10) }
        assertClose(rates(linearDecay, [0, 5, 10]), [0.1, 0.05, 0], absolute: 1e-15)
    }
}
