import Foundation
import Testing
import _TestSupport
@testable import Zoo

@Suite("Principal components")
struct PrincipalComponentsTests {
    let fixture = try! Fixture("principal_components", bundle: .module)

    @Test func componentsVariancesAndProjectionsEqualNumPy() throws {
        let samples: Tensor<Double> = fixture.tensor("samples")
        let pca = try PrincipalComponents(fitting: samples, componentCount: 3)
        assertClose(pca.mean, fixture.tensor("mean"), absolute: 1e-12)
        // Signs are fixed, so the components equal NumPy's (flipped the same way) exactly, not up to sign.
        assertClose(pca.components, fixture.tensor("components"), absolute: 1e-10)
        assertClose(pca.explainedVariance, fixture.tensor("explained_variance"), absolute: 1e-10)
        assertClose(pca.explainedVarianceRatio, fixture.tensor("explained_variance_ratio"), absolute: 1e-12)
        assertClose(pca.projecting(samples), fixture.tensor("projection"), absolute: 1e-10)
        assertClose(pca.projecting(fixture.tensor("queries")), fixture.tensor("query_projection"), absolute: 1e-10)
    }

    @Test func negatedDataGivesTheSameComponentsAndNegatedCoordinates() throws {
        // Negating the data flips every singular vector; the sign rule must undo that.
        let samples: Tensor<Double> = fixture.tensor("samples")
        let pca = try PrincipalComponents(fitting: samples, componentCount: 2)
        let negated = try PrincipalComponents(fitting: -samples, componentCount: 2)
        assertClose(negated.components, pca.components, absolute: 1e-10)
        assertClose(negated.projecting(-samples), -pca.projecting(samples), absolute: 1e-10)
    }

    @Test func floatFeaturesProjectToTwoOrthonormalDirections() throws {
        var generator = PhiloxGenerator(seed: 3)
        let features = Tensor<Float>.normal([50, 8], using: &generator)
        let pca = try PrincipalComponents(fitting: features, componentCount: 2)
        #expect(pca.projecting(features).shape == [50, 2])
        let gram = matmul(pca.components, pca.components.transposed())
        assertClose(gram, Tensor<Float>.eye(2), absolute: 1e-5)
        let variances = pca.explainedVariance.scalars
        #expect(variances[0] >= variances[1])
    }
}
