import Hummingbird

/// Response builders with the service's headers.
enum Responses {
    /// A JSON response; `private` responses (cards, tokens) are marked `no-store`.
    static func json(_ text: String, status: HTTPResponse.Status = .ok, private: Bool = true) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = `private` ? "no-store" : "no-cache"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func error(_ error: APIError) -> Response {
        var response = json(error.json, status: error.status)
        if let retryAfter = error.retryAfter {
            response.headers[.retryAfter] = String(retryAfter)
        }
        if error.code == "invalid_token" {
            response.headers[.wwwAuthenticate] = #"Bearer error="invalid_token""#
        }
        return response
    }

    static func text(_ text: String, contentType: String, cacheControl: String = "no-cache") -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.cacheControl] = cacheControl
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A self-contained page (inline CSS and JS, talking only to this service): framing, outside
    /// resources and form targets forbidden; `images` adds an `img-src` source list.
    static func page(_ html: String, images: String? = nil) -> Response {
        var response = text(html, contentType: "text/html; charset=utf-8", cacheControl: "no-cache")
        response.headers[.contentSecurityPolicy] =
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; "
            + (images.map { "img-src \($0); " } ?? "") + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        response.headers[.init("Referrer-Policy")!] = "no-referrer"
        return response
    }
}
