// swift-tools-version: 6.0
import PackageDescription

// Gradus: Tensor ← Autograd ← Zoo, and the `zoo` command line on top.
// CBLAS is the one target that sees OpenBLAS/LAPACKE (Debian: libopenblas-dev, liblapacke-dev).
// The kernels are written with SIMD8 vectors; on x86-64 they are compiled for AVX2 and FMA
// (x86-64-v3, every x86 server since 2015), without which SIMD8<Float> is split into SSE halves.
// NOTE: Swift 6.3's optimizer copies a struct that holds arrays or generic class references into
// memory through the type's value witnesses (a metadata lookup and an indirect call per field)
// instead of retaining the fields directly; a Tensor is such a struct, and so is a Variable.
// `-disable-type-layout` restores the direct retains: on the tape's overhead chain it saves
// about 380 of 7,400 instructions per op (Benchmarks/README.md).
let copySettings: [SwiftSetting] = [.unsafeFlags(["-Xfrontend", "-disable-type-layout"])]
#if arch(x86_64)
let kernelSettings: [SwiftSetting] = copySettings + [.unsafeFlags(["-Xcc", "-march=x86-64-v3"])]
#else
let kernelSettings: [SwiftSetting] = copySettings
#endif


let package = Package(
    name: "Gradus",
    products: [
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "Autograd", targets: ["Autograd"]),
        .library(name: "Zoo", targets: ["Zoo"]),
        .executable(name: "zoo", targets: ["ZooCommandLine"]),
        .executable(name: "gradus-benchmarks", targets: ["GradusBenchmarks"]),
        // The notebooks compile against one shared library holding the three layers (Notebooks/run).
        .library(name: "Gradus", type: .dynamic, targets: ["Tensor", "Autograd", "Zoo"]),
        .executable(name: "notebook-runner", targets: ["NotebookRunner"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Only for `swift package generate-documentation` (scripts/docs); no target links it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "CBLAS",
            linkerSettings: [.linkedLibrary("openblas"), .linkedLibrary("lapacke")]
        ),
        .target(
            name: "Tensor",
            dependencies: ["CBLAS", .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: kernelSettings
        ),
        .target(name: "Autograd", dependencies: ["Tensor"], swiftSettings: copySettings),
        // The codecs for the dataset files (Debian: zlib1g-dev, libpng-dev, libjpeg-dev); only Zoo uses them.
        .target(
            name: "CCodecs",
            linkerSettings: [.linkedLibrary("z"), .linkedLibrary("png"), .linkedLibrary("jpeg")]
        ),
        .target(name: "Zoo", dependencies: ["Tensor", "Autograd", "CCodecs"], swiftSettings: copySettings),
        .executableTarget(
            name: "ZooCommandLine",
            dependencies: ["Tensor", "Autograd", "Zoo", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Benchmarks call OpenBLAS directly too: the peer that `Tensor`'s GEMM is measured against.
        .executableTarget(name: "GradusBenchmarks", dependencies: ["Tensor", "Autograd", "Zoo", "CBLAS"], path: "Benchmarks/GradusBenchmarks"),
        // Runs the Markdown notebooks in Notebooks/ and writes their outputs back (Notebooks/README.md).
        .executableTarget(name: "NotebookRunner"),
        .target(name: "_TestSupport", dependencies: ["Tensor"], path: "Tests/_TestSupport"),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "_TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd", "_TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ZooTests", dependencies: ["Zoo", "NotebookRunner", "_TestSupport"], resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
