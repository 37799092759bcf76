import API
import Domain
import Foundation
import HummingbirdTesting
import Storage
import TestSupport
import Testing

/// Sockets that hold a connection without using it are closed, `Connection: close` and HTTP/1.0
/// are honoured on both answering paths, what the parser refuses is answered as problem+json,
/// and connections beyond the cap wait.
@Suite struct ConnectionGuardTests {
    static let browser = RedirectTests.browser

    static func configuration(idle: Duration = .seconds(1), header: Duration = .seconds(1)) -> AppConfiguration {
        var configuration = RedirectTests.onSite
        configuration.idleTimeout = idle
        configuration.headerTimeout = header
        return configuration
    }

    static func redirectRequest(version: String = "HTTP/1.1", connection: String? = nil) -> String {
        var request = "GET /go/deal \(version)\r\nHost: example.com\r\nUser-Agent: \(browser)\r\nReferer: https://example.com/\r\n"
        if let connection { request += "Connection: \(connection)\r\n" }
        return request + "\r\n"
    }

    /// A database holding the link `deal`, for the tests with a 1 s idle timeout: that timeout
    /// also closes the test client's keep-alive connection when the loaded machine stalls it for
    /// a second, so these tests make no request through that client after readiness.
    static func databaseWithDeal() async throws -> TestDatabase {
        let database = try await TestDatabase.make()
        _ = try await database.storage.links.create(try draft("deal", url: "https://shop.example/"))
        return database
    }

    @Test func idleUnfinishedAndSpentConnectionsAreClosed() async throws {
        try await TestService.run(configuration: Self.configuration(), database: try await Self.databaseWithDeal()) { api in
            let port = try #require(api.client.port)
            let started = ContinuousClock.now
            async let silent = RawSocket.onThread { try RawSocket(port: port).readUntilClosed() }
            async let halfHead = RawHTTPConnection.exchange(port: port, ["GET /go/deal HTTP/1.1\r\nHost: example.com\r\nUser-Agent: slow"])
            async let answered = RawHTTPConnection.exchange(port: port, [Self.redirectRequest()])
            #expect(try await silent.isEmpty)
            #expect(try await halfHead.isEmpty)
            #expect(try await answered.hasPrefix("HTTP/1.1 302 Found"))
            // Closed by the timeouts (1 s), well before the client's own 10 s would give up.
            #expect(ContinuousClock.now - started < .seconds(8))
        }
    }

    /// The header timeout runs from a request's first byte, not from the last answer: a slow head
    /// is cut off while an idle keep-alive connection stays.
    @Test func aHeadSentTooSlowlyIsCutOffWhileAnIdleConnectionStays() async throws {
        try await TestService.run(configuration: Self.configuration(idle: .seconds(60), header: .seconds(1))) { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            let port = try #require(api.client.port)
            async let slow = RawHTTPConnection.exchange(port: port, ["GET /go/deal HTTP/1.1\r\nHost: example.com\r\n"])
            async let idleAfterAnswers = RawSocket.onThread {
                let socket = try RawSocket(port: port)
                var heads: [String] = []
                for _ in 0..<2 {  // the router answers the first, the event loop the second
                    try socket.send(Self.redirectRequest())
                    heads.append(try socket.readHead())
                }
                socket.setReceiveTimeout(seconds: 3)
                return (heads, socket.staysSilent())
            }
            #expect(try await slow.isEmpty)
            let (heads, stayedOpen) = try await idleAfterAnswers
            #expect(heads.allSatisfy { $0.hasPrefix("HTTP/1.1 302") })
            #expect(stayedOpen, "open 3 s after its answers, past the 1 s header timeout")
        }
    }

    /// The fast path answers these without Hummingbird's connection handler seeing them: the
    /// connection must still count as busy, not idle since the router's last answer.
    @Test func aBusyFastPathConnectionIsNotIdle() async throws {
        try await TestService.run(configuration: Self.configuration(idle: .seconds(1)), database: try await Self.databaseWithDeal()) { api in
            let port = try #require(api.client.port)
            let answers = try await RawSocket.onThread {
                let socket = try RawSocket(port: port)
                let started = ContinuousClock.now
                var answers: [String] = []
                // The first answer comes from the router (cold slug), the rest from the event loop.
                // A closed connection fails the read, and with it the test.
                while ContinuousClock.now - started < .seconds(3) {
                    try socket.send(Self.redirectRequest())
                    answers.append(try socket.readHead())
                }
                return answers
            }
            #expect(answers.count > 10)
            #expect(answers.allSatisfy { $0.hasPrefix("HTTP/1.1 302 Found") })
        }
    }

    @Test(arguments: [
        ("HTTP/1.1", "Close"), ("HTTP/1.1", "keep-alive, close"), ("HTTP/1.1", "CLOSE"), ("HTTP/1.0", nil),
        ("HTTP/1.0", "close"),
    ] as [(String, String?)])
    func aRequestThatDoesNotKeepAliveClosesTheConnection(_ version: String, _ connection: String?) async throws {
        try await TestService.run(configuration: Self.configuration(idle: .seconds(60), header: .seconds(60))) { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            let port = try #require(api.client.port)
            for _ in 0..<2 {  // the router answers the first (cold slug), the event loop the second
                let answer = try await RawHTTPConnection.exchange(port: port, [Self.redirectRequest(version: version, connection: connection)])
                #expect(answer.hasPrefix("HTTP/1.1 302 Found"))
                #expect(answer.lowercased().contains("\r\nconnection: close\r\n"))
            }
        }
    }

    @Test func anHTTP10RequestAskingForKeepAliveKeepsTheConnection() async throws {
        try await TestService.run(configuration: Self.configuration(idle: .seconds(60), header: .seconds(60))) { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            let port = try #require(api.client.port)
            let answers = try await RawSocket.onThread {
                let socket = try RawSocket(port: port)
                return try (0..<3).map { _ in
                    try socket.send(Self.redirectRequest(version: "HTTP/1.0", connection: "keep-alive"))
                    return try socket.readHead()
                }
            }
            #expect(answers.count == 3 && answers.allSatisfy { $0.hasPrefix("HTTP/1.1 302 Found") })
        }
    }

    @Test(arguments: [
        ("GARBAGE\r\n\r\n", 400), ("GET /go/deal HTTP/1.1\r\nHost: example.com\r\nBad Header\r\n\r\n", 400),
        ("GET /go/deal HTTP/1.1\r\nHost: example.com\r\nX-Big: \(String(repeating: "a", count: 100_000))\r\n\r\n", 431),
    ])
    func whatTheParserRefusesIsAnsweredAsProblemJSON(_ request: String, _ status: Int) async throws {
        try await TestService.run { api in
            let port = try #require(api.client.port)
            let answer = try await RawHTTPConnection.exchange(port: port, [request])
            #expect(answer.hasPrefix("HTTP/1.1 \(status) "))
            #expect(answer.lowercased().contains("content-type: application/problem+json"))
            let body = try #require(answer.components(separatedBy: "\r\n\r\n").last)
            let problem = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            #expect(problem["status"] as? Int == status)
            #expect(problem["title"] is String && problem["detail"] is String && problem["type"] is String)
        }
    }

    @Test func connectionsBeyondTheCapWaitUntilOneCloses() async throws {
        var configuration = Self.configuration(idle: .seconds(60), header: .seconds(60))
        configuration.maxConnections = 2
        try await TestService.runServing(configuration: configuration) { port in
            let (firstTwo, thirdWhileFull, thirdAfterOneClosed) = try await RawSocket.onThread {
                let health = "GET /healthz HTTP/1.1\r\nHost: example.com\r\n\r\n"
                var first: RawSocket? = try RawSocket(port: port)
                let second = try RawSocket(port: port)
                var firstTwo: [String] = []
                for socket in [first!, second] {
                    try socket.send(health)
                    firstTwo.append(try socket.readHead())
                }
                let third = try RawSocket(port: port)
                try third.send(health)
                third.setReceiveTimeout(seconds: 1)
                let silent = third.staysSilent()
                first = nil
                third.setReceiveTimeout(seconds: 10)
                let answer = try third.readHead()
                withExtendedLifetime(second) {}
                return (firstTwo, silent, answer)
            }
            #expect(firstTwo.allSatisfy { $0.hasPrefix("HTTP/1.1 200") })
            #expect(thirdWhileFull, "not accepted while two are open")
            #expect(thirdAfterOneClosed.hasPrefix("HTTP/1.1 200"))
        }
    }
}
