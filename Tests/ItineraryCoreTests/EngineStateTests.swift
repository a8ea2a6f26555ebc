import ItineraryCore
import ItineraryTestTags
import PropertyBased
import Testing

/// What the store relies on: state survives encoding, and a refused file leaves no trace.
@Suite(.tags(.unit)) struct EngineStateTests {
    typealias F = Fixture

    @Test func trackSurvivesEncodingAtEveryStep() async {
        await propertyCheck(count: 30, input: Gen.int(in: 0...1_000_000)) { seed in
            let rules = CardRules()
            var original = ItineraryEngine<Phone>(rules: rules)
            var restored = ItineraryEngine<Phone>(rules: rules)
            let files = EngineEquivalenceTests.deliver(
                EngineEquivalenceTests.wander(seed: UInt64(seed), days: 10),
                seed: UInt64(seed), lateness: rules.configuration.lateness)
            for file in files {
                original.beginFile()
                for observation in file { _ = original.add(observation, for: F.phone) }
                original.endFile()
                // A restart: only the encoded track and the newest accepted time carry over.
                let bytes = original.tracks[F.phone]?.encoded ?? []
                restored = ItineraryEngine(rules: rules, newestAccepted: original.newestAccepted)
                if let track = PhoneTrack(encoded: bytes) { restored.restore(track, for: F.phone) }
                #expect(restored.tracks[F.phone]?.encoded == original.tracks[F.phone]?.encoded)
            }
            let time = original.newestAccepted! + 3600
            #expect(restored.card(for: F.phone, at: time) == original.card(for: F.phone, at: time))
        }
    }

    @Test func corruptTrackBytesAreRefused() {
        var track = PhoneTrack()
        _ = track.insert(F.obs(F.beijing, F.at(8)))
        let bytes = track.encoded
        #expect(PhoneTrack(encoded: bytes) != nil)
        #expect(PhoneTrack(encoded: bytes.dropLast()) == nil)
        #expect(PhoneTrack(encoded: [2] + bytes.dropFirst()) == nil)
        #expect(PhoneTrack(encoded: []) == nil)
    }

    @Test func phoneKeyRoundTripsItsBytes() {
        let bytes = (0..<32).map { UInt8($0 * 7 & 0xFF) }
        #expect(PhoneKey(bytes: bytes)?.bytes == bytes)
        #expect(PhoneKey(bytes: bytes.dropLast()) == nil)
    }
}
