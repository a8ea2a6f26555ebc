import Foundation

/// Greps every regular file under some directories, as someone who can read the disk would:
/// PostgreSQL's heap files, WAL and logs, a state directory. The at-rest tests' one scan.
public struct FileScan {
    /// Regular files read.
    public private(set) var files = 0
    /// For each needle, the files that hold it, in their bytes or in their path.
    public private(set) var holders: [[String]]

    public init(_ directories: [URL], for needles: [[UInt8]]) {
        holders = needles.map { _ in [] }
        for directory in directories {
            guard let entries = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
                continue
            }
            for case let file as URL in entries
            where (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                guard let bytes = try? Data(contentsOf: file) else { continue }
                files += 1
                let path = Data(file.path.utf8)
                for (index, needle) in needles.enumerated()
                where bytes.range(of: Data(needle)) != nil || path.range(of: Data(needle)) != nil {
                    holders[index].append(file.path)
                }
            }
        }
    }
}
