/// How a verification attempt changes the stored record.
enum OTPRecordChange: Sendable, Hashable {
    case keep
    case delete
    case setWrongAttempts(Int)
}
