import Zoo
import Foundation

let n = 1 << 22
let a = Tensor<Float>(shape: [n], scalars: (0..<n).map { Float($0 % 100) })
let b = Tensor<Float>(shape: [n], scalars: (0..<n).map { Float($0 % 7) })
var c = a + b
for _ in 0..<3 { c = a + b }
let start = Date()
for _ in 0..<50 { c = a + b }
let seconds = Date().timeIntervalSince(start) / 50
print("add 4M floats: \(seconds * 1e3) ms, \(Double(3 * n * 4) / seconds / 1e9) GB/s", c[5])
