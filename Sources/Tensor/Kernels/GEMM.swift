/// General matrix multiply on raw buffers: C = op(A) · op(B) (+ C when accumulating).
///
/// op(A) is M×K and op(B) is K×N. Without transposition, element (i, p) of A is
/// `a[i * lda + p]`; with it, A is stored K×M and the element is `a[p * lda + i]`.
///
/// How it is fast: B is packed into panels of `nr` columns (K×nr, zero-padded),
/// and a 6×nr register tile (twelve accumulators, two vectors per row) runs over
/// K with one fused multiply-add per accumulator and step, broadcasting A
/// straight from its rows (a transposed A is packed into 6-row panels first).
/// A last tile of four rows or fewer runs on 2×nr tiles instead, so a product
/// of few rows (say 25) does not pay for six where one is left.
/// The vector width, and so nr, comes from the instruction set (`Tiles`): 32 on
/// AVX-512, 16 on AVX2 and NEON, 8 on the portable path. K is cut into blocks so
/// a panel's block stays in L1; work is split over (row block × panel group)
/// jobs on `Parallel`'s threads.
public enum GEMM {
    static let mr = 6
    static let kc = 256
    /// Products with fewer multiply-adds than this run on one thread. On an idle
    /// machine a second thread pays from about half a million (some 15 µs on one
    /// core: the pool's workers spin between jobs, so handing out work costs well
    /// under a microsecond). While another program keeps the cores busy, a worker
    /// can be descheduled in the middle of its share and stall the whole product for
    /// a time slice, so while the pool sees such stalls (`Parallel.isContended`)
    /// products under 8M multiply-adds (about 250 µs) stay on the calling thread.
    static var parallelWork: Int { Parallel.isContended ? 8_000_000 : 500_000 }
    /// A job packs each panel of B just before its tiles (so the panel is still in L1
    /// when they read it) when the rows of B it reads span at most this many floats;
    /// past that, it packs its panels together, reading each long row front to back,
    /// which the prefetcher and the TLB prefer to short pieces of many rows.
    static let panelByPanelSpan = 65_536

    /// C (M×N, row stride `ldc`) = op(A) · op(B), plus C's old value when `accumulate`.
    /// Uses `Parallel`'s threads when the product is big enough to gain from them.
    public static func multiply(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, transA: Bool,
        b: UnsafePointer<Float>, ldb: Int, transB: Bool,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
    ) {
        switch InstructionSet.active {
        case .avx512:
            Tiles<SIMD16<Float>>.multiply(m: m, n: n, k: k, a: a, lda: lda, transA: transA, b: b, ldb: ldb, transB: transB,
                                          c: c, ldc: ldc, accumulate: accumulate)
        case .avx2, .neon:
            Tiles<SIMD8<Float>>.multiply(m: m, n: n, k: k, a: a, lda: lda, transA: transA, b: b, ldb: ldb, transB: transB,
                                         c: c, ldc: ldc, accumulate: accumulate)
        case .portable:
            Tiles<SIMD4<Float>>.multiply(m: m, n: n, k: k, a: a, lda: lda, transA: transA, b: b, ldb: ldb, transB: transB,
                                         c: c, ldc: ldc, accumulate: accumulate)
        }
    }

    /// The job grid: row blocks of `rowTiles` tiles × groups of `groupPanels` panels
    /// of `nr` columns, cut until there are at least two jobs per thread.
    static func plan(tilesM: Int, panelsN: Int, nr: Int, threads: Int) -> (rowTiles: Int, groupPanels: Int) {
        var rowTiles = min(tilesM, 32), groupPanels = min(panelsN, 256 / nr)
        func jobCount() -> Int { ((tilesM + rowTiles - 1) / rowTiles) * ((panelsN + groupPanels - 1) / groupPanels) }
        if threads > 1 {
            while jobCount() < 2 * threads && (rowTiles > 1 || groupPanels > 1) {
                if rowTiles * mr >= groupPanels * nr && rowTiles > 1 || groupPanels == 1 {
                    rowTiles = (rowTiles + 1) / 2
                } else {
                    groupPanels = (groupPanels + 1) / 2
                }
            }
        }
        return (rowTiles, groupPanels)
    }

    /// Packs the 6 rows of tile `tile` of a transposed A (stored K×M) as K×6, zero-padded.
    @inline(__always)
    static func packA(_ a: UnsafePointer<Float>, lda: Int, m: Int, k: Int, tile: Int, into dst: UnsafeMutablePointer<Float>) {
        let i0 = tile * mr, rows = min(mr, m - i0)
        if rows == mr {
            for p in 0..<k {
                let src = a + p * lda + i0, d = dst + p * mr
                d[0] = src[0]; d[1] = src[1]; d[2] = src[2]; d[3] = src[3]; d[4] = src[4]; d[5] = src[5]
            }
        } else {
            for p in 0..<k {
                let src = a + p * lda + i0, d = dst + p * mr
                for r in 0..<mr { d[r] = r < rows ? src[r] : 0 }
            }
        }
    }
}

/// The register-tile kernels for one vector type V: 6×nr tiles, nr = 2 · V's width.
/// Every function here is specialised once per instruction set (`GEMM.multiply`
/// and `ConvKernels` pick the type from `InstructionSet.active`).
enum Tiles<V: SIMD> where V.Scalar == Float {
    static var mr: Int { GEMM.mr }
    static var kc: Int { GEMM.kc }
    @inline(__always) static var nr: Int { 2 * V.scalarCount }
    /// Bytes of one vector, and so the offset of a panel row's second half.
    @inline(__always) static var vectorBytes: Int { 4 * V.scalarCount }
    /// Bytes of one panel row (nr floats).
    @inline(__always) static var rowBytes: Int { 8 * V.scalarCount }

    /// C (M×N, row stride `ldc`) = op(A) · op(B), plus C's old value when `accumulate`.
    /// Uses `Parallel`'s threads when the product is big enough to gain from them.
    public static func multiply(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, transA: Bool,
        b: UnsafePointer<Float>, ldb: Int, transB: Bool,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
    ) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            if !accumulate { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
            return
        }
        let tilesM = (m + mr - 1) / mr
        let panelsN = (n + nr - 1) / nr
        let work = m * n * k
        let threads = work < GEMM.parallelWork ? 1 : Parallel.threadCount

        let (rowTiles, groupPanels) = GEMM.plan(tilesM: tilesM, panelsN: panelsN, nr: nr, threads: threads)
        let rowBlocks = (tilesM + rowTiles - 1) / rowTiles
        let panelGroups = (panelsN + groupPanels - 1) / groupPanels
        // With one row block each panel has one user: its job packs it locally.
        let sharedB = rowBlocks > 1

        let bSize = sharedB ? panelsN * nr * k : 0
        let aSize = transA ? tilesM * mr * k : 0
        Scratch.with(bSize + aSize) { shared in
            let packedB = shared, packedA = shared + bSize
            // Pack what several jobs share, in parallel when it is big.
            let bItems = sharedB ? panelsN : 0
            let aItems = transA ? tilesM : 0
            let packThreads = (bSize + aSize) < 32_768 ? 1 : threads
            Parallel.forEach(bItems + aItems, threads: packThreads) { item in
                if item < bItems {
                    packB(b, ldb: ldb, transB: transB, k: k, n: n, panel: item, kStart: 0, kCount: k,
                          into: packedB + item * nr * k)
                } else {
                    let t = item - bItems
                    GEMM.packA(a, lda: lda, m: m, k: k, tile: t, into: packedA + t * mr * k)
                }
            }
            Parallel.forEach(rowBlocks * panelGroups, threads: threads) { job in
                let rb = job / panelGroups, pg = job % panelGroups
                let tileStart = rb * rowTiles, tileEnd = min(tilesM, tileStart + rowTiles)
                let panelStart = pg * groupPanels, panelEnd = min(panelsN, panelStart + groupPanels)
                let local = sharedB ? 0 : (panelEnd - panelStart) * nr * min(k, kc)
                Scratch.with(local) { localB in
                    var pc = 0
                    while pc < k && !Interruption.isRequested {
                        let kb = min(kc, k - pc)
                        let load = accumulate || pc > 0
                        let perPanel = !sharedB && (transB || kb * ldb <= GEMM.panelByPanelSpan)
                        if !sharedB && !perPanel {
                            if !transB && (panelEnd - 1) * nr + nr <= n {
                                // Whole panels from a row-major B: read each row's stretch
                                // once, front to back (kind to the prefetcher when B is big).
                                for p in 0..<kb {
                                    let src = UnsafeRawPointer(b + (pc + p) * ldb + panelStart * nr)
                                    for q in 0..<(panelEnd - panelStart) {
                                        let d = UnsafeMutableRawPointer(localB + q * nr * kb + p * nr)
                                        d.storeBytes(of: src.loadUnaligned(fromByteOffset: q * rowBytes, as: V.self), as: V.self)
                                        d.storeBytes(of: src.loadUnaligned(fromByteOffset: q * rowBytes + vectorBytes, as: V.self),
                                                    toByteOffset: vectorBytes, as: V.self)
                                    }
                                }
                            } else {
                                for q in panelStart..<panelEnd {
                                    packB(b, ldb: ldb, transB: transB, k: k, n: n, panel: q, kStart: pc, kCount: kb,
                                          into: localB + (q - panelStart) * nr * kb)
                                }
                            }
                        }
                        for q in panelStart..<panelEnd {
                            if perPanel {
                                packB(b, ldb: ldb, transB: transB, k: k, n: n, panel: q, kStart: pc, kCount: kb, into: localB)
                            }
                            let panel = sharedB ? UnsafePointer(packedB + q * nr * k + pc * nr)
                                : perPanel ? UnsafePointer(localB) : UnsafePointer(localB + (q - panelStart) * nr * kb)
                            let j0 = q * nr, cols = min(nr, n - j0)
                            for t in tileStart..<tileEnd {
                                let i0 = t * mr, rows = min(mr, m - i0)
                                if rows < mr - 1 {
                                    // A short last tile: pairs of rows, not six rows of which most are dropped.
                                    var r = 0
                                    while r < rows {
                                        let pair = min(2, rows - r)
                                        if transA {
                                            let p = UnsafePointer(packedA + t * mr * k + pc * mr + r)
                                            microPair(kb, p, p + min(1, pair - 1), step: mr, panel,
                                                      c + (i0 + r) * ldc + j0, ldc, rows: pair, cols: cols, load: load)
                                        } else {
                                            let p = a + pc + (i0 + r) * lda
                                            microPair(kb, p, p + (pair - 1) * lda, step: 1, panel,
                                                      c + (i0 + r) * ldc + j0, ldc, rows: pair, cols: cols, load: load)
                                        }
                                        r += 2
                                    }
                                } else if transA {
                                    let p = UnsafePointer(packedA + t * mr * k + pc * mr)
                                    micro(kb, p, p + 1, p + 2, p + 3, p + 4, p + 5, step: mr,
                                          panel, c + i0 * ldc + j0, ldc, rows: rows, cols: cols, load: load)
                                } else {
                                    // Rows past the edge repeat the last row; their results are dropped.
                                    let base = a + pc
                                    @inline(__always) func row(_ r: Int) -> UnsafePointer<Float> { base + min(i0 + r, m - 1) * lda }
                                    micro(kb, row(0), row(1), row(2), row(3), row(4), row(5), step: 1,
                                          panel, c + i0 * ldc + j0, ldc, rows: rows, cols: cols, load: load)
                                }
                            }
                        }
                        pc += kb
                    }
                }
            }
        }
    }

    /// Packs rows kStart..<kStart+kCount of op(B)'s panel `panel` (nr columns, zero-padded) as kCount×nr.
    @inline(__always)
    static func packB(
        _ b: UnsafePointer<Float>, ldb: Int, transB: Bool, k: Int, n: Int,
        panel: Int, kStart: Int, kCount: Int, into dst: UnsafeMutablePointer<Float>
    ) {
        let j0 = panel * nr, cols = min(nr, n - j0)
        if !transB {
            if cols == nr {
                for p in 0..<kCount {
                    let src = b + (kStart + p) * ldb + j0
                    let d = UnsafeMutableRawPointer(dst + p * nr)
                    d.storeBytes(of: UnsafeRawPointer(src).loadUnaligned(as: V.self), as: V.self)
                    (d + vectorBytes).storeBytes(of: UnsafeRawPointer(src + V.scalarCount).loadUnaligned(as: V.self), as: V.self)
                }
            } else {
                for p in 0..<kCount {
                    let src = b + (kStart + p) * ldb + j0, d = dst + p * nr
                    for j in 0..<cols { d[j] = src[j] }
                    for j in cols..<nr { d[j] = 0 }
                }
            }
        } else {
            // B is stored N×K: column j of op(B) is row j of storage, contiguous along K.
            if cols < nr {
                for p in 0..<kCount { (dst + p * nr + cols).update(repeating: 0, count: nr - cols) }
            }
            for j in 0..<cols {
                let src = b + (j0 + j) * ldb + kStart
                for p in 0..<kCount { dst[p * nr + j] = src[p] }
            }
        }
    }

    /// The 6×nr accumulator tile of every micro-kernel: twelve vector registers, two per row.
    struct Tile {
        var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V()
        var c30 = V(), c31 = V(), c40 = V(), c41 = V(), c50 = V(), c51 = V()

        /// One step of K: the six A values at `off` times the nr-wide panel row at `b`.
        @inline(__always)
        mutating func add(
            _ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>, _ a2: UnsafePointer<Float>,
            _ a3: UnsafePointer<Float>, _ a4: UnsafePointer<Float>, _ a5: UnsafePointer<Float>,
            at off: Int, panelRow b: UnsafeRawPointer
        ) {
            let b0 = b.loadUnaligned(as: V.self)
            let b1 = b.loadUnaligned(fromByteOffset: vectorBytes, as: V.self)
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
        }
    }

    /// The 6×nr register tile: C[0..<rows, 0..<cols] (+)= A-rows · panel over `kb` steps.
    /// Row r of A is read at `a_r[p * step]`.
    @inline(__always)
    static func micro(
        _ kb: Int,
        _ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>, _ a2: UnsafePointer<Float>,
        _ a3: UnsafePointer<Float>, _ a4: UnsafePointer<Float>, _ a5: UnsafePointer<Float>, step: Int,
        _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, _ ldc: Int,
        rows: Int, cols: Int, load: Bool
    ) {
        var t = Tile()
        var pb = UnsafeRawPointer(b)
        var off = 0
        for _ in 0..<kb {
            t.add(a0, a1, a2, a3, a4, a5, at: off, panelRow: pb)
            pb += rowBytes
            off += step
        }
        store(c, ldc, rows: rows, cols: cols, load: load, t)
    }

    /// One or two rows of A (`a1` may repeat `a0`) times the panel: the edge of a
    /// product whose rows are not a multiple of six. K runs two steps at a time into
    /// two sets of sums, so eight independent multiply-add chains hide the
    /// instruction's latency as the full tile's twelve do.
    @inline(__always)
    static func microPair(
        _ kb: Int, _ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>, step: Int,
        _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, _ ldc: Int,
        rows: Int, cols: Int, load: Bool
    ) {
        var c00 = V(), c01 = V(), c10 = V(), c11 = V()
        var d00 = V(), d01 = V(), d10 = V(), d11 = V()
        var pb = UnsafeRawPointer(b)
        var off = 0, p = 0
        while p + 1 < kb {
            let b0 = pb.loadUnaligned(as: V.self), b1 = pb.loadUnaligned(fromByteOffset: vectorBytes, as: V.self)
            let e0 = pb.loadUnaligned(fromByteOffset: rowBytes, as: V.self)
            let e1 = pb.loadUnaligned(fromByteOffset: rowBytes + vectorBytes, as: V.self)
            var x = V(repeating: a0[off])
            c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1)
            x = V(repeating: a1[off])
            c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1)
            x = V(repeating: a0[off + step])
            d00 = d00.addingProduct(x, e0); d01 = d01.addingProduct(x, e1)
            x = V(repeating: a1[off + step])
            d10 = d10.addingProduct(x, e0); d11 = d11.addingProduct(x, e1)
            pb += 2 * rowBytes
            off += 2 * step
            p += 2
        }
        if p < kb {
            let b0 = pb.loadUnaligned(as: V.self), b1 = pb.loadUnaligned(fromByteOffset: vectorBytes, as: V.self)
            var x = V(repeating: a0[off])
            c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1)
            x = V(repeating: a1[off])
            c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1)
        }
        var t = Tile()
        t.c00 = c00 + d00; t.c01 = c01 + d01; t.c10 = c10 + d10; t.c11 = c11 + d11
        store(c, ldc, rows: rows, cols: cols, load: load, t)
    }

    /// Writes (or adds) a 6×nr tile held in twelve vectors to C, clipped to rows × cols
    /// (whole vectors when every column is in).
    @inline(__always)
    static func store(
        _ c: UnsafeMutablePointer<Float>, _ ldc: Int, rows: Int, cols: Int, load: Bool, _ t: Tile
    ) {
        if cols == nr {
            @inline(__always) func put(_ r: Int, _ v0: V, _ v1: V) {
                let p = UnsafeMutableRawPointer(c + r * ldc)
                if load {
                    p.storeBytes(of: p.loadUnaligned(as: V.self) + v0, as: V.self)
                    p.storeBytes(of: p.loadUnaligned(fromByteOffset: vectorBytes, as: V.self) + v1, toByteOffset: vectorBytes, as: V.self)
                } else {
                    p.storeBytes(of: v0, as: V.self)
                    p.storeBytes(of: v1, toByteOffset: vectorBytes, as: V.self)
                }
            }
            put(0, t.c00, t.c01)
            if rows > 1 { put(1, t.c10, t.c11) }
            if rows > 2 { put(2, t.c20, t.c21) }
            if rows > 3 { put(3, t.c30, t.c31) }
            if rows > 4 { put(4, t.c40, t.c41) }
            if rows > 5 { put(5, t.c50, t.c51) }
        } else {
            withUnsafeTemporaryAllocation(of: V.self, capacity: 2 * mr) { tile in
                tile[0] = t.c00; tile[1] = t.c01; tile[2] = t.c10; tile[3] = t.c11; tile[4] = t.c20; tile[5] = t.c21
                tile[6] = t.c30; tile[7] = t.c31; tile[8] = t.c40; tile[9] = t.c41; tile[10] = t.c50; tile[11] = t.c51
                let t = UnsafeRawPointer(tile.baseAddress!).assumingMemoryBound(to: Float.self)
                for r in 0..<rows {
                    let dst = c + r * ldc, src = t + r * nr
                    if load {
                        for j in 0..<cols { dst[j] += src[j] }
                    } else {
                        for j in 0..<cols { dst[j] = src[j] }
                    }
                }
            }
        }
    }
}
