import Foundation
import Testing
import Autograd
import _TestSupport

/// A classifier whose backbone sits in eval mode (a frozen feature extractor) under a head in
/// training mode, to check that evaluation restores each module's own mode.
final class ProbeModel: Layer, @unchecked Sendable {
    typealias Scalar = Float
    var isTraining = true
    let backbone: Linear<Float>
    let head: Linear<Float>
    init(using generator: inout PhiloxGenerator) {
        backbone = Linear(inputFeatures: 3, outputFeatures: 4, using: &generator)
        head = Linear(inputFeatures: 4, outputFeatures: 2, using: &generator)
    }
    func forward(_ input: Variable<Float>) -> Variable<Float> { head(backbone(input).relu()) }
}

struct EvaluationFailure: Error {}

/// Collects what a progress bar writes, with a clock the test moves by hand.
final class ProgressRecorder: @unchecked Sendable {
    var text = ""
    var now = 0.0
    func output(isTerminal: Bool) -> ProgressOutput { ProgressOutput(isTerminal: isTerminal) { self.text += $0 } }
}

@Suite struct TrainingLoopTests {
    @Test func runningMeanWeighsByCount() {
        var mean = RunningMean()
        #expect(mean.mean.isNaN)
        mean.add(2.0, count: 3)
        mean.add(Float(5), count: 1)
        #expect(mean.mean == 2.75)
        #expect(mean.count == 4 && mean.total == 11)
        mean.reset()
        #expect(mean.count == 0 && mean.mean.isNaN)
    }

    @Test func accuracyFromLogits() {
        let logits = Tensor<Float>(shape: [4, 3], scalars: [0.1, 0.9, 0,  2, 1, 0,  0, 0, 3,  1, 1, 0])
        let labels = Tensor<Int>([1, 1, 2, 1])
        // Predictions 1, 0, 2 and 0 (a tie goes to the lower class).
        #expect(correctPredictionCount(logits: logits, labels: labels) == 2)
        #expect(accuracy(logits: logits, labels: labels) == 0.5)
        #expect(accuracy(logits: logits, labels: labels, topK: 2) == 1)
        #expect(accuracy(logits: logits, labels: Tensor([2, 2, 2, 2]), topK: 2) == 0.25)

        var running = Accuracy()
        #expect(running.value.isNaN)
        running.add(logits: logits, labels: labels)
        running.add(logits: Tensor<Float>(shape: [1, 3], scalars: [0, 0, 1]), labels: Tensor([2]))
        #expect(running.correct == 3 && running.total == 5 && running.value == 0.6)
        var topTwo = Accuracy(topK: 2)
        // Row 0's top two are {1, 0}: a hit; row 2's are {2, 0}, the tie at 0 going to class 0: a miss.
        topTwo.add(logits: logits, labels: Tensor([0, 2, 1, 2]))
        #expect(topTwo.correct == 1 && topTwo.total == 4)
        running.reset()
        #expect(running.total == 0)
    }

    @Test func evaluateRunsInEvalModeWithoutRecordingAndRestoresModes() throws {
        var generator = PhiloxGenerator(seed: 0)
        let model = ProbeModel(using: &generator)
        model.backbone.eval()
        let input = Variable(Tensor<Float>.ones([2, 3]))
        #expect(model(input).requiresGradient)

        var seenBatches = 0
        evaluate(model, on: [input, input, input]) { batch in
            #expect(!GradientMode.isEnabled)
            #expect(model.namedModules().allSatisfy { !$0.module.isTraining })
            #expect(!model(batch).requiresGradient)
            seenBatches += 1
        }
        #expect(seenBatches == 3)
        #expect(GradientMode.isEnabled)
        #expect(model.isTraining && model.head.isTraining && !model.backbone.isTraining)

        #expect(throws: EvaluationFailure.self) {
            try evaluate(model) { () throws -> Void in throw EvaluationFailure() }
        }
        #expect(model.isTraining && model.head.isTraining && !model.backbone.isTraining)
        let logits = evaluate(model) { model(input) }
        #expect(!logits.requiresGradient && logits.shape == [2, 2])
    }

    @Test func progressBarWritesPlainLinesWhenNotATerminal() {
        let recorder = ProgressRecorder()
        let progress = ProgressBar(total: 4, label: "train", unit: "img", barWidth: 8, lineInterval: 10,
                                   output: recorder.output(isTerminal: false), clock: { recorder.now })
        for (time, loss) in [(4.0, 0.5), (12, 0.25), (16, 0.2), (20, 0.125)] {
            recorder.now = time
            progress.update(loss: loss, items: 32)
        }
        progress.finish()  // already drawn at the last step: nothing more
        #expect(recorder.text == """
            train 2/4 [████····]  50% loss 0.2500 5.3 img/s ETA 0:12
            train 4/4 [████████] 100% loss 0.1250 6.4 img/s in 0:20

            """)
    }

    @Test func progressBarRedrawsOneLineOnATerminal() {
        let recorder = ProgressRecorder()
        let progress = ProgressBar(total: nil, output: recorder.output(isTerminal: true), clock: { recorder.now })
        recorder.now = 0.05
        progress.update(items: 1)  // sooner than the redraw interval: nothing drawn
        #expect(recorder.text.isEmpty)
        recorder.now = 1
        progress.update(items: 999)
        recorder.now = 2
        progress.update(items: 1)  // a shorter line: a space clears the last character
        recorder.now = 5
        progress.update(loss: 0.5, metrics: ["acc": 0.75], items: 0)
        progress.finish()
        #expect(recorder.text == "\r2 1000.0 it/s\r3 500.5 it/s \r4 loss 0.5000 acc 0.7500 200.2 it/s\r4 loss 0.5000 acc 0.7500 200.2 it/s in 0:05\n")
    }

    @Test func progressBarEstimatesTimeLeft() {
        let recorder = ProgressRecorder()
        let progress = ProgressBar(total: 10_000, barWidth: 4, output: recorder.output(isTerminal: true), clock: { recorder.now })
        recorder.now = 1
        progress.update()
        #expect(recorder.text == "\r    1/10000 [····]   0% 1.0 it/s ETA 2:46:39")
    }

    @Test func aPlainLoopTrainsWithTheHelpers() {
        // Two separable classes; plain gradient descent stands in for an optimizer.
        var generator = PhiloxGenerator(seed: 1)
        let model = ProbeModel(using: &generator)
        let features = Tensor<Float>(shape: [4, 3], scalars: [1, 0, 0,  0.9, 0.1, 0,  0, 1, 0,  0, 0.8, 0.3])
        let labels = Tensor<Int>([0, 0, 1, 1])
        let batches = Array(repeating: (features, labels), count: 40)
        let recorder = ProgressRecorder()
        let progress = ProgressBar(total: batches.count, output: recorder.output(isTerminal: false), clock: { recorder.now })
        var epochLoss = RunningMean()
        for (batchFeatures, batchLabels) in batches {
            let loss = crossEntropy(logits: model(Variable(batchFeatures)), labels: batchLabels, labelSmoothing: 0.1)
            let gradients = loss.backward()
            for parameter in model.parameters { parameter.value = parameter.value - gradients[parameter]! * 0.5 }
            epochLoss.add(loss.value.scalar, count: batchLabels.count)
            recorder.now += 1
            progress.update(loss: epochLoss.mean, items: batchLabels.count)
        }
        var validation = Accuracy(), validationLoss = RunningMean()
        evaluate(model, on: [(features, labels)]) { batchFeatures, batchLabels in
            let logits = model(Variable(batchFeatures))
            validationLoss.add(crossEntropy(logits: logits, labels: batchLabels).value.scalar, count: batchLabels.count)
            validation.add(logits: logits.value, labels: batchLabels)
        }
        #expect(validation.value == 1)
        #expect(validationLoss.mean < 0.3)
        #expect(validationLoss.mean < epochLoss.mean)
        #expect(recorder.text.hasSuffix("40/40 [████████████████████████] 100% loss \(String(format: "%.4f", epochLoss.mean)) 4.0 it/s in 0:40\n"))
    }
}
