/// GEMM whose A operand is read through offset tables instead of being laid out:
/// A(i, p) = origin[rowOffsets[i] + kOffsets[p]].
///
/// This is how convolution runs without unfolding its input (im2col): with rows
/// as output pixels and K as (channel, ky, kx), the two tables address the
/// input window of each pixel directly. B comes already packed in GEMM's panel
/// layout (`Tiles.packB`), the same for every row block.
///
/// With `outRows`, C(i, j) goes to c[outRows[i] + j · outColumnStride] instead
/// of c[i · ldc + j] (how a [pixels, filters] product lands in NCHW directly),
/// and K is not blocked, so each tile is written once.
extension Tiles {
    static func multiplyImplicit(
        m: Int, n: Int, k: Int,
        origin: UnsafePointer<Float>, rowOffsets: UnsafePointer<Int>, kOffsets: UnsafePointer<Int>,
        packedB: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool,
        outRows: UnsafePointer<Int>? = nil, outColumnStride: Int = 1
    ) {
        guard m > 0, n > 0, k > 0 else { return }
        let tilesM = (m + mr - 1) / mr
        let panelsN = (n + nr - 1) / nr
        let threads = m * n * k < GEMM.parallelWork ? 1 : Parallel.threadCount
        let (rowTiles, groupPanels) = GEMM.plan(tilesM: tilesM, panelsN: panelsN, nr: nr, threads: threads)
        let rowBlocks = (tilesM + rowTiles - 1) / rowTiles
        let panelGroups = (panelsN + groupPanels - 1) / groupPanels
        Parallel.forEach(rowBlocks * panelGroups, threads: threads) { job in
            let rb = job / panelGroups, pg = job % panelGroups
            let tileStart = rb * rowTiles, tileEnd = min(tilesM, tileStart + rowTiles)
            let panelStart = pg * groupPanels, panelEnd = min(panelsN, panelStart + groupPanels)
            let blockK = outRows == nil ? kc : k
            var pc = 0
            while pc < k && !Interruption.isRequested {
                let kb = min(blockK, k - pc)
                let load = accumulate || pc > 0
                let offsets = kOffsets + pc
                for q in panelStart..<panelEnd {
                    let panel = packedB + q * nr * k + pc * nr
                    let j0 = q * nr, cols = min(nr, n - j0)
                    for t in tileStart..<tileEnd {
                        let i0 = t * mr, rows = min(mr, m - i0)
                        @inline(__always) func row(_ r: Int) -> UnsafePointer<Float> { origin + rowOffsets[min(i0 + r, m - 1)] }
                        if let outRows {
                            microIndexedScatter(kb, row(0), row(1), row(2), row(3), row(4), row(5), offsets, panel,
                                                c + j0 * outColumnStride, outRows + i0, outColumnStride,
                                                rows: rows, cols: cols, load: load)
                        } else {
                            microIndexed(kb, row(0), row(1), row(2), row(3), row(4), row(5), offsets,
                                         panel, c + i0 * ldc + j0, ldc, rows: rows, cols: cols, load: load)
                        }
                    }
                }
                pc += kb
            }
        }
    }

    /// The 6×nr register tile with A(r, p) = a_r[offsets[p]].
    @inline(__always)
    static func microIndexed(
        _ kb: Int,
        _ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>, _ a2: UnsafePointer<Float>,
        _ a3: UnsafePointer<Float>, _ a4: UnsafePointer<Float>, _ a5: UnsafePointer<Float>,
        _ offsets: UnsafePointer<Int>,
        _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, _ ldc: Int,
        rows: Int, cols: Int, load: Bool
    ) {
        var t = Tile()
        var pb = UnsafeRawPointer(b)
        for p in 0..<kb {
            t.add(a0, a1, a2, a3, a4, a5, at: offsets[p], panelRow: pb)
            pb += rowBytes
        }
        store(c, ldc, rows: rows, cols: cols, load: load, t)
    }

    /// `microIndexed` writing C(r, j) to c[outRows[r] + j · columnStride].
    @inline(__always)
    static func microIndexedScatter(
        _ kb: Int,
        _ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>, _ a2: UnsafePointer<Float>,
        _ a3: UnsafePointer<Float>, _ a4: UnsafePointer<Float>, _ a5: UnsafePointer<Float>,
        _ offsets: UnsafePointer<Int>,
        _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, _ outRows: UnsafePointer<Int>, _ columnStride: Int,
        rows: Int, cols: Int, load: Bool
    ) {
        var t = Tile()
        var pb = UnsafeRawPointer(b)
        for p in 0..<kb {
            t.add(a0, a1, a2, a3, a4, a5, at: offsets[p], panelRow: pb)
            pb += rowBytes
        }
        withUnsafeTemporaryAllocation(of: V.self, capacity: 2 * mr) { tile in
            tile[0] = t.c00; tile[1] = t.c01; tile[2] = t.c10; tile[3] = t.c11; tile[4] = t.c20; tile[5] = t.c21
            tile[6] = t.c30; tile[7] = t.c31; tile[8] = t.c40; tile[9] = t.c41; tile[10] = t.c50; tile[11] = t.c51
            let t = UnsafeRawPointer(tile.baseAddress!).assumingMemoryBound(to: Float.self)
            if rows == mr && outRows[5] - outRows[0] == 5 {
                // Six neighbouring outputs: six contiguous floats per column.
                let dst = c + outRows[0]
                for j in 0..<cols {
                    let d = dst + j * columnStride
                    if load {
                        d[0] += t[j]; d[1] += t[nr + j]; d[2] += t[2 * nr + j]
                        d[3] += t[3 * nr + j]; d[4] += t[4 * nr + j]; d[5] += t[5 * nr + j]
                    } else {
                        d[0] = t[j]; d[1] = t[nr + j]; d[2] = t[2 * nr + j]
                        d[3] = t[3 * nr + j]; d[4] = t[4 * nr + j]; d[5] = t[5 * nr + j]
                    }
                }
            } else {
                for r in 0..<rows {
                    let dst = c + outRows[r], src = t + r * nr
                    if load {
                        for j in 0..<cols { dst[j * columnStride] += src[j] }
                    } else {
                        for j in 0..<cols { dst[j * columnStride] = src[j] }
                    }
                }
            }
        }
    }
}
