import Hummingbird

/// Hummingbird answers 404 for a known path with an unrouted method; HTTP wants 405 with `Allow`
/// (RFC 9110 §15.5.6), which tells a client its method, not its URL, is wrong.
enum MethodNotAllowed {
    private static let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options]

    static func addFallbacks(to router: Router<AppRequestContext>, for allowed: [String: [HTTPRequest.Method]]) {
        for (path, allowedMethods) in allowed {
            for method in methods where !allowedMethods.contains(method) {
                router.on(RouterPath(path), method: method) { _, _ -> Response in
                    throw Problem.methodNotAllowed(allowed: allowedMethods)
                }
            }
        }
    }
}
