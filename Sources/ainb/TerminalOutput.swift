import Files
import Foundation
import Notebook
import Script

/// Writes what code shows to the terminal: text as is, tables as aligned columns, figures
/// saved as PNG files whose paths are printed.
final class TerminalOutput {
    /// Where figures are saved; created when the first figure comes.
    let figuresFolder: String
    private var figureCount = 0
    private let lock = NSLock()
    /// Whether a status line (a progress bar) is drawn and not yet ended by a newline.
    private var statusShown = false
    /// Progress bars are drawn only on a terminal that understands "erase to end of line".
    private let drawsProgress = isTerminal(1) && ProcessInfo.processInfo.environment["TERM"] != "dumb"

    /// Creates an output that saves figures into `figuresFolder`.
    init(figuresFolder: String) {
        self.figuresFolder = figuresFolder
    }

    /// A fresh folder for figures under the system's temporary folder.
    static func temporaryFiguresFolder() -> String {
        NSTemporaryDirectory().appendingPathComponentSafe("ainb-figures-\(getpid())")
    }

    /// Shows one item on standard output.
    func show(_ item: DisplayItem) {
        lock.lock()
        defer { lock.unlock() }
        if case .progress(let line) = item {
            guard drawsProgress else { return }
            writeOut("\r" + line + "\u{1B}[K")
            statusShown = !line.isEmpty
            return
        }
        if statusShown {
            writeOut("\r\u{1B}[K")
            statusShown = false
        }
        switch item {
        case .progress:
            break
        case .timed(let text, let seconds):
            writeOut(text + Palette.standardOutput.dim(" (\(Self.duration(seconds)))") + "\n")
        case .text(let text):
            // A text ending in a carriage return is a progress line: it redraws in place.
            writeOut(text.hasSuffix("\n") || text.hasSuffix("\r") ? text : text + "\n")
        case .table(let headers, let rows):
            writeOut(TableText.render(headers: headers, rows: rows))
        case .image(let png, let caption):
            figureCount += 1
            let path = figuresFolder.appendingPathComponentSafe("figure-\(figureCount).png")
            do {
                try FileManager.default.createDirectory(atPath: figuresFolder, withIntermediateDirectories: true)
                try AtomicFile.write(png, to: path)
                writeOut("[figure\(caption.isEmpty ? "" : ": \(caption)")] \(path)\n")
            } catch let error as AtomicFileError {
                writeErr("error: \(error)\n")
            } catch {
                writeErr("error: cannot save figure to \(path): \(error.localizedDescription)\n")
            }
        }
    }

    /// "0.42 s", "12.0 ms", "3 µs"; "2:05" past a minute.
    static func duration(_ seconds: Double) -> String {
        if seconds >= 60 { return String(format: "%d:%02d", Int(seconds) / 60, Int(seconds) % 60) }
        if seconds >= 1 { return String(format: "%.2f s", seconds) }
        if seconds >= 1e-3 { return String(format: "%.1f ms", seconds * 1e3) }
        return String(format: "%.0f µs", seconds * 1e6)
    }
}

/// Writes to standard output at once (no buffering surprises between threads).
func writeOut(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

/// Writes to standard error.
func writeErr(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

/// Whether a file descriptor is a terminal.
func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

extension String {
    func appendingPathComponentSafe(_ component: String) -> String {
        (self as NSString).appendingPathComponent(component)
    }

    /// `~` or `~/…` expanded to the home folder.
    var expandingTilde: String {
        if self == "~" || hasPrefix("~/") { return (self as NSString).expandingTildeInPath }
        return self
    }
}
