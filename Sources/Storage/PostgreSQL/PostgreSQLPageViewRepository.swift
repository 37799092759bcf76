import Domain
import Foundation
import PostgresNIO

/// Counted page views in PostgreSQL, one counter per path and quarter hour.
package struct PostgreSQLPageViewRepository: PageViewRepository {
    private let database: PostgreSQLDatabase

    package init(database: PostgreSQLDatabase) {
        self.database = database
    }

    package func recordView(_ view: PageViewRecord) async throws -> GAStatus {
        let logger = database.logger
        let bucket = AggregateBucket.quarterHourStart(of: view.occurredAt.epochMillis)
        return try await database.withTransaction { connection in
            try await connection.execute(
                """
                INSERT INTO pageview_bucket (path, bucket_start, views) VALUES (\(view.path), \(bucket), 1)
                ON CONFLICT (path, bucket_start) DO UPDATE SET views = pageview_bucket.views + 1
                """, logger: logger)
            let stored = try await GAOutboxDecision.consentSubject(visitor: view.visitor, counted: true).asyncMap {
                try await PostgreSQLConsentRepository.newest([$0], connection, logger: logger)[$0]?.signals
            } ?? nil
            let ga = GAOutboxDecision.decide(visitor: view.visitor, counted: true, stored: stored) { clientID, consent in
                GAForwarding.pageView(view, clientID: clientID, sessionID: view.visitor?.sessionID, consent: consent)
            }
            if let body = ga.body {
                try await PostgreSQLOutboxQueue.enqueue(
                    [.init(click_id: nil, event: "page_view", payload: String(decoding: body, as: UTF8.self), occurred_at: view.occurredAt.epochMillis)],
                    connection, logger: logger)
            }
            return ga.status
        }
    }
}

extension Optional {
    func asyncMap<Mapped>(_ transform: (Wrapped) async throws -> Mapped) async rethrows -> Mapped? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
