import Foundation

/// A dataset of PNG/JPEG files laid out one subfolder per class:
/// `root/<class name>/<image>.{png,jpg,jpeg}`. Labels number the class names in sorted order.
///
/// All images are decoded when the dataset is created (through libpng and libjpeg, on the shared
/// thread budget) and held as bytes; sizes may differ from image to image. Samples are `[C, H, W]`
/// floats in `[0, 1]`, shaped by `layout` (pad to a common square to batch images of different
/// sizes). Hidden files and files with other extensions are ignored.
public struct ImageFolder: Dataset {
    /// The class names (subfolder names), sorted; label `i` is `classNames[i]`.
    public let classNames: [String]
    /// Each image's file, sorted by class, then by file name.
    public let files: [URL]
    /// Each image's label.
    public let labels: [Int]
    /// Each image as bytes, `[C, H, W]` with `C` 1 or 3.
    public let images: [Tensor<UInt8>]
    /// Padding and channel repetition applied to each sample.
    public let layout: ImageLayout

    /// Lists and decodes every image under `directory`.
    ///
    /// - Parameters:
    ///   - directory: the root folder, holding one subfolder per class.
    ///   - layout: padding and channel repetition applied to each sample.
    /// - Throws: `DatasetError.notInstalled` when `directory` does not exist or holds no class
    ///   subfolder with images; `DatasetError.corruptFile` naming the file when an image cannot be
    ///   decoded or does not fit the layout (larger than the padded size, or colour when one
    ///   channel is to be repeated).
    public init(directory: URL, layout: ImageLayout = .native) throws {
        let fileManager = FileManager.default
        let visible = { (name: String) in !name.hasPrefix(".") }
        guard let entries = try? fileManager.contentsOfDirectory(atPath: directory.path) else {
            throw DatasetError.notInstalled(
                dataset: "Image folder", searchedPath: directory.path,
                remedy: "Create it with one subfolder of PNG or JPEG files per class")
        }
        var classNames = [String](), files = [URL](), labels = [Int]()
        for name in entries.filter(visible).sorted() {
            let folder = directory.appendingPathComponent(name, isDirectory: true)
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            let imageNames = ((try? fileManager.contentsOfDirectory(atPath: folder.path)) ?? [])
                .filter { visible($0) && ["png", "jpg", "jpeg"].contains(($0 as NSString).pathExtension.lowercased()) }
                .sorted()
            let label = classNames.count
            classNames.append(name)
            for imageName in imageNames {
                files.append(folder.appendingPathComponent(imageName))
                labels.append(label)
            }
        }
        guard !files.isEmpty else {
            throw DatasetError.notInstalled(
                dataset: "Image folder", searchedPath: directory.path,
                remedy: "It holds no class subfolder with PNG or JPEG files; create one subfolder per class")
        }
        self.classNames = classNames
        self.files = files
        self.labels = labels
        self.layout = layout
        self.images = try Self.decodeAll(files, layout: layout)
    }

    /// Decodes the files in parallel; the first failure (in file order) is thrown.
    private static func decodeAll(_ files: [URL], layout: ImageLayout) throws -> [Tensor<UInt8>] {
        var results = [Result<Tensor<UInt8>, Error>](repeating: .success(Tensor<UInt8>([])), count: files.count)
        results.withUnsafeMutableBufferPointer { buffer in
            // Each chunk writes only its own range of `results`.
            nonisolated(unsafe) let output = buffer
            parallelChunks(count: files.count, grain: 8) { range in
                for index in range {
                    output[index] = Result { try checked(ImageFile.read(contentsOf: files[index]), file: files[index], layout: layout) }
                }
            }
        }
        return try results.map { try $0.get() }
    }

    private static func checked(_ image: Tensor<UInt8>, file: URL, layout: ImageLayout) throws -> Tensor<UInt8> {
        if let size = layout.paddedSize, image.shape[1] > size || image.shape[2] > size {
            throw DatasetError.corruptFile(
                path: file.path, problem: "the image is \(image.shape[2])×\(image.shape[1]), larger than the padded size \(size)")
        }
        if let channels = layout.channelCount, channels != image.shape[0], image.shape[0] != 1 {
            throw DatasetError.corruptFile(
                path: file.path, problem: "the image has \(image.shape[0]) channels, which cannot be repeated to \(channels)")
        }
        return image
    }

    /// The number of images.
    public var count: Int { images.count }

    /// Image `index` as floats in `[0, 1]`, shaped by the layout, and its label.
    public func sample(at index: Int) -> LabeledSample<Float> {
        let image = images[index]
        let features = layout.floats(from: image.storage.base + image.offset, shape: image.shape, maximumValue: 255)
        return LabeledSample(features: features, label: labels[index])
    }
}
