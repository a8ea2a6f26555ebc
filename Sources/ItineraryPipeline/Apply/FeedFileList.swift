import Foundation
import ItineraryFeed

/// The feed files named by paths (files, or directories of `*.zst` files but the names
/// `InboxNames` skips: `.` and `_` names), in delivery order:
/// by the time in the name, then carrier, then sequence. Names that do not parse come last so
/// they are refused (and reported) rather than skipped.
public enum FeedFileList {
    public static func files(in paths: [String]) throws -> [URL] {
        var urls: [URL] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw FeedFileListError(path: path, message: "no such file or directory")
            }
            let url = URL(fileURLWithPath: path)
            if isDirectory.boolValue {
                let names = try manager.contentsOfDirectory(atPath: path)
                urls += names.filter { $0.hasSuffix(".zst") && !InboxNames.isIgnored($0) }.map {
                    url.appendingPathComponent($0)
                }
            } else {
                urls.append(url)
            }
        }
        return sorted(urls)
    }

    /// Delivery order of the files' names.
    public static func sorted(_ urls: [URL]) -> [URL] {
        let named = urls.map { (url: $0, name: FeedFileName($0.lastPathComponent)) }
        return named.sorted { lhs, rhs in
            switch (lhs.name, rhs.name) {
            case let (left?, right?): left < right
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): lhs.url.lastPathComponent < rhs.url.lastPathComponent
            }
        }.map(\.url)
    }
}

public struct FeedFileListError: Error, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}
