/// A coding key named at run time, for bodies whose field names come from a list (the lead and
/// click-id parameters of the wire format, openapi.yaml) rather than from stored properties.
struct JSONKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
