import Autograd

/// What `checkLayerGradients` found: the largest relative error and where.
struct LayerGradientReport: CustomStringConvertible {
    var maximumRelativeError = 0.0
    var worst = "none"
    var tolerance: Double
    var passed: Bool { maximumRelativeError <= tolerance }
    var description: String {
        "layer gradient check \(passed ? "passed" : "FAILED"): max rel error \(maximumRelativeError) (tolerance \(tolerance)) at \(worst)"
    }
}

/// Compares the tape's gradients of `Σ w ⊙ forward(x)` with respect to the input and to every
/// trainable parameter of `layer` with central finite differences, in Double.
///
/// `checkGradients` perturbs the variables it creates; a layer's parameters enter the graph
/// through their own leaves, so they are perturbed here in place instead.
func checkLayerGradients(
    _ layer: some Module<Double>, input: Tensor<Double>, step: Double = 1e-6, tolerance: Double = 1e-6,
    forward: (Variable<Double>) -> Variable<Double>
) -> LayerGradientReport {
    let inputVariable = Variable(input, requiresGradient: true)
    let output = forward(inputVariable)
    // Fixed weights in [0.5, 1.5): every output element matters and errors cannot cancel.
    let weights = Tensor<Double>(shape: output.shape, scalars: (0..<output.count).map { 0.5 + Double(($0 * 7919) % 101) / 101 })
    let gradients = output.backward(seed: weights)

    var point = input.copied()
    func weightedOutput() -> Double {
        let value = withoutGradients { forward(Variable(point)).value }
        return zip(value.scalars, weights.scalars).reduce(0) { $0 + $1.0 * $1.1 }
    }
    var report = LayerGradientReport(tolerance: tolerance)
    func compare(_ name: String, analytic: Tensor<Double>?, count: Int, perturb: (Int, Double) -> Void) {
        let analyticValues = analytic?.scalars ?? Array(repeating: 0, count: count)
        for element in 0..<count {
            perturb(element, step)
            let plus = weightedOutput()
            perturb(element, -2 * step)
            let minus = weightedOutput()
            perturb(element, step)
            let numeric = (plus - minus) / (2 * step)
            let relative = abs(analyticValues[element] - numeric) / max(abs(numeric), 1)
            if relative > report.maximumRelativeError || relative.isNaN {
                report.maximumRelativeError = relative.isNaN ? .infinity : relative
                report.worst = "\(name)[\(element)]: analytic \(analyticValues[element]) vs numeric \(numeric)"
            }
        }
    }
    compare("input", analytic: gradients[inputVariable], count: input.count) { element, delta in
        point.withUnsafeMutableBufferPointer { $0[element] += delta }
    }
    for (name, parameter) in layer.namedParameters() where parameter.requiresGradient {
        compare(name, analytic: gradients[parameter], count: parameter.count) { element, delta in
            parameter.value.withUnsafeMutableBufferPointer { $0[element] += delta }
        }
    }
    return report
}
