import ItineraryFeed

/// How one carrier lays out its files: column order, an extra column, line endings, how it
/// writes numbers and how it splits a file into zstd frames. Carriers differ, as real ones did.
struct CarrierFormat: Sendable {
    enum Column: String, Sendable {
        case msisdn, eventTime = "event_time", mcc, mnc, lac, cellID = "cell_id", event, imsiHash = "imsi_hash", rat
    }

    enum NumberStyle: Sendable {
        case plain, prefixed86, sometimesPlus86
    }

    let columns: [Column]
    let crlf: Bool
    let numberStyle: NumberStyle
    /// Lines per zstd frame: a file with more is several concatenated frames.
    let linesPerFrame: Int

    static func of(_ carrier: FeedCarrier) -> CarrierFormat {
        switch carrier {
        case .cmcc:
            CarrierFormat(
                columns: [.msisdn, .eventTime, .mcc, .mnc, .lac, .cellID, .event], crlf: false, numberStyle: .plain,
                linesPerFrame: 50_000)
        case .cucc:
            CarrierFormat(
                columns: [.eventTime, .msisdn, .mcc, .mnc, .lac, .cellID, .event, .imsiHash], crlf: false,
                numberStyle: .prefixed86, linesPerFrame: 500)
        case .ctcc:
            CarrierFormat(
                columns: [.msisdn, .mcc, .mnc, .lac, .cellID, .eventTime, .event], crlf: true,
                numberStyle: .sometimesPlus86, linesPerFrame: 50_000)
        case .cbn:
            CarrierFormat(
                columns: [.msisdn, .eventTime, .mcc, .mnc, .lac, .cellID, .event, .rat], crlf: false,
                numberStyle: .plain, linesPerFrame: 50_000)
        }
    }

    var newline: [UInt8] { crlf ? [13, 10] : [10] }

    var header: [UInt8] { Array(columns.map(\.rawValue).joined(separator: ",").utf8) + newline }

    /// Appends one record as a line.
    func append(_ record: SimulatedRecord, to out: inout [UInt8]) {
        let fault = record.fault
        for (index, column) in columns.enumerated() {
            // A field-count fault drops the last field.
            if fault == .fieldCount && index == columns.count - 1 { break }
            if index > 0 { out.append(UInt8(ascii: ",")) }
            switch column {
            case .msisdn:
                switch numberStyle {
                case .plain: break
                case .prefixed86: out += Array("86".utf8)
                case .sometimesPlus86: if record.phone % 10 == 3 { out += Array("+86".utf8) }
                }
                // A bad number loses its last digit.
                appendDecimal(fault == .badMSISDN ? record.phone / 10 : record.phone, to: &out)
            case .eventTime:
                if fault == .badTime {
                    out += Array("2022-05-01 08:00:00".utf8)
                } else {
                    appendDecimal(UInt64(record.time), to: &out)
                }
            case .mcc:
                if fault == .badMCC {
                    out += Array("46".utf8)
                } else {
                    appendDecimal(UInt64(record.mcc), width: 3, to: &out)
                }
            case .mnc:
                if fault == .badMNC {
                    out += Array("x1".utf8)
                } else {
                    appendDecimal(UInt64(record.mnc), width: 2, to: &out)
                }
            case .lac:
                appendDecimal(fault == .badLAC ? 16_777_216 + UInt64(record.lac) : UInt64(record.lac), to: &out)
            case .cellID:
                appendDecimal(
                    fault == .badCellID ? 68_719_476_736 + UInt64(record.cellID) : UInt64(record.cellID), to: &out)
            case .event:
                out += Array((fault == .badEvent ? "paging" : record.event.rawValue).utf8)
            case .imsiHash:
                appendHex(record.phone &* 0x9E37_79B9_7F4A_7C15 >> 32, to: &out)
            case .rat:
                out += Array((record.cellID >= 1 << 28 ? "NR" : "LTE").utf8)
            }
        }
        out += newline
    }

    private func appendDecimal(_ value: UInt64, width: Int = 1, to out: inout [UInt8]) {
        var digits: [UInt8] = []
        var rest = value
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        while digits.count < width { digits.append(UInt8(ascii: "0")) }
        out += digits.reversed()
    }

    private func appendHex(_ value: UInt64, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        for shift in stride(from: 28, through: 0, by: -4) { out.append(hex[Int(value >> UInt64(shift) & 0xF)]) }
    }
}
