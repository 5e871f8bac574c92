import Foundation
import Testing
import Autograd
import _TestSupport

/// The losses at logits of ±1e4 — finite values and gradients, equal to PyTorch's — and their
/// gradients against finite differences.
@Suite struct LossStabilityTests {
    let fixture: Fixture

    init() throws { fixture = try Fixture("losses", bundle: .module) }

    /// Every element finite.
    func isFinite<Scalar: FloatingPointTensorElement>(_ tensor: Tensor<Scalar>) -> Bool {
        tensor.scalars.allSatisfy(\.isFinite)
    }

    @Test func crossEntropyOfExtremeLogitsIsFiniteAndExact() {
        let labels = Tensor<Int>([1, 2, 0])
        let double = Variable<Double>(fixture.tensor("extreme_logits"), requiresGradient: true)
        let loss = crossEntropy(logits: double, labels: labels, labelSmoothing: 0.1)
        assertClose(loss.value, fixture.tensor("ce_extreme_smooth_mean"), relative: 1e-9)
        assertClose(loss.backward()[double]!, fixture.tensor("ce_extreme_smooth_mean_grad_x"), absolute: 1e-12)

        // Float: no overflow in the forward pass or the gradient, for every form of the loss.
        let float = Variable<Float>(fixture.tensor("extreme_logits"), requiresGradient: true)
        let soft = Variable<Float>(Tensor<Int>([1, 2, 0]).oneHot(classes: 3))
        let losses = [
            crossEntropy(logits: float, labels: labels, labelSmoothing: 0.1),
            crossEntropy(logits: float, labels: labels, classWeights: Tensor([1, 2, 3]), reduction: .sum),
            crossEntropy(logits: float, probabilities: soft, labelSmoothing: 0.1),
            negativeLogLikelihood(logProbabilities: float.logSoftmax(alongAxis: 1), labels: labels),
            klDivergence(logProbabilities: float.logSoftmax(alongAxis: 1), targetProbabilities: soft),
        ]
        for loss in losses {
            #expect(isFinite(loss.value), "\(loss.value)")
            #expect(isFinite(loss.backward()[float]!))
        }
        assertClose(losses[0].value, fixture.tensor("ce_extreme_smooth_mean"), relative: 1e-6)
    }

    @Test func binaryCrossEntropyOfExtremeLogitsIsFiniteAndExact() {
        let targets: Tensor<Double> = fixture.tensor("binary_extreme_targets")
        let double = Variable<Double>(fixture.tensor("binary_extreme"), requiresGradient: true)
        let loss = binaryCrossEntropy(logits: double, targets: Variable(targets), positiveWeight: Tensor(2), reduction: .none)
        assertClose(loss.value, fixture.tensor("bce_extreme_none"), relative: 1e-9)
        assertClose(loss.backward(seed: fixture.tensor("bce_extreme_none_seed"))[double]!,
                    fixture.tensor("bce_extreme_none_grad_x"), absolute: 1e-12)

        let float = Variable<Float>(fixture.tensor("binary_extreme"), requiresGradient: true)
        let floatLoss = binaryCrossEntropy(logits: float, targets: Variable(fixture.tensor("binary_extreme_targets")))
        #expect(isFinite(floatLoss.value))
        #expect(isFinite(floatLoss.backward()[float]!))
        // `log(1 + e^(−|x|))` must not round a confident correct logit's loss to a negative number.
        #expect(binaryCrossEntropy(logits: Variable(Tensor<Float>([30, -30])), targets: Variable(Tensor([1, 0])),
                                   reduction: .none).value.scalars.allSatisfy { $0 >= 0 && $0 < 1e-12 })
    }

    @Test func gradientsMatchFiniteDifferences() {
        let labels = Tensor<Int>([1, 0, 3]), ignored = Tensor<Int>([1, -1, 3])
        let logits = Tensor<Double>(shape: [3, 4], scalars: (0..<12).map { sin(Double($0)) * 2 })
        let other = Tensor<Double>(shape: [3, 4], scalars: (0..<12).map { cos(Double($0) * 1.3) })
        let probabilities = Variable(Tensor<Double>(shape: [3, 4], scalars: (0..<12).map { 1 + sin(Double($0) * 0.7) }))
            .softmax(alongAxis: 1).value
        let weights = Tensor<Double>([0.5, 1, 2, 1.5])
        let cases: [(String, [Tensor<Double>], ([Variable<Double>]) -> Variable<Double>)] = [
            ("crossEntropy", [logits], { crossEntropy(logits: $0[0], labels: ignored, classWeights: weights, ignoredLabel: -1, labelSmoothing: 0.1) }),
            ("crossEntropy soft", [logits, probabilities], { crossEntropy(logits: $0[0], probabilities: $0[1], classWeights: weights, labelSmoothing: 0.2, reduction: .none) }),
            ("negativeLogLikelihood", [logits], { negativeLogLikelihood(logProbabilities: $0[0], labels: labels, reduction: .sum) }),
            ("binaryCrossEntropy", [logits, probabilities], { binaryCrossEntropy(logits: $0[0], targets: $0[1], positiveWeight: weights, reduction: .none) }),
            ("meanSquaredError", [logits, other], { meanSquaredError(predictions: $0[0], targets: $0[1]) }),
            ("l1Loss", [logits, other], { l1Loss(predictions: $0[0], targets: $0[1], reduction: .none) }),
            ("smoothL1Loss", [logits, other], { smoothL1Loss(predictions: $0[0], targets: $0[1], beta: 1.5, reduction: .none) }),
            ("huberLoss", [logits, other], { huberLoss(predictions: $0[0], targets: $0[1], delta: 1.5, reduction: .sum) }),
            ("klDivergence", [logits, probabilities], { klDivergence(logProbabilities: $0[0].logSoftmax(alongAxis: 1), targetProbabilities: $0[1]) }),
            ("klDivergence log target", [logits, other], { klDivergence(logProbabilities: $0[0], targetLogProbabilities: $0[1], reduction: .none) }),
        ]
        for (name, inputs, function) in cases {
            let report = checkGradients(at: inputs, tolerance: 1e-6, of: function)
            #expect(report.passed, "\(name): \(report)")
        }
    }
}
