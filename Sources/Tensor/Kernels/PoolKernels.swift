/// Max and average pooling loops over a range of planes ([H, W] images of an
/// NCHW tensor), so the public ops can spread planes over the threads.
enum PoolKernels {
    /// Calls `body(plane, output, rows, columns)` for each output of `planes`: the
    /// plane's number, the output's flat index, and its window clipped to the image
    /// (padding leaves every window at least one pixel, see `checkPoolPadding`).
    @inline(__always)
    private static func forEachWindow(
        _ g: Conv2DGeometry, planes: Range<Int>, _ body: (Int, Int, Range<Int>, Range<Int>) -> Void
    ) {
        let (oh, ow) = (g.outH, g.outW)
        for p in planes {
            for i in 0..<oh {
                let y0 = i * g.strideH - g.padH
                let rows = max(0, y0)..<min(g.height, y0 + g.kernelH)
                for j in 0..<ow {
                    let x0 = j * g.strideW - g.padW
                    body(p, (p * oh + i) * ow + j, rows, max(0, x0)..<min(g.width, x0 + g.kernelW))
                }
            }
        }
    }

    /// Max of each window (padding ignored) and the in-plane index of its first
    /// largest value in row-major order; a window with a NaN gives its first NaN.
    ///
    /// Each output row runs in two passes: down the window's rows for every input
    /// column at once (whole vectors: the column's largest value and the first row
    /// holding it), then across each window's columns, where the first row wins a
    /// tie (row-major order), then the first column. With a stride of 1 or 2 the
    /// second pass also takes eight windows at a time where they lie inside the map.
    static func maxForward(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ arg: UnsafeMutablePointer<Int32>,
                           _ g: Conv2DGeometry, planes: Range<Int>) {
        let (w, oh, ow, s) = (g.width, g.outH, g.outW, g.strideW)
        // Windows j in inner lie inside the map: no column to clip.
        let last = w - g.kernelW + g.padW
        let innerStart = (g.padW + s - 1) / s, innerEnd = last < 0 ? innerStart : max(innerStart, last / s + 1)
        // Vector loads past the last column read these spare, zeroed entries (their lanes are unused).
        let spare = 16
        withUnsafeTemporaryAllocation(of: Float.self, capacity: w + spare) { columnMax in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: w + spare) { columnRow in
                let columnMax = columnMax.baseAddress!, columnRow = columnRow.baseAddress!
                (columnMax + w).initialize(repeating: 0, count: spare)
                (columnRow + w).initialize(repeating: 0, count: spare)
                for p in planes {
                    let plane = src + p * g.height * w
                    for i in 0..<oh {
                        let y0 = i * g.strideH - g.padH
                        maxDown(plane, width: w, rows: max(0, y0)..<min(g.height, y0 + g.kernelH), columnMax, columnRow)
                        let o = (p * oh + i) * ow
                        var j = 0
                        while j < ow {
                            if (s == 1 || s == 2) && j >= innerStart && j + 8 <= innerEnd {
                                maxAcross8(columnMax, columnRow, width: w, from: j * s - g.padW, stride: s, kernel: g.kernelW,
                                           dst + o + j, arg + o + j)
                                j += 8
                                continue
                            }
                            maxAcross(columnMax, columnRow, width: w, from: j * s - g.padW, kernel: g.kernelW,
                                      dst + o + j, arg + o + j)
                            j += 1
                        }
                    }
                }
            }
        }
    }

    /// One window starting at column `x0` (clipped to the map): the second pass of `maxForward`.
    @inline(__always)
    private static func maxAcross(_ columnMax: UnsafePointer<Float>, _ columnRow: UnsafePointer<Int32>, width w: Int,
                                  from x0: Int, kernel: Int,
                                  _ dst: UnsafeMutablePointer<Float>, _ arg: UnsafeMutablePointer<Int32>) {
        var bx = max(0, x0)
        var best = columnMax[bx], by = columnRow[bx]
        for x in (bx + 1)..<min(w, x0 + kernel) {
            let v = columnMax[x], y = columnRow[x]
            // The first NaN wins; otherwise the larger value, or the same value in an earlier row.
            let wins = v.isNaN || best.isNaN ? v.isNaN && (!best.isNaN || y < by) : v > best || (v == best && y < by)
            if wins { best = v; by = y; bx = x }
        }
        dst.pointee = best
        arg.pointee = by * Int32(w) + Int32(bx)
    }

    /// Eight windows side by side, the first starting at column `x0`, the others
    /// `stride` (1 or 2) apart, all inside the map: the second pass of `maxForward`
    /// with the same order of preference, lane by lane.
    @inline(__always)
    private static func maxAcross8(_ columnMax: UnsafePointer<Float>, _ columnRow: UnsafePointer<Int32>, width w: Int,
                                   from x0: Int, stride s: Int, kernel: Int,
                                   _ dst: UnsafeMutablePointer<Float>, _ arg: UnsafeMutablePointer<Int32>) {
        typealias V = SIMD8<Float>
        typealias I = SIMD8<Int32>
        @inline(__always) func column(_ x: Int) -> (V, I) {
            if s == 1 {
                return (UnsafeRawPointer(columnMax + x).loadUnaligned(as: V.self),
                        UnsafeRawPointer(columnRow + x).loadUnaligned(as: I.self))
            }
            return (UnsafeRawPointer(columnMax + x).loadUnaligned(as: SIMD16<Float>.self).evenHalf,
                    UnsafeRawPointer(columnRow + x).loadUnaligned(as: SIMD16<Int32>.self).evenHalf)
        }
        let lanes = I(0, 1, 2, 3, 4, 5, 6, 7) &* Int32(s)
        var (best, by) = column(x0)
        var bx = lanes &+ Int32(x0)
        for dx in 1..<kernel {
            let (v, y) = column(x0 + dx)
            let vNaN = v .!= v, bNaN = best .!= best
            let earlierRow = y .< by
            // The first NaN wins; otherwise the larger value, or the same value in an earlier row.
            let wins = (vNaN .& (.!bNaN .| earlierRow))
                .| (.!vNaN .& .!bNaN .& ((v .> best) .| ((v .== best) .& earlierRow)))
            best.replace(with: v, where: wins)
            by.replace(with: y, where: wins)
            bx.replace(with: lanes &+ Int32(x0 + dx), where: wins)
        }
        UnsafeMutableRawPointer(dst).storeBytes(of: best, as: V.self)
        UnsafeMutableRawPointer(arg).storeBytes(of: by &* Int32(w) &+ bx, as: I.self)
    }

    /// For each column of `rows`: the largest value (the first NaN if there is one) and
    /// the first row holding it.
    @inline(__always)
    private static func maxDown(_ plane: UnsafePointer<Float>, width w: Int, rows: Range<Int>,
                                _ columnMax: UnsafeMutablePointer<Float>, _ columnRow: UnsafeMutablePointer<Int32>) {
        typealias V = SIMD8<Float>
        let top = Int32(rows.lowerBound)
        var x = 0
        while x + V.scalarCount <= w {
            var best = UnsafeRawPointer(plane + rows.lowerBound * w + x).loadUnaligned(as: V.self)
            var row = SIMD8<Int32>(repeating: top)
            for y in (rows.lowerBound + 1)..<rows.upperBound {
                let v = UnsafeRawPointer(plane + y * w + x).loadUnaligned(as: V.self)
                // Greater, or the first NaN (a NaN is unequal to itself).
                let wins = (v .> best) .| ((v .!= v) .& (best .== best))
                best.replace(with: v, where: wins)
                row.replace(with: Int32(y), where: wins)
            }
            UnsafeMutableRawPointer(columnMax + x).storeBytes(of: best, as: V.self)
            UnsafeMutableRawPointer(columnRow + x).storeBytes(of: row, as: SIMD8<Int32>.self)
            x += V.scalarCount
        }
        while x < w {
            var best = plane[rows.lowerBound * w + x], row = top
            for y in (rows.lowerBound + 1)..<rows.upperBound {
                let v = plane[y * w + x]
                if v > best || (v.isNaN && !best.isNaN) { best = v; row = Int32(y) }
            }
            columnMax[x] = best
            columnRow[x] = row
            x += 1
        }
    }

    /// Routes each output's gradient to its window's recorded maximum.
    static func maxBackward(_ grad: UnsafePointer<Float>, _ arg: UnsafePointer<Int32>, _ dx: UnsafeMutablePointer<Float>,
                            _ g: Conv2DGeometry, planes: Range<Int>) {
        let spatial = g.outH * g.outW
        for p in planes {
            let plane = dx + p * g.height * g.width
            for o in (p * spatial)..<((p + 1) * spatial) { plane[Int(arg[o])] += grad[o] }
        }
    }

    /// Mean of each window, padded positions counting as zeros.
    static func avgForward(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ g: Conv2DGeometry,
                           planes: Range<Int>) {
        let scale = 1 / Float(g.kernelH * g.kernelW)
        forEachWindow(g, planes: planes) { p, o, rows, columns in
            let plane = src + p * g.height * g.width
            var sum: Float = 0
            for y in rows {
                let row = plane + y * g.width
                for xx in columns { sum += row[xx] * scale }
            }
            dst[o] = sum
        }
    }

    /// Spreads each output's gradient evenly over its window.
    static func avgBackward(_ grad: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ g: Conv2DGeometry,
                            planes: Range<Int>) {
        let scale = 1 / Float(g.kernelH * g.kernelW)
        forEachWindow(g, planes: planes) { p, o, rows, columns in
            let plane = dx + p * g.height * g.width
            let v = grad[o] * scale
            for y in rows {
                let row = plane + y * g.width
                for xx in columns { row[xx] += v }
            }
        }
    }
}
