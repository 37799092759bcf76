/// The database cannot be reached right now (down, restarting, network gone): worth retrying,
/// unlike a refused statement. The description never contains a password.
package struct DatabaseUnavailable: Error, CustomStringConvertible {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}
