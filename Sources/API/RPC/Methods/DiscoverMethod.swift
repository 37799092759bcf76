/// `rpc.discover` (OpenRPC 1.3 service discovery): the document describing every method.
struct DiscoverMethod {
    let document: JSONValue

    var methods: [RPCMethod] {
        let document = document
        return [RPCMethod("rpc.discover", parameters: []) { _ in document }]
    }
}
