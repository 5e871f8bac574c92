import Foundation
import Testing
import Tensor

/// Checks that two tensors have the same shape and elements within `absolute + relative·|expected|`.
///
/// Reports the first differing element with its index, so a failure says where to look.
public func assertClose<Scalar: NumericTensorElement>(
    _ actual: Tensor<Scalar>, _ expected: Tensor<Scalar>,
    absolute: Double = 1e-6, relative: Double = 1e-5,
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
    guard actual.shape == expected.shape else {
        Issue.record("shapes differ: \(actual.shape) vs expected \(expected.shape). \(comment?.rawValue ?? "")",
                     sourceLocation: sourceLocation)
        return
    }
    assertClose(actual.scalars.map(\.doubleValue), expected.scalars.map(\.doubleValue),
                absolute: absolute, relative: relative, comment, sourceLocation: sourceLocation)
}

/// Checks two arrays of numbers elementwise within `absolute + relative·|expected|` (NaN equals NaN).
public func assertClose(
    _ actual: [Double], _ expected: [Double],
    absolute: Double = 1e-6, relative: Double = 1e-5,
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
    guard actual.count == expected.count else {
        Issue.record("counts differ: \(actual.count) vs expected \(expected.count). \(comment?.rawValue ?? "")",
                     sourceLocation: sourceLocation)
        return
    }
    for (index, (a, e)) in zip(actual, expected).enumerated() {
        if a.isNaN && e.isNaN { continue }
        if a == e { continue }  // also equal infinities
        let tolerance = absolute + relative * abs(e)
        if !(abs(a - e) <= tolerance) {
            Issue.record("element \(index): \(a) vs expected \(e) (difference \(abs(a - e)) > \(tolerance)). \(comment?.rawValue ?? "")",
                         sourceLocation: sourceLocation)
            return
        }
    }
}

/// Reference values computed by NumPy and committed as JSON (`scripts/fixtures/*.py` make them).
///
/// A fixture file maps names to `{"shape": [...], "data": [...]}` (data row-major, as Double;
/// `"nan"`, `"inf"` and `"-inf"` as strings).
public struct Fixture {
    public let entries: [String: (shape: [Int], data: [Double])]

    /// Loads `Fixtures/<name>.json` from the bundle of the test target that calls it.
    public init(_ name: String, bundle: Bundle) throws {
        guard let url = bundle.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "fixture \(name).json not found in the test bundle; run scripts/fixtures/\(name).py"])
        }
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: [String: Any]]
        var entries: [String: (shape: [Int], data: [Double])] = [:]
        for (key, value) in object {
            let shape = value["shape"] as! [Int]
            let data = (value["data"] as! [Any]).map { element -> Double in
                if let number = element as? NSNumber { return number.doubleValue }
                switch element as! String {
                case "nan": return .nan
                case "inf": return .infinity
                default: return -.infinity
                }
            }
            entries[key] = (shape, data)
        }
        self.entries = entries
    }

    /// The named entry as a tensor.
    public func tensor<Scalar: FloatingPointTensorElement>(_ key: String, as type: Scalar.Type = Scalar.self) -> Tensor<Scalar> {
        guard let entry = entries[key] else { preconditionFailure("fixture has no entry \(key)") }
        return Tensor(shape: entry.shape, scalars: entry.data.map { Scalar($0) })
    }
}
