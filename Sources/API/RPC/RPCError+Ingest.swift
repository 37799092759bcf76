extension RPCError {
    /// `-32001`: the slug names no active link (openrpc.json).
    static func unknownLink(_ slug: String) -> RPCError {
        RPCError(code: -32001, message: "Unknown or inactive link", data: .object(["slug": .string(slug)]))
    }

    /// `-32002`: the database kept refusing the write; nothing was stored, the call may be retried.
    static func storageUnavailable() -> RPCError {
        RPCError(
            code: -32002, message: "Storage unavailable",
            data: .object(["detail": .string("nothing was stored; retry later")]))
    }
}
