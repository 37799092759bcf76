import Foundation

/// A Measurement Protocol payload waiting in the outbox (docs/architecture.md, "Domain").
public struct OutboxEvent: Sendable, Equatable {
    public var id: Int64
    /// The click it reports, whose `ga_status` follows the event's fate; nil for page views.
    public var clickID: Int64?
    public var payload: Data
    /// When the reported hit happened: GA refuses events backdated more than 72 hours.
    public var occurredAt: Date
    /// Delivery attempts made so far.
    public var attempts: Int

    public init(id: Int64, clickID: Int64?, payload: Data, occurredAt: Date, attempts: Int) {
        self.id = id
        self.clickID = clickID
        self.payload = payload
        self.occurredAt = occurredAt
        self.attempts = attempts
    }
}

/// What became of one delivery attempt.
public enum DeliveryOutcome: Sendable, Equatable {
    /// GA took it; it is never sent again.
    case sent
    /// Network error, timeout, 429 or 5xx: try again at the given time.
    case retry(error: String, at: Date)
    /// GA refused it (another 4xx): not retried; the answer is kept.
    case failed(error: String)
    /// Older than GA's backdating limit: not sent at all.
    case dead
}

/// How many events are in each state: what an operator checks when GA numbers look low.
public struct OutboxCounts: Sendable, Equatable {
    public var queued: Int
    public var sent: Int
    public var failed: Int
    public var dead: Int
    /// When the longest-waiting queued event happened; nil when none waits.
    public var oldestQueued: Date?

    public init(queued: Int = 0, sent: Int = 0, failed: Int = 0, dead: Int = 0, oldestQueued: Date? = nil) {
        self.queued = queued
        self.sent = sent
        self.failed = failed
        self.dead = dead
        self.oldestQueued = oldestQueued
    }
}

/// The durable outbox. Events are added in the transaction that stores their hit, so this
/// protocol only reads them out and settles them.
public protocol OutboxRepository: Sendable {
    /// Queued events whose next attempt is due, earliest due first.
    func due(at now: Date, limit: Int) async throws -> [OutboxEvent]
    /// Records the outcomes of attempts made, and the matching clicks' `ga_status`, together.
    func settle(_ outcomes: [(event: OutboxEvent, outcome: DeliveryOutcome)], at now: Date) async throws
    func counts() async throws -> OutboxCounts
}
