import Domain
import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// Everything the service keeps, behind the domain's repository protocols: what the API layer
/// is built from. `AppStorage.open(_:)` picks the backend from the configured location, so no
/// backend type is named above this layer.
package struct AppStorage: Sendable {
    package var links: any LinkRepository
    package var leads: any LeadRepository
    package var consents: any ConsentRepository
    package var pageViews: any PageViewRepository
    package var outbox: any OutboxRepository
    package var stats: any StatsRepository
    package var clickLog: any ClickLogRepository
    /// Where the click writer puts its batches.
    package var clicks: any ClickStore
    /// Adds counted page views in bulk, per path and instant (demo data; no GA events).
    package var addPageViews: @Sendable (_ views: [(path: String, at: Int64, views: Int)]) async throws -> Void
    /// Whether the database answers a trivial query: what `/readyz` reports.
    package var isReachable: @Sendable () async -> Bool
    /// The backend's own long-lived work (the retention of raw clicks; on a shared database, the
    /// feed of other instances' link changes, reported to `onLinkChange`), run beside the server.
    package var services: @Sendable (_ retentionDays: Int, _ logger: Logger, _ onLinkChange: @escaping @Sendable (LinkChange) -> Void) -> [any Service]
    /// Releases connections; called once the services have stopped.
    package var close: @Sendable () async -> Void
}

extension AppStorage {
    /// The SQLite backend over `database`.
    package static func sqlite(_ database: AppDatabase) -> AppStorage {
        AppStorage(
            links: SQLiteLinkRepository(database: database), leads: SQLiteLeadRepository(database: database),
            consents: SQLiteConsentRepository(database: database), pageViews: SQLitePageViewRepository(database: database),
            outbox: SQLiteOutboxRepository(database: database), stats: SQLiteStatsRepository(database: database),
            clickLog: SQLiteClickLogRepository(database: database), clicks: SQLiteClickStore(database: database),
            addPageViews: { views in
                try await database.writer.write { db in
                    for view in views { try SQLitePageViewRepository.addViews(view.views, path: view.path, at: view.at, db) }
                }
            },
            isReachable: { await database.isReachable() },
            // One process owns the file: its own writes are the only link changes there are.
            services: { retentionDays, logger, _ in [ClickRetention(database: database, retentionDays: retentionDays, logger: logger)] },
            close: {})
    }

    /// The PostgreSQL backend over `database`, which instances may share.
    package static func postgreSQL(_ database: PostgreSQLDatabase) -> AppStorage {
        let feed = LinkFeedStatus()
        return AppStorage(
            links: PostgreSQLLinkRepository(database: database), leads: PostgreSQLLeadRepository(database: database),
            consents: PostgreSQLConsentRepository(database: database), pageViews: PostgreSQLPageViewRepository(database: database),
            outbox: PostgreSQLOutboxRepository(database: database), stats: PostgreSQLStatsRepository(database: database),
            clickLog: PostgreSQLClickLogRepository(database: database), clicks: PostgreSQLClickStore(database: database),
            addPageViews: { views in try await PostgreSQLPageViewRepository(database: database).addViews(views) },
            // Ready once it also hears other instances' link changes, so no cache goes stale.
            isReachable: { feed.isListening ? await database.isReachable() : false },
            services: { retentionDays, logger, onLinkChange in
                [
                    LinkChangeFeed(database: database, status: feed, logger: logger, onChange: onLinkChange),
                    ClickRetention(target: PostgreSQLRetentionTarget(database: database), retentionDays: retentionDays, logger: logger),
                ]
            },
            close: { await database.close() })
    }

    /// The storage at `location`, migrations applied: a SQLite file (created with its folder
    /// when missing), or a PostgreSQL server, retried for up to `wait` while it is unreachable.
    package static func open(_ location: DatabaseLocation, wait: Duration = .seconds(30), logger: Logger) async throws -> AppStorage {
        switch location {
        case .file(let path):
            return .sqlite(try AppDatabase.open(path: path))
        case .server(let settings):
            return .postgreSQL(try await PostgreSQLDatabase.connect(settings, waitingUpTo: wait, logger: logger))
        }
    }

    /// Whether `error` came from the database (counted in `clicktrail_database_errors_total`).
    package static func isDatabaseError(_ error: any Error) -> Bool {
        error is DatabaseError || error is PostgreSQLFailure || error is DatabaseUnavailable
    }
}
