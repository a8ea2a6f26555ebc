import ItineraryPostgres
import ItineraryStore
import ItineraryTestSupport
import ItineraryTestTags
import Testing

@Suite("COPY of epoch-second timestamps", .tags(.integration))
struct CopyEpochTests {
    @Test func timestampsMatchPostgres() throws {
        let connection = try scratchConnection("copyts")
        try connection.execute("CREATE TABLE t (at timestamptz)")
        let samples: [Int64] = [0, -1, 951_782_400, 1_651_392_000, -62_135_596_800, 253_402_300_799, 1_709_164_799]
        try connection.copyIn(sql: "COPY t FROM STDIN") { writer in
            for sample in samples {
                writer.appendTimestamp(epochSeconds: sample)
                try writer.endRow()
            }
        }
        let result = try connection.execute("SELECT extract(epoch FROM at)::int8 FROM t")
        #expect(try (0..<result.rowCount).map { try result.int64($0, 0) } == samples)
    }

    /// 1969 to about 2033, every day boundary and leap day crossed, times before the epoch included.
    @Test func hundredThousandTimestampsRoundTrip() throws {
        let connection = try scratchConnection("copytsmany")
        try connection.execute("CREATE TABLE t (id int8, at timestamptz)")
        let samples = (0..<100_000).map { Int64($0) * 20_011 - 86_400 * 365 }
        try connection.copyIn(sql: "COPY t FROM STDIN") { writer in
            for (index, sample) in samples.enumerated() {
                writer.appendInt64(Int64(index))
                writer.appendTimestamp(epochSeconds: sample)
                try writer.endRow()
            }
        }
        let result = try connection.execute("SELECT extract(epoch FROM at)::int8 FROM t ORDER BY id")
        #expect(try (0..<result.rowCount).map { try result.int64($0, 0) } == samples)
    }
}
