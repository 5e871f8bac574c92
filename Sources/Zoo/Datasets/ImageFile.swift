import CCodecs
import Foundation

/// PNG and JPEG images, decoded through the system libpng and libjpeg into `[C, H, W]` tensors.
///
/// Greyscale images give one channel, colour images three (RGB); an alpha channel is removed by
/// libpng (composited onto black). 16-bit PNGs are reduced to 8 bits. The format is detected from
/// the file's first bytes, not its name.
public enum ImageFile {
    /// The image at `url` as bytes, `[C, H, W]` with `C` 1 or 3.
    ///
    /// - Throws: `DatasetError.corruptFile` naming the file when it is neither PNG nor JPEG, or
    ///   when the decoder reports an error (a truncated or damaged file).
    public static func read(contentsOf url: URL) throws -> Tensor<UInt8> {
        try decode(DatasetFile.rawContents(of: url), path: url.path)
    }

    /// The image at `url` as floats `pixel / 255` in `[0, 1]`, `[C, H, W]`.
    ///
    /// - Throws: as `read(contentsOf:)`.
    public static func readFloats(contentsOf url: URL) throws -> Tensor<Float> {
        let pixels = try read(contentsOf: url)
        return ImageLayout.native.floats(from: pixels.storage.base + pixels.offset, shape: pixels.shape, maximumValue: 255)
    }

    /// Decodes PNG or JPEG bytes held in memory; `path` names the source in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> Tensor<UInt8> {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            return try decodePNG(bytes, path: path)
        }
        if bytes.starts(with: [0xFF, 0xD8]) {
            return try decodeJPEG(bytes, path: path)
        }
        throw DatasetError.corruptFile(path: path, problem: "not a PNG or JPEG image (unknown signature \(bytes.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")))")
    }

    static func decodePNG(_ bytes: [UInt8], path: String) throws -> Tensor<UInt8> {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        // The simplified API catches libpng's errors itself and reports them in `message`.
        func failure(_ stage: String) -> DatasetError {
            let message = withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            return .corruptFile(path: path, problem: "bad PNG image (\(stage)): \(message)")
        }
        defer { png_image_free(&image) }
        let began = bytes.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard began != 0 else { throw failure("header") }
        let channels = image.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0 ? 3 : 1
        image.format = channels == 3 ? UInt32(PNG_FORMAT_RGB) : UInt32(PNG_FORMAT_GRAY)
        let (width, height) = (Int(image.width), Int(image.height))
        var interleaved = [UInt8](repeating: 0, count: width * height * channels)
        let finished = interleaved.withUnsafeMutableBytes {
            png_image_finish_read(&image, nil, $0.baseAddress, 0, nil)
        }
        guard finished != 0 else { throw failure("pixels") }
        return channelMajor(interleaved, height: height, width: width, channels: channels)
    }

    static func decodeJPEG(_ bytes: [UInt8], path: String) throws -> Tensor<UInt8> {
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0, height: Int32 = 0, channels: Int32 = 0
        var message = [CChar](repeating: 0, count: Int(GRADUS_CODEC_MESSAGE_LENGTH))
        let status = bytes.withUnsafeBufferPointer { input in
            gradus_jpeg_decode(input.baseAddress, input.count, &pixels, &width, &height, &channels, &message)
        }
        defer { free(pixels) }
        guard status == 0, let pixels else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw DatasetError.corruptFile(path: path, problem: "bad JPEG image: \(text)")
        }
        let count = Int(width) * Int(height) * Int(channels)
        return channelMajor(UnsafeBufferPointer(start: pixels, count: count),
                            height: Int(height), width: Int(width), channels: Int(channels))
    }

    /// `[H, W, C]` interleaved pixels (what the codecs produce) rearranged to `[C, H, W]`.
    static func channelMajor(_ interleaved: some Collection<UInt8>, height: Int, width: Int, channels: Int) -> Tensor<UInt8> {
        let hwc = Tensor<UInt8>(shape: [height, width, channels], scalars: interleaved)
        return hwc.permuted([2, 0, 1]).contiguous()
    }
}
