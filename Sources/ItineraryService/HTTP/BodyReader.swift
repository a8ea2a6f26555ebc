import Foundation
import Hummingbird

/// Reads small JSON request bodies with a hard size limit.
enum BodyReader {
    /// The raw body, refusing (413) anything above `limit` bytes without reading it all.
    static func bytes(_ request: Request, limit: Int) async throws -> [UInt8] {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw APIError.payloadTooLarge
        }
        var bytes: [UInt8] = []
        for try await chunk in request.body {
            guard bytes.count + chunk.readableBytes <= limit else { throw APIError.payloadTooLarge }
            bytes.append(contentsOf: chunk.readableBytesView)
        }
        return bytes
    }

    /// Decodes a JSON object; 400 `malformed_json` if it is not one, `invalid_request` if a
    /// field has the wrong type.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        guard bytes.contains(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) else {
            throw APIError.malformedJSON("the request body is empty; expected a JSON object")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch DecodingError.typeMismatch(_, let context) where !context.codingPath.isEmpty {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError.invalidRequest("field \"\(field)\" has the wrong type")
        } catch {
            throw APIError.malformedJSON()
        }
    }
}
