import GRDB

/// Schema history. A shipped migration is never edited: add a new one.
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
        return migrator
    }
}
