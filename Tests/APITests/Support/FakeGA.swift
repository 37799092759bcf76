import API
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Stands in for GA's Measurement Protocol on a loopback port: records every request it
/// receives and answers as a test scripts it.
final class FakeGA: Sendable {
    struct Received: Sendable {
        var path: String
        var query: [String: String]
        var body: Data

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        }
    }

    enum Answer: Sendable {
        case status(Int, body: String = "")
        /// Holds the request this long before answering 204.
        case hang(Duration)
    }

    private struct State {
        var received: [Received] = []
        /// Answers for the next collect requests, in order; then `standing`.
        var script: [Answer] = []
        var standing: Answer = .status(204)
        var validationBody = #"{"validationMessages":[]}"#
    }

    private let state = Mutex(State())
    let port: Int

    private init(port: Int) {
        self.port = port
    }

    var endpoint: String { "http://127.0.0.1:\(port)/mp/collect" }

    /// Next collect requests are answered with `answers`, later ones with `then`.
    func script(_ answers: [Answer], then standing: Answer = .status(204)) {
        state.withLock {
            $0.script = answers
            $0.standing = standing
        }
    }

    func answerValidation(with body: String) {
        state.withLock { $0.validationBody = body }
    }

    func received(path: String = "/mp/collect") -> [Received] {
        state.withLock { $0.received.filter { $0.path == path } }
    }

    /// Waits until at least `count` requests reached `path`, and returns them all.
    @discardableResult
    func waitFor(_ count: Int, path: String = "/mp/collect", within limit: Duration = .seconds(20)) async throws -> [Received] {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let received = received(path: path)
            if received.count >= count { return received }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("GA stand-in got \(received(path: path).count) requests on \(path), expected \(count) within \(limit)")
    }

    private func handle(_ request: Request) async throws -> Response {
        let body = Data(try await request.body.collect(upTo: 1 << 20).readableBytesView)
        let query = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }) { first, _ in first }
        let path = request.uri.path
        let answer: Answer = state.withLock { state in
            state.received.append(Received(path: path, query: query, body: body))
            if path.hasPrefix("/debug/") { return .status(200, body: state.validationBody) }
            return state.script.isEmpty ? state.standing : state.script.removeFirst()
        }
        switch answer {
        case .status(let code, let text):
            return Response(status: .init(code: code), body: .init(byteBuffer: ByteBuffer(string: text)))
        case .hang(let duration):
            try? await Task.sleep(for: duration)
            return Response(status: .noContent)
        }
    }

    /// Runs `body` with a fake GA listening, and stops it afterwards.
    static func run<T: Sendable>(_ body: (FakeGA) async throws -> T) async throws -> T {
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let box = Mutex<FakeGA?>(nil)
        let router = Router()
        router.post("**") { request, _ in
            guard let ga = box.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            return try await ga.handle(request)
        }
        var logger = Logger(label: "fake-ga")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portSink.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let server = Task { try await app.run() }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestFailure("GA stand-in did not start") }
        let ga = FakeGA(port: port)
        box.withLock { $0 = ga }
        return try await body(ga)
    }
}

/// Keeps every log line of a test's service, rendered with its metadata, to search afterwards.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func logger(level: Logger.Level = .debug) -> Logger {
        var logger = Logger(label: "clicktrail-test") { _ in Handler(capture: self) }
        logger.logLevel = level
        return logger
    }

    /// A logger that writes what `CLICKTRAIL_LOG_FORMAT=json` writes, one captured line per event.
    func jsonLogger(level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: "clicktrail") { label in JSONLogHandler(label: label) { self.append($0) } }
        logger.logLevel = level
        return logger
    }

    func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            capture.append("\(event.level) \(event.message) \(rendered)")
        }
    }
}
