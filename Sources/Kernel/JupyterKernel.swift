import Foundation
import Notebook
import Script

/// A Jupyter kernel for the ainb language: one evaluator (so one session, with the
/// REPL's semantics) served over the five Jupyter channels.
///
/// Shell requests run one after another on an execution thread; control requests
/// (interrupt, shutdown, kernel_info) and heartbeats are answered at once on the network
/// thread, so an interrupt reaches a running cell. Outputs stream to IOPub as they appear:
/// text as `stream`, tables as `text/markdown`, figures as `image/png`, the last value as
/// `execute_result`, failures as `error` with the positioned message.
public final class JupyterKernel: @unchecked Sendable {
    /// The channels, in the order they are bound.
    enum Channel: Int { case shell, iopub, stdin, control, heartbeat }

    let connection: ConnectionInfo
    let evaluator: CellEvaluator
    let hub = ZMTPHub()
    let factory = MessageFactory()
    let key: [UInt8]
    /// The implementation version reported in kernel_info.
    let version: String
    /// Called on every turn of the network loop (about every 50 ms and on each signal);
    /// returns how many interrupts (SIGINT) arrived since the last call.
    public var takeInterrupts: () -> Int = { 0 }
    /// Checked on every turn of the network loop: when it turns false (the process that
    /// started the kernel is gone), the kernel stops instead of living on as an orphan.
    public var parentAlive: () -> Bool = { true }
    /// Where the kernel logs what goes wrong (a bad signature, a dropped peer).
    public var log: (String) -> Void = { FileHandle.standardError.write(Data(("ainb kernel: " + $0 + "\n").utf8)) }

    private var sockets: [Channel: Int] = [:]
    private let state = NSCondition()
    private var queue: [JupyterMessage] = []
    private var running = true
    private var busy = false
    private var interrupted = false
    private var executionCount = 0

    /// A kernel for `connection` running code in `evaluator`.
    public init(connection: ConnectionInfo, evaluator: CellEvaluator, version: String) {
        self.connection = connection
        self.evaluator = evaluator
        self.key = Array(connection.key.utf8)
        self.version = version
    }

    /// Binds the five sockets; returns the ports bound (those given as 0 are chosen freely).
    @discardableResult
    public func bind() throws -> ConnectionInfo {
        var bound = connection
        let plan: [(Channel, Int, ZMTP.SocketType)] = [
            (.shell, connection.shellPort, .router), (.iopub, connection.iopubPort, .pub),
            (.stdin, connection.stdinPort, .router), (.control, connection.controlPort, .router),
            (.heartbeat, connection.hbPort, .rep),
        ]
        for (channel, port, type) in plan {
            let (socket, actual) = try hub.bind(host: connection.ip, port: port, type: type)
            sockets[channel] = socket
            switch channel {
            case .shell: bound.shellPort = actual
            case .iopub: bound.iopubPort = actual
            case .stdin: bound.stdinPort = actual
            case .control: bound.controlPort = actual
            case .heartbeat: bound.hbPort = actual
            }
        }
        hub.log = { [weak self] in self?.log($0) }
        hub.onMessage = { [weak self] socket, peer, parts in self?.received(socket: socket, peer: peer, parts: parts) }
        return bound
    }

    /// Serves until a shutdown request; call `bind()` first.
    public func run() {
        let worker = Thread { [weak self] in self?.executeLoop() }
        worker.stackSize = 64 << 20
        worker.start()
        publishStatus("starting", parent: nil)
        while isRunning {
            hub.poll(timeout: 50)
            if takeInterrupts() > 0 { interrupt() }
            if !parentAlive() {
                log("the process that started the kernel is gone; stopping")
                stop()
            }
        }
        state.lock()
        state.signal()
        state.unlock()
    }

    /// Stops serving (as a shutdown request does).
    public func stop() {
        state.lock()
        running = false
        state.signal()
        state.unlock()
    }

    private var isRunning: Bool {
        state.lock()
        defer { state.unlock() }
        return running
    }

    // MARK: Receiving

    private func received(socket: Int, peer: Int32, parts: [[UInt8]]) {
        guard let channel = sockets.first(where: { $0.value == socket })?.key else { return }
        switch channel {
        case .heartbeat:
            hub.send(parts, to: peer)
        case .iopub, .stdin:
            return
        case .shell, .control:
            var message: JupyterMessage
            do {
                message = try JupyterMessage.decode(parts, key: key)
            } catch {
                log("ignoring a message on \(channel == .shell ? "shell" : "control"): \(error)")
                return
            }
            message.identities.insert(withUnsafeBytes(of: peer) { Array($0) }, at: 0)
            if channel == .control {
                handleControl(message)
            } else {
                state.lock()
                queue.append(message)
                state.signal()
                state.unlock()
            }
        }
    }

    /// Sends a reply to the peer a request came from (the first identity is its connection).
    private func reply(_ request: JupyterMessage, type: String, content: JSONValue, channel: Channel) {
        guard let first = request.identities.first, first.count == MemoryLayout<Int32>.size else { return }
        let peer = first.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }
        let message = factory.message(type, parent: request, content: content, identities: Array(request.identities.dropFirst()))
        hub.send(message.frames(key: key), to: peer)
    }

    /// Publishes a message on IOPub with a topic naming its type.
    private func publish(_ type: String, parent: JupyterMessage?, content: JSONValue) {
        guard let socket = sockets[.iopub] else { return }
        let topic = Array("kernel.\(factory.session).\(type)".utf8)
        hub.publish(factory.message(type, parent: parent, content: content, identities: [topic]).frames(key: key), socket: socket)
    }

    private func publishStatus(_ status: String, parent: JupyterMessage?) {
        publish("status", parent: parent, content: .object([("execution_state", .string(status))]))
    }

    // MARK: Control

    private func handleControl(_ request: JupyterMessage) {
        publishStatus("busy", parent: request)
        defer { publishStatus("idle", parent: request) }
        switch request.type {
        case "interrupt_request":
            interrupt()
            reply(request, type: "interrupt_reply", content: .object([("status", .string("ok"))]), channel: .control)
        case "shutdown_request":
            let restart = request.content["restart"]?.bool ?? false
            interrupt()
            reply(request, type: "shutdown_reply", content: .object([("status", .string("ok")), ("restart", .bool(restart))]), channel: .control)
            stop()
        case "kernel_info_request":
            reply(request, type: "kernel_info_reply", content: kernelInfo, channel: .control)
        default:
            log("no answer to '\(request.type)' on control")
        }
    }

    /// Asks running code to stop; nothing happens when no code runs (a cancel then would
    /// stop the next cell as it starts).
    public func interrupt() {
        state.lock()
        if busy {
            interrupted = true
            evaluator.cancel()
        }
        state.unlock()
    }

    // MARK: Shell

    private func executeLoop() {
        while true {
            state.lock()
            while queue.isEmpty && running { state.wait() }
            guard running else { state.unlock(); return }
            let request = queue.removeFirst()
            state.unlock()
            publishStatus("busy", parent: request)
            handleShell(request)
            publishStatus("idle", parent: request)
        }
    }

    private func handleShell(_ request: JupyterMessage) {
        let content = request.content
        switch request.type {
        case "execute_request":
            execute(request, code: content["code"]?.string ?? "", silent: content["silent"]?.bool ?? false,
                    storeHistory: content["store_history"]?.bool ?? true)
        case "kernel_info_request":
            reply(request, type: "kernel_info_reply", content: kernelInfo, channel: .shell)
        case "complete_request":
            reply(request, type: "complete_reply", content: complete(content["code"]?.string ?? "", cursor: content["cursor_pos"]?.int), channel: .shell)
        case "inspect_request":
            reply(request, type: "inspect_reply", content: inspect(content["code"]?.string ?? "", cursor: content["cursor_pos"]?.int), channel: .shell)
        case "is_complete_request":
            let incomplete = evaluator.isIncomplete(content["code"]?.string ?? "")
            reply(request, type: "is_complete_reply", content: .object(incomplete
                ? [("status", .string("incomplete")), ("indent", .string("  "))] : [("status", .string("complete"))]), channel: .shell)
        case "history_request":
            reply(request, type: "history_reply", content: .object([("status", .string("ok")), ("history", .array([]))]), channel: .shell)
        case "comm_info_request":
            reply(request, type: "comm_info_reply", content: .object([("status", .string("ok")), ("comms", .object([]))]), channel: .shell)
        case "shutdown_request":
            let restart = content["restart"]?.bool ?? false
            reply(request, type: "shutdown_reply", content: .object([("status", .string("ok")), ("restart", .bool(restart))]), channel: .shell)
            stop()
        default:
            log("no answer to '\(request.type)' on shell")
        }
    }

    /// The kernel_info reply.
    var kernelInfo: JSONValue {
        .object([
            ("status", .string("ok")), ("protocol_version", .string("5.3")), ("implementation", .string("ainb")),
            ("implementation_version", .string(version)), ("language_info", IpynbExporter.languageInfo),
            ("banner", .string("ainb \(version): deep learning from plain-text notebooks. `help()` lists the builtins.")),
            ("help_links", .array([])),
        ])
    }

    private func execute(_ request: JupyterMessage, code: String, silent: Bool, storeHistory: Bool) {
        if !silent && storeHistory { executionCount += 1 }
        let count = executionCount
        if !silent { publish("execute_input", parent: request, content: .object([("code", .string(code)), ("execution_count", .number(Double(count)))])) }
        let before = evaluator.recordedMetrics
        evaluator.output = { [weak self] item in
            guard let self, !silent else { return }
            self.show(item, parent: request)
        }
        state.lock()
        busy = true
        interrupted = false
        state.unlock()
        let result = Result { try evaluator.evaluate(code, file: "In[\(count)]", line: 1) }
        state.lock()
        busy = false
        let wasInterrupted = interrupted
        state.unlock()
        evaluator.output = { _ in }
        let metrics = Self.changedMetrics(before: before, after: evaluator.recordedMetrics)
        switch result {
        case .success(let shown):
            if !silent {
                for item in shown {
                    if case .image = item {
                        show(item, parent: request)
                    } else {
                        publish("execute_result", parent: request, content: .object([
                            ("data", IpynbOutputs.data(item.trimmingFinalNewline)), ("metadata", .object([])),
                            ("execution_count", .number(Double(count))),
                        ]))
                    }
                }
                for output in IpynbOutputs.outputs([], metrics: metrics) {
                    publish("display_data", parent: request, content: output.removing("output_type"))
                }
            }
            reply(request, type: "execute_reply", content: .object([
                ("status", .string("ok")), ("execution_count", .number(Double(count))),
                ("user_expressions", .object([])), ("payload", .array([])),
            ]), channel: .shell)
        case .failure(let error):
            let failure = error as? CellFailure ?? CellFailure(message: "\(error)", description: "In[\(count)]: error: \(error)")
            var fields = IpynbOutputs.errorFields(failure)
            if wasInterrupted { fields[0].1 = .string("KeyboardInterrupt") }
            // Taken before the reply, so a request sent after seeing the reply still runs.
            let aborted = request.content["stop_on_error"]?.bool ?? true ? takeQueuedExecutions() : []
            if !silent { publish("error", parent: request, content: .object(fields)) }
            reply(request, type: "execute_reply", content: .object([("status", .string("error")), ("execution_count", .number(Double(count)))] + fields),
                  channel: .shell)
            abort(aborted)
        }
    }

    /// The execute requests queued so far (that stop on errors), out of the queue.
    private func takeQueuedExecutions() -> [JupyterMessage] {
        func stops(_ message: JupyterMessage) -> Bool {
            message.type == "execute_request" && (message.content["stop_on_error"]?.bool ?? true)
        }
        state.lock()
        defer { state.unlock() }
        let taken = queue.filter(stops)
        queue.removeAll(where: stops)
        return taken
    }

    /// After a failure, the cells already queued behind it ("Run all") are not run: each
    /// gets an `aborted` reply, as the cells after a failing one in `ainb run`.
    private func abort(_ aborted: [JupyterMessage]) {
        for request in aborted {
            publishStatus("busy", parent: request)
            reply(request, type: "execute_reply", content: .object([("status", .string("aborted"))]), channel: .shell)
            publishStatus("idle", parent: request)
        }
    }

    /// Publishes one item as it is printed: text as a stream, the rest as display data.
    private func show(_ item: DisplayItem, parent: JupyterMessage) {
        // A live progress bar would be a message per redraw; the epoch lines say enough.
        if case .progress = item { return }
        if case .timed(let text, let seconds) = item {
            let time = seconds >= 1 ? String(format: "%.2f s", seconds) : String(format: "%.1f ms", seconds * 1e3)
            publish("stream", parent: parent, content: .object([("name", .string("stdout")), ("text", .string("\(text) (\(time))\n"))]))
            return
        }
        if case .text(var text) = item {
            if !text.hasSuffix("\n") && !text.hasSuffix("\r") { text += "\n" }
            publish("stream", parent: parent, content: .object([("name", .string("stdout")), ("text", .string(text))]))
        } else {
            publish("display_data", parent: parent, content: .object([("data", IpynbOutputs.data(item)), ("metadata", .object([]))]))
        }
    }

    /// The metrics a cell recorded or changed: Session keeps one entry per name.
    static func changedMetrics(before: [(name: String, value: Double)], after: [(name: String, value: Double)]) -> [Metric] {
        var previous: [String: Double] = [:]
        for metric in before { previous[metric.name] = metric.value }
        return after.filter { metric in
            guard let old = previous[metric.name] else { return true }
            return !(old == metric.value || (old.isNaN && metric.value.isNaN))
        }.map { Metric(name: $0.name, value: $0.value) }
    }

    // MARK: Completion and inspection

    /// The unicode scalars of `code` before `cursor` (Jupyter counts code points).
    static func prefix(_ code: String, cursor: Int?) -> String {
        let scalars = Array(code.unicodeScalars)
        let end = min(max(cursor ?? scalars.count, 0), scalars.count)
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars[..<end])
        return text
    }

    func complete(_ code: String, cursor: Int?) -> JSONValue {
        let before = Self.prefix(code, cursor: cursor)
        let end = before.unicodeScalars.count
        // The word being completed: letters, digits, `_` and `.` before the cursor.
        var start = end
        let scalars = Array(before.unicodeScalars)
        while start > 0, scalars[start - 1].properties.isAlphabetic || ("0"..."9").contains(scalars[start - 1]) || scalars[start - 1] == "_" || scalars[start - 1] == "." {
            start -= 1
        }
        var head = ""
        head.unicodeScalars.append(contentsOf: scalars[..<start])
        let matches = evaluator.completions(for: before).map { $0.hasPrefix(head) ? String($0.dropFirst(head.count)) : $0 }
        return .object([
            ("status", .string("ok")), ("matches", .array(matches.map { .string($0) })),
            ("cursor_start", .number(Double(start))), ("cursor_end", .number(Double(end))), ("metadata", .object([])),
        ])
    }

    func inspect(_ code: String, cursor: Int?) -> JSONValue {
        let scalars = Array(code.unicodeScalars)
        let cursor = min(max(cursor ?? scalars.count, 0), scalars.count)
        func isWord(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "_" }
        var start = cursor, end = cursor
        while start > 0, isWord(scalars[start - 1]) { start -= 1 }
        while end < scalars.count, isWord(scalars[end]) { end += 1 }
        var name = ""
        name.unicodeScalars.append(contentsOf: scalars[start..<end])
        guard !name.isEmpty, let doc = evaluator.help(name) else {
            return .object([("status", .string("ok")), ("found", .bool(false)), ("data", .object([])), ("metadata", .object([]))])
        }
        return .object([
            ("status", .string("ok")), ("found", .bool(true)),
            ("data", .object([("text/plain", .string(doc)), ("text/markdown", .string(doc))])), ("metadata", .object([])),
        ])
    }
}

extension DisplayItem {
    /// A text item without the newline that ends it (an `execute_result` adds its own).
    var trimmingFinalNewline: DisplayItem {
        if case .text(let text) = self, text.hasSuffix("\n") { return .text(String(text.dropLast())) }
        return self
    }
}

extension JSONValue {
    /// An object without `key`.
    func removing(_ key: String) -> JSONValue {
        if case .object(let pairs) = self { return .object(pairs.filter { $0.0 != key }) }
        return self
    }
}
