import Foundation
import Hummingbird

/// On the POST routes' group. POSTs are taken only as the page's own script and the SMS gateway send them, so another web
/// page cannot make a visitor's browser send code SMS: a cross-site request (`Sec-Fetch-Site:
/// cross-site`, or an `Origin` other than the request's own host) is 403 `cross_origin`, and a
/// body that is not declared `application/json` (what an HTML form or a "simple" cross-origin
/// fetch can send) is 415 `unsupported_media_type`. Server-to-server callers send no `Origin`.
struct SameOriginJSONMiddleware: RouterMiddleware {
    typealias Context = LookupRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if request.headers[.secFetchSite]?.lowercased() == "cross-site" {
            throw APIError.crossOrigin
        }
        if let origin = request.headers[.origin], !Self.origin(origin, matches: request.head.authority) {
            throw APIError.crossOrigin
        }
        guard let contentType = request.headers[.contentType], Self.isJSON(contentType) else {
            throw APIError.unsupportedMediaType
        }
        return try await next(request, context)
    }

    /// Whether `origin` (`scheme://host[:port]`) names `authority` (the request's `Host`).
    static func origin(_ origin: String, matches authority: String?) -> Bool {
        guard let authority, !authority.isEmpty else { return false }
        let origin = origin.lowercased()
        let host = authority.lowercased()
        return origin == "http://" + host || origin == "https://" + host
    }

    /// `application/json`, with or without parameters (`; charset=utf-8`).
    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return mediaType.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }
}
