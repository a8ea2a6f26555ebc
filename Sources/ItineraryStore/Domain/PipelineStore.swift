import ItineraryCore
import ItineraryPostgres

/// The pipeline's side of the store in PostgreSQL: the ledger (``PipelineLedger``) and the
/// phones' rows (``PhoneStateStore``), on one session, whose advisory lock is the writer lock.
///
/// `commit` writes one file's effects and its ledger row in a single transaction, so a file is
/// applied exactly once whatever happens to the process (docs/feed-format.md). Bulk rows go by COPY.
public final class PipelineStore: PipelineLedger, PhoneStateStore, @unchecked Sendable {
    // One connection, used by one pipeline at a time.
    public let connection: PostgresConnection
    /// Seals the cell ids of replayable rejects; a store without it keeps none.
    let cellSealer: CellIDSealer?

    public init(connection: PostgresConnection, cellSealer: CellIDSealer? = nil) throws {
        self.connection = connection
        self.cellSealer = cellSealer
        try connection.execute(
            "CREATE TEMP TABLE IF NOT EXISTS touched_phones (phone_key bytea NOT NULL) ON COMMIT DELETE ROWS")
    }

    /// The advisory-lock class of the writer lock; the object is the share (0 for a whole store).
    static let writerLockClass: Int64 = 0x1717

    /// Takes the store's writer lock for `share` on this connection, for the life of the session:
    /// one process at a time applies feeds to a share, so lateness and cards stay exact. Returns
    /// `false`, without waiting, when another session holds it.
    public func tryLockWriter(share: Int) throws -> Bool {
        try connection.execute(
            "SELECT pg_try_advisory_lock($1::int4, $2::int4)", .int(Self.writerLockClass), .int(Int64(share))
        )
        .decode(Bool.self, 0, 0)
    }

    /// Who holds the writer lock of `share`, for the message a second writer gets: the
    /// process as the holder recorded it (its session's application name: command, pid and
    /// host), where it connects from and since when; a session that recorded nothing is named by
    /// its server process.
    public func writerLockHolder(share: Int) throws -> String? {
        let result = try connection.execute(
            """
            SELECT a.pid, coalesce(nullif(a.application_name, ''), 'unnamed client'), coalesce(host(a.client_addr), 'local socket'),
                   a.backend_start
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::int8 AND l.objid = $2::int8 AND l.objsubid = 2
            """, .int(Self.writerLockClass), .int(Int64(share)))
        guard result.rowCount > 0 else { return nil }
        let name = try result.decode(String.self, 0, 1)
        let session =
            "connected from \(try result.decode(String.self, 0, 2)) since \(try result.decode(String.self, 0, 3))"
        // A writer that recorded itself ends its name in ", pid N on HOST" (WriterIdentity).
        guard name.contains(", pid ") else {
            return "a session of PostgreSQL server process \(try result.decode(Int64.self, 0, 0)) (\(name), \(session))"
        }
        return "\(name), \(session)"
    }

    /// Hands back every advisory lock of the session, the writer locks among them.
    public func releaseWriterLocks() throws {
        try connection.execute("SELECT pg_advisory_unlock_all()")
    }

    /// Whether a file with this content has been applied already.
    public func isIngested(contentHash: [UInt8]) throws -> Bool {
        try connection.execute("SELECT 1 FROM ingest_files WHERE content_hash = $1", .bytes(contentHash)).rowCount > 0
    }

    /// The newest event time accepted so far, from which the watermark follows.
    public func newestAccepted() throws -> Int64? {
        try Self.newestAccepted(connection)
    }

    static func newestAccepted(_ connection: PostgresConnection) throws -> Int64? {
        // NULL until the first accepted record (SQL/0002).
        try connection.execute("SELECT newest_accepted FROM pipeline_state").decode(Int64?.self, 0, 0)
    }

    /// Every phone's engine state, to resume where the last committed file left off.
    public func tracks() throws -> [(PhoneKey, PhoneTrack)] {
        let result = try connection.execute(
            "SELECT phone_key, state FROM phone_tracks", parameters: [], resultFormat: .binary)
        return try (0..<result.rowCount).map { row in
            guard let key = PhoneKey(bytes: try result.decode([UInt8].self, row, 0)),
                let track = PhoneTrack(encoded: try result.decode([UInt8].self, row, 1))
            else { throw PostgresError(message: "phone_tracks row \(row) does not decode") }
            return (key, track)
        }
    }

    /// Notes a file refused whole, outside any file transaction. The name, the reason (which
    /// may quote the name or the data) and the path are kept masked (`DigitRunMasker`).
    public func recordRefused(fileName: String, contentHash: [UInt8]?, reason: String, movedTo: String?) throws {
        try connection.execute(
            "INSERT INTO refused_files (file_name, content_hash, reason, moved_to) VALUES ($1, $2, $3, $4)",
            .text(DigitRunMasker.maskedFileName(fileName)), contentHash.map { .bytes($0) },
            .text(DigitRunMasker.masked(reason)), movedTo.map { .text(DigitRunMasker.maskedFileName($0)) })
    }

    private func sealed(_ cellID: Int, for phone: PhoneKey) throws -> [UInt8] {
        guard let cellSealer else {
            throw PostgresError(message: "a store opened without the phone-key secret cannot keep replayable rejects")
        }
        return try cellSealer.seal(cellID, for: phone)
    }

    /// Seals the cell ids that rejects kept in clear before `cell_sealed` existed
    /// (SQL/0009_numbers_at_rest.sql), 10,000 at a time; a no-op once there are none.
    /// - Returns: how many it sealed.
    @discardableResult
    public func sealClearCellIDs() throws -> Int {
        var total = 0
        while true {
            let count = try connection.transaction { connection in
                let result = try connection.execute(
                    """
                    SELECT file_id, line::int8, phone_key, cell_id FROM rejects WHERE cell_id IS NOT NULL
                    LIMIT 10000 FOR UPDATE
                    """, parameters: [], resultFormat: .binary)
                var fileIDs: [String] = []
                var lines: [String] = []
                var sealed: [String] = []
                for row in 0..<result.rowCount {
                    guard let key = PhoneKey(bytes: try result.decode([UInt8].self, row, 2)) else {
                        throw PostgresError(message: "rejects row \(row) does not decode")
                    }
                    fileIDs.append(String(try result.decode(Int64.self, row, 0)))
                    lines.append(String(try result.decode(Int64.self, row, 1)))
                    let bytes = try self.sealed(Int(try result.decode(Int64.self, row, 3)), for: key)
                    // An array element in quotes: `\\x` is bytea's hex prefix.
                    sealed.append(#""\\x"# + bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() + "\"")
                }
                try connection.execute(
                    """
                    UPDATE rejects r SET cell_sealed = d.sealed, cell_id = NULL
                    FROM unnest($1::int8[], $2::int4[], $3::bytea[]) AS d (file_id, line, sealed)
                    WHERE r.file_id = d.file_id AND r.line = d.line
                    """, .text("{" + fileIDs.joined(separator: ",") + "}"),
                    .text("{" + lines.joined(separator: ",") + "}"), .text("{" + sealed.joined(separator: ",") + "}"))
                return result.rowCount
            }
            guard count > 0 else { return total }
            total += count
        }
    }

    /// The cell id of a replayable reject, opened (`CellIDSealer`).
    private func openedCellID(_ result: PostgresResult, row: Int, column: Int, for key: PhoneKey) throws -> Int {
        guard let sealed = try result.decode([UInt8]?.self, row, column), let cellSealer,
            let cellID = cellSealer.open(sealed, for: key)
        else {
            throw PostgresError(
                message: "a reject's cell id does not open: the store was filled under another phone-key secret")
        }
        return cellID
    }

    /// Commits a batch of applied files: each file's ledger row and rejects, the new state of
    /// every phone they touched and the new newest-accepted time, in one transaction.
    /// Throws `PostgresError` with `isUniqueViolation` if one file's content was committed meanwhile.
    public func commit(
        _ files: [(record: IngestRecord, rejects: [RejectRow])], writes: [TrackWrite], newestAccepted: Int64?
    ) throws {
        try connection.transaction { connection in
            var ids: [Int64] = []
            for (record, _) in files {
                let inserted = try connection.execute(
                    """
                    INSERT INTO ingest_files (file_name, content_hash, compressed_bytes, decompressed_bytes, records, accepted,
                        duplicates, late, rejected, watermark, newest_event)
                    VALUES ($1, $2, $3::int8, $4::int8, $5::int8, $6::int8, $7::int8, $8::int8, $9::int8, $10::int8, $11::int8)
                    RETURNING id
                    """, .text(record.fileName), .bytes(record.contentHash), .int(Int64(record.compressedBytes)),
                    .int(Int64(record.decompressedBytes)), .int(Int64(record.records)), .int(Int64(record.accepted)),
                    .int(Int64(record.duplicates)), .int(Int64(record.late)), .int(Int64(record.rejected)),
                    record.watermark.map { .int($0) }, record.newestEvent.map { .int($0) })
                ids.append(try inserted.decode(Int64.self, 0, 0))
            }
            if files.contains(where: { !$0.rejects.isEmpty }) {
                try connection.copyIn(
                    sql: """
                        COPY rejects (file_id, file_name, line, reason, raw, phone_key, masked, event_time, mcc, mnc, lac, cell_sealed) FROM STDIN
                        """
                ) { writer in
                    for ((record, rejects), fileID) in zip(files, ids) {
                        for reject in rejects {
                            // The name and the line come masked (`IngestRecord`, `RejectRow`).
                            writer.appendInt64(fileID)
                            writer.appendText(record.fileName)
                            writer.appendInt64(Int64(reject.line))
                            writer.appendText(reject.reason)
                            writer.appendText(reject.raw)
                            if let replay = reject.replay {
                                writer.appendBytea(replay.phoneKey.bytes)
                                writer.appendText(replay.masked)
                                for value in [replay.time, Int64(replay.mcc), Int64(replay.mnc), Int64(replay.lac)] {
                                    writer.appendInt64(value)
                                }
                                writer.appendBytea(try sealed(replay.cellID, for: replay.phoneKey))
                            } else {
                                for _ in 0..<7 { writer.appendNull() }
                            }
                            try writer.endRow()
                        }
                    }
                }
            }
            try replacePhones(writes)
            try connection.execute(
                "UPDATE pipeline_state SET newest_accepted = $1::int8", newestAccepted.map { .int($0) })
        }
    }

    /// Replays the rejected records a reference load may have fixed, in one transaction, with
    /// memory bounded whatever their number: `decide` sees them in file and line order, a chunk
    /// at a time through a cursor, and returns which were resolved (applied or found duplicate:
    /// deleted) and which are now late (kept as `late`, without their record); `finish` then
    /// gives the touched phones' new rows and what to note in `reject_replays`.
    public func replayRejects(
        chunkSize: Int = 10_000,
        decide: (_ chunk: [ReplayCandidate]) throws -> (resolved: [RejectPosition], late: [RejectPosition]),
        finish: () throws -> ReplayCommit
    ) throws {
        try connection.transaction { connection in
            // A cursor reads the snapshot of its declaration: the updates below do not disturb it.
            try connection.execute(
                """
                DECLARE replay NO SCROLL CURSOR FOR
                SELECT file_id, line::int8, phone_key, masked, event_time, mcc::int8, mnc::int8, lac, cell_sealed FROM rejects
                WHERE phone_key IS NOT NULL ORDER BY file_id, line
                """)
            while true {
                let result = try connection.execute(
                    "FETCH \(chunkSize) FROM replay", parameters: [], resultFormat: .binary)
                guard result.rowCount > 0 else { break }
                let decided = try decide(try (0..<result.rowCount).map { try candidate(result, row: $0) })
                try connection.execute(
                    "DELETE FROM rejects r USING unnest($1::int8[], $2::int4[]) AS d (file_id, line) WHERE r.file_id = d.file_id AND r.line = d.line",
                    parameters: Self.arrays(decided.resolved))
                try connection.execute(
                    """
                    UPDATE rejects r SET reason = 'late', phone_key = NULL, masked = NULL, event_time = NULL, mcc = NULL, mnc = NULL,
                        lac = NULL, cell_id = NULL, cell_sealed = NULL
                    FROM unnest($1::int8[], $2::int4[]) AS d (file_id, line) WHERE r.file_id = d.file_id AND r.line = d.line
                    """, parameters: Self.arrays(decided.late))
            }
            try connection.execute("CLOSE replay")
            let commit = try finish()
            try replacePhones(commit.writes)
            try connection.execute(
                "UPDATE pipeline_state SET newest_accepted = $1::int8", commit.newestAccepted.map { .int($0) })
            let counts = commit.outcome
            try connection.execute(
                """
                INSERT INTO reject_replays (examined, applied, duplicates, late, still_rejected)
                VALUES ($1::int8, $2::int8, $3::int8, $4::int8, $5::int8)
                """, .int(Int64(counts.examined)), .int(Int64(counts.applied)), .int(Int64(counts.duplicates)),
                .int(Int64(counts.late)), .int(Int64(counts.stillRejected)))
        }
    }

    private func candidate(_ result: PostgresResult, row: Int) throws -> ReplayCandidate {
        let number = { (column: Int) throws -> Int64 in try result.decode(Int64.self, row, column) }
        guard let key = PhoneKey(bytes: try result.decode([UInt8].self, row, 2)) else {
            throw PostgresError(message: "rejects row \(row) does not decode")
        }
        let masked = try result.decode(String.self, row, 3)
        return ReplayCandidate(
            position: RejectPosition(fileID: try number(0), line: Int(try number(1))),
            row: ReplayRow(
                phoneKey: key, masked: masked, time: try number(4), mcc: Int(try number(5)), mnc: Int(try number(6)),
                lac: Int(try number(7)), cellID: try openedCellID(result, row: row, column: 8, for: key)))
    }

    /// Two array parameters, the positions' file ids and lines.
    private static func arrays(_ positions: [RejectPosition]) -> [PostgresValue?] {
        [
            .text("{" + positions.map { String($0.fileID) }.joined(separator: ",") + "}"),
            .text("{" + positions.map { String($0.line) }.joined(separator: ",") + "}"),
        ]
    }

    /// Deletes every row of the given phones (within the caller's transaction).
    private func deletePhones(_ keys: [PhoneKey]) throws {
        guard !keys.isEmpty else { return }
        try connection.copyIn(sql: "COPY touched_phones (phone_key) FROM STDIN") { writer in
            for key in keys {
                writer.appendBytea(key.bytes)
                try writer.endRow()
            }
        }
        // Without statistics the planner guesses a large temp table and scans whole partitions.
        try connection.execute("ANALYZE touched_phones")
        for table in ["phone_tracks", "phone_visits", "cards"] {
            try connection.execute("DELETE FROM \(table) t USING touched_phones s WHERE t.phone_key = s.phone_key")
        }
    }

    /// Replaces the rows of every phone a commit rewrites with their new state.
    private func replacePhones(_ writes: [TrackWrite]) throws {
        guard !writes.isEmpty else { return }
        try deletePhones(writes.map(\.key))
        try connection.copyIn(sql: "COPY phone_tracks (phone_key, state, newest_at) FROM STDIN") { writer in
            for write in writes {
                let track = write.snapshot.track
                writer.appendBytea(write.key.bytes)
                writer.appendBytea(track.encoded)
                writer.appendInt64(track.newestTime ?? 0)
                try writer.endRow()
            }
        }
        try connection.copyIn(sql: "COPY phone_visits (phone_key, visits) FROM STDIN") { writer in
            for write in writes where !write.snapshot.visits.isEmpty {
                writer.appendBytea(write.key.bytes)
                writer.appendBytea(Self.packed(write.snapshot.visits))
                try writer.endRow()
            }
        }
        try copyCards(writes.lazy.map { ($0.key, $0.masked, $0.snapshot.card, $0.snapshot.nextChange) })
    }

    /// Visits as `phone_visits` holds them: 12 bytes each, place code, first and last as unsigned
    /// big-endian 32-bit numbers (SQL/0006_current_cards.sql unpacks them).
    static func packed(_ visits: [Visit]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(12 * visits.count)
        for visit in visits {
            for value in [
                visit.place.rawValue, UInt32(truncatingIfNeeded: visit.first), UInt32(truncatingIfNeeded: visit.last),
            ] {
                withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
            }
        }
        return bytes
    }

    private func copyCards(_ cards: some Sequence<(PhoneKey, String, Card, Int64?)>) throws {
        try connection.copyIn(sql: "COPY cards (phone_key, masked, evaluated_at, color, card, next_change) FROM STDIN")
        {
            writer in
            for (key, masked, card, nextChange) in cards {
                writer.appendBytea(key.bytes)
                writer.appendText(masked)
                writer.appendTimestamp(epochSeconds: card.at)
                writer.appendText(card.color.rawValue)
                writer.appendText(card.placesJSON)
                if let nextChange { writer.appendInt64(nextChange) } else { writer.appendNull() }
                try writer.endRow()
            }
        }
    }

    /// The phones whose stored rows change by `time` (`cards.next_change`), or every phone when
    /// `time` is nil, with their masked numbers: a commit that moves the data time to `time` rewrites them.
    public func due(at time: Int64?) throws -> [(key: PhoneKey, masked: String)] {
        let result = try connection.execute(
            "SELECT phone_key, masked FROM cards WHERE $1::int8 IS NULL OR next_change <= $1::int8",
            parameters: [time.map { .int($0) }], resultFormat: .binary)
        return try (0..<result.rowCount).map { row in
            guard let key = PhoneKey(bytes: try result.decode([UInt8].self, row, 0)) else {
                throw PostgresError(message: "cards row \(row) does not decode")
            }
            return (key, try result.decode(String.self, row, 1))
        }
    }

    /// Recomputes every stored card at the data time, within the caller's transaction: a new risk
    /// or contact list's (`ReferenceStore.replaceRisk(_:source:then:)`), so the list and the cards
    /// it gives show together. Holds off pipeline commits (a share lock on `phone_tracks`), so a
    /// card a pipeline commits meanwhile is never overwritten by an older one, and moves the row
    /// version of `pipeline_state` as every commit of phone data does (readers such as the lookup
    /// service drop the cards they show again on it).
    public func refreshAllCards(_ snapshot: (PhoneKey, PhoneTrack, Int64) -> PhoneSnapshot) throws {
        try connection.execute("LOCK TABLE phone_tracks IN SHARE MODE")
        guard let time = try Self.newestAccepted(connection) else { return }
        let result = try connection.execute(
            "SELECT t.phone_key, c.masked, t.state FROM phone_tracks t JOIN cards c USING (phone_key)",
            parameters: [], resultFormat: .binary)
        let cards = try (0..<result.rowCount).map { row in
            let masked = try result.decode(String.self, row, 1)
            guard let key = PhoneKey(bytes: try result.decode([UInt8].self, row, 0)),
                let track = PhoneTrack(encoded: try result.decode([UInt8].self, row, 2))
            else { throw PostgresError(message: "phone_tracks row \(row) does not decode") }
            let snapshot = snapshot(key, track, time)
            return (key, masked, snapshot.card, snapshot.nextChange)
        }
        try connection.execute("TRUNCATE cards")
        try copyCards(cards)
        try connection.execute("UPDATE pipeline_state SET newest_accepted = newest_accepted")
    }

    /// Retention (docs/rules.md): deletes the phones the engine forgot. Visits of the others
    /// leave as their phones come due (`due(at:)`).
    public func expire(_ forgotten: [PhoneKey]) throws {
        try connection.transaction { connection in
            try deletePhones(forgotten)
            // What lookup services read of them, and the consents they hold (SQL/0011), leave too.
            for table in ["partner_reads", "partner_consents"] where !forgotten.isEmpty {
                try connection.execute("DELETE FROM \(table) t USING touched_phones s WHERE t.phone_key = s.phone_key")
            }
        }
    }

    /// Reclaims the space of the per-phone rows commits replaced. A commit replaces every phone
    /// it touches, and a batch touches most phones: autovacuum, which wakes at most once a
    /// minute, lets the dead rows pile up to several times the live ones meanwhile.
    public func reclaimReplacedRows() throws {
        try connection.execute("VACUUM phone_tracks, phone_visits, cards")
    }

    /// Deletes every phone's data, the ledger, the pipeline's state and the rule settings it was
    /// built with, as the real service did when it closed, and what lookup services read and hold
    /// consents for. Reference data stays, except the close contacts (they name phones).
    public func purgeAll() throws {
        try connection.transaction { connection in
            try connection.execute(
                "TRUNCATE phone_tracks, phone_visits, cards, rejects, ingest_files, refused_files, reject_replays, "
                    + "partner_reads, partner_consents")
            try connection.execute("DELETE FROM contacts")
            try connection.execute("UPDATE pipeline_state SET newest_accepted = NULL")
            // An empty store takes the settings of whatever is applied next.
            try connection.execute("DELETE FROM rule_settings")
        }
    }
}
