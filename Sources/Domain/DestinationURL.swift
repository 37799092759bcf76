import Foundation

/// The rules a redirect destination must pass before it is stored; `Location` headers are built
/// only from stored URLs, so this is the one gate against header injection and odd schemes.
public enum DestinationURL {
    public static let maxLength = 2048

    /// Why `candidate` is not an acceptable destination, or nil when it is.
    public static func problem(with candidate: String) -> String? {
        if candidate.isEmpty { return "must not be empty" }
        if candidate.utf8.count > maxLength { return "must be at most \(maxLength) characters" }
        if TextRules.containsControlCharacter(candidate) || candidate.contains(" ") {
            return "must not contain control characters or spaces"
        }
        guard let components = URLComponents(string: candidate),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https"
        else {
            return "must be an absolute http or https URL"
        }
        guard let host = components.host, !host.isEmpty else {
            return "must be an absolute http or https URL with a host"
        }
        return nil
    }
}
