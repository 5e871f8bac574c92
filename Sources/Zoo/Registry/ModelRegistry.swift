/// The models the `zoo` command line builds by name, each for any dataset's image shape and
/// class count.

/// What a model is built for: the shape of one image and the number of classes.
public struct ModelInput: Sendable, Equatable {
    /// `[C, H, W]` of one sample.
    public var sampleShape: [Int]
    /// The number of classes, the width of the logits.
    public var classCount: Int

    /// The input of one `[C, H, W]` sample shape and `classCount` classes.
    public init(sampleShape: [Int], classCount: Int) {
        self.sampleShape = sampleShape
        self.classCount = classCount
    }

    /// The number of channels, `C`.
    public var channelCount: Int { sampleShape[0] }
    /// `C·H·W`, the length of a flattened sample.
    public var featureCount: Int { sampleShape.reduce(1, *) }
}

/// A named model: how to build it and which inputs it accepts.
public struct ModelEntry: Sendable {
    /// The name on the command line: `mlp`, `resnet20`, `vit-tiny`.
    public let name: String
    /// One line for `zoo list`: the architecture, the preset and the paper.
    public let summary: String
    /// Why an input does not suit the model (`nil` when it does), e.g. a ViT whose patch size
    /// does not divide the image.
    let incompatibility: @Sendable (ModelInput) -> String?
    /// Builds the model, initialized from the generator.
    let builder: @Sendable (ModelInput, inout PhiloxGenerator) -> any Layer<Float>

    /// - Parameters:
    ///   - name: the name on the command line.
    ///   - summary: one line for `zoo list`: the architecture, the preset and the paper.
    ///   - incompatibility: the reason an input cannot be used, or `nil`; checked before `build`.
    ///   - build: the model for an input, with its weights drawn from the generator.
    public init(name: String, summary: String,
                incompatibility: @escaping @Sendable (ModelInput) -> String? = { _ in nil },
                build: @escaping @Sendable (ModelInput, inout PhiloxGenerator) -> any Layer<Float>) {
        self.name = name
        self.summary = summary
        self.incompatibility = incompatibility
        self.builder = build
    }

    /// The model for `input`, initialized from `generator`.
    ///
    /// - Throws: `RegistryError.incompatibleInput` when the model cannot take that input.
    public func build(for input: ModelInput, using generator: inout PhiloxGenerator) throws -> any Layer<Float> {
        if let reason = incompatibility(input) {
            throw RegistryError.incompatibleInput(model: name, sampleShape: input.sampleShape, reason: reason)
        }
        return builder(input, &generator)
    }
}

/// The models known by name.
public struct ModelRegistry: Sendable {
    /// The entries, in the order `zoo list` shows them.
    public var entries: [ModelEntry]

    /// A registry of `entries`, in the order `zoo list` shows them.
    public init(entries: [ModelEntry]) {
        self.entries = entries
    }

    /// The entry called `name`.
    ///
    /// - Throws: `RegistryError.unknownModel`, listing the names there are.
    public func model(named name: String) throws -> ModelEntry {
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw RegistryError.unknownModel(name: name, known: entries.map(\.name))
        }
        return entry
    }

    /// Every model of the zoo.
    public static let standard = ModelRegistry(entries: perceptronEntries + residualNetworkEntries + visionTransformerEntries)

    /// The multilayer perceptrons on flattened images.
    public static let perceptronEntries: [ModelEntry] = [
        ModelEntry(name: "mlp", summary: "multilayer perceptron, hidden layers 512 and 256 (Rumelhart et al., 1986)") { input, generator in
            MultilayerPerceptron<Float>(configuration: .standard(inputFeatures: input.featureCount, classCount: input.classCount),
                                        using: &generator)
        },
        ModelEntry(name: "mlp-small", summary: "multilayer perceptron, one hidden layer of 100") { input, generator in
            MultilayerPerceptron<Float>(configuration: .small(inputFeatures: input.featureCount, classCount: input.classCount),
                                        using: &generator)
        },
    ]
}

/// A name the registries do not know, or a model that cannot take a dataset's images.
public enum RegistryError: Error, Equatable, CustomStringConvertible {
    /// No model is called `name`; `known` lists those there are.
    case unknownModel(name: String, known: [String])
    /// No dataset is called `name`; `known` lists those there are.
    case unknownDataset(name: String, known: [String])
    /// `model` cannot take images of `sampleShape`, for `reason`.
    case incompatibleInput(model: String, sampleShape: [Int], reason: String)

    public var description: String {
        switch self {
        case let .unknownModel(name, known):
            return "unknown model '\(name)'. Known models: \(known.joined(separator: ", ")) (see `zoo list`)"
        case let .unknownDataset(name, known):
            return "unknown dataset '\(name)'. Known datasets: \(known.joined(separator: ", ")) (see `zoo list`)"
        case let .incompatibleInput(model, sampleShape, reason):
            return "model '\(model)' cannot take images of shape \(sampleShape): \(reason)"
        }
    }
}
