/// General matrix multiply on raw buffers: C = op(A) · op(B) (+ C when accumulating).
///
/// op(A) is M×K and op(B) is K×N. Without transposition, element (i, p) of A is
/// `a[i * lda + p]`; with it, A is stored K×M and the element is `a[p * lda + i]`.
public enum GEMM {
    public static func multiply(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, transA: Bool,
        b: UnsafePointer<Float>, ldb: Int, transB: Bool,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
    ) {
        guard m > 0, n > 0 else { return }
        if !accumulate {
            for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
        }
        guard k > 0 else { return }
        // Pack B as a contiguous K×N row-major panel so the inner loop runs along N.
        let packedB = UnsafeMutablePointer<Float>.allocate(capacity: k * n)
        defer { packedB.deallocate() }
        for p in 0..<k {
            for j in 0..<n {
                packedB[p * n + j] = transB ? b[j * ldb + p] : b[p * ldb + j]
            }
        }
        Parallel.forEach(min(m, Parallel.threadCount * 4)) { chunk in
            let chunks = min(m, Parallel.threadCount * 4)
            let start = m * chunk / chunks, end = m * (chunk + 1) / chunks
            for i in start..<end {
                let row = c + i * ldc
                for p in 0..<k {
                    let aip = transA ? a[p * lda + i] : a[i * lda + p]
                    if aip == 0 { continue }
                    let bp = packedB + p * n
                    for j in 0..<n { row[j] += aip * bp[j] }
                }
            }
        }
    }
}
