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

extension PostgreSQLPageViewRepository {
    /// Adds views per path and instant in one statement, keys sorted like the click aggregates.
    func addViews(_ views: [(path: String, at: Int64, views: Int)]) async throws {
        struct Row: Encodable { var path: String; var bucket_start: Int64; var views: Int }
        var sums: [String: [Int64: Int]] = [:]
        for view in views {
            sums[view.path, default: [:]][AggregateBucket.quarterHourStart(of: view.at), default: 0] += view.views
        }
        let rows = sums.flatMap { path, buckets in buckets.map { Row(path: path, bucket_start: $0.key, views: $0.value) } }
            .sorted { ($0.path, $0.bucket_start) < ($1.path, $1.bucket_start) }
        guard !rows.isEmpty else { return }
        let logger = database.logger
        let json = try JSONRows.encode(rows)
        try await database.withConnection { connection in
            try await connection.execute(
                """
                INSERT INTO pageview_bucket (path, bucket_start, views)
                SELECT path, bucket_start, views FROM ROWS FROM (json_to_recordset(\(json)::json) AS (path TEXT, bucket_start BIGINT, views BIGINT))
                    WITH ORDINALITY AS t(path, bucket_start, views, position)
                ORDER BY position
                ON CONFLICT (path, bucket_start) DO UPDATE SET views = pageview_bucket.views + excluded.views
                """, logger: logger)
        }
    }
}

extension Optional {
    func asyncMap<Mapped>(_ transform: (Wrapped) async throws -> Mapped) async rethrows -> Mapped? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
