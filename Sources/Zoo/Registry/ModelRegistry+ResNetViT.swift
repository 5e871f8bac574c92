/// The ResNets and Vision Transformers in the registry, built for any dataset's channel count
/// and classes. `ModelRegistry.standard` lists them after the perceptrons.

extension ModelRegistry {
    /// ResNet-8 (the quick start's small net), ResNet-20/32/44/56/110 (option A shortcuts), plain-20 and plain-56 for the paper's Fig. 6,
    /// and ResNet-18/34/50 with the CIFAR stem (He et al., 2016, https://arxiv.org/abs/1512.03385).
    public static let residualNetworkEntries: [ModelEntry] =
        [8, 20, 32, 44, 56, 110].map { cifarResNet(depth: $0, residual: true) }
        + [20, 56].map { cifarResNet(depth: $0, residual: false) }
        + [18, 34, 50].map(imageNetResNet)

    /// ViT-Tiny, ViT-Mini and ViT-Micro for 32×32 images with 4×4 patches (Dosovitskiy et al., 2021,
    /// https://arxiv.org/abs/2010.11929).
    public static let visionTransformerEntries: [ModelEntry] = [
        visionTransformer(name: "vit-tiny", summary: "ViT-Tiny for 32×32 images, patch 4 (Dosovitskiy et al., 2021)",
                          preset: .tinyCIFAR),
        visionTransformer(name: "vit-mini", summary: "ViT-Mini for 32×32 images, patch 4: half ViT-Tiny's width, the small ViT trained here",
                          preset: .miniCIFAR),
        visionTransformer(name: "vit-micro", summary: "ViT-Micro for 32×32 images, patch 4: the small ViT that trains here in minutes",
                          preset: .microCIFAR),
    ]

    /// `resnet<depth>` (or `plain<depth>` without shortcuts): the paper's CIFAR network.
    static func cifarResNet(depth: Int, residual: Bool) -> ModelEntry {
        let summary = residual
            ? "ResNet-\(depth) for 32×32 images, option A shortcuts (He et al., 2016, §4.2)"
            : "plain-\(depth): ResNet-\(depth)'s layers without shortcuts (He et al., 2016, Fig. 6)"
        return ModelEntry(name: (residual ? "resnet" : "plain") + "\(depth)", summary: summary) { input, generator in
            ResNet<Float>.cifar(depth: depth, shortcut: .identityPadding, classCount: input.classCount,
                                inputChannels: input.channelCount, residual: residual, using: &generator)
        }
    }

    /// `resnet<depth>`: torchvision's ResNet with kuangliu's CIFAR stem.
    static func imageNetResNet(depth: Int) -> ModelEntry {
        ModelEntry(name: "resnet\(depth)", summary: "ResNet-\(depth), torchvision's layout with the CIFAR stem (3×3, no max-pool)") { input, generator in
            ResNet<Float>.imageNet(depth: depth, classCount: input.classCount, cifarStem: true,
                                   inputChannels: input.channelCount, using: &generator)
        }
    }

    /// A ViT preset for the dataset's channels and classes; refuses images of another size.
    static func visionTransformer(name: String, summary: String, preset: VisionTransformerConfiguration) -> ModelEntry {
        ModelEntry(name: name, summary: summary, incompatibility: { input in
            input.sampleShape[1] == preset.imageSize && input.sampleShape[2] == preset.imageSize
                ? nil : "the preset takes \(preset.imageSize)×\(preset.imageSize) images; use a -32 dataset"
        }) { input, generator in
            var configuration = preset
            configuration.classCount = input.classCount
            configuration.inputChannels = input.channelCount
            return VisionTransformer<Float>(configuration, using: &generator)
        }
    }
}
