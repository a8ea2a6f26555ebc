import Synchronization

@testable import ItineraryService

/// ``PartnerStore`` in memory: the partners a test registers (``add(_:)``), their reads and the
/// phones' consents, with `partner_consents`' rules (one consent per phone and partner, renewed
/// by a new grant; standing while unexpired and not withdrawn).
final class InMemoryPartnerStore: PartnerStore {
    private struct Read {
        var clientID: String
        var phoneKey: [UInt8]
        var at: Int64
        var purpose: String
        var outcome: String
    }

    private struct Consent {
        var grantedAt: Int64
        var expiresAt: Int64
        var withdrawnAt: Int64?

        func stands(at time: Int64) -> Bool { withdrawnAt == nil && expiresAt > time }
    }

    private struct ConsentKey: Hashable {
        var phoneKey: [UInt8]
        var clientID: String
    }

    private struct State {
        var partners: [Partner] = []
        /// In insertion order (the `id` order of `partner_reads`).
        var reads: [Read] = []
        var consents: [ConsentKey: Consent] = [:]

        func name(of clientID: String) -> String? { partners.first { $0.clientID == clientID }?.name }
    }

    private let state = Mutex(State())

    /// Registers a partner (as `itinerary partners add` does).
    func add(_ partner: Partner) {
        state.withLock { $0.partners.append(partner) }
    }

    func partners() async throws -> [Partner] {
        state.withLock { $0.partners.sorted { ($0.createdAt, $0.clientID) < ($1.createdAt, $1.clientID) } }
    }

    func recordRead(clientID: String, phoneKey: [UInt8], at time: Int64, purpose: String, outcome: String) async throws
    {
        state.withLock {
            $0.reads.append(Read(clientID: clientID, phoneKey: phoneKey, at: time, purpose: purpose, outcome: outcome))
        }
    }

    func grantConsent(clientID: String, phoneKey: [UInt8], at time: Int64, expiresAt: Int64) async throws {
        state.withLock {
            $0.consents[ConsentKey(phoneKey: phoneKey, clientID: clientID)] = Consent(
                grantedAt: time, expiresAt: expiresAt)
        }
    }

    func consentedRead(clientID: String, phoneKey: [UInt8], at time: Int64) async throws -> Bool {
        state.withLock { state in
            let stands = state.consents[ConsentKey(phoneKey: phoneKey, clientID: clientID)]?.stands(at: time) == true
            state.reads.append(
                Read(
                    clientID: clientID, phoneKey: phoneKey, at: time, purpose: "consent",
                    outcome: stands ? "card" : "no_consent"))
            return stands
        }
    }

    func withdraw(phoneKey: [UInt8], partnerName: String?, clientID: String?, at time: Int64) async throws -> [String] {
        state.withLock { state in
            var names: [String] = []
            for (key, consent) in state.consents where key.phoneKey == phoneKey && consent.stands(at: time) {
                guard let name = state.name(of: key.clientID),
                    partnerName.map({ $0.lowercased() == name.lowercased() }) ?? true,
                    clientID.map({ $0 == key.clientID }) ?? true
                else { continue }
                state.consents[key]?.withdrawnAt = time
                names.append(name)
            }
            return names.sorted()
        }
    }

    func audit(
        phoneKey: [UInt8], at time: Int64, limit: Int
    ) async throws -> (reads: [PartnerRead], consents: [PartnerConsent]) {
        state.withLock { state in
            let reads = state.reads.enumerated().filter { $0.element.phoneKey == phoneKey }
                .sorted { ($0.element.at, $0.offset) > ($1.element.at, $1.offset) }.prefix(limit)
                .compactMap { _, read in
                    state.name(of: read.clientID).map {
                        PartnerRead(partnerName: $0, at: read.at, purpose: read.purpose, outcome: read.outcome)
                    }
                }
            let consents = state.consents.filter { $0.key.phoneKey == phoneKey && $0.value.stands(at: time) }
                .compactMap { key, consent in
                    state.name(of: key.clientID).map {
                        PartnerConsent(
                            clientID: key.clientID, partnerName: $0, grantedAt: consent.grantedAt,
                            expiresAt: consent.expiresAt)
                    }
                }.sorted { ($0.grantedAt, $0.partnerName) < ($1.grantedAt, $1.partnerName) }
            return (Array(reads), consents)
        }
    }

    func purgeExpired(now time: Int64, readsBefore: Int64) async throws {
        state.withLock { state in
            state.reads.removeAll { $0.at < readsBefore }
            state.consents = state.consents.filter {
                $0.value.expiresAt >= time && ($0.value.withdrawnAt ?? time) >= time
            }
        }
    }
}
