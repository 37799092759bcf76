import Domain

extension RPCError {
    /// `-32001`: the slug names no active link (openrpc.json).
    static func unknownLink(_ slug: String) -> RPCError {
        RPCError(code: -32001, message: "Unknown or inactive link", data: .object(["slug": .string(slug)]))
    }

    /// `-32001` too: the link exists but is not live (not started, expired, out of clicks), so
    /// nothing was recorded; `data.state` says which.
    static func linkNotLive(_ slug: String, state: LinkState) -> RPCError {
        RPCError(code: -32001, message: "Link not live", data: .object(["slug": .string(slug), "state": .string(state.rawValue)]))
    }

    /// `-32002`: the database kept refusing the write; nothing was stored, the call may be retried.
    static func storageUnavailable() -> RPCError {
        RPCError(
            code: -32002, message: "Storage unavailable",
            data: .object(["detail": .string("nothing was stored; retry later")]))
    }
}
