import CCodecs
import Foundation

extension ImageFile {
    /// The image format `write(_:to:format:)` encodes.
    public enum Format: Sendable, Hashable {
        /// Lossless PNG.
        case png
        /// Baseline JPEG at `quality` (1…100).
        case jpeg(quality: Int)
    }

    /// Encodes a `[C, H, W]` byte image (`C` 1 or 3) as PNG or JPEG bytes.
    ///
    /// Precondition: the image has rank 3, 1 or 3 channels and a nonzero size.
    /// - Throws: `DatasetError.corruptFile` when the encoder reports an error.
    public static func encode(_ image: Tensor<UInt8>, format: Format) throws -> [UInt8] {
        precondition(image.rank == 3 && (image.shape[0] == 1 || image.shape[0] == 3),
                     "ImageFile.encode: image of shape \(image.shape) is not [1 or 3, H, W]")
        let (channels, height, width) = (image.shape[0], image.shape[1], image.shape[2])
        precondition(height > 0 && width > 0, "ImageFile.encode: image of shape \(image.shape) is empty")
        // The codecs take interleaved [H, W, C] rows.
        let interleaved = image.permuted([1, 2, 0]).contiguous().scalars
        switch format {
        case .png:
            var description = png_image()
            description.version = UInt32(PNG_IMAGE_VERSION)
            description.width = UInt32(width)
            description.height = UInt32(height)
            description.format = channels == 3 ? UInt32(PNG_FORMAT_RGB) : UInt32(PNG_FORMAT_GRAY)
            var size = 0
            // First call: the size needed; second: the bytes.
            _ = png_image_write_to_memory(&description, nil, &size, 0, interleaved, 0, nil)
            var output = [UInt8](repeating: 0, count: size)
            let written = output.withUnsafeMutableBytes {
                png_image_write_to_memory(&description, $0.baseAddress, &size, 0, interleaved, 0, nil)
            }
            guard written != 0 else {
                let message = withUnsafeBytes(of: description.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                throw DatasetError.corruptFile(path: "<PNG encoder>", problem: message)
            }
            return Array(output.prefix(size))
        case .jpeg(let quality):
            precondition((1...100).contains(quality), "ImageFile.encode: JPEG quality \(quality) is not in 1...100")
            var output: UnsafeMutablePointer<UInt8>?
            var size = 0
            var message = [CChar](repeating: 0, count: Int(GRADUS_CODEC_MESSAGE_LENGTH))
            let status = gradus_jpeg_encode(interleaved, Int32(width), Int32(height), Int32(channels), Int32(quality),
                                            &output, &size, &message)
            defer { free(output) }
            guard status == 0, let output else {
                let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                throw DatasetError.corruptFile(path: "<JPEG encoder>", problem: text)
            }
            return Array(UnsafeBufferPointer(start: output, count: size))
        }
    }

    /// Encodes a `[C, H, W]` byte image and writes it to `url` atomically (a temporary name, then
    /// a rename), so no half-written image is ever left behind.
    ///
    /// - Throws: `DatasetError.corruptFile` naming `url` when it cannot be written.
    public static func write(_ image: Tensor<UInt8>, to url: URL, format: Format) throws {
        let bytes = try encode(image, format: format)
        do {
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw DatasetError.corruptFile(path: url.path, problem: "cannot be written (\(error.localizedDescription))")
        }
    }
}
