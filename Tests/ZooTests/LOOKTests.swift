import Foundation
import Testing
import _TestSupport
@testable import Zoo

/// The labels and indices of a fixture entry as integers.
private func integers(_ fixture: Fixture, _ key: String) -> [Int] { fixture.entries[key]!.data.map { Int($0) } }

@Suite("LOOK loss and memory bank")
struct LOOKTests {
    let fixture = try! Fixture("look", bundle: .module)
    let look = LOOKLoss(neighbourCount: 3, temperature: 0.5, epsilon: 1e-8)

    @Test func theBatchLossEqualsTheFormulaComputedByNumPy() {
        let features = Variable<Double>(fixture.tensor("features"))
        let loss = look(features, labels: integers(fixture, "labels"))
        assertClose(loss.value, fixture.tensor("batch_loss"), absolute: 1e-9)
        let float = look(Variable<Float>(fixture.tensor("features")), labels: integers(fixture, "labels"))
        assertClose(float.value, fixture.tensor("batch_loss"), absolute: 1e-4)
    }

    @Test func theBankLossEqualsTheFormulaComputedByNumPy() {
        var bank = MemoryBank<Double>(capacity: 6, featureCount: 3)
        bank.enqueue(features: fixture.tensor("bank"), labels: integers(fixture, "bank_labels"),
                     datasetIndices: integers(fixture, "bank_ids"))
        let queries = Variable<Double>(fixture.tensor("queries"))
        let neighbours = bank.nearestNeighbours(of: queries.value.rowsNormalized(), k: 3, excluding: integers(fixture, "query_ids"))
        #expect(neighbours.indices.scalars == integers(fixture, "bank_neighbours"))
        let loss = look(queries, labels: integers(fixture, "query_labels"), datasetIndices: integers(fixture, "query_ids"), bank: bank)
        assertClose(loss.value, fixture.tensor("bank_loss"), absolute: 1e-9)
    }

    @Test func byHandTwoPairsGiveTheClosedForm() {
        // Points at angles 0°, 10° (class 0) and 90°, 100° (class 1), k = 2, τ = 1: each point's
        // neighbours are its partner (cos 10°) and the nearest point of the other pair, at 90°
        // (for 0° and 100°) or 80° (for 10° and 90°).
        let degrees = [0.0, 10, 90, 100].map { $0 * Double.pi / 180 }
        let points = Tensor<Double>(shape: [4, 2], scalars: degrees.flatMap { [cos($0), sin($0)] })
        let loss = LOOKLoss(neighbourCount: 2, temperature: 1)(Variable(points), labels: [0, 0, 1, 1])
        let partner = cos(10 * Double.pi / 180)
        let outer = exp(partner) / (exp(partner) + exp(0)), inner = exp(partner) / (exp(partner) + exp(cos(80 * Double.pi / 180)))
        let expected = -(2 * log(outer + 1e-8) + 2 * log(inner + 1e-8)) / 4
        #expect(abs(loss.value.scalar - expected) < 1e-12)
    }

    @Test func theQueryIsNeverItsOwnNeighbour() {
        // Two identical points of different classes, k = 1: counting itself would give p = 1
        // (loss ≈ 0); its only true neighbour has another label, so p = 0 and the loss is −log ε.
        let points = Variable<Double>(Tensor(shape: [2, 2], scalars: [1, 0, 1, 0]))
        let batchLoss = LOOKLoss(neighbourCount: 1)(points, labels: [0, 1])
        #expect(abs(batchLoss.value.scalar + log(1e-8)) < 1e-9)
        // The bank holds the query's own image twice (dataset index 5) with its label; both are
        // left out, leaving a row of another class.
        var bank = MemoryBank<Double>(capacity: 4, featureCount: 2)
        bank.enqueue(features: Tensor(shape: [3, 2], scalars: [1, 0, 0, 1, 1, 0]), labels: [0, 1, 0], datasetIndices: [5, 6, 5])
        let query = Variable<Double>(Tensor(shape: [1, 2], scalars: [1, 0]))
        let bankLoss = LOOKLoss(neighbourCount: 3)(query, labels: [0], datasetIndices: [5], bank: bank)
        #expect(abs(bankLoss.value.scalar + log(1e-8)) < 1e-9)
    }

    @Test func aSmallTemperatureStaysFinite() {
        var generator = PhiloxGenerator(seed: 3)
        let features = Variable(Tensor<Float>.normal([16, 8], using: &generator), requiresGradient: true)
        let labels = (0..<16).map { $0 % 3 }
        let loss = LOOKLoss(neighbourCount: 5, temperature: 0.001)(features, labels: labels)
        #expect(loss.value.scalar.isFinite)
        let gradient = loss.backward()[features]!
        #expect(gradient.scalars.allSatisfy { $0.isFinite })
    }

    @Test func gradientsMatchFiniteDifferencesWithTheSelectionFixed() {
        var generator = PhiloxGenerator(seed: 4)
        let features = Tensor<Double>.normal([7, 4], using: &generator)
        let labels = [0, 1, 0, 2, 1, 0, 2]
        let batchReport = checkGradients(at: [features], tolerance: 1e-6) { look($0[0], labels: labels) }
        #expect(batchReport.passed, "batch: \(batchReport)")
        var bank = MemoryBank<Double>(capacity: 9, featureCount: 4)
        bank.enqueue(features: Tensor<Double>.normal([9, 4], using: &generator).rowsNormalized(),
                     labels: [0, 1, 2, 0, 1, 2, 0, 1, 2], datasetIndices: Array(0..<9))
        let bankReport = checkGradients(at: [features], tolerance: 1e-6) {
            look($0[0], labels: labels, datasetIndices: [0, 1, 2, 3, 20, 21, 22], bank: bank)
        }
        #expect(bankReport.passed, "bank: \(bankReport)")
    }

    @Test func theBankKeepsFeaturesLabelsAndIndicesAlignedAcrossTheWrapAround() {
        // Row r of every batch is [dataset index, label]: alignment is visible in the features.
        func batch(_ indices: [Int]) -> (Tensor<Float>, [Int], [Int]) {
            let labels = indices.map { $0 % 4 }
            let rows = zip(indices, labels).flatMap { [Float($0), Float($1)] }
            return (Tensor(shape: [indices.count, 2], scalars: rows), labels, indices)
        }
        var bank = MemoryBank<Float>(capacity: 5, featureCount: 2)
        let first = batch([10, 11, 12])
        bank.enqueue(features: first.0, labels: first.1, datasetIndices: first.2)
        #expect(bank.count == 3 && !bank.isFull && bank.nextSlot == 3)
        let second = batch([13, 14, 15, 16])  // 15 and 16 wrap to slots 0 and 1
        bank.enqueue(features: second.0, labels: second.1, datasetIndices: second.2)
        #expect(bank.isFull && bank.nextSlot == 2)
        #expect(bank.datasetIndices == [15, 16, 12, 13, 14])
        #expect(bank.labels == [3, 0, 0, 1, 2])
        let features = bank.features
        for slot in 0..<5 {
            #expect(features.selecting(slot).scalars == [Float(bank.datasetIndices[slot]), Float(bank.labels[slot])])
        }
    }

    @Test func theMomentumEncoderCopiesAndAverages() {
        var generator = PhiloxGenerator(seed: 6)
        let configuration = MultilayerPerceptronConfiguration(inputFeatures: 4, hiddenFeatures: [3], classCount: 2)
        let online = MultilayerPerceptron<Float>(configuration: configuration, using: &generator)
        let momentum = MultilayerPerceptron<Float>(configuration: configuration, using: &generator)
        momentum.copyParameters(from: online)
        for (a, b) in zip(momentum.parameters, online.parameters) { #expect(a.value == b.value) }
        let before = momentum.parameters.map(\.value)
        for parameter in online.parameters { parameter.value = parameter.value + 1 }  // the online net moves on
        for (kept, old) in zip(momentum.parameters, before) { #expect(kept.value == old) }
        momentum.updateMovingAverage(toward: online, momentum: 0.75)
        for (averaged, old) in zip(momentum.parameters, before) {
            assertClose(averaged.value, old + 0.25, absolute: 1e-6)
        }
    }

    @Test func theLossFallsWhenTrainingATinyNetwork() {
        var generator = PhiloxGenerator(seed: 7)
        let network = MultilayerPerceptron<Float>(configuration: .init(inputFeatures: 6, hiddenFeatures: [16], classCount: 8), using: &generator)
        let inputs = Variable(Tensor<Float>.normal([24, 6], using: &generator))
        let labels = (0..<24).map { $0 % 3 }
        let optimizer = Adam(namedParameters: network.namedParameters(), learningRate: 0.01)
        let look = LOOKLoss(neighbourCount: 4, temperature: 0.2)
        var losses: [Float] = []
        for _ in 0..<40 {
            let loss = look(network(inputs), labels: labels)
            losses.append(loss.value.scalar)
            optimizer.update(along: loss.backward())
        }
        #expect(losses.last! < losses.first! / 2, "\(losses.first!) → \(losses.last!)")
    }

    @Test func theReproductionGroupsFashionMNISTAsStated() {
        // tops = {0, 2, 3, 4, 6}, bottoms = {1}, footwear = {5, 7, 9}, bags = {8}.
        let groups = Dictionary(grouping: 0..<10) { LOOKReproduction.coarseClassOfFineClass[$0] }
        #expect(groups[0] == [0, 2, 3, 4, 6] && groups[1] == [1] && groups[2] == [5, 7, 9] && groups[3] == [8])
        #expect(LOOKReproduction.coarseClassNames == ["tops", "bottoms", "footwear", "bags"])
        #expect(throws: Never.self) { try LOOKReproduction.Configuration.quick.validate() }
        var broken = LOOKReproduction.Configuration.quick
        broken.bankCapacity = 10
        #expect(throws: TrainingError.self) { try broken.validate() }
    }
}
