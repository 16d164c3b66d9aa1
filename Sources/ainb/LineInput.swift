import CReadline
import Foundation

/// One read from the user: a line, Ctrl-C at the prompt, or the end of input (Ctrl-D).
enum LineInput: Equatable {
    case line(String)
    case interrupt
    case end
}

/// Where the REPL and step mode read lines from.
protocol LineSource: AnyObject {
    /// Reads one line after showing `prompt` (if the source shows prompts).
    func read(prompt: String) -> LineInput
    /// Remembers a complete entry in the history.
    func remember(_ entry: String)
}

/// Lines from standard input without a terminal: no editing, no history.
final class PlainLineSource: LineSource {
    /// Whether to print prompts (step mode does, so a log reads well; the REPL does not).
    let showsPrompts: Bool

    init(showsPrompts: Bool) {
        self.showsPrompts = showsPrompts
    }

    func read(prompt: String) -> LineInput {
        if showsPrompts { writeOut(prompt) }
        guard let line = Swift.readLine(strippingNewline: true) else { return .end }
        return .line(line)
    }

    func remember(_ entry: String) {}
}

/// Lines from a terminal through GNU readline: editing, history in a file, tab completion,
/// and Ctrl-C that clears the line instead of killing the process.
///
/// Uses readline's callback interface, so the REPL keeps control while waiting for keys
/// and can react to Ctrl-C at once.
final class ReadlineSource: LineSource {
    /// The history file (`~/.ainb_history`).
    let historyPath: String
    /// Completions of the word before the cursor.
    let completer: (String) -> [String]

    /// The source readline's C callbacks talk to (there is only one terminal).
    nonisolated(unsafe) static var current: ReadlineSource?
    nonisolated(unsafe) static var candidates: [String] = []
    nonisolated(unsafe) static var candidateIndex = 0
    private var pending: LineInput?

    /// Characters that end a word for completion (`.` is not one: members complete whole).
    private static let wordBreaks = strdup(" \t\n\"'`@$><=;|&{}()[],+-*/^%!:~")

    init(historyPath: String, completer: @escaping (String) -> [String]) {
        self.historyPath = historyPath
        self.completer = completer
        ReadlineSource.current = self
        rl_readline_name = UnsafePointer(strdup("ainb"))
        ainb_readline_configure(Self.wordBreaks)
        ainb_readline_set_completer { text, start, end in
            ainb_readline_completion_over()
            guard let text, let source = ReadlineSource.current, let buffer = rl_line_buffer else { return nil }
            // The evaluator completes the whole line before the cursor; readline replaces
            // only the word that starts at `start`.
            let bytes = UnsafeRawBufferPointer(start: buffer, count: Int(max(end, 0)))
            let linePrefix = String(decoding: bytes, as: UTF8.self)
            let head = String(decoding: bytes.prefix(Int(max(start, 0))), as: UTF8.self)
            let word = String(cString: text)
            ReadlineSource.candidates = source.completer(linePrefix).compactMap { candidate in
                guard candidate.hasPrefix(head) else { return nil }
                let tail = String(candidate.dropFirst(head.count))
                return tail.hasPrefix(word) ? tail : nil
            }
            ReadlineSource.candidateIndex = 0
            if ReadlineSource.candidates.isEmpty { return nil }
            return rl_completion_matches(text) { _, state in
                if state == 0 { ReadlineSource.candidateIndex = 0 }
                guard ReadlineSource.candidateIndex < ReadlineSource.candidates.count else { return nil }
                let candidate = ReadlineSource.candidates[ReadlineSource.candidateIndex]
                ReadlineSource.candidateIndex += 1
                return strdup(candidate)
            }
        }
        using_history()
        stifle_history(2000)
        _ = read_history(historyPath)
    }

    func read(prompt: String) -> LineInput {
        pending = nil
        _ = ainb_take_interrupts()
        rl_callback_handler_install(Self.markingInvisible(prompt)) { line in
            guard let source = ReadlineSource.current else { return }
            if let line {
                source.pending = .line(String(cString: line))
                free(line)
            } else {
                source.pending = .end
            }
            rl_callback_handler_remove()
        }
        while pending == nil {
            var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            // A Ctrl-C that lands outside poll (while a key is processed) does not interrupt
            // it: wake up every 100 ms to look at the counter.
            let ready = poll(&descriptor, 1, 100)
            if ainb_take_interrupts() > 0 {
                ainb_readline_clear_line()
                rl_callback_handler_remove()
                return .interrupt
            }
            if ready < 0 {
                if errno == EINTR { continue }
                rl_callback_handler_remove()
                return .end
            }
            if ready > 0 {
                if descriptor.revents & Int16(POLLIN) != 0 {
                    rl_callback_read_char()
                } else {
                    rl_callback_handler_remove()
                    return .end
                }
            }
        }
        let result = pending ?? .end
        if result == .end { writeOut("\n") }
        return result
    }

    /// The prompt with each ANSI escape sequence between readline's "invisible" markers
    /// (\u{1} … \u{2}), so readline knows the prompt's width on screen.
    static func markingInvisible(_ prompt: String) -> String {
        var out = ""
        var inEscape = false
        for scalar in prompt.unicodeScalars {
            if scalar == "\u{1B}" {
                out.unicodeScalars.append("\u{1}")
                inEscape = true
            }
            out.unicodeScalars.append(scalar)
            if inEscape, scalar.properties.isAlphabetic {
                out.unicodeScalars.append("\u{2}")
                inEscape = false
            }
        }
        return out
    }

    func remember(_ entry: String) {
        var text = entry
        while text.hasSuffix("\n") { text.removeLast() }
        guard !text.isEmpty else { return }
        add_history(text)
        _ = write_history(historyPath)
    }
}

/// Single key presses from a terminal, answered without Enter: step mode's prompt.
///
/// The terminal is put in non-canonical mode without echo for one key, then restored;
/// Ctrl-C still raises SIGINT, which the REPL's handler counts.
enum KeyPress {
    /// Shows `prompt` and waits for one key: Enter is an empty line, Ctrl-D the end of
    /// input, Ctrl-C an interrupt, any other key a one-character line. Escape sequences
    /// (arrow keys) are ignored.
    static func read(prompt: String) -> LineInput {
        writeOut(prompt)
        var saved = termios()
        guard tcgetattr(0, &saved) == 0 else { return .end }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        tcsetattr(0, TCSANOW, &raw)
        defer { tcsetattr(0, TCSANOW, &saved) }
        _ = ainb_take_interrupts()
        while true {
            var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 100)
            if ainb_take_interrupts() > 0 {
                writeOut("\n")
                return .interrupt
            }
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else {
                if ready < 0 { return .end }
                continue
            }
            var byte: UInt8 = 0
            guard Foundation.read(0, &byte, 1) == 1 else { return .end }
            switch byte {
            case 4:
                writeOut("\n")
                return .end
            case 10, 13:
                writeOut("\n")
                return .line("")
            case 27:
                drainPendingInput()
            case 32..<127:
                let key = String(UnicodeScalar(byte))
                writeOut(key + "\n")
                return .line(key)
            default:
                continue
            }
        }
    }

    /// Reads and drops what is already waiting (the rest of an escape sequence).
    private static func drainPendingInput() {
        var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        var byte: UInt8 = 0
        while poll(&descriptor, 1, 10) > 0, Foundation.read(0, &byte, 1) == 1 {}
    }
}
