import Domain
import Foundation
import Logging
import PostgresNIO

/// Counted page views in PostgreSQL, one counter per path and quarter hour.
package struct PostgreSQLPageViewRepository: PageViewRepository {
    private let database: PostgreSQLDatabase

    package init(database: PostgreSQLDatabase) {
        self.database = database
    }

    package func recordView(_ view: PageViewRecord) async throws -> GAStatus {
        let logger = database.logger
        return try await database.withTransaction { connection in
            try await Self.addViews([(view.path, view.occurredAt.epochMillis, 1)], connection, logger: logger)
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
    /// Adds views per path and instant (demo data's many).
    func addViews(_ views: [(path: String, at: Int64, views: Int)]) async throws {
        let logger = database.logger
        try await database.withConnection { connection in try await Self.addViews(views, connection, logger: logger) }
    }

    /// Adds views to the quarter-hour buckets and the rollups, one statement per table with its
    /// keys sorted like the click aggregates, so concurrent writers lock rows in one order.
    static func addViews(_ views: [(path: String, at: Int64, views: Int)], _ connection: PostgresConnection, logger: Logger) async throws {
        let tables = [("pageview_bucket", "bucket_start", AggregateBucket.quarterHourMillis)]
            + Rollup.pageTables.map { ($0.table, $0.rollup.startColumn, $0.rollup.size) }
        for (table, column, size) in tables {
            var sums: [String: [Int64: Int]] = [:]
            for view in views {
                sums[view.path, default: [:]][AggregateBucket.start(of: view.at, size: size), default: 0] += view.views
            }
            let rows = sums.flatMap { path, starts in starts.map { (path: path, start: $0.key, views: $0.value) } }
                .sorted { ($0.path, $0.start) < ($1.path, $1.start) }
                .map { ["path": .text($0.path), column: .int($0.start), "views": .int(Int64($0.views))] as [String: JSONColumn] }
            try await connection.addToSums(
                rows, into: table, columns: "path TEXT, \(column) BIGINT, views BIGINT", key: "path, \(column)", add: ["views"], logger: logger)
        }
    }
}

extension Optional {
    func asyncMap<Mapped>(_ transform: (Wrapped) async throws -> Mapped) async rethrows -> Mapped? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
