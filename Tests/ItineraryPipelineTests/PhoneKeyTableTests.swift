import ItineraryCore
import ItinerarySimulation
import ItineraryTestTags
import PropertyBased
import Testing

@testable import ItineraryPipeline

@Suite(.tags(.unit)) struct PhoneKeyTableTests {
    /// The table answers as a dictionary would through growth and removals: the same key for a
    /// phone every time, held until removed, and "first" once per phone per batch.
    @Test func behavesAsADictionary() async {
        await propertyCheck(count: 40, input: Gen.int(in: 0...1_000_000)) { seed in
            var random = SplitMix64(seed: UInt64(seed))
            func next(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }
            // Numbers close together and far apart, some sharing the hash's low bits.
            let phones = (0..<(1 + next(3000))).map { index in
                Phone(number: 13_000_000_000 + UInt64(next(2) == 0 ? index : next(999_999_999)) << UInt64(next(3) * 8))
                    ?? Phone(number: 13_800_138_000)!
            }
            func make(_ phone: Phone) -> PhoneKey {
                PhoneKey(words: (phone.number, ~phone.number, phone.number &* 3, 7))
            }
            var table = PhoneKeyTable()
            var model: [Phone: (key: PhoneKey, batch: Int)] = [:]
            for step in 0..<(1 + next(20_000)) {
                let batch = step / 500
                let phone = phones[next(phones.count)]
                if next(200) == 0 {
                    let gone = Set(model.values.filter { _ in next(3) == 0 }.map(\.key))
                    table.remove(gone)
                    model = model.filter { !gone.contains($0.value.key) }
                }
                let held = table.key(for: phone, batch: batch)
                #expect((held == nil) == (model[phone] == nil), "seed \(seed), step \(step)")
                if let held {
                    #expect(held.key == make(phone) && held.first == (model[phone]!.batch != batch))
                } else {
                    table.insert(phone, key: make(phone), batch: batch)
                }
                model[phone] = (make(phone), batch)
            }
            #expect(table.count == model.count)
        }
    }
}
