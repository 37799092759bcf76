import Foundation
import Hummingbird

/// `POST /rpc`: JSON-RPC 2.0 over HTTP (openrpc.json). HTTP only carries it: every JSON-RPC answer,
/// errors included, is a `200`; authentication, media type and size are HTTP's (401/403/415/413).
struct RPCController {
    let dispatcher: RPCDispatcher

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post(use: handle)
    }

    @Sendable func handle(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.principal.require(.ingest)
        try JSONBody.requireMediaType(of: request, in: ["application/json"])
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let answer = await dispatcher.respond(to: Data(body.readableBytesView), logger: context.logger)
        guard let answer else { return Response(status: .noContent) }
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: answer)))
    }
}
