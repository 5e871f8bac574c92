/// Checking the tape's gradients against central finite differences, in Double.

/// What a gradient check found: the largest errors and where they occur.
public struct GradientCheckReport: CustomStringConvertible, Sendable {
    /// The largest `|analytic − numeric|` over all inputs and elements.
    public var maximumAbsoluteError: Double = 0
    /// The largest `|analytic − numeric| / max(|numeric|, 1)` — relative for large gradients,
    /// absolute for small ones, so that a gradient of 0 does not divide by zero.
    public var maximumRelativeError: Double = 0
    /// Where the largest relative error occurs: the input's position and the element's flat index.
    public var worstInput = 0
    /// The worst element's flat index within that input.
    public var worstElement = 0
    /// The tape's gradient at the worst element.
    public var worstAnalytic = 0.0
    /// The finite-difference gradient at the worst element.
    public var worstNumeric = 0.0
    /// The tolerance the relative error was held to.
    public var tolerance: Double

    /// Whether every element's relative error is within the tolerance.
    public var passed: Bool { maximumRelativeError <= tolerance }

    public var description: String {
        "gradient check \(passed ? "passed" : "FAILED"): max abs error \(maximumAbsoluteError), max rel error \(maximumRelativeError) (tolerance \(tolerance)) at input \(worstInput), element \(worstElement): analytic \(worstAnalytic) vs numeric \(worstNumeric)"
    }
}

/// Compares the gradients the tape computes for `function` with central finite differences.
///
/// The function's output is reduced to a scalar with a fixed pseudo-random weighting
/// `Σ w ⊙ f(x)` (so every output element matters and errors cannot cancel), then for every
/// element of every input `(F(x + h·eᵢ) − F(x − h·eᵢ)) / 2h` is compared with the tape's gradient.
///
/// - Parameters:
///   - inputs: the points to check at. They may be non-contiguous or broadcast views: the tape
///     sees them as given, the finite differences perturb a contiguous copy.
///   - step: `h`; 1e-6 suits Double inputs of order one.
///   - tolerance: the largest acceptable relative error.
///   - function: the expression to check, of variables made from `inputs`.
public func checkGradients(
    at inputs: [Tensor<Double>], step: Double = 1e-6, tolerance: Double = 1e-6,
    of function: ([Variable<Double>]) -> Variable<Double>
) -> GradientCheckReport {
    // The analytic gradients.
    let variables = inputs.map { Variable($0, requiresGradient: true) }
    let output = function(variables)
    let weights = checkWeights(count: output.count).reshaped(to: output.shape)
    let gradients = output.backward(seed: weights)
    func weightedOutput(_ points: [Tensor<Double>]) -> Double {
        // Inputs require gradients here too, so that a function that differentiates inside
        // (a gradient of a gradient) can be checked; the graph is dropped at once.
        let value = function(points.map { Variable($0, requiresGradient: true) }).value
        return zip(value.scalars, weights.scalars).reduce(0) { $0 + $1.0 * $1.1 }
    }

    var report = GradientCheckReport(tolerance: tolerance)
    var points = inputs.map { $0.copied() }
    for (inputIndex, input) in inputs.enumerated() {
        let analytic = gradients[variables[inputIndex]] ?? Tensor<Double>.zeros(input.shape)
        let analyticValues = analytic.scalars
        for element in 0..<input.count {
            let original = points[inputIndex].withUnsafeMutableBufferPointer { $0[element] }
            points[inputIndex].withUnsafeMutableBufferPointer { $0[element] = original + step }
            let plus = weightedOutput(points)
            points[inputIndex].withUnsafeMutableBufferPointer { $0[element] = original - step }
            let minus = weightedOutput(points)
            points[inputIndex].withUnsafeMutableBufferPointer { $0[element] = original }
            let numeric = (plus - minus) / (2 * step)
            let absolute = abs(analyticValues[element] - numeric)
            let relative = absolute / max(abs(numeric), 1)
            report.maximumAbsoluteError = max(report.maximumAbsoluteError, absolute)
            if relative > report.maximumRelativeError || absolute.isNaN {
                report.maximumRelativeError = absolute.isNaN ? .infinity : relative
                report.worstInput = inputIndex
                report.worstElement = element
                report.worstAnalytic = analyticValues[element]
                report.worstNumeric = numeric
            }
        }
    }
    return report
}

/// Weights in [0.5, 1.5) from a fixed linear congruential sequence: deterministic, never zero.
func checkWeights(count: Int) -> Tensor<Double> {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    let values = (0..<count).map { _ -> Double in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return 0.5 + Double(state >> 11) / Double(1 << 53)
    }
    return Tensor(shape: [count], scalars: values)
}
