import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Bytes on a plain TCP socket, for what an HTTP client library never does: several requests
/// in one write (pipelining) and reading the answers exactly as the server sent them.
enum RawHTTPConnection {
    /// Sends `requests` in one write and returns everything the server sends until it closes the
    /// connection (the last request should say `Connection: close`), or fails after 10 s.
    /// The blocking socket calls run on a thread of their own: on the concurrency pool they would
    /// hold one of the few threads the server's own handlers need.
    static func exchange(port: Int, _ requests: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try blockingExchange(port: port, requests) }) }.start()
        }
    }

    private static func blockingExchange(port: Int, _ requests: [String]) throws -> String {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw RawHTTPError("socket: errno \(errno)") }
        defer { close(socket) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw RawHTTPError("connect: errno \(errno)") }
        let bytes = Array(requests.joined().utf8)
        guard send(socket, bytes, bytes.count, 0) == bytes.count else { throw RawHTTPError("send: errno \(errno)") }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count == 0 { break }
            guard count > 0 else { throw RawHTTPError("no close after \(received.count) bytes: errno \(errno)") }
            received += buffer[..<count]
        }
        return String(decoding: received, as: UTF8.self)
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
