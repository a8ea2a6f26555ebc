import CLibPQ

/// Parameters laid out for `PQexecParams`/`PQexecPrepared`: every value lives in one byte
/// buffer so the C pointer arrays stay valid for the whole call with a single allocation.
struct ParameterBuffer {
    private static let byteaOID: Oid = 17

    private var storage: [UInt8] = []
    private var offsets: [Int?] = []
    private var lengths: [Int32] = []
    private var formats: [Int32] = []
    private var types: [Oid] = []

    init(_ values: [PostgresValue?]) throws {
        for value in values {
            switch value {
            case nil:
                offsets.append(nil)
                lengths.append(0)
                formats.append(0)
                types.append(0)
            case .text(let string):
                // libpq reads text parameters up to the first NUL; refuse rather than truncate.
                guard !string.utf8.contains(0) else {
                    throw PostgresError(message: "text parameter contains a NUL character")
                }
                appendText(string.utf8)
            case .int(let integer):
                appendText(String(integer).utf8)
            case .double(let double):
                appendText(Self.text(for: double).utf8)
            case .bool(let bool):
                appendText((bool ? "t" : "f").utf8)
            case .bytes(let bytes):
                offsets.append(storage.count)
                storage.append(contentsOf: bytes)
                lengths.append(Int32(bytes.count))
                formats.append(1)
                types.append(Self.byteaOID)
            }
        }
        // Keeps the base address non-nil, so an empty bytea is sent as empty rather than NULL.
        storage.append(0)
    }

    var count: Int32 { Int32(offsets.count) }

    /// Calls `body` with the `paramTypes`, `paramValues`, `paramLengths` and `paramFormats` arrays.
    func withPointers<R>(
        _ body: (
            UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?
        ) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeBufferPointer { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress!)
            let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in
                offset.map { base.advanced(by: $0).assumingMemoryBound(to: CChar.self) }
            }
            return try pointers.withUnsafeBufferPointer { values in
                try types.withUnsafeBufferPointer { types in
                    try lengths.withUnsafeBufferPointer { lengths in
                        try formats.withUnsafeBufferPointer { formats in
                            try body(types.baseAddress, values.baseAddress, lengths.baseAddress, formats.baseAddress)
                        }
                    }
                }
            }
        }
    }

    private mutating func appendText(_ utf8: String.UTF8View) {
        offsets.append(storage.count)
        storage.append(contentsOf: utf8)
        storage.append(0)
        lengths.append(0)
        formats.append(0)
        types.append(0)
    }

    /// PostgreSQL spells the special floating-point values differently from Swift.
    private static func text(for double: Double) -> String {
        if double.isNaN { return "NaN" }
        if double.isInfinite { return double < 0 ? "-Infinity" : "Infinity" }
        return String(double)
    }
}
