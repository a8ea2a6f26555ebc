import CLibPQ
import Foundation

extension PostgresConnection {
    /// Runs `body` inside `BEGIN`…`COMMIT`, rolling back if it throws.
    ///
    /// Other threads using this connection wait until the transaction ends. If a statement failed
    /// inside `body` but the error was swallowed, PostgreSQL turns the `COMMIT` into a rollback;
    /// that is reported as an error rather than silently losing the work. Transactions do not nest.
    @discardableResult
    public func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        guard PQtransactionStatus(connection) == PQTRANS_IDLE else {
            throw PostgresError(message: "transaction() called while a transaction is already open on this connection")
        }
        try execute("BEGIN")
        let value: T
        do {
            value = try body(self)
        } catch {
            if PQstatus(connection) == CONNECTION_OK { _ = try? execute("ROLLBACK") }
            throw error
        }
        let commit = try execute("COMMIT")
        guard commit.commandStatus != "ROLLBACK" else {
            throw PostgresError(
                sqlState: "25P02", message: "transaction was rolled back because a statement in it failed")
        }
        return value
    }
}
