import Foundation
import Kernel
import Notebook
import XCTest

/// The kernel over loopback, driven by the test's own ZMTP peers: a DEALER on shell and
/// control, a SUB on IOPub, a REQ on the heartbeat.
final class KernelLoopbackTests: XCTestCase {
    let key = Array("test-key".utf8)
    let factory = MessageFactory(session: "client")
    var kernel: JupyterKernel!
    var ports: ConnectionInfo!
    var shell: ZMTPPeer!
    var control: ZMTPPeer!
    var iopub: ZMTPPeer!

    override func setUpWithError() throws {
        let info = ConnectionInfo(key: "test-key", shellPort: 0, iopubPort: 0, stdinPort: 0, controlPort: 0, hbPort: 0)
        kernel = JupyterKernel(connection: info, evaluator: ScriptEvaluator(), version: "test")
        kernel.log = { _ in }
        ports = try kernel.bind()
        let kernel = self.kernel!
        Thread { kernel.run() }.start()
        shell = try ZMTPPeer(port: ports.shellPort, type: .dealer)
        control = try ZMTPPeer(port: ports.controlPort, type: .dealer)
        iopub = try ZMTPPeer(port: ports.iopubPort, type: .sub)
        iopub.send([[1]]) // subscribe to everything
    }

    override func tearDown() {
        kernel?.stop()
    }

    func request(_ peer: ZMTPPeer, _ type: String, _ content: JSONValue) throws -> JupyterMessage {
        let message = factory.message(type, parent: nil, content: content)
        peer.send(message.frames(key: key))
        let reply = try JupyterMessage.decode(try peer.receive(), key: key)
        XCTAssertEqual(reply.parentHeader["msg_id"], message.header["msg_id"])
        return reply
    }

    /// IOPub messages up to the `idle` status that ends a request.
    func iopubUntilIdle() throws -> [JupyterMessage] {
        var messages: [JupyterMessage] = []
        while true {
            let message = try JupyterMessage.decode(try iopub.receive(), key: key)
            if message.type == "status", message.content["execution_state"]?.string == "starting" { continue }
            messages.append(message)
            if message.type == "status", message.content["execution_state"]?.string == "idle" { return messages }
        }
    }

    func testTheKernelAnnouncesItsSocketTypes() {
        XCTAssertEqual(shell.serverType, "ROUTER")
        XCTAssertEqual(iopub.serverType, "PUB")
    }

    func testKernelInfoAnswersOnShellAndControl() throws {
        let reply = try request(shell, "kernel_info_request", .object([]))
        XCTAssertEqual(reply.type, "kernel_info_reply")
        XCTAssertEqual(reply.content["protocol_version"]?.string, "5.3")
        XCTAssertEqual(reply.content["language_info"]?["name"]?.string, "ainb")
        XCTAssertEqual(try request(control, "kernel_info_request", .object([])).type, "kernel_info_reply")
    }

    func testExecuteStreamsPrintsAndPublishesTheResult() throws {
        _ = try request(shell, "kernel_info_request", .object([]))
        _ = try iopubUntilIdle()
        let reply = try request(shell, "execute_request", .object([("code", .string("x = 20\nprint(\"half\")\nx * 2")), ("silent", .bool(false))]))
        XCTAssertEqual(reply.content["status"]?.string, "ok")
        XCTAssertEqual(reply.content["execution_count"]?.int, 1)
        let published = try iopubUntilIdle()
        XCTAssertEqual(published.map(\.type), ["status", "execute_input", "stream", "execute_result", "status"])
        XCTAssertEqual(published[2].content["text"]?.string, "half\n")
        XCTAssertEqual(published[3].content["data"]?["text/plain"]?.string, "40")
        // The session keeps its state between requests.
        _ = try request(shell, "execute_request", .object([("code", .string("x + 1"))]))
        XCTAssertEqual(try iopubUntilIdle().first { $0.type == "execute_result" }?.content["data"]?["text/plain"]?.string, "21")
    }

    func testAFailureIsAnErrorWithItsPosition() throws {
        let reply = try request(shell, "execute_request", .object([("code", .string("y = 1\ny + nope"))]))
        XCTAssertEqual(reply.content["status"]?.string, "error")
        XCTAssertEqual(reply.content["ename"]?.string, "Error")
        let traceback = reply.content["traceback"]?.array?.compactMap(\.string) ?? []
        XCTAssertTrue(traceback.first?.hasPrefix("In[1]:2:5: error: ") == true, "\(traceback)")
    }

    func testCompleteInspectAndIsComplete() throws {
        _ = try request(shell, "execute_request", .object([("code", .string("learning_rate = 0.1"))]))
        let completion = try request(shell, "complete_request", .object([("code", .string("y = learn")), ("cursor_pos", .number(9))]))
        XCTAssertEqual(completion.content["matches"], .array([.string("learning_rate")]))
        XCTAssertEqual(completion.content["cursor_start"]?.int, 4)
        XCTAssertEqual(completion.content["cursor_end"]?.int, 9)
        let inspection = try request(shell, "inspect_request", .object([("code", .string("descend(f)")), ("cursor_pos", .number(3))]))
        XCTAssertEqual(inspection.content["found"]?.bool, true)
        XCTAssertTrue(inspection.content["data"]?["text/plain"]?.string?.hasPrefix("descend(") == true)
        let open = try request(shell, "is_complete_request", .object([("code", .string("for i in 0..3 {"))]))
        XCTAssertEqual(open.content["status"]?.string, "incomplete")
        let done = try request(shell, "is_complete_request", .object([("code", .string("1 + 2"))]))
        XCTAssertEqual(done.content["status"]?.string, "complete")
    }

    func testAnInterruptStopsALongLoopAndKeepsTheState() throws {
        _ = try request(shell, "execute_request", .object([("code", .string("kept = 7"))]))
        let long = factory.message("execute_request", parent: nil, content: .object([("code", .string("n = 0\nwhile true { n = n + 1 }"))]))
        shell.send(long.frames(key: key))
        Thread.sleep(forTimeInterval: 0.3)
        let started = Date()
        XCTAssertEqual(try request(control, "interrupt_request", .object([])).type, "interrupt_reply")
        let reply = try JupyterMessage.decode(try shell.receive(), key: key)
        XCTAssertLessThan(Date().timeIntervalSince(started), 1.0)
        XCTAssertEqual(reply.content["status"]?.string, "error")
        XCTAssertEqual(reply.content["ename"]?.string, "KeyboardInterrupt")
        let after = try request(shell, "execute_request", .object([("code", .string("kept"))]))
        XCTAssertEqual(after.content["status"]?.string, "ok")
    }

    func testCellsQueuedBehindAFailureAreAborted() throws {
        let failing = factory.message("execute_request", parent: nil, content: .object([
            ("code", .string("n = 0\nwhile n < 20000 { n = n + 1 }\nnope")), ("stop_on_error", .bool(true)),
        ]))
        let next = factory.message("execute_request", parent: nil, content: .object([("code", .string("ran_after = 1"))]))
        // Both in one write, so the second is queued while the first runs.
        shell.write(ZMTP.frames(failing.frames(key: key)) + ZMTP.frames(next.frames(key: key)))
        let first = try JupyterMessage.decode(try shell.receive(), key: key)
        let second = try JupyterMessage.decode(try shell.receive(), key: key)
        XCTAssertEqual(first.content["status"]?.string, "error")
        XCTAssertEqual(second.parentHeader["msg_id"], next.header["msg_id"])
        XCTAssertEqual(second.content["status"]?.string, "aborted")
        let check = try request(shell, "execute_request", .object([("code", .string("ran_after"))]))
        XCTAssertEqual(check.content["status"]?.string, "error")
    }

    func testHeartbeatEchoes() throws {
        let heartbeat = try ZMTPPeer(port: ports.hbPort, type: .req)
        heartbeat.send([[], Array("ping".utf8)])
        XCTAssertEqual(try heartbeat.receive(), [[], Array("ping".utf8)])
    }

    func testABadSignatureIsIgnored() throws {
        var frames = factory.message("kernel_info_request", parent: nil, content: .object([])).frames(key: key)
        frames[2] = Array(String(repeating: "0", count: 64).utf8)
        shell.send(frames)
        // The forged request gets no answer; the next good one does, and is the first reply.
        let reply = try request(shell, "is_complete_request", .object([("code", .string("1"))]))
        XCTAssertEqual(reply.type, "is_complete_reply")
    }
}
