import ItineraryCore
import ItineraryPostgres

/// Reference data in the store: every load is kept, and a new one replaces the one in force
/// atomically (docs/feed-format.md), so cards follow a new risk list without re-ingesting feeds.
public struct ReferenceStore: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case places, countries, cells, risk, contacts
    }

    /// A cell as the carriers' CSV gives it.
    public struct CellRow: Hashable, Sendable {
        public var mcc: Int, mnc: Int, lac: Int, cellID: Int, adcode: Int
        public init(mcc: Int, mnc: Int, lac: Int, cellID: Int, adcode: Int) {
            (self.mcc, self.mnc, self.lac, self.cellID, self.adcode) = (mcc, mnc, lac, cellID, adcode)
        }
    }

    let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// The id of the load in force for `kind`, `nil` before the first load.
    public func currentLoad(_ kind: Kind) throws -> Int64? {
        let result = try connection.execute(
            "SELECT load_id FROM current_reference WHERE kind = $1", .text(kind.rawValue))
        return result.rowCount == 0 ? nil : try result.decode(Int64.self, 0, 0)
    }

    /// Loads divisions and countries, unless a load of them is already in force.
    public func ensurePlaces(divisions: [Division], countries: [Country]) throws {
        if try currentLoad(.places) == nil {
            try replace(
                .places, source: "bundled divisions", rows: divisions.count,
                table: "places (load_id, adcode, name, level, province, city)"
            ) { writer, load in
                for division in divisions {
                    writer.appendInt64(load)
                    writer.appendInt64(Int64(division.adcode))
                    writer.appendText(division.name)
                    writer.appendText(division.level)
                    writer.appendInt64(Int64(division.province))
                    if let city = division.city { writer.appendInt64(Int64(city)) } else { writer.appendNull() }
                    try writer.endRow()
                }
            }
        }
        if try currentLoad(.countries) == nil {
            try replace(
                .countries, source: "bundled countries", rows: countries.count,
                table: "countries (load_id, mcc, code, name_zh, name_en)"
            ) { writer, load in
                for country in countries {
                    writer.appendInt64(load)
                    writer.appendInt64(Int64(country.mcc))
                    writer.appendText(country.code.description)
                    writer.appendText(country.nameZh)
                    writer.appendText(country.nameEn)
                    try writer.endRow()
                }
            }
        }
    }

    public func replaceCells(_ cells: [CellRow], source: String) throws {
        try replace(.cells, source: source, rows: cells.count, table: "cells (load_id, mcc, mnc, lac, cell_id, adcode)")
        { writer, load in
            for cell in cells {
                writer.appendInt64(load)
                for value in [cell.mcc, cell.mnc, cell.lac, cell.cellID, cell.adcode] {
                    writer.appendInt64(Int64(value))
                }
                try writer.endRow()
            }
        }
    }

    public func cells() throws -> [CellRow] {
        let result = try connection.execute(
            """
            SELECT c.mcc, c.mnc, c.lac, c.cell_id, c.adcode FROM cells c
            JOIN current_reference r ON r.kind = 'cells' AND r.load_id = c.load_id
            """)
        return try (0..<result.rowCount).map { row in
            let value = { (column: Int) throws -> Int in try result.decode(Int.self, row, column) }
            return CellRow(
                mcc: try value(0), mnc: try value(1), lac: try value(2), cellID: try value(3), adcode: try value(4))
        }
    }

    /// Makes `areas` the risk list in force; `then` runs in the same transaction, after it (the
    /// pipeline recomputes the stored cards there, so the list and its cards show together).
    public func replaceRisk(
        _ areas: [RiskArea], source: String, then: (PostgresConnection) throws -> Void = { _ in }
    ) throws {
        try replace(
            .risk, source: source, rows: areas.count,
            table: "risk_areas (load_id, adcode, city, name, level, start_at, end_at)", then: then
        ) { writer, load in
            for area in areas {
                writer.appendInt64(load)
                writer.appendInt64(Int64(area.adcode))
                writer.appendInt64(Int64(area.city.rawValue))
                writer.appendText(area.name)
                writer.appendText(area.level.rawValue)
                writer.appendTimestamp(epochSeconds: area.period.start)
                if let end = area.period.end { writer.appendTimestamp(epochSeconds: end) } else { writer.appendNull() }
                try writer.endRow()
            }
        }
    }

    public func riskAreas() throws -> [RiskArea] {
        let result = try connection.execute(
            """
            SELECT a.adcode, a.city, a.name, a.level, extract(epoch FROM a.start_at)::int8, extract(epoch FROM a.end_at)::int8
            FROM risk_areas a JOIN current_reference r ON r.kind = 'risk' AND r.load_id = a.load_id
            """)
        return try (0..<result.rowCount).map { row in
            guard let city = PlaceCode(adcode: try result.decode(Int.self, row, 1)),
                let level = RiskLevel(rawValue: try result.decode(String.self, row, 3))
            else { throw PostgresError(message: "risk_areas row \(row) does not decode") }
            return RiskArea(
                adcode: try result.decode(Int.self, row, 0), city: city, name: try result.decode(String.self, row, 2),
                level: level,
                period: ActivePeriod(
                    start: try result.decode(Int64.self, row, 4), end: try result.decode(Int64?.self, row, 5)))
        }
    }

    /// Makes `entries` the close-contact list in force; `then` runs in the same transaction, after it.
    public func replaceContacts(
        _ entries: [(PhoneKey, ActivePeriod)], source: String, then: (PostgresConnection) throws -> Void = { _ in }
    ) throws {
        try replace(
            .contacts, source: source, rows: entries.count, table: "contacts (load_id, phone_key, start_at, end_at)",
            then: then
        ) { writer, load in
            for (key, period) in entries {
                writer.appendInt64(load)
                writer.appendBytea(key.bytes)
                writer.appendTimestamp(epochSeconds: period.start)
                if let end = period.end { writer.appendTimestamp(epochSeconds: end) } else { writer.appendNull() }
                try writer.endRow()
            }
        }
    }

    /// Writes a new load of `kind`, makes it the one in force and runs `then`, all in one transaction.
    private func replace(
        _ kind: Kind, source: String, rows: Int, table: String,
        then: (PostgresConnection) throws -> Void = { _ in },
        _ write: (inout CopyWriter, Int64) throws -> Void
    ) throws {
        try connection.transaction { connection in
            let load = try connection.execute(
                "INSERT INTO reference_loads (kind, source, row_count) VALUES ($1, $2, $3::int4) RETURNING id",
                .text(kind.rawValue), .text(source), .int(Int64(rows)))
            guard let id = try load.int64(0, 0) else {
                throw PostgresError(message: "no id for the new \(kind.rawValue) load")
            }
            try connection.copyIn(sql: "COPY \(table) FROM STDIN") { writer in try write(&writer, id) }
            try connection.execute(
                """
                INSERT INTO current_reference (kind, load_id) VALUES ($1, $2::int8)
                ON CONFLICT (kind) DO UPDATE SET load_id = EXCLUDED.load_id
                """, .text(kind.rawValue), .int(id))
            try then(connection)
        }
    }
}

extension ReferenceStore {
    /// The close contacts in force.
    public func contacts() throws -> [(PhoneKey, ActivePeriod)] {
        let result = try connection.execute(
            """
            SELECT c.phone_key, extract(epoch FROM c.start_at)::int8, extract(epoch FROM c.end_at)::int8
            FROM contacts c JOIN current_reference r ON r.kind = 'contacts' AND r.load_id = c.load_id
            """, parameters: [], resultFormat: .binary)
        return try (0..<result.rowCount).map { row in
            guard let key = PhoneKey(bytes: try result.decode([UInt8].self, row, 0)) else {
                throw PostgresError(message: "contacts row \(row) does not decode")
            }
            return (
                key,
                ActivePeriod(start: try result.decode(Int64.self, row, 1), end: try result.decode(Int64?.self, row, 2))
            )
        }
    }
}
