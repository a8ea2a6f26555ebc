import Foundation

/// The package's built products, for tests that run them as a person would.
public enum BuiltExecutable {
    /// The built `itinerary` executable, next to the test bundle.
    public static var itinerary: URL {
        var directory = Bundle.main.bundleURL
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("itinerary").path) {
            directory.deleteLastPathComponent()
            if directory.path == "/" { break }
        }
        return directory.appendingPathComponent("itinerary")
    }
}
