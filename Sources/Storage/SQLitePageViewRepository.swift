import Domain
import Foundation
import GRDB

/// Counted page views, one counter per path and quarter hour.
package struct SQLitePageViewRepository: PageViewRepository {
    private let database: AppDatabase

    package init(database: AppDatabase) {
        self.database = database
    }

    package func recordView(_ view: PageViewRecord) async throws -> GAStatus {
        try await database.writer.write { db in
            try Self.addViews(1, path: view.path, at: view.occurredAt.epochMillis, db)
            let ga = try GAOutboxQueue.decide(visitor: view.visitor, counted: true, db) { clientID, consent in
                GAForwarding.pageView(view, clientID: clientID, sessionID: view.visitor?.sessionID, consent: consent)
            }
            if let body = ga.body {
                try GAOutboxQueue.enqueue(body, event: "page_view", clickID: nil, occurredAt: view.occurredAt, db)
            }
            return ga.status
        }
    }

    /// Adds to the counters of the path's quarter hour and its rollups: one served view, or
    /// demo data's many.
    static func addViews(_ views: Int, path: String, at epochMillis: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO pageview_bucket (path, bucket_start, views) VALUES (?, ?, ?)
            ON CONFLICT (path, bucket_start) DO UPDATE SET views = views + excluded.views
            """
        ).execute(arguments: [path, AggregateBucket.quarterHourStart(of: epochMillis), views])
        for (rollup, table) in Rollup.pageTables {
            try db.cachedStatement(sql: """
                INSERT INTO \(table) (path, \(rollup.startColumn), views) VALUES (?, ?, ?)
                ON CONFLICT (path, \(rollup.startColumn)) DO UPDATE SET views = views + excluded.views
                """
            ).execute(arguments: [path, rollup.start(of: epochMillis), views])
        }
    }
}
