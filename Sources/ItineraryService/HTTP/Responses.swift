import Hummingbird

/// Response builders with the service's headers.
enum Responses {
    /// A JSON response; `private` responses (cards, tokens, errors) are marked `no-store`.
    static func json(
        _ text: String, status: HTTPResponse.Status = .ok, private: Bool = true, headers extra: HTTPFields = [:]
    ) -> Response {
        var headers = jsonHeaders(private: `private`)
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The content type and cache policy of a JSON answer.
    static func jsonHeaders(private: Bool = true) -> HTTPFields {
        [.contentType: "application/json; charset=utf-8", .cacheControl: `private` ? "no-store" : "no-cache"]
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
