/// A reference file (divisions, countries, cells, risk or contact list) that cannot be used.
public struct ReferenceDataError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file (path or resource name).
    public var file: String
    /// The 1-based line at fault, `nil` for the file as a whole.
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)"
    }
}
