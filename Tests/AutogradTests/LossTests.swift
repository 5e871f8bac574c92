import Testing
import Autograd
import _TestSupport

/// The losses against PyTorch (scripts/fixtures/losses.py): values and input gradients for each
/// reduction, in Double; finite results for extreme logits; gradient checks.
@Suite struct LossTests {
    let fixture: Fixture

    init() throws { fixture = try Fixture("losses", bundle: .module) }

    /// Integer labels stored as floats in the fixture.
    func labels(_ key: String) -> Tensor<Int> {
        let entry = fixture.entries[key]!
        return Tensor(shape: entry.shape, scalars: entry.data.map { Int($0) })
    }

    /// Evaluates `loss` at the fixture tensors `inputs` (the fixture's names `x`, `t`, `p` for
    /// them in order `gradientNames`) and compares the loss and each input's gradient with
    /// PyTorch's. Unreduced losses are swept with the fixture's seed.
    func expectMatchesPyTorch(
        _ name: String, inputs: [String], gradientNames: [String], absolute: Double = 1e-9,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ loss: ([Variable<Double>]) -> Variable<Double>
    ) {
        let variables = inputs.map { Variable(fixture.tensor($0, as: Double.self), requiresGradient: true) }
        let output = loss(variables)
        assertClose(output.value, fixture.tensor(name), absolute: absolute, relative: 1e-8, "\(name) value", sourceLocation: sourceLocation)
        let seed: Tensor<Double>? = fixture.entries["\(name)_seed"] != nil ? fixture.tensor("\(name)_seed") : nil
        let gradients = output.backward(seed: seed)
        for (variable, gradientName) in zip(variables, gradientNames) {
            guard let gradient = gradients[variable] else {
                Issue.record("\(name): no gradient for \(gradientName)", sourceLocation: sourceLocation)
                continue
            }
            assertClose(gradient, fixture.tensor("\(name)_grad_\(gradientName)"), absolute: absolute, relative: 1e-8,
                        "\(name) gradient of \(gradientName)", sourceLocation: sourceLocation)
        }
    }

    static let reductions: [(Reduction, String)] = [(.mean, "mean"), (.sum, "sum"), (.none, "none")]

    @Test(arguments: reductions) func crossEntropyMatchesPyTorch(reduction: Reduction, name: String) {
        let labels = labels("labels"), weights: Tensor<Double> = fixture.tensor("class_weights")
        expectMatchesPyTorch("ce_\(name)", inputs: ["logits"], gradientNames: ["x"]) {
            crossEntropy(logits: $0[0], labels: labels, reduction: reduction)
        }
        expectMatchesPyTorch("ce_smooth_\(name)", inputs: ["logits"], gradientNames: ["x"]) {
            crossEntropy(logits: $0[0], labels: labels, labelSmoothing: 0.1, reduction: reduction)
        }
        expectMatchesPyTorch("ce_weighted_smooth_\(name)", inputs: ["logits"], gradientNames: ["x"]) {
            crossEntropy(logits: $0[0], labels: labels, classWeights: weights, labelSmoothing: 0.2, reduction: reduction)
        }
        expectMatchesPyTorch("ce_soft_\(name)", inputs: ["logits", "soft_targets"], gradientNames: ["x", "t"]) {
            crossEntropy(logits: $0[0], probabilities: $0[1], reduction: reduction)
        }
    }

    @Test func crossEntropyIgnoredLabelsSpatialAndWeightedSoftTargets() {
        let weights: Tensor<Double> = fixture.tensor("class_weights")
        let ignored = labels("ignored_labels"), spatial = labels("spatial_labels")
        expectMatchesPyTorch("ce_ignored_weighted_smooth_mean", inputs: ["logits"], gradientNames: ["x"]) {
            crossEntropy(logits: $0[0], labels: ignored, classWeights: weights, ignoredLabel: -100, labelSmoothing: 0.1)
        }
        expectMatchesPyTorch("ce_spatial_smooth_mean", inputs: ["spatial_logits"], gradientNames: ["x"]) {
            crossEntropy(logits: $0[0], labels: spatial, labelSmoothing: 0.1)
        }
        let soft = Variable<Double>(fixture.tensor("soft_targets"))
        expectMatchesPyTorch("ce_soft_weighted_smooth_mean", inputs: ["logits"], gradientNames: ["x"]) {
            crossEntropy(logits: $0[0], probabilities: soft, classWeights: weights, labelSmoothing: 0.1)
        }
    }

    @Test func crossEntropyOfOneSampleWithoutBatchAxis() {
        let logits = Variable(Tensor<Double>([0.5, -1, 2]))
        let single = crossEntropy(logits: logits, labels: Tensor(shape: [], scalars: [2]), reduction: .none)
        let batched = crossEntropy(logits: logits.unsqueezed(at: 0), labels: Tensor([2]), reduction: .none)
        #expect(single.shape == [])
        assertClose(single.value.reshaped(to: [1]), batched.value)
    }

    @Test(arguments: reductions) func negativeLogLikelihoodMatchesPyTorch(reduction: Reduction, name: String) {
        let labels = labels("labels"), weights: Tensor<Double> = fixture.tensor("class_weights")
        let logits = Variable<Double>(fixture.tensor("logits"))
        let logProbabilities = logits.logSoftmax(alongAxis: 1).value
        let variable = Variable(logProbabilities, requiresGradient: true)
        let loss = negativeLogLikelihood(logProbabilities: variable, labels: labels, classWeights: weights, reduction: reduction)
        assertClose(loss.value, fixture.tensor("nll_weighted_\(name)"), absolute: 1e-9)
        let seed: Tensor<Double>? = reduction == .none ? fixture.tensor("nll_weighted_none_seed") : nil
        assertClose(loss.backward(seed: seed)[variable]!, fixture.tensor("nll_weighted_\(name)_grad_x"), absolute: 1e-9)
    }

    @Test(arguments: reductions) func binaryCrossEntropyMatchesPyTorch(reduction: Reduction, name: String) {
        expectMatchesPyTorch("bce_\(name)", inputs: ["binary_logits", "binary_targets"], gradientNames: ["x", "t"]) {
            binaryCrossEntropy(logits: $0[0], targets: $0[1], reduction: reduction)
        }
    }

    @Test func binaryCrossEntropyWithPositiveWeight() {
        let targets = Variable<Double>(fixture.tensor("binary_targets"))
        let positiveWeight: Tensor<Double> = fixture.tensor("positive_weight")
        expectMatchesPyTorch("bce_positive_weight_mean", inputs: ["binary_logits"], gradientNames: ["x"]) {
            binaryCrossEntropy(logits: $0[0], targets: targets, positiveWeight: positiveWeight)
        }
    }

    @Test(arguments: reductions) func regressionLossesMatchPyTorch(reduction: Reduction, name: String) {
        let inputs = ["predictions", "targets"], names = ["p", "t"]
        expectMatchesPyTorch("mse_\(name)", inputs: inputs, gradientNames: names) {
            meanSquaredError(predictions: $0[0], targets: $0[1], reduction: reduction)
        }
        expectMatchesPyTorch("l1_\(name)", inputs: inputs, gradientNames: names) {
            l1Loss(predictions: $0[0], targets: $0[1], reduction: reduction)
        }
        expectMatchesPyTorch("smooth_l1_\(name)", inputs: inputs, gradientNames: names) {
            smoothL1Loss(predictions: $0[0], targets: $0[1], beta: 0.5, reduction: reduction)
        }
        expectMatchesPyTorch("huber_\(name)", inputs: inputs, gradientNames: names) {
            huberLoss(predictions: $0[0], targets: $0[1], delta: 2, reduction: reduction)
        }
    }

    @Test func smoothL1WithZeroBetaIsL1() {
        let predictions = Variable<Double>(fixture.tensor("predictions")), targets = Variable<Double>(fixture.tensor("targets"))
        assertClose(smoothL1Loss(predictions: predictions, targets: targets, beta: 0, reduction: .none).value,
                    l1Loss(predictions: predictions, targets: targets, reduction: .none).value)
    }

    @Test(arguments: [(Reduction.batchMean, "batchmean", 1.0 / 3), (.mean, "mean", 1.0 / 12), (.sum, "sum", 1), (.none, "none", 0)])
    func klDivergenceMatchesPyTorch(reduction: Reduction, name: String, scale: Double) {
        expectMatchesPyTorch("kl_\(name)", inputs: ["kl_input", "kl_target"], gradientNames: ["x"]) {
            klDivergence(logProbabilities: $0[0], targetProbabilities: $0[1], reduction: reduction)
        }
        // One target row holds a 0. There `t · log t` is 0, and the target's gradient is that of
        // `−t · x` alone, `−x`, where PyTorch's `log t + 1 − x` is NaN; elsewhere they agree.
        let input = Variable<Double>(fixture.tensor("kl_input"))
        let target = Variable<Double>(fixture.tensor("kl_target"), requiresGradient: true)
        let loss = klDivergence(logProbabilities: input, targetProbabilities: target, reduction: reduction)
        let seed: Tensor<Double>? = reduction == .none ? fixture.tensor("kl_none_seed") : nil
        let scales = seed?.scalars ?? Array(repeating: scale, count: target.count)
        let pytorch: Tensor<Double> = fixture.tensor("kl_\(name)_grad_t")
        #expect(pytorch.scalars.filter(\.isNaN).count == 1)
        let expected = zip(pytorch.scalars, zip(input.value.scalars, scales)).map { $0.isNaN ? -$1.0 * $1.1 : $0 }
        assertClose(loss.backward(seed: seed)[target]!, Tensor(shape: target.shape, scalars: expected), absolute: 1e-9)
    }

    @Test func klDivergenceWithLogTargets() {
        expectMatchesPyTorch("kl_log_target_batchmean", inputs: ["kl_input", "kl_log_target"], gradientNames: ["x", "t"]) {
            klDivergence(logProbabilities: $0[0], targetLogProbabilities: $0[1])
        }
    }

    @Test func shapeAndLabelErrorsNameTheLossAndTheShapes() async throws {
        let labelShape = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = crossEntropy(logits: Variable(Tensor<Float>.zeros([2, 3])), labels: Tensor([0, 1, 2]))
        }
        #expect(String(decoding: try #require(labelShape).standardErrorContent, as: UTF8.self)
            .contains("crossEntropy: input [2, 3] needs labels of shape [2], not [3]"))
        let labelRange = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = negativeLogLikelihood(logProbabilities: Variable(Tensor<Float>.zeros([2, 3])), labels: Tensor([0, 3]))
        }
        #expect(String(decoding: try #require(labelRange).standardErrorContent, as: UTF8.self)
            .contains("negativeLogLikelihood: label 3 is outside 0..<3 for input [2, 3]"))
        let operands = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = meanSquaredError(predictions: Variable(Tensor<Float>.zeros([2, 3])), targets: Variable(Tensor<Float>.zeros([3, 2])))
        }
        #expect(String(decoding: try #require(operands).standardErrorContent, as: UTF8.self)
            .contains("meanSquaredError: predictions [2, 3] and targets [3, 2] must have the same shape"))
    }
}
