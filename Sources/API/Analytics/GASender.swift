import AsyncHTTPClient
import Domain
import Foundation
import Logging
import Metrics
import NIOCore
import ServiceLifecycle

/// Delivers the outbox to GA beside the server (README, "Google Analytics 4 forwarding"). Requests never wait for it: they only
/// add rows to the outbox, and this service reads them out, earliest due first.
///
/// An event is settled only after GA answered, in one transaction with its click; on graceful
/// shutdown the requests in flight finish (each bounded by the request timeout) and are settled
/// before the service returns, so a restart neither loses nor repeats them.
package final class GASender: Service {
    /// Events sent at once: enough to keep up with a busy site over one connection pool, few
    /// enough that a shutdown waits for little.
    static let batchSize = 16
    /// How often an idle sender looks for due events; new events leave within this.
    static let idleInterval: Duration = .milliseconds(200)

    private let outbox: any OutboxRepository
    private let settings: GASettings
    private let retryPolicy: RetryPolicy
    private let logger: Logger
    private let databaseErrors = Counter(label: "clicktrail_database_errors_total", dimensions: [("operation", "outbox")])

    package init(outbox: any OutboxRepository, settings: GASettings, retryPolicy: RetryPolicy = .standard, logger: Logger) {
        self.outbox = outbox
        self.settings = settings
        self.retryPolicy = retryPolicy
        self.logger = logger
    }

    package func run() async throws {
        // Created here, not in init, so an HTTP client exists exactly while the service runs
        // and is always shut down.
        let http = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(timeout: .init(connect: TimeAmount(settings.connectTimeout), read: TimeAmount(settings.requestTimeout))))
        let client = MeasurementProtocolClient(http: http, settings: settings, retryPolicy: retryPolicy)
        logger.info("forwarding to GA", metadata: ["ga": "\(settings)"])
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let delivered = await deliverDueEvents(client)
            if delivered == 0 {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: Self.idleInterval) }
            }
        }
        try await http.shutdown()
    }

    /// Sends one batch of due events and settles them; how many there were.
    private func deliverDueEvents(_ client: MeasurementProtocolClient) async -> Int {
        let events: [OutboxEvent]
        do {
            events = try await outbox.due(at: Date(), limit: Self.batchSize)
        } catch {
            databaseErrors.increment()
            logger.error("GA outbox cannot be read", metadata: ["error": "\(error)"])
            return 0
        }
        guard !events.isEmpty else { return 0 }
        let outcomes = await withTaskGroup(of: (event: OutboxEvent, outcome: DeliveryOutcome).self) { group in
            for event in events {
                group.addTask { (event, await self.attempt(event, client)) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        await settle(outcomes)
        return events.count
    }

    private func attempt(_ event: OutboxEvent, _ client: MeasurementProtocolClient) async -> DeliveryOutcome {
        if settings.validate { await logValidation(of: event, client) }
        let outcome = await client.deliver(event, now: Date())
        switch outcome {
        case .sent:
            logger.debug("GA event sent", metadata: ["event": "\(event.id)"])
        case .retry(let error, let at):
            logger.warning("GA event will be retried", metadata: ["event": "\(event.id)", "attempts": "\(event.attempts + 1)", "error": "\(error)", "retry_at": "\(at)"])
        case .failed(let error):
            logger.error("GA refused an event; it is not retried", metadata: ["event": "\(event.id)", "error": "\(error)"])
        case .dead:
            logger.error("GA event dead-lettered: older than GA's 72-hour backdating limit", metadata: ["event": "\(event.id)"])
        }
        return outcome
    }

    private func logValidation(of event: OutboxEvent, _ client: MeasurementProtocolClient) async {
        do {
            let messages = try await client.validationMessages(for: event.payload)
            if messages.isEmpty {
                logger.info("GA validation server accepted the event", metadata: ["event": "\(event.id)"])
            }
            for message in messages {
                logger.warning("GA validation message", metadata: ["event": "\(event.id)", "message": "\(message)"])
            }
        } catch {
            logger.warning("GA validation server not usable", metadata: ["event": "\(event.id)", "error": "\(settings.redacting("\(error)"))"])
        }
    }

    /// Outcomes are settled even if the database is briefly unavailable: an unsettled event would
    /// be sent again, which GA would count twice.
    private func settle(_ outcomes: [(event: OutboxEvent, outcome: DeliveryOutcome)]) async {
        var delay: Duration = .milliseconds(50)
        for attempt in 1...5 {
            do {
                try await outbox.settle(outcomes, at: Date())
                return
            } catch {
                databaseErrors.increment()
                logger.error("GA outcomes cannot be stored", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                try? await Task.sleep(for: delay)
                delay *= 4
            }
        }
        logger.critical("GA outcomes lost; these events may be sent again", metadata: ["events": "\(outcomes.map(\.event.id))"])
    }
}
