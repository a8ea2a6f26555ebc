/// The program's version, the one place it is set (`itinerary --version` prints it).
///
/// It is the newest release in CHANGELOG.md, with `+dev` while the changelog's `[Unreleased]`
/// section holds changes; a release sets it to the new heading's number in the same commit
/// (`VersionTests` checks the two agree).
enum Version {
    static let number = "0.1.0+dev"
}
