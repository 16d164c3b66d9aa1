/// Max and average pooling loops over a range of planes ([H, W] images of an
/// NCHW tensor), so the public ops can spread planes over the threads.
enum PoolKernels {
    /// Max of each window (padding ignored) and the in-plane index of its first largest value.
    static func maxForward(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ arg: UnsafeMutablePointer<Int32>,
                           _ g: Conv2DGeometry, planes: Range<Int>) {
        let (oh, ow) = (g.outH, g.outW)
        for p in planes {
            let plane = src + p * g.height * g.width
            for i in 0..<oh {
                let y0 = i * g.strideH - g.padH
                let yStart = max(0, y0), yEnd = min(g.height, y0 + g.kernelH)
                for j in 0..<ow {
                    let x0 = j * g.strideW - g.padW
                    let xStart = max(0, x0), xEnd = min(g.width, x0 + g.kernelW)
                    var best = -Float.infinity, at = -1
                    for y in yStart..<yEnd {
                        let row = plane + y * g.width
                        for xx in xStart..<xEnd {
                            let v = row[xx]
                            if v > best || at < 0 || (v.isNaN && !best.isNaN) { best = v; at = y * g.width + xx }
                        }
                    }
                    let o = (p * oh + i) * ow + j
                    dst[o] = best
                    arg[o] = Int32(at)
                }
            }
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
        let (oh, ow) = (g.outH, g.outW)
        let scale = 1 / Float(g.kernelH * g.kernelW)
        for p in planes {
            let plane = src + p * g.height * g.width
            for i in 0..<oh {
                let y0 = i * g.strideH - g.padH
                let yStart = max(0, y0), yEnd = min(g.height, y0 + g.kernelH)
                for j in 0..<ow {
                    let x0 = j * g.strideW - g.padW
                    let xStart = max(0, x0), xEnd = min(g.width, x0 + g.kernelW)
                    var sum: Float = 0
                    for y in yStart..<yEnd {
                        let row = plane + y * g.width
                        for xx in xStart..<xEnd { sum += row[xx] * scale }
                    }
                    dst[(p * oh + i) * ow + j] = sum
                }
            }
        }
    }

    /// Spreads each output's gradient evenly over its window.
    static func avgBackward(_ grad: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ g: Conv2DGeometry,
                            planes: Range<Int>) {
        let (oh, ow) = (g.outH, g.outW)
        let scale = 1 / Float(g.kernelH * g.kernelW)
        for p in planes {
            let plane = dx + p * g.height * g.width
            for i in 0..<oh {
                let y0 = i * g.strideH - g.padH
                let yStart = max(0, y0), yEnd = min(g.height, y0 + g.kernelH)
                for j in 0..<ow {
                    let x0 = j * g.strideW - g.padW
                    let xStart = max(0, x0), xEnd = min(g.width, x0 + g.kernelW)
                    let v = grad[(p * oh + i) * ow + j] * scale
                    for y in yStart..<yEnd {
                        let row = plane + y * g.width
                        for xx in xStart..<xEnd { row[xx] += v }
                    }
                }
            }
        }
    }
}
