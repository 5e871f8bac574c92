import Testing
import Autograd

@Suite struct GraphDumpTests {
    @Test func dumpListsEachNodeWithShapesSavedBytesAndFlops() {
        let x = Variable(Tensor<Double>.ones([4, 3]), requiresGradient: true)
        let w = Variable(Tensor<Double>.ones([3, 2]), requiresGradient: true)
        let loss = matmul(x, w).tanh().sum()
        let dump = GraphDump(loss)
        #expect(dump.entries.map(\.operation) == ["leaf", "leaf", "matmul", "tanh", "sum"])
        #expect(dump.entries[2].inputs == [0, 1])
        #expect(dump.entries[2].shape == [4, 2])
        #expect(dump.entries[2].flops == 2 * 4 * 2 * 3)
        #expect(dump.entries[2].savedBytes == (12 + 6) * 8)  // both operands kept for the other's gradient
        let text = dump.description
        #expect(text.contains("%2 = matmul(%0, %1)  [4, 2]  saved 144 B  48 FLOP"))
        #expect(text.hasSuffix("total: 5 nodes, saved 144 B, 48 FLOP"))
    }

    @Test func dotExportDrawsEveryEdge() {
        let x = Variable(Tensor<Double>([1, 2]), requiresGradient: true)
        let dot = GraphDump((x * x).exp()).dot
        #expect(dot.hasPrefix("digraph tape {"))
        #expect(dot.contains("n0 -> n1;"))
        #expect(dot.contains("n1 -> n2;"))
        #expect(dot.components(separatedBy: "n0 -> n1;").count == 3)  // x enters multiply twice
        #expect(dot.hasSuffix("}"))
    }

    @Test func constantsHaveNoGraph() {
        #expect(GraphDump(Variable(Tensor<Double>([1]))).entries.isEmpty)
    }
}
