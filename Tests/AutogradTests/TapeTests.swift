import Testing
@testable import Autograd
import Foundation
import Synchronization
import _TestSupport

@Suite struct TapeTests {
    @Test func gradientOfASquareSum() {
        let x = Variable(Tensor<Double>([1, 2, 3]), requiresGradient: true)
        let gradients = (x * x).sum().backward()
        #expect(gradients[x]!.scalars == [2, 4, 6])
    }

    @Test func aVariableUsedTwiceAccumulates() {
        // y = x·x + 3x → dy/dx = 2x + 3
        let x = Variable(Tensor<Double>([1, -2]), requiresGradient: true)
        let gradients = (x * x + x * 3).sum().backward()
        #expect(gradients[x]!.scalars == [5, -1])
    }

    @Test func accumulatingInPlaceLeavesSharedGradientsAlone() {
        // add's VJP hands one tensor (here the caller's seed) to both inputs, so x, y and a start
        // with the same pending gradient; adding a's contribution to x must not reach y or the seed.
        let x = Variable(Tensor<Double>([1, 2]), requiresGradient: true)
        let y = Variable(Tensor<Double>([3, 4]), requiresGradient: true)
        let a = x * 5
        let seed = Tensor<Double>([1, 1])
        let gradients = ((x + y) + a).backward(seed: seed)
        #expect(gradients[x]!.scalars == [6, 6])
        #expect(gradients[y]!.scalars == [1, 1])
        #expect(seed.scalars == [1, 1])
    }

    @Test func broadcastingIsUndoneInTheSweep() {
        let x = Variable(Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]), requiresGradient: true)
        let bias = Variable(Tensor<Double>([10, 20, 30]), requiresGradient: true)
        let scale = Variable(Tensor<Double>(shape: [2, 1], scalars: [2, 3]), requiresGradient: true)
        let gradients = ((x + bias) * scale).sum().backward()
        #expect(gradients[bias]!.shape == [3])
        #expect(gradients[bias]!.scalars == [5, 5, 5])
        #expect(gradients[scale]!.shape == [2, 1])
        #expect(gradients[scale]!.scalars == [66, 75])
        #expect(gradients[x]!.scalars == [2, 2, 2, 3, 3, 3])
    }

    @Test func constantsGetNoGradientAndRecordNothing() {
        let data = Variable(Tensor<Double>([1, 2]))
        let weight = Variable(Tensor<Double>([3, 4]), requiresGradient: true)
        let product = data * weight
        #expect(product.requiresGradient)
        let gradients = product.sum().backward()
        #expect(gradients[data] == nil)
        #expect(gradients.count == 1)
        #expect(!(data * data).requiresGradient)
    }

    @Test func noRecordingScopeAndDetached() {
        let x = Variable(Tensor<Double>([1, 2]), requiresGradient: true)
        let y = withoutGradients { x * x }
        #expect(!y.requiresGradient)
        #expect(y.value.scalars == [1, 4])
        let z = (x.detached() * x).sum()
        #expect(z.backward()[x]!.scalars == [1, 2])  // only the second factor carries a gradient
    }

    @Test func gradientModeIsPerThreadAndRestoredOnExit() throws {
        struct Stop: Error {}
        #expect(GradientMode.isEnabled)
        // Nested scopes: the inner one's settings end with it.
        GradientMode.detectingAnomalies {
            withoutGradients {
                #expect(!GradientMode.isEnabled)
                #expect(GradientMode.settings.isDetectingAnomalies)
            }
            #expect(GradientMode.isEnabled)
            #expect(GradientMode.settings.isDetectingAnomalies)
        }
        #expect(!GradientMode.settings.isDetectingAnomalies)
        // A scope left by an error puts the settings back too.
        #expect(throws: Stop.self) { try withoutGradients { throw Stop() } }
        #expect(GradientMode.isEnabled)
        // Another thread, started inside a scope, records: the scope is the calling thread's.
        let x = Variable(Tensor<Double>([1, 2]), requiresGradient: true)
        let recordedElsewhere = withoutGradients {
            let result = Mutex<Bool?>(nil)
            let thread = Thread { result.withLock { $0 = (x * x).requiresGradient } }
            thread.start()
            while result.withLock({ $0 }) == nil { Thread.sleep(forTimeInterval: 0.001) }
            return result.withLock { $0 }!
        }
        #expect(recordedElsewhere)
    }

    @Test func gradientsForIntermediateVariables() {
        let x = Variable(Tensor<Double>([1, 2]), requiresGradient: true)
        let hidden = x * 2
        let output = (hidden * hidden).sum()
        let gradients = output.backward(alsoFor: [hidden])
        #expect(gradients[hidden]!.scalars == [4, 8])
        #expect(gradients[x]!.scalars == [8, 16])
    }

    @Test func aSeedGradientForNonScalarOutputs() {
        let x = Variable(Tensor<Double>([1, 2, 3]), requiresGradient: true)
        let gradients = (x * x).backward(seed: Tensor([1, 0, -1]))
        #expect(gradients[x]!.scalars == [2, 0, -6])
    }

    @Test func graphsAreFreedWhenTheirOutputsDie() {
        weak var weakNode: Node<Double>?
        let x = Variable(Tensor<Double>([1, 2]), requiresGradient: true)
        do {
            let y = (x * x).exp()
            weakNode = y.node
            #expect(weakNode != nil)
        }
        #expect(weakNode == nil)
    }

    @Test func retainedGraphsCanBeSweptTwice() {
        let x = Variable(Tensor<Double>([3]), requiresGradient: true)
        let y = (x * x).sum()
        let first = y.backward(retainGraph: true)
        let second = y.backward()
        #expect(first[x]!.scalars == second[x]!.scalars)
    }

    @Test func sweepingTwiceWithoutRetainingStops() async {
        await #expect(processExitsWith: .failure) {
            let x = Variable(Tensor<Double>([3]), requiresGradient: true)
            let y = (x * x).sum()
            _ = y.backward()
            _ = y.backward()
        }
    }

    @Test func anomalyModeStopsAtTheFirstNaN() async {
        await #expect(processExitsWith: .failure) {
            let x = Variable(Tensor<Double>([-1]), requiresGradient: true)
            GradientMode.detectingAnomalies { _ = x.log() }
        }
        // Without anomaly mode, the same NaN passes silently.
        let x = Variable(Tensor<Double>([-1]), requiresGradient: true)
        #expect(x.log().value.scalars[0].isNaN)
    }

    /// The message names the line of the caller's code that called the op (not the op's own
    /// file in Autograd), found from the call stack the node kept in anomaly mode.
    @Test func anomalyMessagesNameTheCallersLine() async {
        let forward = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            logOfMinusOne()
        }
        let forwardMessage = String(decoding: forward?.standardErrorContent ?? [], as: UTF8.self)
        #expect(forwardMessage.contains("anomaly: log (called at "), "\(forwardMessage)")
        #expect(forwardMessage.contains("TapeTests.swift:\(logOfMinusOneLine))"), "\(forwardMessage)")

        let backward = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            gradientOfTheSquareRootAtZero()
        }
        let backwardMessage = String(decoding: backward?.standardErrorContent ?? [], as: UTF8.self)
        #expect(backwardMessage.contains("anomaly: sqrt (called at "), "\(backwardMessage)")
        #expect(backwardMessage.contains("backward pass"), "\(backwardMessage)")
        #expect(backwardMessage.contains("TapeTests.swift:\(squareRootAtZeroLine))"), "\(backwardMessage)")
    }

    @Test func anomalyModeStopsInTheBackwardPassToo() async {
        await #expect(processExitsWith: .failure) {
            // sqrt(0) is finite, its gradient 1/(2·0) is not.
            let x = Variable(Tensor<Double>([0]), requiresGradient: true)
            _ = GradientMode.detectingAnomalies { x.sqrt().sum().backward() }
        }
    }
}

@Suite struct AutogradFixtureTests {
    @Test func fixturesLoadFromThisTarget() throws {
        let fixture = try Fixture("example", bundle: .module)
        #expect(fixture.tensor("example", as: Double.self).scalars == [1])
    }
}

// The anomaly tests' ops, in functions of this file: an exit test's body is moved into a
// generated file, so ops written in it would have no line here to be named.

private func logOfMinusOne() {
    let x = Variable(Tensor<Double>([-1]), requiresGradient: true)
    GradientMode.detectingAnomalies { _ = x.log() }
}
/// The line of the op in `logOfMinusOne()`.
private let logOfMinusOneLine = #line - 3

private func gradientOfTheSquareRootAtZero() {
    let x = Variable(Tensor<Double>([0]), requiresGradient: true)
    _ = GradientMode.detectingAnomalies {
        let root = x.sqrt()
        return root.sum().backward()
    }
}
/// The line of the op whose gradient is infinite in `gradientOfTheSquareRootAtZero()`.
private let squareRootAtZeroLine = #line - 5
