import Domain
import Foundation
import GRDB

/// Decides a hit's `ga_status` inside the transaction that stores the hit, on either backend:
/// a hit and its GA event are stored together or not at all.
enum GAOutboxDecision {
    /// The subject whose stored consent decides, when the hit brings none of its own; nil when
    /// no lookup is needed.
    static func consentSubject(visitor: GAVisitor?, counted: Bool) -> String? {
        guard let visitor, counted, visitor.needsStoredConsent else { return nil }
        return visitor.clientID
    }

    /// The hit's GA status and, when it is `queued`, the body to send. `build` makes the payload
    /// from the client id and the consent that decided.
    static func decide(
        visitor: GAVisitor?, counted: Bool, stored: ConsentSignals?,
        build: (_ clientID: String, _ consent: ConsentSignals) -> MeasurementPayload?
    ) -> (status: GAStatus, body: Data?) {
        guard let visitor, counted else { return (.notApplicable, nil) }
        let consent = visitor.consent(stored: stored)
        let status = GAForwarding.status(counted: counted, consent: consent, clientID: visitor.clientID)
        guard status == .queued, let clientID = visitor.clientID else { return (status, nil) }
        // Unreachable within the protocol's limits; recorded as failed rather than sent invalid.
        guard let payload = build(clientID, consent), let body = try? payload.encoded() else { return (.failed, nil) }
        return (.queued, body)
    }
}

/// The GA outbox's SQLite side of the hit's transaction.
enum GAOutboxQueue {
    static func decide(
        visitor: GAVisitor?, counted: Bool, _ db: Database,
        build: (_ clientID: String, _ consent: ConsentSignals) -> MeasurementPayload?
    ) throws -> (status: GAStatus, body: Data?) {
        let stored = try GAOutboxDecision.consentSubject(visitor: visitor, counted: counted).flatMap {
            try SQLiteConsentRepository.newest($0, db)?.signals
        }
        return GAOutboxDecision.decide(visitor: visitor, counted: counted, stored: stored, build: build)
    }

    static func enqueue(_ body: Data, event: String, clickID: Int64?, occurredAt: Date, _ db: Database) throws {
        let now = (Date()).epochMillis
        try db.cachedStatement(sql: """
            INSERT INTO ga_outbox (click_id, event, payload, occurred_at, created_at, state, next_attempt_at)
            VALUES (?, ?, ?, ?, ?, 'queued', ?)
            """).execute(arguments: [clickID, event, body, occurredAt.epochMillis, now, now])
    }
}
