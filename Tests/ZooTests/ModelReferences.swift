import Foundation
import Testing
import Autograd
import _TestSupport

/// A parameter or buffer name with its shape, as `scripts/fixtures/zoo_models.py` writes them
/// (`["layer1.0.conv1.weight", [64, 64, 3, 3]]`).
struct NamedShape: Decodable, Equatable, CustomStringConvertible {
    let name: String
    let shape: [Int]

    init(name: String, shape: [Int]) {
        self.name = name
        self.shape = shape
    }

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        name = try container.decode(String.self)
        shape = try container.decode([Int].self)
    }

    var description: String { "\(name) \(shape)" }
}

/// One reference model from torchvision, timm or the PyTorch CIFAR code: its parameter count
/// and, for some, every parameter and buffer in PyTorch's order.
struct ModelReference: Decodable {
    let parameterCount: Int
    let parameters: [NamedShape]?
    let buffers: [NamedShape]?
}

/// The reference models by name (`resnet20_A`, `resnet50`, `vit_tiny_patch16_224`, …).
func modelReferences() throws -> [String: ModelReference] {
    let url = try #require(Bundle.module.url(forResource: "models", withExtension: "json", subdirectory: "Fixtures"),
                           "Fixtures/models.json is missing; run scripts/fixtures/zoo_models.py")
    return try JSONDecoder().decode([String: ModelReference].self, from: Data(contentsOf: url))
}

extension Module {
    /// The parameters' names and shapes in declaration order, for comparison with PyTorch's.
    var parameterShapes: [NamedShape] { namedParameters().map { NamedShape(name: $0.name, shape: $0.parameter.shape) } }
    /// The buffers' names and shapes in declaration order.
    var bufferShapes: [NamedShape] { namedBuffers().map { NamedShape(name: $0.name, shape: $0.buffer.anyValue.shape) } }
}

/// Sets every parameter and floating-point buffer of `model` from the fixture entries
/// `<prefix>.<name>` (written by PyTorch under the same names).
func loadWeights<Model: Module<Double>>(_ model: Model, prefix: String, from fixture: Fixture) {
    for (name, parameter) in model.namedParameters() {
        parameter.value = fixture.tensor("\(prefix).\(name)")
    }
    for (name, buffer) in model.namedBuffers() where !name.hasSuffix("num_batches_tracked") {
        buffer.anyValue = AnyTensor(fixture.tensor("\(prefix).\(name)", as: Double.self))
    }
}
