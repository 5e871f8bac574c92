/// A multilayer perceptron on flattened images: the baseline every image classifier is compared
/// against, and the model that trains in seconds on MNIST.
///
/// ```
/// image [N, C, H, W] ─ flatten ─ (Linear ─ ReLU) × hidden layers ─ Linear ─ logits [N, classes]
/// ```
///
/// Rumelhart, Hinton & Williams, *Learning representations by back-propagating errors*, Nature
/// 1986 (https://doi.org/10.1038/323533a0). Layers are initialized as PyTorch's `nn.Linear`.

// MARK: - Configuration

/// The sizes of a `MultilayerPerceptron`.
public struct MultilayerPerceptronConfiguration: Sendable, Equatable {
    /// The number of input features: `C·H·W` of the images (784 for MNIST).
    public var inputFeatures: Int
    /// The width of each hidden layer, first to last (`[512, 256]`: two hidden layers).
    public var hiddenFeatures: [Int]
    /// The number of classes, the width of the output.
    public var classCount: Int

    /// - Precondition: every size is positive.
    public init(inputFeatures: Int, hiddenFeatures: [Int] = [512, 256], classCount: Int = 10) {
        precondition(inputFeatures > 0 && classCount > 0 && hiddenFeatures.allSatisfy { $0 > 0 },
                     "MultilayerPerceptronConfiguration: input \(inputFeatures), hidden \(hiddenFeatures) and classes \(classCount) must be positive")
        self.inputFeatures = inputFeatures
        self.hiddenFeatures = hiddenFeatures
        self.classCount = classCount
    }

    /// Two hidden layers of 512 and 256 units: 98.3 % on MNIST after a few epochs (535,818
    /// parameters for 784 inputs and 10 classes).
    public static func standard(inputFeatures: Int, classCount: Int = 10) -> Self {
        Self(inputFeatures: inputFeatures, hiddenFeatures: [512, 256], classCount: classCount)
    }

    /// One hidden layer of 100 units, for tests and 8×8 digits.
    public static func small(inputFeatures: Int, classCount: Int = 10) -> Self {
        Self(inputFeatures: inputFeatures, hiddenFeatures: [100], classCount: classCount)
    }
}

// MARK: - Model

/// Fully connected layers with ReLU between them, on images flattened to vectors.
///
/// Parameters are named `hidden.<i>.weight`/`.bias` and `head.weight`/`.bias`.
public final class MultilayerPerceptron<Scalar: FloatingPointTensorElement>: Layer, @unchecked Sendable {
    public var isTraining = true
    /// The sizes this model was built with.
    public let configuration: MultilayerPerceptronConfiguration
    /// The hidden layers, each followed by a ReLU.
    public let hidden: [Linear<Scalar>]
    /// The classifier: the last hidden width (or the input) to `classCount` logits.
    public let head: Linear<Scalar>

    /// A perceptron of `configuration`'s sizes, initialized from `generator`.
    public init(configuration: MultilayerPerceptronConfiguration, using generator: inout PhiloxGenerator) {
        self.configuration = configuration
        let widths = [configuration.inputFeatures] + configuration.hiddenFeatures
        var layers: [Linear<Scalar>] = []
        for index in configuration.hiddenFeatures.indices {
            layers.append(Linear(inputFeatures: widths[index], outputFeatures: widths[index + 1], using: &generator))
        }
        hidden = layers
        head = Linear(inputFeatures: widths.last!, outputFeatures: configuration.classCount, using: &generator)
    }

    /// Logits for a batch of images.
    ///
    /// - Parameter input: `[N, C, H, W]` images (or any `[N, …]` with `C·H·W` features per sample).
    /// - Returns: `[N, classCount]` logits.
    public func forward(_ input: Variable<Scalar>) -> Variable<Scalar> {
        let features = input.shape.dropFirst().reduce(1, *)
        precondition(input.rank >= 2 && features == configuration.inputFeatures,
                     "MultilayerPerceptron: input \(input.shape) has \(features) features per sample, expected \(configuration.inputFeatures)")
        var x = input.flattened(from: 1)  // [N, C·H·W]
        for layer in hidden {
            x = layer(x).relu()  // [N, hidden width]
        }
        return head(x)  // [N, classCount]
    }
}
