// The `zoo` command line. Until the zoo's models land (issues 6–8) it shows the Tensor library.
import Zoo

let x = Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
print("x =", x.debugDescription)
print("\nx.transposed() — a view over the same storage, strides \(x.transposed().strides):")
print(x.transposed())
print("\nx + [10, 20, 30] — broadcasting the row over both rows:")
print(x + Tensor<Float>([10, 20, 30]))
print("\nx.sliced(axis: 1, from: 0, by: 2) — every second column, also a view:")
print(x.sliced(axis: 1, from: 0, by: 2))
