import Domain
import Foundation
import PostgresNIO

/// Schema history on PostgreSQL, like `AppMigrations` on SQLite: versioned, forward only, a
/// shipped migration is never edited. The tables and columns are SQLite's, with times in epoch
/// milliseconds too, so both backends bucket and answer exactly alike. Instances starting
/// together take turns under an advisory lock, so each migration runs once.
package enum PostgreSQLMigrations {
    /// The advisory lock key: "clicktra" in ASCII, unlikely to collide with an application's own.
    static let lockKey: Int64 = 0x636C_6963_6B74_7261

    package static let all: [(version: String, statements: [String])] = [
        ("v1-schema", schema),
        ("v2-link-schedule-and-routing", linkScheduleAndRouting),
        ("v3-coarser-aggregates", coarserAggregates),
        ("v4-page-rollups", pageRollups),
        ("v5-click-without-foreign-key", clickWithoutForeignKey),
    ]

    static func migrate(_ database: PostgreSQLDatabase) async throws {
        let logger = database.logger
        // Waiting for another instance's migrations may take as long as they do.
        try await database.withConnection(runningAtMost: nil) { connection in
            // A session lock: released by the unlock below, or by PostgreSQL if this connection dies.
            try await connection.execute("SELECT pg_advisory_lock(\(lockKey))", logger: logger)
            do {
                try await connection.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migration (version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)", logger: logger)
                let applied = Set(try await connection.rows("SELECT version FROM schema_migration", logger: logger) {
                    try $0["version"].decode(String.self)
                })
                for migration in all where !applied.contains(migration.version) {
                    try await connection.withTransaction(logger: logger) { connection in
                        for statement in migration.statements {
                            try await connection.execute(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        try await connection.execute(
                            "INSERT INTO schema_migration (version, applied_at) VALUES (\(migration.version), \(Date().epochMillis))",
                            logger: logger)
                    }
                }
            } catch {
                try? await connection.execute("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
                throw error
            }
            try await connection.execute("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
        }
    }

    /// The click writer share-locks a batch's links and inserts rows only for those that exist,
    /// and deleting a link deletes its clicks under that lock; a per-row check of the same fact
    /// nearly doubled the cost of a batch's insert (measured with scripts/bench).
    private static let clickWithoutForeignKey = ["ALTER TABLE click DROP CONSTRAINT IF EXISTS click_link_id_fkey"]

    /// SQLite's v7: link schedule, limits, destinations and rules; which one chose each click.
    private static let linkScheduleAndRouting = [
        """
        ALTER TABLE link ADD COLUMN starts_at BIGINT, ADD COLUMN expires_at BIGINT, ADD COLUMN max_clicks BIGINT,
            ADD COLUMN expired_url TEXT, ADD COLUMN destinations TEXT, ADD COLUMN rules TEXT
        """,
        "ALTER TABLE click ADD COLUMN rule INTEGER, ADD COLUMN destination INTEGER",
        """
        CREATE TABLE click_route_bucket (
            link_id BIGINT NOT NULL REFERENCES link(id) ON DELETE CASCADE,
            bucket_start BIGINT NOT NULL,
            kind TEXT NOT NULL,
            route_index INTEGER NOT NULL,
            counted BIGINT NOT NULL,
            hits BIGINT NOT NULL,
            PRIMARY KEY (link_id, bucket_start, kind, route_index)
        )
        """,
    ]

    /// SQLite's v8: hour and week rollups per link, and the quarter-hour buckets of all links.
    private static let coarserAggregates = [("click_hour", "hour_start"), ("click_week", "week_start")].flatMap { table, column in
        [
            """
            CREATE TABLE \(table) (
                link_id BIGINT NOT NULL REFERENCES link(id) ON DELETE CASCADE,
                \(column) BIGINT NOT NULL,
                counted BIGINT NOT NULL,
                hits BIGINT NOT NULL,
                PRIMARY KEY (link_id, \(column))
            )
            """,
            "CREATE INDEX \(table)_on_time ON \(table) (\(column), link_id, counted, hits)",
        ]
    } + [
        """
        INSERT INTO click_hour (link_id, hour_start, counted, hits)
            SELECT link_id, bucket_start - (bucket_start % 3600000),
                SUM(CASE WHEN reason = 'ok' THEN hits ELSE 0 END), SUM(hits)
            FROM click_bucket GROUP BY 1, 2
        """,
        """
        INSERT INTO click_week (link_id, week_start, counted, hits)
            SELECT link_id, day_start - (day_start % 604800000), SUM(counted), SUM(hits) FROM click_day GROUP BY 1, 2
        """,
        """
        CREATE TABLE site_bucket (
            bucket_start BIGINT NOT NULL,
            reason TEXT NOT NULL,
            referer_class TEXT NOT NULL,
            hits BIGINT NOT NULL,
            PRIMARY KEY (bucket_start, reason, referer_class)
        )
        """,
        """
        INSERT INTO site_bucket (bucket_start, reason, referer_class, hits)
            SELECT bucket_start, reason, referer_class, SUM(hits) FROM click_bucket GROUP BY 1, 2, 3
        """,
    ]

    /// SQLite's v9: views and counted clicks per page path and UTC hour and day.
    private static let pageRollups = [("page_hour", "hour_start", 3_600_000), ("page_day", "day_start", 86_400_000)].flatMap { table, column, size in
        [
            """
            CREATE TABLE \(table) (
                path TEXT NOT NULL,
                \(column) BIGINT NOT NULL,
                views BIGINT NOT NULL DEFAULT 0,
                clicks BIGINT NOT NULL DEFAULT 0,
                PRIMARY KEY (path, \(column))
            )
            """,
            "CREATE INDEX \(table)_on_time ON \(table) (\(column), path, views, clicks)",
            """
            INSERT INTO \(table) (path, \(column), views, clicks)
                SELECT path, start, SUM(views), SUM(clicks) FROM (
                    SELECT path, bucket_start - (bucket_start % \(size)) AS start, views, 0 AS clicks FROM pageview_bucket
                    UNION ALL
                    SELECT path, bucket_start - (bucket_start % \(size)), 0, counted FROM click_referer_bucket
                ) AS t GROUP BY 1, 2
            """,
        ]
    } + ["CREATE INDEX pageview_bucket_on_time ON pageview_bucket (bucket_start, path, views)"]

    /// The schema of SQLite's migrations v1–v6, in one step.
    private static let schema = [
        """
        CREATE TABLE link (
            id BIGSERIAL PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            url TEXT NOT NULL,
            active BOOLEAN NOT NULL DEFAULT TRUE,
            redirect_status INTEGER NOT NULL DEFAULT 302,
            forward_query BOOLEAN NOT NULL DEFAULT FALSE,
            tags JSONB NOT NULL DEFAULT '[]',
            click_count BIGINT NOT NULL DEFAULT 0,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE click (
            id BIGSERIAL PRIMARY KEY,
            link_id BIGINT NOT NULL REFERENCES link(id) ON DELETE CASCADE,
            occurred_at BIGINT NOT NULL,
            referer TEXT,
            referer_class TEXT NOT NULL,
            counted BOOLEAN NOT NULL,
            reason TEXT NOT NULL,
            utm_source TEXT, utm_medium TEXT, utm_campaign TEXT, utm_term TEXT, utm_content TEXT,
            gclid TEXT, aclk TEXT, msclkid TEXT, twclid TEXT, fbclid TEXT,
            custom TEXT,
            ga_status TEXT NOT NULL
        )
        """,
        // Keyset pages of the export read (occurred_at, id) ranges; the id is in the key because
        // PostgreSQL has no rowid to fall back on.
        "CREATE INDEX click_on_link_time ON click (link_id, occurred_at, id)",
        "CREATE INDEX click_on_time ON click (occurred_at, id)",
        """
        CREATE TABLE click_bucket (
            link_id BIGINT NOT NULL REFERENCES link(id) ON DELETE CASCADE,
            bucket_start BIGINT NOT NULL,
            reason TEXT NOT NULL,
            referer_class TEXT NOT NULL,
            hits BIGINT NOT NULL,
            PRIMARY KEY (link_id, bucket_start, reason, referer_class)
        )
        """,
        "CREATE INDEX click_bucket_on_time ON click_bucket (bucket_start, link_id, reason, hits)",
        """
        CREATE TABLE click_day (
            link_id BIGINT NOT NULL REFERENCES link(id) ON DELETE CASCADE,
            day_start BIGINT NOT NULL,
            counted BIGINT NOT NULL,
            hits BIGINT NOT NULL,
            PRIMARY KEY (link_id, day_start)
        )
        """,
        "CREATE INDEX click_day_on_day ON click_day (day_start, link_id, counted, hits)",
        """
        CREATE TABLE click_referer_bucket (
            link_id BIGINT NOT NULL REFERENCES link(id) ON DELETE CASCADE,
            bucket_start BIGINT NOT NULL,
            path TEXT NOT NULL,
            counted BIGINT NOT NULL,
            PRIMARY KEY (link_id, bucket_start, path)
        )
        """,
        "CREATE INDEX click_referer_bucket_on_time ON click_referer_bucket (bucket_start, path, counted)",
        """
        CREATE TABLE click_source_bucket (
            link_id BIGINT NOT NULL REFERENCES link(id) ON DELETE CASCADE,
            bucket_start BIGINT NOT NULL,
            utm_source TEXT NOT NULL,
            utm_medium TEXT NOT NULL,
            utm_campaign TEXT NOT NULL,
            counted BIGINT NOT NULL,
            PRIMARY KEY (link_id, bucket_start, utm_source, utm_medium, utm_campaign)
        )
        """,
        """
        CREATE TABLE lead (
            id BIGSERIAL PRIMARY KEY,
            subject TEXT NOT NULL,
            utm_source TEXT, utm_medium TEXT, utm_campaign TEXT, utm_term TEXT, utm_content TEXT,
            gclid TEXT, aclk TEXT, msclkid TEXT, twclid TEXT, fbclid TEXT,
            custom TEXT,
            landing_path TEXT,
            created_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX lead_on_subject ON lead (subject, id)",
        "CREATE INDEX lead_on_source ON lead (utm_source, id)",
        """
        CREATE TABLE consent_log (
            id BIGSERIAL PRIMARY KEY,
            subject TEXT NOT NULL,
            analytics_storage TEXT NOT NULL,
            ad_storage TEXT NOT NULL,
            ad_user_data TEXT NOT NULL,
            ad_personalization TEXT NOT NULL,
            source TEXT,
            recorded_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX consent_log_on_subject ON consent_log (subject, id)",
        """
        CREATE TABLE pageview_bucket (
            path TEXT NOT NULL,
            bucket_start BIGINT NOT NULL,
            views BIGINT NOT NULL,
            PRIMARY KEY (path, bucket_start)
        )
        """,
        // The payload is the Measurement Protocol's JSON, so text; next_attempt_at doubles as
        // the lease of an instance that claimed the event (see PostgreSQLOutboxRepository).
        """
        CREATE TABLE ga_outbox (
            id BIGSERIAL PRIMARY KEY,
            click_id BIGINT,
            event TEXT NOT NULL,
            payload TEXT NOT NULL,
            occurred_at BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at BIGINT NOT NULL,
            last_error TEXT,
            settled_at BIGINT
        )
        """,
        "CREATE INDEX ga_outbox_due ON ga_outbox (next_attempt_at, id) WHERE state = 'queued'",
        "CREATE INDEX ga_outbox_queued_age ON ga_outbox (occurred_at) WHERE state = 'queued'",
        "CREATE TABLE ga_outbox_state_count (state TEXT PRIMARY KEY, events BIGINT NOT NULL)",
        """
        CREATE FUNCTION ga_outbox_count() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                UPDATE ga_outbox_state_count SET events = events - 1 WHERE state = OLD.state;
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                INSERT INTO ga_outbox_state_count (state, events) VALUES (NEW.state, 1)
                ON CONFLICT (state) DO UPDATE SET events = ga_outbox_state_count.events + 1;
            END IF;
            RETURN NULL;
        END
        $$
        """,
        "CREATE TRIGGER ga_outbox_count_insert AFTER INSERT OR DELETE ON ga_outbox FOR EACH ROW EXECUTE FUNCTION ga_outbox_count()",
        """
        CREATE TRIGGER ga_outbox_count_update AFTER UPDATE OF state ON ga_outbox FOR EACH ROW
        WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION ga_outbox_count()
        """,
    ]
}
