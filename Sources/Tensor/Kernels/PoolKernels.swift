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

    /// Max of each window (padding ignored) and the in-plane index of its first largest value.
    static func maxForward(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ arg: UnsafeMutablePointer<Int32>,
                           _ g: Conv2DGeometry, planes: Range<Int>) {
        forEachWindow(g, planes: planes) { p, o, rows, columns in
            let plane = src + p * g.height * g.width
            var best = -Float.infinity, at = -1
            for y in rows {
                let row = plane + y * g.width
                for xx in columns {
                    let v = row[xx]
                    if v > best || at < 0 || (v.isNaN && !best.isNaN) { best = v; at = y * g.width + xx }
                }
            }
            dst[o] = best
            arg[o] = Int32(at)
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
