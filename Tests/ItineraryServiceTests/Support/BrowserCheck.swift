import Foundation

/// The checks of `Tests/browser/` (headless Chromium over the DevTools protocol), run as a child.
enum BrowserCheck {
    /// The checkout, for the scripts and `Tests/artifacts/`.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `Tests/browser/SCRIPT ARGUMENTS` to its end; returns its status and standard output
    /// (its JSON summary).
    static func run(_ script: String, _ arguments: [String]) async throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [root.appendingPathComponent("Tests/browser/\(script)").path] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = await Task.detached { output.fileHandleForReading.readDataToEndOfFile() }.value
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }
}
