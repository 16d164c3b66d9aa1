import Foundation

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
struct ProgressBar {
    let enabled: Bool
    let total: Int
    let epoch: Int
    let epochs: Int
    let start = Date()
    var lastDraw = Date.distantPast

    init(enabled: Bool, total: Int, epoch: Int, epochs: Int) {
        self.enabled = enabled && isatty(2) != 0
        self.total = total
        self.epoch = epoch
        self.epochs = epochs
    }

    /// Redraws after batch `done` of `total` (at most ten times a second, and always at the end).
    mutating func update(done: Int, images: Int, loss: Double) {
        guard enabled else { return }
        let now = Date()
        guard done == total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(images) / elapsed : 0
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let line = "\r" + progressLine(epoch: epoch, epochs: epochs, batch: done, batches: total, loss: loss,
                                        imagesPerSecond: rate, eta: eta) + " "
        FileHandle.standardError.write(Data(line.utf8))
        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}

/// The text of the training progress bar: epoch, batch i/n, a bar, running loss, images/s and ETA.
public func progressLine(epoch: Int, epochs: Int, batch: Int, batches: Int, loss: Double, imagesPerSecond: Double, eta: Double) -> String {
    let width = 24
    let filled = batches > 0 ? min(width, width * batch / batches) : width
    let bar = String(repeating: "=", count: filled) + (filled < width ? ">" + String(repeating: " ", count: width - filled - 1) : "")
    return "Epoch \(epoch)/\(epochs) \(batch)/\(batches) [\(bar)] "
        + String(format: "loss %.4f  %.1f img/s", loss, imagesPerSecond) + "  ETA \(ProgressBar.clock(eta))"
}
