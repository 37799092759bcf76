/// The device classes a rule can ask for, told from the user agent at request time only.
public enum DeviceClass: String, Sendable, CaseIterable, Codable {
    case ios, android, mobile, desktop

    /// iPadOS Safari presents itself as a Mac by default and is taken for a desktop: nothing in
    /// the request tells them apart. Every other phone or tablet is `mobile`, everything else `desktop`.
    public static func classes(ofUserAgent userAgent: String) -> Set<DeviceClass> {
        var classes: Set<DeviceClass> = []
        // Byte searches: a redirect decides this per hit, and String's Unicode-aware search costs more.
        let bytes = userAgent.utf8
        func has(_ marker: String) -> Bool { bytes.firstRange(of: marker.utf8) != nil }
        if has("iPhone") || has("iPad") || has("iPod") {
            classes.insert(.ios)
        } else if has("Android") {
            classes.insert(.android)
        }
        let mobile = !classes.isEmpty || mobileMarkers.contains(where: has)
        classes.insert(mobile ? .mobile : .desktop)
        return classes
    }

    /// Marks of phones and tablets that are neither iOS nor Android (MDN, "Browser detection
    /// using the user agent": "Mobi" anywhere means a mobile device).
    private static let mobileMarkers = ["Mobi", "Tablet", "Windows Phone", "KAIOS", "BlackBerry"]
}
