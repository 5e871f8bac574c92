import Testing
import Tensor
import _TestSupport

extension ConvolutionAndPoolingTests {
    /// Small feature maps put the columns of several images into one matrix product
    /// (`Conv2dGeometry.imagesPerProduct`); a batch of one image takes the one-image-at-a-time
    /// path. The two must agree, and the grouped one must not depend on the thread count.
    @Suite struct ConvolutionImageGroupTests {
        /// The forward pass and both gradients of a batch, computed for the whole batch at once.
        static func wholeBatch(_ x: Tensor<Double>, _ weight: Tensor<Double>, _ bias: Tensor<Double>,
                               _ gy: Tensor<Double>, stride: Int, padding: Int) -> [Tensor<Double>] {
            [conv2d(x, weight: weight, bias: bias, stride: Spatial2d(stride), padding: Spatial2d(padding)),
             conv2dBackwardInput(gy, weight: weight, inputShape: x.shape, stride: Spatial2d(stride), padding: Spatial2d(padding)),
             conv2dBackwardWeight(gy, input: x, weightShape: weight.shape, stride: Spatial2d(stride), padding: Spatial2d(padding))]
        }

        /// Batch 37 of 5 × 5 (or 3 × 3) outputs: groups of 10 images (the last one of 7) for 3 × 3
        /// kernels with stride 1 and 2, and for a 1 × 1 kernel. Batch 80 of 8 × 8: 4 images per
        /// product, two products summed into each of the weight gradient's partials.
        @Test(arguments: [(37, 5, 3, 1, 1), (37, 5, 3, 2, 1), (37, 5, 1, 1, 0), (37, 5, 1, 2, 0), (80, 8, 3, 1, 1)])
        func severalImagesPerProductAgreeWithOneAtATime(batch: Int, size: Int, kernel: Int, stride: Int, padding: Int) {
            let x: Tensor<Double> = ConvolutionSamples.wave([batch, 6, size, size])
            let weight: Tensor<Double> = ConvolutionSamples.wave([7, 6, kernel, kernel], phase: 1)
            let bias: Tensor<Double> = ConvolutionSamples.wave([7], phase: 2)
            let outputShape = conv2d(x, weight: weight, stride: Spatial2d(stride), padding: Spatial2d(padding)).shape
            let gy: Tensor<Double> = ConvolutionSamples.wave(outputShape, phase: 3)
            let together = Self.wholeBatch(x, weight, bias, gy, stride: stride, padding: padding)

            var outputs: [Tensor<Double>] = [], inputGradients: [Tensor<Double>] = []
            var weightGradient = Tensor<Double>.zeros(weight.shape)
            for image in 0..<batch {
                let alone = Self.wholeBatch(x[image..<(image + 1)], weight, bias, gy[image..<(image + 1)],
                                            stride: stride, padding: padding)
                outputs.append(alone[0])
                inputGradients.append(alone[1])
                weightGradient = weightGradient + alone[2]
            }
            let oneAtATime = [Tensor.concatenating(outputs), Tensor.concatenating(inputGradients), weightGradient]
            for (grouped, single) in zip(together, oneAtATime) {
                #expect(grouped.shape == single.shape)
                #expect(zip(grouped.scalars, single.scalars).allSatisfy { abs($0 - $1) <= 1e-11 })
                #expect(single.scalars.contains { abs($0) > 0.1 })  // not trivially zero
            }
        }

        @Test func groupedImagesDoNotDependOnTheThreadCount() {
            // Batch 37 of 4 × 4 outputs: 16 images per product, in 3 products.
            let x: Tensor<Float> = ConvolutionSamples.wave([37, 8, 8, 8])
            let weight: Tensor<Float> = ConvolutionSamples.wave([16, 8, 3, 3], phase: 1)
            let gy: Tensor<Float> = ConvolutionSamples.wave([37, 16, 4, 4], phase: 3)
            func run() -> [Tensor<Float>] {
                [conv2d(x, weight: weight, stride: 2, padding: 1),
                 conv2dBackwardInput(gy, weight: weight, inputShape: x.shape, stride: 2, padding: 1),
                 conv2dBackwardWeight(gy, input: x, weightShape: weight.shape, stride: 2, padding: 1)]
            }
            let one = ConvolutionSamples.withThreadBudget(1, run)
            let two = ConvolutionSamples.withThreadBudget(2, run)
            for (a, b) in zip(one, two) { #expect(a == b) }
        }
    }
}
