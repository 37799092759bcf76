import PostgresNIO

extension PostgresBindings {
    /// `$1, $2, …, $count`, for statements whose column list is built rather than written out.
    static func placeholders(_ count: Int) -> String {
        (1...count).map { "$\($0)" }.joined(separator: ", ")
    }
}
