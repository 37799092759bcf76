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
            try db.execute(
                sql: """
                    INSERT INTO pageview_bucket (path, bucket_start, views) VALUES (?, ?, 1)
                    ON CONFLICT (path, bucket_start) DO UPDATE SET views = views + 1
                    """,
                arguments: [view.path, QuarterHour.start(of: EpochMillis.from(view.occurredAt))])
            let ga = try GAOutboxQueue.decide(visitor: view.visitor, counted: true, db) { clientID, consent in
                GAForwarding.pageView(view, clientID: clientID, sessionID: view.visitor?.sessionID, consent: consent)
            }
            if let body = ga.body {
                try GAOutboxQueue.enqueue(body, event: "page_view", clickID: nil, occurredAt: view.occurredAt, db)
            }
            return ga.status
        }
    }
}
