import Kernel
import XCTest

/// ZMTP 3.0 framing, greeting and READY, without a network.
final class ZMTPTests: XCTestCase {
    func testShortAndLongFramesRoundTrip() throws {
        let short = ZMTP.Frame(body: Array("hello".utf8), more: true)
        XCTAssertEqual(short.encoded, [0x01, 5] + Array("hello".utf8))
        let long = ZMTP.Frame(body: [UInt8](repeating: 7, count: 300))
        XCTAssertEqual(Array(long.encoded.prefix(9)), [0x02, 0, 0, 0, 0, 0, 0, 0x01, 0x2C])
        for frame in [short, long, ZMTP.Frame(body: [])] {
            let decoded = try ZMTP.Frame.decode(frame.encoded[...])
            XCTAssertEqual(decoded?.0, frame)
            XCTAssertEqual(decoded?.1, frame.encoded.count)
        }
    }

    func testAFrameSplitAcrossReadsWaitsForTheRest() throws {
        let bytes = ZMTP.Frame(body: [UInt8](repeating: 1, count: 300)).encoded
        XCTAssertNil(try ZMTP.Frame.decode(bytes[0..<5]))
        XCTAssertNil(try ZMTP.Frame.decode(bytes[0..<200]))
        XCTAssertNotNil(try ZMTP.Frame.decode(bytes[...]))
        XCTAssertThrowsError(try ZMTP.Frame.decode([0x80, 1, 0][...]))
    }

    func testMultipartMessagesSetMoreOnAllButTheLast() throws {
        let bytes = ZMTP.frames([[1], [2, 3], []])
        XCTAssertEqual(bytes, [0x01, 1, 1, 0x01, 2, 2, 3, 0x00, 0])
    }

    func testGreetingIsZMTP3WithNullSecurity() throws {
        let greeting = ZMTP.greeting
        XCTAssertEqual(greeting.count, 64)
        XCTAssertEqual(Array(greeting[0..<12]), [0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 3, 0])
        XCTAssertEqual(Array(greeting[12..<16]), Array("NULL".utf8))
        XCTAssertNoThrow(try ZMTP.checkGreeting(greeting))
        var curve = greeting
        curve.replaceSubrange(12..<17, with: Array("CURVE".utf8))
        XCTAssertThrowsError(try ZMTP.checkGreeting(curve))
        var old = greeting
        old[10] = 2
        XCTAssertThrowsError(try ZMTP.checkGreeting(old))
    }

    func testReadyCarriesTheSocketTypeAndProperties() throws {
        let frame = ZMTP.ready(.dealer, properties: [("Identity", [9, 8])])
        XCTAssertTrue(frame.isCommand)
        XCTAssertEqual(Array(frame.body.prefix(6)), [5] + Array("READY".utf8))
        let (name, data) = try ZMTP.parseCommand(frame)
        XCTAssertEqual(name, "READY")
        let properties = try ZMTP.readyProperties(data)
        XCTAssertEqual(properties["Socket-Type"], Array("DEALER".utf8))
        XCTAssertEqual(properties["Identity"], [9, 8])
        XCTAssertThrowsError(try ZMTP.readyProperties([11, 0x53]))
        XCTAssertTrue(ZMTP.compatible(.router, .dealer))
        XCTAssertTrue(ZMTP.compatible(.pub, .sub))
        XCTAssertFalse(ZMTP.compatible(.pub, .dealer))
    }
}
