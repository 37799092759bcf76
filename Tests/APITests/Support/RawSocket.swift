import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One plain TCP connection to the test service, for what an HTTP client library hides: idle
/// sockets, half-sent heads, HTTP/1.0, and whether the server closed. Its calls block, so use it
/// inside `RawSocket.onThread`.
final class RawSocket {
    private let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw RawHTTPError("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            throw RawHTTPError("connect: errno \(errno)")
        }
        setReceiveTimeout(seconds: 10)
    }

    deinit { close(descriptor) }

    /// How long a read waits for the server before it fails.
    func setReceiveTimeout(seconds: Int, microseconds: Int = 0) {
        var timeout = timeval(tv_sec: seconds, tv_usec: microseconds)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw RawHTTPError("send: errno \(errno)") }
            sent += count
        }
    }

    /// One answer without a body (a redirect): its head, through the blank line.
    func readHead() throws -> String {
        var received: [UInt8] = []
        var byte: UInt8 = 0
        while !received.suffix(4).elementsEqual("\r\n\r\n".utf8) {
            let count = recv(descriptor, &byte, 1, 0)
            guard count == 1 else { throw RawHTTPError(count == 0 ? "closed after \(received.count) bytes" : "no answer: errno \(errno)") }
            received.append(byte)
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// Everything the server sends until it closes the connection; fails when the receive
    /// timeout passes first.
    func readUntilClosed() throws -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count == 0 { return String(decoding: received, as: UTF8.self) }
            guard count > 0 else { throw RawHTTPError("still open after \(received.count) bytes: errno \(errno)") }
            received += buffer[..<count]
        }
    }

    /// Whether a read times out with nothing arriving: the server neither answered nor closed.
    func staysSilent() -> Bool {
        var byte: UInt8 = 0
        return recv(descriptor, &byte, 1, 0) < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
    }

    /// Runs blocking socket work on a thread of its own: on the concurrency pool it would hold
    /// one of the few threads the server's own handlers need.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}
