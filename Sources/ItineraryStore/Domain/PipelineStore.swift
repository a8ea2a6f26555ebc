import ItineraryCore

/// The pipeline's side of the store: the ledger, rejects, engine state, visits and cards.
///
/// `commit` writes one file's effects and its ledger row in a single transaction, so a file is
/// applied exactly once whatever happens to the process (SPEC §4). Bulk rows go by COPY.
public final class PipelineStore: @unchecked Sendable {
    // One connection, used by one pipeline at a time.
    public let connection: PostgresConnection

    public init(connection: PostgresConnection) throws {
        self.connection = connection
        try connection.execute("CREATE TEMP TABLE IF NOT EXISTS touched_phones (phone_key bytea NOT NULL) ON COMMIT DELETE ROWS")
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
        try connection.execute("SELECT newest_accepted FROM pipeline_state").int64(0, 0)
    }

    /// Every phone's engine state, to resume where the last committed file left off.
    public func tracks() throws -> [(PhoneKey, PhoneTrack)] {
        let result = try connection.execute("SELECT phone_key, state FROM phone_tracks", parameters: [], resultFormat: .binary)
        return try (0..<result.rowCount).map { row in
            guard let key = try result.bytes(row, 0).flatMap({ PhoneKey(bytes: $0) }),
                  let track = try result.bytes(row, 1).flatMap({ PhoneTrack(encoded: $0) })
            else { throw PostgresError(message: "phone_tracks row \(row) does not decode") }
            return (key, track)
        }
    }

    /// Notes a file refused whole, outside any file transaction.
    public func recordRefused(fileName: String, contentHash: [UInt8]?, reason: String, movedTo: String?) throws {
        try connection.execute(
            "INSERT INTO refused_files (file_name, content_hash, reason, moved_to) VALUES ($1, $2, $3, $4)",
            .text(fileName), contentHash.map { .bytes($0) }, .text(reason), movedTo.map { .text($0) })
    }

    /// Commits a batch of applied files: each file's ledger row and rejects, the new state of
    /// every phone they touched and the new newest-accepted time, in one transaction.
    /// Throws `PostgresError` with `isUniqueViolation` if one file's content was committed meanwhile.
    public func commit(_ files: [(record: IngestRecord, rejects: [RejectRow])], writes: [TrackWrite], newestAccepted: Int64?) throws {
        try connection.transaction { connection in
            var ids: [Int64] = []
            for (record, _) in files {
                let inserted = try connection.execute("""
                    INSERT INTO ingest_files (file_name, content_hash, compressed_bytes, decompressed_bytes, records, accepted,
                        duplicates, late, rejected, watermark, newest_event)
                    VALUES ($1, $2, $3::int8, $4::int8, $5::int8, $6::int8, $7::int8, $8::int8, $9::int8, $10::int8, $11::int8)
                    RETURNING id
                    """, .text(record.fileName), .bytes(record.contentHash), .int(Int64(record.compressedBytes)),
                    .int(Int64(record.decompressedBytes)), .int(Int64(record.records)), .int(Int64(record.accepted)),
                    .int(Int64(record.duplicates)), .int(Int64(record.late)), .int(Int64(record.rejected)),
                    record.watermark.map { .int($0) }, record.newestEvent.map { .int($0) })
                ids.append(try inserted.int64(0, 0) ?? 0)
            }
            if files.contains(where: { !$0.rejects.isEmpty }) {
                try connection.copyIn(sql: "COPY rejects (file_id, file_name, line, reason, raw) FROM STDIN") { writer in
                    for ((record, rejects), fileID) in zip(files, ids) {
                        for reject in rejects {
                            writer.appendInt64(fileID)
                            writer.appendText(record.fileName)
                            writer.appendInt64(Int64(reject.line))
                            writer.appendText(reject.reason)
                            writer.appendText(reject.raw)
                            try writer.endRow()
                        }
                    }
                }
            }
            try replacePhones(writes)
            try connection.execute("UPDATE pipeline_state SET newest_accepted = $1::int8", newestAccepted.map { .int($0) })
        }
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
        for table in ["phone_tracks", "visits", "cards"] {
            try connection.execute("DELETE FROM \(table) t USING touched_phones s WHERE t.phone_key = s.phone_key")
        }
    }

    /// Replaces the rows of every phone a file touched with their new state.
    private func replacePhones(_ writes: [TrackWrite]) throws {
        guard !writes.isEmpty else { return }
        try deletePhones(writes.map(\.key))
        try connection.copyIn(sql: "COPY phone_tracks (phone_key, masked, state, newest_at) FROM STDIN") { writer in
            for write in writes {
                writer.appendBytea(write.key.bytes)
                writer.appendText(write.masked)
                writer.appendBytea(write.track.encoded)
                writer.appendInt64(write.track.newestTime ?? 0)
                try writer.endRow()
            }
        }
        try connection.copyIn(sql: "COPY visits (phone_key, place, kind, first_at, last_at) FROM STDIN") { writer in
            for write in writes {
                let key = write.key.bytes
                for visit in write.visits {
                    writer.appendBytea(key)
                    writer.appendText(visit.place.description)
                    writer.appendText(visit.place.kind.rawValue)
                    writer.appendTimestamp(epochSeconds: visit.first)
                    writer.appendTimestamp(epochSeconds: visit.last)
                    try writer.endRow()
                }
            }
        }
        try connection.copyIn(sql: "COPY cards (phone_key, masked, evaluated_at, color, card) FROM STDIN") { writer in
            for write in writes {
                writer.appendBytea(write.key.bytes)
                writer.appendText(write.masked)
                writer.appendTimestamp(epochSeconds: write.card.at)
                writer.appendText(write.card.color.rawValue)
                writer.appendText(write.card.placesJSON)
                try writer.endRow()
            }
        }
    }

    /// Every phone's state with its masked number, for recomputing cards.
    public func maskedTracks() throws -> [(key: PhoneKey, masked: String, track: PhoneTrack)] {
        let result = try connection.execute("SELECT phone_key, masked, state FROM phone_tracks", parameters: [], resultFormat: .binary)
        return try (0..<result.rowCount).map { row in
            guard let key = try result.bytes(row, 0).flatMap({ PhoneKey(bytes: $0) }), let masked = result.string(row, 1),
                  let track = try result.bytes(row, 2).flatMap({ PhoneTrack(encoded: $0) })
            else { throw PostgresError(message: "phone_tracks row \(row) does not decode") }
            return (key, masked, track)
        }
    }

    /// Replaces the whole cards table, e.g. after a new risk or contact list.
    public func replaceAllCards(_ cards: [(key: PhoneKey, masked: String, card: Card)]) throws {
        try connection.transaction { connection in
            try connection.execute("TRUNCATE cards")
            try connection.copyIn(sql: "COPY cards (phone_key, masked, evaluated_at, color, card) FROM STDIN") { writer in
                for (key, masked, card) in cards {
                    writer.appendBytea(key.bytes)
                    writer.appendText(masked)
                    writer.appendTimestamp(epochSeconds: card.at)
                    writer.appendText(card.color.rawValue)
                    writer.appendText(card.placesJSON)
                    try writer.endRow()
                }
            }
        }
    }

    /// Retention (SPEC §4): deletes phones the engine forgot and every visit that ended before `cutoff`.
    public func expire(_ forgotten: [PhoneKey], visitsEndingBefore cutoff: Int64) throws {
        try connection.transaction { connection in
            try deletePhones(forgotten)
            try connection.execute("DELETE FROM visits WHERE last_at < to_timestamp($1::int8)", .int(cutoff))
        }
    }

    /// Deletes every phone's data, the ledger and the pipeline's state, as the real service did
    /// when it closed. Reference data stays, except the close contacts (they name phones).
    public func purgeAll() throws {
        try connection.transaction { connection in
            try connection.execute("TRUNCATE phone_tracks, visits, cards, rejects, ingest_files, refused_files")
            try connection.execute("DELETE FROM contacts")
            try connection.execute("UPDATE pipeline_state SET newest_accepted = NULL")
        }
    }
}
