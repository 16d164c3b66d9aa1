import CReadline
import Dispatch
import Foundation
import Notebook

/// Runs code on a worker thread with a large stack while the main thread watches for
/// Ctrl-C: each press asks the evaluator to cancel (the REPL keeps its state); a third
/// press while the statement is still running exits.
final class StatementRunner {
    /// The evaluator to cancel on Ctrl-C.
    let evaluator: CellEvaluator
    /// Stack size of the worker thread. The language runs deep recursion on its own large
    /// stack; this one only needs room for the runner and any evaluator's first frames.
    static let stackSize = 64 << 20

    init(evaluator: CellEvaluator) {
        self.evaluator = evaluator
    }

    /// Installs the Ctrl-C flag handler; call once before running anything.
    static func installInterruptHandler() {
        ainb_install_sigint_handler()
    }

    /// Runs `body` on the worker thread; returns its result and whether Ctrl-C was pressed.
    func run<T>(_ body: @escaping () throws -> T) -> (result: Result<T, Error>, interrupted: Bool) {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.result = Result { try body() }
            done.signal()
        }
        thread.stackSize = Self.stackSize
        _ = ainb_take_interrupts()
        thread.start()
        var presses = 0
        while done.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
            let count = Int(ainb_take_interrupts())
            guard count > 0 else { continue }
            presses += count
            evaluator.cancel()
            if presses >= 3 {
                writeErr("\ninterrupted three times; exiting\n")
                exit(130)
            }
            // The terminal itself echoes "^C": say only what happens next.
            writeErr(presses == 1 ? "\n" + Palette.standardError.dim("cancelling… (press Ctrl-C twice more to exit)") + "\n" : "")
        }
        let result = box.result ?? .failure(CLIError("the statement did not finish"))
        return (result, presses > 0)
    }
}

/// Carries a result from the worker thread back to the main thread.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}
