import Tensor

/// Builds a tensor from scalars whose count is known to match the shape.
@inline(__always)
func makeTensor(_ shape: [Int], _ scalars: [Float]) throws -> Tensor {
    try Tensor(shape: shape, scalars: scalars)
}

/// Copies the rows `indices` (along axis 0) of a row-major array with `rowSize` scalars per row.
func gatherRows(_ scalars: [Float], rowSize: Int, _ indices: [Int]) -> [Float] {
    var out = [Float](repeating: 0, count: indices.count * rowSize)
    scalars.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            guard let s = src.baseAddress, let d = dst.baseAddress else { return }
            for (k, i) in indices.enumerated() {
                (d + k * rowSize).update(from: s + i * rowSize, count: rowSize)
            }
        }
    }
    return out
}

/// Checks that every index lies in 0..<count.
func checkIndices(_ indices: [Int], count: Int) throws {
    for i in indices where i < 0 || i >= count {
        throw FacesArgumentError("index \(i) is out of range for a set of \(count) samples")
    }
}

/// A seed for sample `index` derived from a master seed (independent of thread order).
func sampleSeed(_ seed: UInt64, _ index: Int, salt: UInt64 = 0) -> UInt64 {
    var z = seed &+ 0x9E37_79B9_7F4A_7C15 &* (UInt64(truncatingIfNeeded: index) &+ 1) &+ salt &* 0xD1B5_4A32_D192_ED03
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
