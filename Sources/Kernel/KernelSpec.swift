import Foundation
import Graphics
import Notebook

/// The kernel spec Jupyter finds kernels by: `kernels/ainb/kernel.json` and two logos.
public enum KernelSpec {
    /// The text of `kernel.json`: Jupyter starts `ainb kernel -f CONNECTION_FILE`.
    public static let kernelJSON: String = JSONValue.object([
        ("argv", .array(["ainb", "kernel", "-f", "{connection_file}"].map { .string($0) })),
        ("display_name", .string("ainb")),
        ("language", .string("ainb")),
        ("interrupt_mode", .string("signal")),
        ("metadata", .object([])),
    ]).text(indent: 1) + "\n"

    /// The folder of the spec under a Jupyter data folder: `DIR/kernels/ainb`.
    public static func folder(inDataDirectory directory: String) -> String {
        (directory as NSString).appendingPathComponent("kernels/ainb")
    }

    /// Writes `kernel.json`, `logo-32x32.png` and `logo-64x64.png` into `folder`.
    public static func install(into folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try AtomicFile.write(Array(kernelJSON.utf8), to: (folder as NSString).appendingPathComponent("kernel.json"))
        for size in [32, 64] {
            try logo(size: size).save(to: (folder as NSString).appendingPathComponent("logo-\(size)x\(size).png"))
        }
    }

    /// The logo: a descent path down a parabola, on a round blue badge.
    public static func logo(size: Int) -> RGBAImage {
        var image = RGBAImage(width: size, height: size, fill: Color(r: 0, g: 0, b: 0, a: 0))
        let s = Double(size)
        image.fillCircle(center: Point(s / 2, s / 2), radius: s / 2 - 0.5, color: Color(hex: 0x1F6FEB))
        let curve = (0...32).map { i -> Point in
            let t = Double(i) / 32 * 2 - 1
            return Point(s / 2 + t * s * 0.32, s * 0.22 + (1 - t * t) * -s * 0.0 + t * t * s * 0.5)
        }
        image.drawPolyline(curve, width: max(1, s / 24), color: .white)
        let steps: [Double] = [-0.85, -0.45, -0.2, -0.06]
        for t in steps {
            image.fillCircle(center: Point(s / 2 + t * s * 0.32, s * 0.22 + t * t * s * 0.5), radius: max(1.5, s / 18),
                             color: Color(hex: 0xFFD33D))
        }
        return image
    }
}
