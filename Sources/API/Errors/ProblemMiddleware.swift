import Domain
import Metrics
import Hummingbird
import Logging
import NIOCore
import Storage

/// Turns every error that escapes a handler into problem+json, so no client ever sees an
/// HTML page, an empty body or internal error text.
private let requestDatabaseErrors = Counter(label: "clicktrail_database_errors_total", dimensions: [("operation", "request")])

struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try Self.problem(for: error, logger: context.logger).response(from: request, context: context)
        }
    }

    static func problem(for error: any Error, logger: Logger) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let validation as ValidationError:
            return .validation(validation)
        case LinkRepositoryError.slugTaken(let slug):
            return .conflict("the slug '\(slug)' is taken")
        case is NIOTooManyBytesError:
            return Problem(status: .contentTooLarge, detail: detail(for: .contentTooLarge))
        case let httpError as HTTPError:
            return Problem(status: httpError.status, detail: httpError.body ?? Self.detail(for: httpError.status))
        default:
            if AppStorage.isDatabaseError(error) { requestDatabaseErrors.increment() }
            logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            return .internalError()
        }
    }

    private static func detail(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "no resource at this path"
        case .contentTooLarge: "the request body exceeds 1 MiB"
        default: status.reasonPhrase
        }
    }
}
