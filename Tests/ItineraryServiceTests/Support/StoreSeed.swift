import Foundation
import ItineraryCore
import ItineraryPostgres
import ItineraryStore
import ItineraryTestSupport

/// Writes phones into a store as the pipeline would, for tests that read cards from it.
enum StoreSeed {
    /// Each phone was in Hangzhou for 6 hours five days before `dataTime`, then in Beijing for
    /// the 5 hours up to it: both listed, green. The store's data time becomes `dataTime`.
    static func write(_ phones: [Phone], dataTime: Int64, to connectionString: String) throws {
        let rules = CardRules()
        var engine = ItineraryEngine<PhoneKey>(rules: rules)
        engine.beginFile()
        let stays = [
            (PlaceCode(adcode: 330100)!, dataTime - 5 * 86_400, 12),
            (PlaceCode(adcode: 110000)!, dataTime - 5 * 3600, 10),
        ]
        for phone in phones {
            for (place, start, halfHours) in stays {
                for step in 0...halfHours {
                    _ = engine.add(
                        Observation(time: start + Int64(step) * 1800, place: place),
                        for: Fixtures.phoneKeyer.key(for: phone))
                }
            }
        }
        engine.endFile()
        let writes = try phones.map { phone in
            let key = Fixtures.phoneKeyer.key(for: phone)
            guard let track = engine.tracks[key] else { throw TestFailure("no track for \(phone.masked)") }
            let snapshot = PhoneSnapshot(track: track, key: key, contacts: .empty, rules: rules, at: dataTime)
            return TrackWrite(key: key, masked: phone.masked, snapshot: snapshot)
        }
        try PipelineStore(connection: PostgresConnection(connectionString)).commit(
            [], writes: writes, newestAccepted: dataTime)
    }
}

/// The built `itinerary`, run as a person would.
enum CLI {
    /// Runs `itinerary ARGUMENTS` to its end, with `environment` added to this process's: its
    /// status, standard output and standard error.
    static func run(
        _ arguments: [String], environment: [String: String] = [:]
    ) async throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = BuiltExecutable.itinerary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        async let out = Task.detached { output.fileHandleForReading.readDataToEndOfFile() }.value
        async let err = Task.detached { error.fileHandleForReading.readDataToEndOfFile() }.value
        let (outData, errData) = await (out, err)
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: outData, as: UTF8.self),
            String(decoding: errData, as: UTF8.self)
        )
    }
}
