import Kernel
import Notebook
import XCTest

/// SHA-256 against FIPS 180-4 examples, HMAC-SHA256 against RFC 4231, and Jupyter's
/// message signatures.
final class SigningTests: XCTestCase {
    func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    func testSHA256MatchesTheStandardsExamples() {
        XCTAssertEqual(SHA256.hex(SHA256.hash([])), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(SHA256.hash(Array("abc".utf8))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hex(SHA256.hash([UInt8](repeating: 0x61, count: 1_000))),
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    func testHMACMatchesRFC4231() {
        let cases: [(key: [UInt8], data: [UInt8], mac: String)] = [
            ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
             "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            ([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
             "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            (bytes("0102030405060708090a0b0c0d0e0f10111213141516171819"), [UInt8](repeating: 0xcd, count: 50),
             "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
            ([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
            ([UInt8](repeating: 0xaa, count: 131),
             Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
             "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        ]
        for (key, data, mac) in cases {
            XCTAssertEqual(SHA256.hex(SHA256.hmac(key: key, message: data)), mac)
        }
    }

    func testMessagesAreSignedAndForgeriesRejected() throws {
        let key = Array("secret-key".utf8)
        let factory = MessageFactory(session: "s1")
        let message = factory.message("execute_request", parent: nil,
                                      content: .object([("code", .string("1 + 1"))]), identities: [Array("peer".utf8)])
        let frames = message.frames(key: key)
        XCTAssertEqual(frames[1], JupyterMessage.delimiter)
        // The signature is the HMAC of header, parent header, metadata and content, in hex.
        XCTAssertEqual(String(decoding: frames[2], as: UTF8.self),
                       SHA256.hex(SHA256.hmac(key: key, message: Array(frames[3...6].joined()))))
        let decoded = try JupyterMessage.decode(frames, key: key)
        XCTAssertEqual(decoded, message)
        XCTAssertEqual(decoded.type, "execute_request")
        XCTAssertEqual(decoded.identities, [Array("peer".utf8)])

        var forged = frames
        forged[6] = Array(#"{"code":"rm()"}"#.utf8)
        XCTAssertThrowsError(try JupyterMessage.decode(forged, key: key))
        XCTAssertThrowsError(try JupyterMessage.decode(frames, key: Array("other".utf8)))
        XCTAssertThrowsError(try JupyterMessage.decode(Array(frames.prefix(4)), key: key))
        // Without a key, messages carry an empty signature.
        XCTAssertEqual(message.frames(key: [])[2], [])
    }

    func testMessageHeadersFollowProtocol53() {
        let header = MessageFactory(session: "abc").header("status")
        XCTAssertEqual(header["version"]?.string, "5.3")
        XCTAssertEqual(header["session"]?.string, "abc")
        XCTAssertEqual(header["msg_type"]?.string, "status")
        let date = header["date"]?.string ?? ""
        XCTAssertTrue(date.count == 27 && date.hasSuffix("Z") && date.contains("T"), date)
        XCTAssertNotEqual(MessageFactory().header("a")["msg_id"], MessageFactory().header("a")["msg_id"])
    }
}
