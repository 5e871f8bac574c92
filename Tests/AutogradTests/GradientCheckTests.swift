import Foundation
import Testing
import Autograd
import _TestSupport

@Suite struct GradientCheckTests {
    @Test(arguments: gradientCases)
    func tapeGradientsMatchFiniteDifferences(_ testCase: GradientCase) {
        let report = checkGradients(at: testCase.inputs, tolerance: 1e-6, of: testCase.function)
        #expect(report.passed, "\(testCase.name): \(report)")
    }

    @Test func theCheckerCatchesAWrongDerivative() {
        // sin with the VJP of cos: the checker must fail and point at the element.
        func wrongSin(_ x: Variable<Double>) -> Variable<Double> {
            differentiableOperation("wrongSin", inputs: [x], value: x.value.sin()) { gradient in
                [gradient * x.sin()]
            }
        }
        let report = checkGradients(at: [Tensor([0.1, 0.5, 1.0])]) { wrongSin($0[0]) }
        #expect(!report.passed)
        #expect(report.maximumRelativeError > 0.1)
        #expect(report.description.contains("FAILED"))
    }
}

@Suite struct DerivativeIndexTests {
    /// Op names that the sources record: `differentiableOperation("name"` and `name: "name"`.
    func recordedOperationsInSources() throws -> Set<String> {
        let operators = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Autograd/Operators")
        var names: Set<String> = []
        let pattern = try NSRegularExpression(pattern: #"(?:differentiableOperation\(|name: )"([A-Za-z0-9]+)""#)
        for file in try FileManager.default.contentsOfDirectory(atPath: operators.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: operators.appendingPathComponent(file), encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                names.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        return names
    }

    @Test func everyOpHasAnEntryAndEveryEntryAnOp() throws {
        let indexed = Set(DerivativeIndex.entries.map(\.operation))
        #expect(indexed.count == DerivativeIndex.entries.count, "duplicate lines in the derivative index")
        let inSources = try recordedOperationsInSources()
        #expect(inSources.subtracting(indexed).isEmpty, "ops without a derivative-index line: \(inSources.subtracting(indexed).sorted())")
        #expect(indexed.subtracting(inSources).isEmpty, "derivative-index lines without an op: \(indexed.subtracting(inSources).sorted())")
    }

    @Test func everyIndexedOpIsGradientChecked() {
        // The ops the gradient cases record, plus those checked by their own tests.
        var covered: Set<String> = ["gradientReversal", "straightThrough", "sliceBackward"]
        for testCase in gradientCases {
            let output = testCase.function(testCase.inputs.map { Variable($0, requiresGradient: true) })
            covered.formUnion(GraphDump(output).entries.map(\.operation))
        }
        covered.remove("leaf")
        let indexed = Set(DerivativeIndex.entries.map(\.operation))
        #expect(indexed.subtracting(covered).isEmpty, "indexed ops no gradient case exercises: \(indexed.subtracting(covered).sorted())")
        #expect(covered.subtracting(indexed).isEmpty, "recorded ops missing from the index: \(covered.subtracting(indexed).sorted())")
    }
}
