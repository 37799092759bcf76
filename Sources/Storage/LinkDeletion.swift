/// How a link's clicks are deleted on either backend: in batches of their own transactions, so
/// that a link with millions of clicks never holds the database's writers for one long transaction.
package enum LinkDeletion {
    /// Rows per transaction: a few milliseconds of writing each.
    package static let clickBatch = 5_000

    /// Takes the link's hits out of the all-links buckets, in the transaction that deletes the
    /// link (and its own buckets by cascade), so the overview keeps equalling the links' sum.
    /// The same for the pages' rollups, which count clicks on any link from each page.
    static func subtractFromSite(linkIDPlaceholder: String) -> [String] {
        [
            """
            UPDATE site_bucket SET hits = site_bucket.hits - gone.hits
            FROM (SELECT bucket_start, reason, referer_class, hits FROM click_bucket WHERE link_id = \(linkIDPlaceholder)) AS gone
            WHERE site_bucket.bucket_start = gone.bucket_start AND site_bucket.reason = gone.reason
                AND site_bucket.referer_class = gone.referer_class
            """
        ]
            + Rollup.pageTables.map { rollup, table in
                """
                UPDATE \(table) SET clicks = \(table).clicks - gone.counted
                FROM (
                    SELECT path, bucket_start - (bucket_start % \(rollup.size)) AS start, SUM(counted) AS counted
                    FROM click_referer_bucket WHERE link_id = \(linkIDPlaceholder) GROUP BY 1, 2
                ) AS gone
                WHERE \(table).path = gone.path AND \(table).\(rollup.startColumn) = gone.start
                """
            }
    }
}
