import GRDB

/// Schema history. A shipped migration is never edited (add a new one), and none calls the
/// application's code, which changes after it ships: each is plain SQL or GRDB's schema builder.
enum AppMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-links") { db in
            try db.create(table: "link") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("slug", .text).notNull().unique()
                t.column("name", .text).notNull()
                t.column("url", .text).notNull()
                t.column("active", .boolean).notNull().defaults(to: true)
                t.column("redirect_status", .integer).notNull().defaults(to: 302)
                t.column("forward_query", .boolean).notNull().defaults(to: false)
                // A JSON array; filtered with json_each, which is fast enough for a CMS's link count.
                t.column("tags", .text).notNull().defaults(to: "[]")
                t.column("click_count", .integer).notNull().defaults(to: 0)
                // Milliseconds since the Unix epoch, UTC: the precision of the wire format.
                t.column("created_at", .integer).notNull()
                t.column("updated_at", .integer).notNull()
            }
        }
        migrator.registerMigration("v2-clicks") { db in
            try db.create(table: "click") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("link_id", .integer).notNull().references("link", onDelete: .cascade)
                t.column("occurred_at", .integer).notNull()
                t.column("referer", .text)
                t.column("referer_class", .text).notNull()
                t.column("counted", .boolean).notNull()
                t.column("reason", .text).notNull()
                for name in ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
                             "gclid", "aclk", "msclkid", "twclid", "fbclid"] {
                    t.column(name, .text)
                }
                t.column("custom", .text)
                t.column("ga_status", .text).notNull()
            }
            try db.create(index: "click_on_link_time", on: "click", columns: ["link_id", "occurred_at"])
            try db.create(index: "click_on_time", on: "click", columns: ["occurred_at"])
            // Hits per link, quarter hour, reason and referer class, kept in the same transaction as
            // the rows: stats read these instead of the raw log, and survive its retention. A quarter
            // hour is the coarsest bucket every time zone's day boundary falls on (+05:45, +09:30).
            try db.create(table: "click_bucket") { t in
                t.column("link_id", .integer).notNull().references("link", onDelete: .cascade)
                t.column("bucket_start", .integer).notNull()
                t.column("reason", .text).notNull()
                t.column("referer_class", .text).notNull()
                t.column("hits", .integer).notNull()
                t.primaryKey(["link_id", "bucket_start", "reason", "referer_class"])
            }
        }
        migrator.registerMigration("v3-leads-consent-pageviews") { db in
            try db.create(table: "lead") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("subject", .text).notNull()
                for name in ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
                             "gclid", "aclk", "msclkid", "twclid", "fbclid"] {
                    t.column(name, .text)
                }
                t.column("custom", .text)
                t.column("landing_path", .text)
                t.column("created_at", .integer).notNull()
            }
            // Assignment and erasure work per subject; the listing's most common filter is the source.
            try db.create(index: "lead_on_subject", on: "lead", columns: ["subject", "id"])
            try db.create(index: "lead_on_source", on: "lead", columns: ["utm_source", "id"])
            // Append-only: the newest row of a subject is its current consent.
            try db.create(table: "consent_log") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("subject", .text).notNull()
                for name in ["analytics_storage", "ad_storage", "ad_user_data", "ad_personalization"] {
                    t.column(name, .text).notNull()
                }
                t.column("source", .text)
                t.column("recorded_at", .integer).notNull()
            }
            try db.create(index: "consent_log_on_subject", on: "consent_log", columns: ["subject", "id"])
            // Counted page views per path and UTC quarter hour, like click_bucket: no row per visitor.
            try db.create(table: "pageview_bucket") { t in
                t.column("path", .text).notNull()
                t.column("bucket_start", .integer).notNull()
                t.column("views", .integer).notNull()
                t.primaryKey(["path", "bucket_start"])
            }
        }
        migrator.registerMigration("v4-ga-outbox") { db in
            // No foreign key to click: a click deleted by retention or with its link leaves its
            // event to be delivered, and settling an event then updates no click.
            try db.create(table: "ga_outbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("click_id", .integer)
                t.column("event", .text).notNull()
                t.column("payload", .blob).notNull()
                t.column("occurred_at", .integer).notNull()
                t.column("created_at", .integer).notNull()
                // queued, sent, failed or dead
                t.column("state", .text).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("next_attempt_at", .integer).notNull()
                t.column("last_error", .text)
                t.column("settled_at", .integer)
            }
            // The sender's only hot query: due queued events. Settled rows leave the index.
            try db.execute(sql: "CREATE INDEX ga_outbox_due ON ga_outbox (next_attempt_at, id) WHERE state = 'queued'")
        }
        migrator.registerMigration("v5-stats-aggregates") { db in
            // Per link and UTC day: the links table sums whole days here and only the range's
            // partial days from click_bucket, so 90 days of 1,000 links stay a small scan.
            try db.execute(sql: """
                CREATE TABLE click_day (
                    link_id INTEGER NOT NULL REFERENCES link(id) ON DELETE CASCADE,
                    day_start INTEGER NOT NULL,
                    counted INTEGER NOT NULL,
                    hits INTEGER NOT NULL,
                    PRIMARY KEY (link_id, day_start)
                ) WITHOUT ROWID;
                CREATE INDEX click_day_on_day ON click_day (day_start, link_id, counted, hits);
                CREATE INDEX click_bucket_on_time ON click_bucket (bucket_start, link_id, reason, hits);
                INSERT INTO click_day (link_id, day_start, counted, hits)
                    SELECT link_id, bucket_start - (bucket_start % 86400000),
                        SUM(CASE WHEN reason = 'ok' THEN hits ELSE 0 END), SUM(hits)
                    FROM click_bucket GROUP BY 1, 2;
                """)
            // Counted clicks per link, quarter hour and internal referer path: top referers, and
            // the clicks side of the pages' click-through rate.
            try db.execute(sql: """
                CREATE TABLE click_referer_bucket (
                    link_id INTEGER NOT NULL REFERENCES link(id) ON DELETE CASCADE,
                    bucket_start INTEGER NOT NULL,
                    path TEXT NOT NULL,
                    counted INTEGER NOT NULL,
                    PRIMARY KEY (link_id, bucket_start, path)
                ) WITHOUT ROWID;
                CREATE INDEX click_referer_bucket_on_time ON click_referer_bucket (bucket_start, path, counted);
                """)
            // Counted clicks per link, quarter hour and campaign. '' stands for an absent medium
            // or campaign: NULLs would never be equal in the primary key.
            try db.execute(sql: """
                CREATE TABLE click_source_bucket (
                    link_id INTEGER NOT NULL REFERENCES link(id) ON DELETE CASCADE,
                    bucket_start INTEGER NOT NULL,
                    utm_source TEXT NOT NULL,
                    utm_medium TEXT NOT NULL,
                    utm_campaign TEXT NOT NULL,
                    counted INTEGER NOT NULL,
                    PRIMARY KEY (link_id, bucket_start, utm_source, utm_medium, utm_campaign)
                ) WITHOUT ROWID;
                """)
            // Back-fill from the raw clicks logged before these tables existed. Counted clicks
            // always have an internal referer; its path starts at the first `/` after `://`.
            try db.execute(sql: """
                INSERT INTO click_referer_bucket (link_id, bucket_start, path, counted)
                    SELECT link_id, occurred_at - (occurred_at % 900000 + 900000) % 900000,
                        CASE WHEN instr(referer, ':') = 0 OR instr(substr(referer, instr(referer, ':') + 3), '/') = 0 THEN '/'
                            ELSE substr(substr(referer, instr(referer, ':') + 3), instr(substr(referer, instr(referer, ':') + 3), '/'))
                        END,
                        COUNT(*)
                    FROM click WHERE counted = 1 AND referer IS NOT NULL GROUP BY 1, 2, 3;
                INSERT INTO click_source_bucket (link_id, bucket_start, utm_source, utm_medium, utm_campaign, counted)
                    SELECT link_id, occurred_at - (occurred_at % 900000 + 900000) % 900000,
                        utm_source, COALESCE(utm_medium, ''), COALESCE(utm_campaign, ''), COUNT(*)
                    FROM click WHERE counted = 1 AND utm_source IS NOT NULL GROUP BY 1, 2, 3, 4, 5;
                """)
        }
        migrator.registerMigration("v6-outbox-counts-and-settled-payloads") { db in
            // Events per state, kept by triggers in the transaction that changes a row: the
            // unauthenticated /metrics reads five rows instead of counting months of events.
            try db.execute(sql: """
                CREATE TABLE ga_outbox_state_count (state TEXT PRIMARY KEY, events INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO ga_outbox_state_count (state, events) SELECT state, COUNT(*) FROM ga_outbox GROUP BY state;
                CREATE TRIGGER ga_outbox_count_insert AFTER INSERT ON ga_outbox BEGIN
                    INSERT INTO ga_outbox_state_count (state, events) VALUES (NEW.state, 1)
                    ON CONFLICT (state) DO UPDATE SET events = events + 1;
                END;
                CREATE TRIGGER ga_outbox_count_update AFTER UPDATE OF state ON ga_outbox WHEN OLD.state <> NEW.state BEGIN
                    UPDATE ga_outbox_state_count SET events = events - 1 WHERE state = OLD.state;
                    INSERT INTO ga_outbox_state_count (state, events) VALUES (NEW.state, 1)
                    ON CONFLICT (state) DO UPDATE SET events = events + 1;
                END;
                CREATE TRIGGER ga_outbox_count_delete AFTER DELETE ON ga_outbox BEGIN
                    UPDATE ga_outbox_state_count SET events = events - 1 WHERE state = OLD.state;
                END;
                CREATE INDEX ga_outbox_queued_age ON ga_outbox (occurred_at) WHERE state = 'queued';
                """)
            // A settled event's payload (client id, session id, page location) has done its job.
            try db.execute(sql: "UPDATE ga_outbox SET payload = x'' WHERE state <> 'queued'")
        }
        migrator.registerMigration("v7-link-schedule-and-routing") { db in
            // Destinations and rules are JSON arrays (NULL when none): read with the link, never queried.
            // A click keeps which rule or destination chose its URL; click_route_bucket sums
            // them per quarter hour for stats, as the other aggregates do.
            try db.execute(sql: """
                ALTER TABLE link ADD COLUMN starts_at INTEGER;
                ALTER TABLE link ADD COLUMN expires_at INTEGER;
                ALTER TABLE link ADD COLUMN max_clicks INTEGER;
                ALTER TABLE link ADD COLUMN expired_url TEXT;
                ALTER TABLE link ADD COLUMN destinations TEXT;
                ALTER TABLE link ADD COLUMN rules TEXT;
                ALTER TABLE click ADD COLUMN rule INTEGER;
                ALTER TABLE click ADD COLUMN destination INTEGER;
                CREATE TABLE click_route_bucket (
                    link_id INTEGER NOT NULL REFERENCES link(id) ON DELETE CASCADE,
                    bucket_start INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    route_index INTEGER NOT NULL,
                    counted INTEGER NOT NULL,
                    hits INTEGER NOT NULL,
                    PRIMARY KEY (link_id, bucket_start, kind, route_index)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v8-coarser-aggregates") { db in
            // Hours and weeks beside days: the links table sums the coarsest that fits its range
            // (Rollup). site_bucket is click_bucket over all links, for the overview.
            for (table, column) in [("click_hour", "hour_start"), ("click_week", "week_start")] {
                try db.execute(sql: """
                    CREATE TABLE \(table) (
                        link_id INTEGER NOT NULL REFERENCES link(id) ON DELETE CASCADE,
                        \(column) INTEGER NOT NULL,
                        counted INTEGER NOT NULL,
                        hits INTEGER NOT NULL,
                        PRIMARY KEY (link_id, \(column))
                    ) WITHOUT ROWID;
                    CREATE INDEX \(table)_on_time ON \(table) (\(column), link_id, counted, hits);
                    """)
            }
            try db.execute(sql: """
                INSERT INTO click_hour (link_id, hour_start, counted, hits)
                    SELECT link_id, bucket_start - (bucket_start % 3600000),
                        SUM(CASE WHEN reason = 'ok' THEN hits ELSE 0 END), SUM(hits)
                    FROM click_bucket GROUP BY 1, 2;
                INSERT INTO click_week (link_id, week_start, counted, hits)
                    SELECT link_id, day_start - (day_start % 604800000), SUM(counted), SUM(hits) FROM click_day GROUP BY 1, 2;
                CREATE TABLE site_bucket (
                    bucket_start INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    referer_class TEXT NOT NULL,
                    hits INTEGER NOT NULL,
                    PRIMARY KEY (bucket_start, reason, referer_class)
                ) WITHOUT ROWID;
                INSERT INTO site_bucket (bucket_start, reason, referer_class, hits)
                    SELECT bucket_start, reason, referer_class, SUM(hits) FROM click_bucket GROUP BY 1, 2, 3;
                """)
        }
        migrator.registerMigration("v9-page-rollups") { db in
            // Views and counted clicks per page path and UTC hour and day, all links together:
            // the pages table sums these and only its range's ends from the quarter hours.
            for (table, column, size) in [("page_hour", "hour_start", 3_600_000), ("page_day", "day_start", 86_400_000)] {
                try db.execute(sql: """
                    CREATE TABLE \(table) (
                        path TEXT NOT NULL,
                        \(column) INTEGER NOT NULL,
                        views INTEGER NOT NULL DEFAULT 0,
                        clicks INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (path, \(column))
                    ) WITHOUT ROWID;
                    CREATE INDEX \(table)_on_time ON \(table) (\(column), path, views, clicks);
                    INSERT INTO \(table) (path, \(column), views, clicks)
                        SELECT path, start, SUM(views), SUM(clicks) FROM (
                            SELECT path, bucket_start - (bucket_start % \(size)) AS start, views, 0 AS clicks FROM pageview_bucket
                            UNION ALL
                            SELECT path, bucket_start - (bucket_start % \(size)), 0, counted FROM click_referer_bucket
                        ) GROUP BY 1, 2;
                    """)
            }
            try db.execute(sql: "CREATE INDEX pageview_bucket_on_time ON pageview_bucket (bucket_start, path, views)")
        }
        return migrator
    }
}
