/// GEMM whose A operand is read through offset tables instead of being laid out:
/// A(i, p) = origin[rowOffsets[i] + kOffsets[p]].
///
/// This is how convolution runs without unfolding its input (im2col): with rows
/// as output pixels and K as (channel, ky, kx), the two tables address the
/// input window of each pixel directly. B comes already packed in GEMM's panel
/// layout (`GEMM.packB`), the same for every row block.
extension GEMM {
    static func multiplyImplicit(
        m: Int, n: Int, k: Int,
        origin: UnsafePointer<Float>, rowOffsets: UnsafePointer<Int>, kOffsets: UnsafePointer<Int>,
        packedB: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
    ) {
        guard m > 0, n > 0, k > 0 else { return }
        let tilesM = (m + mr - 1) / mr
        let panelsN = (n + nr - 1) / nr
        let threads = m * n * k < 48_000 ? 1 : Parallel.threadCount
        let (rowTiles, groupPanels) = plan(tilesM: tilesM, panelsN: panelsN, threads: threads)
        let rowBlocks = (tilesM + rowTiles - 1) / rowTiles
        let panelGroups = (panelsN + groupPanels - 1) / groupPanels
        Parallel.forEach(rowBlocks * panelGroups, threads: threads) { job in
            let rb = job / panelGroups, pg = job % panelGroups
            let tileStart = rb * rowTiles, tileEnd = min(tilesM, tileStart + rowTiles)
            let panelStart = pg * groupPanels, panelEnd = min(panelsN, panelStart + groupPanels)
            var pc = 0
            while pc < k {
                let kb = min(kc, k - pc)
                let load = accumulate || pc > 0
                let offsets = kOffsets + pc
                for q in panelStart..<panelEnd {
                    let panel = packedB + q * nr * k + pc * nr
                    let j0 = q * nr, cols = min(nr, n - j0)
                    for t in tileStart..<tileEnd {
                        let i0 = t * mr, rows = min(mr, m - i0)
                        @inline(__always) func row(_ r: Int) -> UnsafePointer<Float> { origin + rowOffsets[min(i0 + r, m - 1)] }
                        microIndexed(kb, row(0), row(1), row(2), row(3), row(4), row(5), offsets,
                                     panel, c + i0 * ldc + j0, ldc, rows: rows, cols: cols, load: load)
                    }
                }
                pc += kb
            }
        }
    }

    /// The 6×32 register tile with A(r, p) = a_r[offsets[p]].
    @inline(__always)
    static func microIndexed(
        _ kb: Int,
        _ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>, _ a2: UnsafePointer<Float>,
        _ a3: UnsafePointer<Float>, _ a4: UnsafePointer<Float>, _ a5: UnsafePointer<Float>,
        _ offsets: UnsafePointer<Int>,
        _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, _ ldc: Int,
        rows: Int, cols: Int, load: Bool
    ) {
        var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V()
        var c30 = V(), c31 = V(), c40 = V(), c41 = V(), c50 = V(), c51 = V()
        var pb = UnsafeRawPointer(b)
        for p in 0..<kb {
            let off = offsets[p]
            let b0 = pb.loadUnaligned(as: V.self)
            let b1 = pb.loadUnaligned(fromByteOffset: 64, as: V.self)
            var x = V(repeating: a0[off])
            c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1)
            x = V(repeating: a1[off])
            c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1)
            x = V(repeating: a2[off])
            c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x, b1)
            x = V(repeating: a3[off])
            c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x, b1)
            x = V(repeating: a4[off])
            c40 = c40.addingProduct(x, b0); c41 = c41.addingProduct(x, b1)
            x = V(repeating: a5[off])
            c50 = c50.addingProduct(x, b0); c51 = c51.addingProduct(x, b1)
            pb += 128
        }
        store(c, ldc, rows: rows, cols: cols, load: load, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51)
    }
}
