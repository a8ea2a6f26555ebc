import ItineraryCore
import Synchronization
@testable import ItineraryService

/// ``CodeStore`` in memory, on the pure rules PostgreSQL applies (``OTPSendPolicy``,
/// ``OTPVerification``): one lock stands for the per-phone lock, so a code, its send and its SMS
/// are stored together, and an accepted code's token with its deletion.
final class InMemoryCodeStore: CodeStore {
    private struct State {
        var codes: [[UInt8]: OTPRecord] = [:]
        var sends: [[UInt8]: [Int64]] = [:]
    }

    private let state = Mutex(State())
    private let tokens: InMemoryTokenStore
    private let outbox: InMemoryOutboxStore

    init(tokens: InMemoryTokenStore, outbox: InMemoryOutboxStore) {
        self.tokens = tokens
        self.outbox = outbox
    }

    func issueCode(
        phoneKey: [UInt8], codeHash: [UInt8], sms: NewSMS, now: Int64, policy: OTPPolicy
    ) async throws -> SendDecision {
        try state.withLock { state in
            let sends = state.sends[phoneKey, default: []].filter { $0 > now - policy.dailyWindow.inWholeSeconds }
            let decision = OTPSendPolicy.decide(previousSends: sends, now: now, policy: policy)
            guard decision == .allowed else { return decision }
            // First, so a message that cannot be queued leaves no code behind (one transaction).
            try outbox.append(sms, now: now)
            state.sends[phoneKey] = sends + [now]
            state.codes[phoneKey] = OTPRecord(
                codeHash: codeHash, issuedAt: now, expiresAt: now + policy.codeLifetime.inWholeSeconds, wrongAttempts: 0
            )
            return decision
        }
    }

    func verifyCode(
        phoneKey: [UInt8], submittedHash: [UInt8], now: Int64, policy: OTPPolicy, token: NewToken?
    ) async throws -> OTPOutcome {
        state.withLock { state in
            let verdict = OTPVerification.evaluate(
                record: state.codes[phoneKey], submittedHash: submittedHash, now: now, policy: policy)
            switch verdict.change {
            case .keep: break
            case .delete: state.codes[phoneKey] = nil
            case .setWrongAttempts(let count): state.codes[phoneKey]?.wrongAttempts = count
            }
            if verdict.outcome == .accepted, let token { tokens.insert(token, phoneKey: phoneKey) }
            return verdict.outcome
        }
    }

    /// Deletes codes expired before `codesBefore` and sends at or before `sendsBefore`.
    func purge(codesBefore: Int64, sendsBefore: Int64) {
        state.withLock { state in
            state.codes = state.codes.filter { $0.value.expiresAt >= codesBefore }
            state.sends = state.sends.mapValues { $0.filter { $0 > sendsBefore } }.filter { !$0.value.isEmpty }
        }
    }
}
