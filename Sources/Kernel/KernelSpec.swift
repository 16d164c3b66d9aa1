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
        // A U: x from -1 to 1 across the badge, the bottom low in the middle.
        func point(_ t: Double) -> Point { Point(s / 2 + t * s * 0.32, s * 0.72 - t * t * s * 0.46) }
        image.drawPolyline((0...32).map { point(Double($0) / 16 - 1) }, width: max(1, s / 24), color: .white)
        for t in [-0.85, -0.45, -0.2, -0.06] {
            image.fillCircle(center: point(t), radius: max(1.5, s / 18), color: Color(hex: 0xFFD33D))
        }
        return image
    }
}
