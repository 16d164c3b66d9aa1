import Dispatch
import Foundation
import Serve
import XCTest

/// Answers with what it received: the method and target in headers, the body as the body.
private let echo: HTTPServer.Handler = { request in
    HTTPResponse(status: 200, headers: [("X-Method", request.method), ("X-Target", request.target)], body: request.body)
}

/// The HTTP/1.1 layer itself, on a live loopback server with an echo handler.
final class HTTPServerTests: XCTestCase {
    private func small(body: Int = 1000, headers: Int = 64 * 1024, maxConnections: Int = 256,
                       idle: Double = 30, request: Double = 60) -> HTTPServer.Configuration {
        HTTPServer.Configuration(limits: .init(requestLine: 8 * 1024, headers: headers, body: body), maxConnections: maxConnections,
                                 idleTimeout: idle, requestTimeout: request)
    }

    func testKeepAliveAnswersTwoRequestsOnOneConnection() throws {
        try LiveServer(handler: echo).test { client in
            let connection = try client.connect()
            connection.send("POST /one HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
            let first = try connection.readResponse()
            XCTAssertEqual(first.status, 200)
            XCTAssertNil(first.header("Connection"))
            XCTAssertEqual(first.body, Array("abc".utf8))
            connection.send("GET /two HTTP/1.1\r\nHost: x\r\n\r\n")
            let second = try connection.readResponse()
            XCTAssertEqual(second.header("X-Target"), "/two")
            XCTAssertEqual(second.body, [])
        }
    }

    func testPipelinedRequestsAreAnsweredInOrder() throws {
        try LiveServer(handler: echo).test { client in
            let connection = try client.connect()
            connection.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhiGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let a = try connection.readResponse(), b = try connection.readResponse()
            XCTAssertEqual([a.header("X-Target"), b.header("X-Target")], ["/a", "/b"])
            XCTAssertEqual(a.body, Array("hi".utf8))
            XCTAssertEqual(b.header("Connection"), "close")
            XCTAssertTrue(try connection.isClosedByServer())
        }
    }

    func testHTTP10ClosesUnlessAskedToKeepAlive() throws {
        try LiveServer(handler: echo).test { client in
            let plain = try client.connect()
            plain.send("GET /a HTTP/1.0\r\n\r\n")
            XCTAssertEqual(try plain.readResponse().status, 200)
            XCTAssertTrue(try plain.isClosedByServer())
            let kept = try client.connect()
            kept.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            XCTAssertEqual(try kept.readResponse().header("Connection"), "keep-alive")
            kept.send("GET /b HTTP/1.0\r\n\r\n")
            XCTAssertEqual(try kept.readResponse().header("X-Target"), "/b")
        }
    }

    func testChunkedBodyIsReassembled() throws {
        try LiveServer(handler: echo).test { client in
            let connection = try client.connect()
            connection.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
            usleep(50_000)  // the rest arrives later, a chunk split across reads
            connection.send("1;ext=1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n")
            let response = try connection.readResponse()
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "hello 0123456789")
            // The connection is still in step for the next request.
            connection.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(try connection.readResponse().header("X-Target"), "/after")
        }
    }

    func testDeclaredBodyOverTheLimitIs413BeforeItIsSent() throws {
        try LiveServer(configuration: small(body: 1000), handler: echo).test { client in
            let connection = try client.connect()
            // Only the head: the answer must not wait for the million bytes announced.
            connection.send("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n")
            let response = try connection.readResponse()
            XCTAssertEqual(response.status, 413)
            XCTAssertEqual(String(decoding: response.body, as: UTF8.self), #"{"error":"the body has 1000000 bytes; at most 1000"}"#)
            XCTAssertEqual(response.header("Connection"), "close")
        }
    }

    func testChunkedBodyOverTheLimitIs413() throws {
        try LiveServer(configuration: small(body: 1000), handler: echo).test { client in
            let connection = try client.connect()
            let chunk = "258\r\n" + String(repeating: "x", count: 600) + "\r\n"
            connection.send("POST /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk)
            XCTAssertEqual(try connection.readResponse().status, 413)
            // Exactly at the limit is fine.
            let fits = try client.connect()
            fits.send("POST /fits HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n" + String(repeating: "y", count: 1000) + "\r\n0\r\n\r\n")
            XCTAssertEqual(try fits.readResponse().body.count, 1000)
        }
    }

    func testGarbageIs400() throws {
        let cases = [
            "HELLO\r\n\r\n",
            "GET /\r\nHost: x\r\n\r\n",
            "GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n",
            "GET  / HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET / HTTX/1.1\r\nHost: x\r\n\r\n",
            "\u{16}\u{03}\u{01}\u{02}",  // a TLS handshake: refused without waiting for a line end
            "GET / HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\nA: b\r\n folded\r\n\r\n",
            "GET / HTTP/1.1\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
        ]
        try LiveServer(handler: echo).test { client in
            for request in cases {
                let connection = try client.connect()
                connection.send(request)
                let response = try connection.readResponse()
                XCTAssertEqual(response.status, 400, request.debugDescription)
                XCTAssertTrue(String(decoding: response.body, as: UTF8.self).hasPrefix(#"{"error":""#), request.debugDescription)
            }
        }
    }

    func testOverLongRequestLineIs414AndHugeHeadersAre431() throws {
        try LiveServer(configuration: small(headers: 4096), handler: echo).test { client in
            let long = try client.connect()
            long.send("GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(try long.readResponse().status, 414)
            let many = try client.connect()
            many.send("GET / HTTP/1.1\r\nHost: x\r\n" + (0..<100).map { "X-Field-\($0): " + String(repeating: "v", count: 40) + "\r\n" }.joined() + "\r\n")
            XCTAssertEqual(try many.readResponse().status, 431)
            let one = try client.connect()
            one.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "v", count: 5000) + "\r\n\r\n")
            XCTAssertEqual(try one.readResponse().status, 431)
        }
    }

    func testOtherVersionsAre505AndOtherCodingsAre501() throws {
        try LiveServer(handler: echo).test { client in
            for version in ["HTTP/2.0", "HTTP/0.9", "HTTP/3.0"] {
                let connection = try client.connect()
                connection.send("GET / \(version)\r\nHost: x\r\n\r\n")
                XCTAssertEqual(try connection.readResponse().status, 505, version)
            }
            let gzip = try client.connect()
            gzip.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n")
            XCTAssertEqual(try gzip.readResponse().status, 501)
        }
    }

    func testExpect100ContinueIsAnswered() throws {
        try LiveServer(handler: echo).test { client in
            let connection = try client.connect()
            connection.send("POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
            XCTAssertEqual(try connection.readResponse().status, 100)
            connection.send("data")
            let response = try connection.readResponse()
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.body, Array("data".utf8))
            connection.send("POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: something\r\n\r\ndata")
            XCTAssertEqual(try connection.readResponse().status, 417)
        }
    }

    func testSlowClientIsCutOffWith408() throws {
        try LiveServer(configuration: small(request: 0.5), handler: echo).test { client in
            let connection = try client.connect()
            connection.send("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            // One byte every 100 ms for 3 s: each read is quick, the request as a whole is not,
            // so the answer must come at the request deadline, long before the bytes stop.
            let stop = DispatchSemaphore(value: 0)
            Thread {
                for _ in 0..<30 {
                    if stop.wait(timeout: .now() + 0.1) == .success || !connection.send("a") { break }
                }
            }.start()
            defer { stop.signal() }
            let start = Date()
            let response = try connection.readResponse()
            XCTAssertEqual(response.status, 408)
            XCTAssertLessThan(Date().timeIntervalSince(start), 2)
        }
    }

    func testSilentConnectionIsClosedAfterTheIdleTimeout() throws {
        try LiveServer(configuration: small(idle: 0.3), handler: echo).test { client in
            let silent = try client.connect()
            let start = Date()
            XCTAssertTrue(try silent.isClosedByServer())
            XCTAssertLessThan(Date().timeIntervalSince(start), 5)
            let kept = try client.connect()
            kept.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(try kept.readResponse().status, 200)
            XCTAssertTrue(try kept.isClosedByServer())
        }
    }

    func testConnectionsBeyondTheCapGet503() throws {
        try LiveServer(configuration: small(maxConnections: 1), handler: echo).test { client in
            let first = try client.connect()
            first.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(try first.readResponse().status, 200)  // admitted, and kept open
            let second = try client.connect()
            XCTAssertEqual(try second.readResponse().status, 503)
            first.send("GET /2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            XCTAssertEqual(try first.readResponse().status, 200)
            XCTAssertTrue(try first.isClosedByServer())
            // Its place is free again (the server counts it closed a moment after closing it).
            var status = 0
            for _ in 0..<50 where status != 200 {
                let third = try client.connect()
                third.send("GET /3 HTTP/1.1\r\nHost: x\r\n\r\n")
                status = try third.readResponse().status
                if status != 200 { usleep(20_000) }
            }
            XCTAssertEqual(status, 200)
        }
    }

    func testStopLetsTheRequestInFlightFinish() throws {
        let started = DispatchSemaphore(value: 0)
        let live = try LiveServer { request in
            started.signal()
            usleep(300_000)
            return echo(request)
        }
        let finished = DispatchSemaphore(value: 0)
        Thread { live.http.run(); finished.signal() }.start()
        let client = LiveClient(port: live.http.port)
        let busy = try client.connect(), idle = try client.connect()
        idle.send("GET /idle HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(started.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(try idle.readResponse().status, 200)
        busy.send("POST /busy HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok")
        XCTAssertEqual(started.wait(timeout: .now() + 10), .success)
        live.http.stop()
        let response = try busy.readResponse()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.body, Array("ok".utf8))
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertTrue(try idle.isClosedByServer())
        XCTAssertEqual(finished.wait(timeout: .now() + 10), .success)
        XCTAssertThrowsError(try client.connect())
    }
}
