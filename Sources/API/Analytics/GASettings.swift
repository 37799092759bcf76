import Foundation

/// Where and how events go to GA (README, "Google Analytics 4 forwarding"). The API secret is never printed: it is redacted
/// from this value's description and from every error text that passes `redacting`.
package struct GASettings: Sendable, CustomStringConvertible {
    package static let defaultEndpoint = "https://www.google-analytics.com/mp/collect"
    package static let euEndpoint = "https://region1.google-analytics.com/mp/collect"

    package var measurementID: String
    package var apiSecret: String
    /// The collect URL without query; the measurement id and secret are added per request.
    package var endpoint: URL
    /// Also post each payload to the validation server and log its messages.
    package var validate: Bool = false
    package var connectTimeout: Duration = .seconds(5)
    /// The whole request, answer included: a hanging GA holds one event this long at most.
    package var requestTimeout: Duration = .seconds(10)

    package init(measurementID: String, apiSecret: String, endpoint: URL) {
        self.measurementID = measurementID
        self.apiSecret = apiSecret
        self.endpoint = endpoint
    }

    package var description: String {
        "GA4 \(measurementID) via \(endpoint.absoluteString)\(validate ? " (validating)" : "")"
    }

    /// The URL a payload is posted to.
    package var collectURL: String { url(path: endpoint.path) }

    /// The validation server answers on the same host under `/debug`: `/debug/mp/collect`.
    var validationURL: String { url(path: "/debug" + endpoint.path) }

    private func url(path: String) -> String {
        var components = URLComponents(url: endpoint, resolvingAgainstBaseURL: false)!
        components.path = path
        components.queryItems = [URLQueryItem(name: "measurement_id", value: measurementID), URLQueryItem(name: "api_secret", value: apiSecret)]
        // URLComponents leaves `+` and `&`-safe characters alone; a secret is always sent verbatim.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return components.string!
    }

    /// `text` with the secret replaced, for anything logged or stored: every `api_secret=` query
    /// value whatever its encoding (`+` may travel as `%2B` or `%2b`), then the secret wherever
    /// else it stands, raw or encoded as this service sends it.
    package func redacting(_ text: String) -> String {
        // A query's `api_secret` value, up to the next separator of a URL or of the text around it.
        var text = text.replacing(#/(?i)api_secret=[^&#\s"'<>]*/#) { _ in "api_secret=[redacted]" }
        var forms: Set<String> = [apiSecret]
        let sent = URLComponents(string: collectURL)?.percentEncodedQueryItems?.first { $0.name == "api_secret" }?.value
        for encoded in [sent, apiSecret.addingPercentEncoding(withAllowedCharacters: .alphanumerics)].compactMap({ $0 }) {
            forms.insert(encoded)
            forms.insert(encoded.replacing(#/%[0-9A-F]{2}/#) { $0.output.lowercased() })
        }
        // Longest first, so a shorter form inside a longer one cannot leave a piece of it behind.
        for form in forms.sorted(by: { $0.count > $1.count }) where !form.isEmpty {
            text = text.replacingOccurrences(of: form, with: "[redacted]")
        }
        return text
    }
}

extension GASettings {
    /// From the four variables of the README's "Configuration"; nil when id or secret is unset (forwarding is off).
    static func resolve(
        measurementID: String?, apiSecret: String?, endpoint: String?, validate: String?
    ) throws(ConfigurationError) -> GASettings? {
        guard let measurementID, let apiSecret else { return nil }
        guard measurementID.hasPrefix("G-"), measurementID.count <= 32,
            measurementID.dropFirst(2).allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }), measurementID.count > 2
        else {
            throw ConfigurationError("CLICKTRAIL_GA_MEASUREMENT_ID must be a GA4 measurement id such as G-ABC123XYZ, not '\(measurementID)'")
        }
        guard apiSecret.count <= 256, !apiSecret.contains(where: { $0.isWhitespace || $0.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) })
        else {
            // Never quote the secret, not even when it is malformed.
            throw ConfigurationError("CLICKTRAIL_GA_API_SECRET must be the secret GA shows, without spaces or control characters")
        }
        let endpointText = endpoint ?? defaultEndpoint
        guard let url = URL(string: endpointText), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            url.host != nil, url.query == nil, url.fragment == nil
        else {
            throw ConfigurationError("CLICKTRAIL_GA_ENDPOINT must be an http(s) URL without query, such as \(defaultEndpoint) or \(euEndpoint)")
        }
        var settings = GASettings(measurementID: measurementID, apiSecret: apiSecret, endpoint: url)
        if let validate {
            switch validate.lowercased() {
            case "true", "1", "yes": settings.validate = true
            case "false", "0", "no": settings.validate = false
            default: throw ConfigurationError("CLICKTRAIL_GA_VALIDATE must be true or false, not '\(validate)'")
            }
        }
        return settings
    }
}
