/// How a link's clicks are deleted on either backend: in batches of their own transactions, so
/// that a link with millions of clicks never holds the database's writers for one long transaction.
package enum LinkDeletion {
    /// Rows per transaction: a few milliseconds of writing each.
    package static let clickBatch = 5_000
}
