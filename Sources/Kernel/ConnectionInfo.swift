import Foundation
import Notebook

/// A Jupyter connection file: where the kernel listens and the key it signs with.
public struct ConnectionInfo: Equatable, Sendable {
    public var ip: String
    public var transport: String
    public var key: String
    public var signatureScheme: String
    public var shellPort: Int
    public var iopubPort: Int
    public var stdinPort: Int
    public var controlPort: Int
    public var hbPort: Int

    public init(ip: String = "127.0.0.1", transport: String = "tcp", key: String, signatureScheme: String = "hmac-sha256",
                shellPort: Int, iopubPort: Int, stdinPort: Int, controlPort: Int, hbPort: Int) {
        self.ip = ip
        self.transport = transport
        self.key = key
        self.signatureScheme = signatureScheme
        self.shellPort = shellPort
        self.iopubPort = iopubPort
        self.stdinPort = stdinPort
        self.controlPort = controlPort
        self.hbPort = hbPort
    }

    /// Reads a connection file; errors name the file and what is missing.
    public static func read(_ path: String) throws -> ConnectionInfo {
        guard let data = FileManager.default.contents(atPath: path) else { throw ZMTPError("\(path): cannot read the connection file") }
        let json = try JSONValue.parse(String(decoding: data, as: UTF8.self), file: path)
        func port(_ name: String) throws -> Int {
            guard let value = json[name]?.int, (0...65535).contains(value) else { throw ZMTPError("\(path): '\(name)' is missing or not a port number") }
            return value
        }
        let info = ConnectionInfo(ip: json["ip"]?.string ?? "127.0.0.1", transport: json["transport"]?.string ?? "tcp",
                                  key: json["key"]?.string ?? "", signatureScheme: json["signature_scheme"]?.string ?? "hmac-sha256",
                                  shellPort: try port("shell_port"), iopubPort: try port("iopub_port"),
                                  stdinPort: try port("stdin_port"), controlPort: try port("control_port"), hbPort: try port("hb_port"))
        guard info.transport == "tcp" else { throw ZMTPError("\(path): transport '\(info.transport)' is not supported (only tcp)") }
        guard info.key.isEmpty || info.signatureScheme == "hmac-sha256" else {
            throw ZMTPError("\(path): signature scheme '\(info.signatureScheme)' is not supported (only hmac-sha256)")
        }
        return info
    }
}
