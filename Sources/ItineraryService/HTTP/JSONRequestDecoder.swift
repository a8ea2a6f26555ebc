import Foundation
import Hummingbird
import NIOCore

/// Decodes a request's JSON body for `request.decode(as:context:)`: at most the context's
/// `maxUploadSize` (413 `payload_too_large` past it), 400 `malformed_json` if it is not a JSON
/// object, `invalid_request` if a field has the wrong type.
struct JSONRequestDecoder: RequestDecoder {
    func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        var request = request
        return try decode(type, from: try await request.collectLimitedBody(context: context))
    }

    func decode<T: Decodable>(_ type: T.Type, from body: ByteBuffer) throws -> T {
        guard body.readableBytesView.contains(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) else {
            throw APIError.malformedJSON("the request body is empty; expected a JSON object")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
        } catch DecodingError.typeMismatch(_, let context) where !context.codingPath.isEmpty {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError.invalidRequest("field \"\(field)\" has the wrong type")
        } catch {
            throw APIError.malformedJSON()
        }
    }
}

extension Request {
    /// The whole body, kept on the request (so `decode(as:context:)` reads it again): at most
    /// `context.maxUploadSize` bytes, refused unread (413) when the declared length is already more.
    mutating func collectLimitedBody(context: some RequestContext) async throws -> ByteBuffer {
        if let declared = headers[.contentLength].flatMap({ Int($0) }), declared > context.maxUploadSize {
            throw APIError.payloadTooLarge
        }
        do {
            return try await collectBody(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw APIError.payloadTooLarge
        }
    }
}
