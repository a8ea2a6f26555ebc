import ItineraryCore
import ItineraryStore

/// The store's naming of phones: the HMAC key of the number (`PhoneKeyer`), cached, with the
/// phones each batch touched, whose state, visits and card the batch's commit rewrites. Every
/// worker keeps its own cache and its own list; a phone several workers saw is listed by each.
struct PhoneKeyNaming: PhoneNaming {
    let keyer: PhoneKeyer
    /// Phone → key, with the number of the last batch that touched the phone.
    private var keys = PhoneKeyTable()
    private var batch = 0
    /// Phones touched in the batch in hand, in the order this worker first saw them.
    private(set) var touched: [(masked: String, key: PhoneKey)] = []

    init(keyer: PhoneKeyer) { self.keyer = keyer }

    /// The phone named last: a file's records come grouped by phone more often than not.
    private var last: (phone: Phone, key: PhoneKey)?

    mutating func key(for phone: Phone) -> PhoneKey {
        if let last, last.phone == phone { return last.key }
        let key: PhoneKey
        if let (held, first) = keys.key(for: phone, batch: batch) {
            key = held
            if first { touched.append((phone.masked, key)) }
        } else {
            key = keyer.key(for: phone)
            keys.insert(phone, key: key, batch: batch)
            touched.append((phone.masked, key))
        }
        last = (phone, key)
        return key
    }

    /// Starts batch `number`: no phone touched yet.
    mutating func startBatch(_ number: Int) {
        batch = number
        touched.removeAll()
        last = nil
    }

    /// Forgets the phones retention dropped, or the cache would grow with every phone ever seen.
    mutating func forget(_ gone: Set<PhoneKey>) {
        keys.remove(gone)
        last = nil
    }
}
