/// The device classes a rule can ask for, told from the user agent at request time only.
public enum DeviceClass: String, Sendable, CaseIterable, Codable {
    case ios, android, mobile, desktop

    /// iPadOS Safari presents itself as a Mac by default and is taken for a desktop: nothing in
    /// the request tells them apart. Every other phone or tablet is `mobile`, everything else `desktop`.
    public static func classes(ofUserAgent userAgent: String) -> Set<DeviceClass> {
        var text = userAgent
        return text.withUTF8 { bytes in
            // Byte searches: a redirect decides this per hit; String's and the generic collection
            // searches cost tens of microseconds per user agent here.
            func has(_ marker: [UInt8]) -> Bool { contains(bytes, marker) }
            var classes: Set<DeviceClass> = []
            if iosMarkers.contains(where: has) {
                classes.insert(.ios)
            } else if has(androidMarker) {
                classes.insert(.android)
            }
            let mobile = !classes.isEmpty || mobileMarkers.contains(where: has)
            classes.insert(mobile ? .mobile : .desktop)
            return classes
        }
    }

    private static let iosMarkers = ["iPhone", "iPad", "iPod"].map { Array($0.utf8) }
    private static let androidMarker = Array("Android".utf8)
    /// Marks of phones and tablets that are neither iOS nor Android (MDN, "Browser detection
    /// using the user agent": "Mobi" anywhere means a mobile device).
    private static let mobileMarkers = ["Mobi", "Tablet", "Windows Phone", "KAIOS", "BlackBerry"].map { Array($0.utf8) }

    private static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else { return needle.isEmpty }
        var start = 0
        while start <= haystack.count - needle.count {
            if haystack[start] == first {
                var matched = 1
                while matched < needle.count && haystack[start + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return true }
            }
            start += 1
        }
        return false
    }
}
