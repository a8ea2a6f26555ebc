/// What a process that applies feeds does when another one holds the store's writer lock.
public enum WriterLockPolicy: Sendable {
    /// Stop at once with `WriterLockError` (batch commands).
    case fail
    /// Try again every `poll` until the lock is free or `cancelled` says stop (a daemon
    /// waiting as a standby).
    case wait(poll: Duration, cancelled: @Sendable () -> Bool)
}

/// Another process is applying feeds to the same store.
public struct WriterLockError: Error, CustomStringConvertible {
    /// Who holds the lock, as the server reports it.
    public var holder: String?

    public init(holder: String?) {
        self.holder = holder
    }

    public var description: String {
        "another process is applying feeds to this store (\(holder ?? "holder unknown")); only one writer at a time "
            + "keeps lateness and cards exact: wait for it to finish, or stop it"
    }
}
