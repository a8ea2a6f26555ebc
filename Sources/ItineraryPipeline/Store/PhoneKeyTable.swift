import ItineraryCore

/// Phone → store key, with the number of the batch that last touched the phone: open addressing
/// over one flat array of 48-byte slots, so a look-up, once per feed record, reads one slot
/// (a `Dictionary` keeps keys and values apart and hashes with SipHash).
struct PhoneKeyTable: Sendable {
    private struct Slot: Sendable {
        /// The phone's number; 0 marks an empty slot (no phone number is 0).
        var number: UInt64 = 0
        var key: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var batch = 0
    }

    private var slots = [Slot](repeating: Slot(), count: 1024)
    /// Bits of the hash that pick a slot: the table holds `1 << bits` slots.
    private var bits = 10
    private(set) var count = 0

    /// The key of `phone` and whether batch `batch` touches the phone for the first time (the
    /// batch is noted), or nil if the table does not hold the phone.
    mutating func key(for phone: Phone, batch: Int) -> (key: PhoneKey, first: Bool)? {
        let (index, found) = slot(of: phone.number)
        guard found else { return nil }
        let key = PhoneKey(words: slots[index].key)
        guard slots[index].batch != batch else { return (key, false) }
        slots[index].batch = batch
        return (key, true)
    }

    /// Adds a phone the table does not hold, touched by batch `batch`.
    mutating func insert(_ phone: Phone, key: PhoneKey, batch: Int) {
        if (count + 1) * 2 > slots.count { rebuild(bits: bits + 1) { _ in true } }
        let (index, found) = slot(of: phone.number)
        precondition(!found, "the table holds the phone already")
        slots[index] = Slot(number: phone.number, key: key.words, batch: batch)
        count += 1
    }

    /// Forgets the phones whose keys are in `gone`.
    mutating func remove(_ gone: Set<PhoneKey>) {
        rebuild(bits: bits) { !gone.contains(PhoneKey(words: $0.key)) }
    }

    /// Where `number` is, or the empty slot where it would go.
    private func slot(of number: UInt64) -> (index: Int, found: Bool) {
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: Phone.spread(of: number) >> UInt64(64 - bits))
        while true {
            let held = slots[index].number
            if held == number { return (index, true) }
            if held == 0 { return (index, false) }
            index = (index + 1) & mask
        }
    }

    /// Rehashes the slots `keep` keeps into a table of `1 << bits` slots.
    private mutating func rebuild(bits: Int, keep: (Slot) -> Bool) {
        let old = slots
        self.bits = bits
        slots = [Slot](repeating: Slot(), count: 1 << bits)
        count = 0
        for entry in old where entry.number != 0 && keep(entry) {
            slots[slot(of: entry.number).index] = entry
            count += 1
        }
    }
}
