import CLibPQ
import Foundation

extension PostgresConnection {
    /// Bulk-loads rows with `COPY … FROM STDIN` in text format.
    ///
    ///     try connection.copyIn(sql: "COPY visits (phone_key, place) FROM STDIN") { writer in
    ///         for visit in visits {
    ///             writer.appendBytea(visit.phoneKey)
    ///             writer.appendText(visit.place)
    ///             try writer.endRow()
    ///         }
    ///     }
    ///
    /// If `body` throws, the COPY is aborted on the server (no row is kept) and the error rethrown.
    /// - Returns: the number of rows the server stored.
    @discardableResult
    public func copyIn(sql: String, _ body: (inout CopyWriter) throws -> Void) throws -> Int {
        lock.lock()
        defer { lock.unlock() }
        guard let start = PQexec(connection, sql) else { throw connectionError() }
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            defer { PQclear(start) }
            if PQresultStatus(start) == PGRES_COPY_OUT { _ = try? finishCopy() }
            throw PQresultStatus(start) == PGRES_FATAL_ERROR
                ? error(from: start) : PostgresError(message: "copyIn needs a COPY … FROM STDIN statement")
        }
        PQclear(start)

        var writer = CopyWriter(connection: connection)
        do {
            try body(&writer)
            try writer.flush()
        } catch {
            _ = PQputCopyEnd(connection, "aborted by the client")
            _ = try? finishCopy()
            throw error
        }
        guard PQputCopyEnd(connection, nil) == 1 else {
            _ = try? finishCopy()
            throw connectionError()
        }
        return try finishCopy().affectedRows
    }

    /// Collects the results that follow a COPY until libpq reports none left.
    func finishCopy() throws -> PostgresResult {
        var outcome: Result<PostgresResult, PostgresError>?
        while let result = PQgetResult(connection) {
            let status = PQresultStatus(result)
            if status == PGRES_COPY_OUT {
                // An unexpected COPY TO STDOUT: discard its data so the connection stays usable.
                PQclear(result)
                var row: UnsafeMutablePointer<CChar>?
                while PQgetCopyData(connection, &row, 0) > 0 { PQfreemem(row) }
                continue
            }
            if status == PGRES_COPY_IN {
                // Still in COPY mode: the connection is broken, and asking again would loop forever.
                PQclear(result)
                return try (outcome ?? .failure(connectionError())).get()
            }
            if outcome != nil {
                PQclear(result)
            } else if status == PGRES_COMMAND_OK {
                outcome = .success(PostgresResult(result))
            } else {
                outcome = .failure(error(from: result))
                PQclear(result)
            }
        }
        return try (outcome ?? .failure(connectionError())).get()
    }
}
