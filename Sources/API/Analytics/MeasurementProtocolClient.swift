import AsyncHTTPClient
import Domain
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Posts payloads to GA's Measurement Protocol and says what GA's answer means for the outbox.
struct MeasurementProtocolClient: Sendable {
    let http: HTTPClient
    let settings: GASettings
    let retryPolicy: RetryPolicy

    /// How much of an answer is read: GA's bodies are small, a broken proxy's need not be.
    static let maxAnswerBytes = 64 * 1024

    func deliver(_ event: OutboxEvent, now: Date) async -> DeliveryOutcome {
        if now.timeIntervalSince(event.occurredAt) > GAForwarding.backdatingLimit { return .dead }
        // From when the attempt ended: a request that timed out took the timeout's time.
        let retryAt = { Date().addingTimeInterval(retryPolicy.delay(afterAttempts: event.attempts + 1).seconds) }
        do {
            let (status, body) = try await post(event.payload, to: settings.collectURL)
            switch status {
            case 200..<300:
                return .sent
            case 429, 500..<600:
                return .retry(error: "GA answered \(status)", at: retryAt())
            default:
                return .failed(error: settings.redacting("GA answered \(status): \(String(decoding: body, as: UTF8.self))"))
            }
        } catch {
            return .retry(error: settings.redacting("GA not reached: \(error)"), at: retryAt())
        }
    }

    /// The validation server's messages for a payload; empty when it found nothing wrong.
    func validationMessages(for payload: Data) async throws -> [String] {
        let (status, body) = try await post(payload, to: settings.validationURL)
        guard (200..<300).contains(status) else {
            throw ValidationServerError(description: settings.redacting("validation server answered \(status)"))
        }
        let answer = try JSONDecoder().decode(ValidationAnswer.self, from: body)
        return answer.validationMessages.map { message in
            [message.validationCode, message.fieldPath, message.description].compactMap { $0 }.joined(separator: " ")
        }
    }

    private func post(_ payload: Data, to url: String) async throws -> (status: Int, body: Data) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: payload))
        let response = try await http.execute(request, timeout: TimeAmount(settings.requestTimeout))
        let body = try await response.body.collect(upTo: Self.maxAnswerBytes)
        return (Int(response.status.code), Data(body.readableBytesView))
    }

    /// The validation server's answer (Measurement Protocol reference, "Validating events").
    private struct ValidationAnswer: Decodable {
        struct Message: Decodable {
            var fieldPath: String?
            var description: String?
            var validationCode: String?
        }
        var validationMessages: [Message]
    }

    struct ValidationServerError: Error, CustomStringConvertible {
        var description: String
    }
}
