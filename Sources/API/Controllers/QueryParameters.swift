import Hummingbird

/// A request's query parameters, percent-decoded; for a repeated name the first value counts.
struct QueryParameters {
    let values: [String: String]

    init(_ request: Request) {
        var values: [String: String] = [:]
        for (name, value) in request.uri.queryParameters where values[String(name)] == nil {
            values[String(name)] = String(value)
        }
        self.values = values
    }
}
