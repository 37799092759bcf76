import Foundation

/// Bytes on a plain TCP socket, for what an HTTP client library never does: several requests
/// in one write (pipelining) and reading the answers exactly as the server sent them.
enum RawHTTPConnection {
    /// Sends `requests` in one write and returns everything the server sends until it closes the
    /// connection (the last request should say `Connection: close`), or fails after 10 s.
    static func exchange(port: Int, _ requests: [String]) async throws -> String {
        try await RawSocket.onThread {
            let socket = try RawSocket(port: port)
            try socket.send(requests.joined())
            return try socket.readUntilClosed()
        }
    }

    /// The status lines of the answers in `text`, in the order they came. An answer's status
    /// line follows the previous body directly, not on a line of its own.
    static func statusLines(_ text: String) -> [String] {
        // "\r\n" is a single Character: dropping one drops both.
        text.matches(of: /HTTP\/1\.1 \d{3} [^\r]*\r\n/).map { String($0.output.dropLast()) }
    }
}

struct RawHTTPError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
