import Foundation
import ItineraryCore
import ItineraryPostgres
import ItineraryService
import ItineraryStore
import ItineraryTestTags
import Synchronization
import Testing

@Suite("SMS outbox: at most once", .tags(.integration))
struct OutboxTests {
    @Test(
        "PostgreSQL stopped between the gateway's send and its record: never sent again, after a restart it is 'unknown'",
        .timeLimit(.minutes(1))
    )
    func stoppedBetweenSendAndRecord() async throws {
        let (cluster, state) = try DatabaseOutageTests.privateCluster()
        defer {
            try? cluster.stop()
            try? FileManager.default.removeItem(at: state)
        }
        let outboxKey = [UInt8](repeating: 7, count: 32)
        // The first gateway stops PostgreSQL once it has the message, before the sender can record it.
        let stopped = Mutex(false)
        let first = RecordingGateway { _ in
            guard
                stopped.withLock({ done in
                    defer { done = true }; return !done
                })
            else { return }
            try? cluster.stop()
        }
        let before = try await TestHarness.start(
            label: "outbox", connectionString: cluster.connectionString, gateway: first,
            configure: { $0.outboxKey = outboxKey }
        )
        do {
            #expect(try await before.requestCode("13800138000").status == 200)
            _ = try await first.waitFor(phone: "13800138000")
            // The sender keeps trying to record the send while the database is away; nothing goes out again.
            try await Task.sleep(for: .milliseconds(500))
        } catch {
            await before.server.stop()
            throw error
        }
        await before.server.stop()
        #expect(first.all.count == 1)

        // Restart: the database is back, a new process with the same keys, after the lease.
        try cluster.start()
        let second = RecordingGateway()
        let after = try await TestHarness.start(
            label: "outbox", connectionString: cluster.connectionString, gateway: second,
            configure: { $0.outboxKey = outboxKey }
        )
        do {
            after.clock.advance(by: 121)
            let connection = try PostgresConnection(cluster.connectionString)
            try await waitUntil {
                try connection.execute("SELECT status FROM sms_outbox WHERE phone_masked = '138****8000'").string(0, 0)
                    == "unknown"
            }
            let row = try connection.execute(
                "SELECT sealed IS NULL, last_error FROM sms_outbox WHERE phone_masked = '138****8000'")
            #expect(try row.bool(0, 0) == true)
            #expect(row.string(0, 1)?.contains("not sent again") == true)
            // The sender works (a new message goes out) and the first one never went out twice.
            #expect(try await after.requestCode("13900139000").status == 200)
            _ = try await second.waitFor(phone: "13900139000")
            #expect(second.count(to: "13800138000") == 0)
            #expect(first.count(to: "13800138000") == 1)
        } catch {
            await after.server.stop()
            throw error
        }
        await after.server.stop()
    }

    @Test("the outbox holds destination and text sealed, never in clear")
    func sealedAtRest() async throws {
        // The sender drains once at start, then sleeps an hour: a message queued after that first
        // drain stays pending, so the row is there to read.
        try await TestHarness.with(label: "sealed", configure: { $0.outboxPollInterval = .seconds(3600) }) { harness in
            try await Task.sleep(for: .seconds(1))
            #expect(try await harness.requestCode("13800138006").status == 200)
            let connection = try PostgresConnection(harness.connectionString)
            let row = try connection.execute(
                "SELECT status, phone_masked, sealed FROM sms_outbox", parameters: [], resultFormat: .binary
            )
            #expect(row.rowCount == 1)
            #expect(row.string(0, 0) == "pending")
            #expect(row.string(0, 1) == "138****8006")
            let sealed = try #require(try row.bytes(0, 2))
            #expect(!String(decoding: sealed, as: UTF8.self).contains("13800138006"))
            #expect(!String(decoding: sealed, as: UTF8.self).contains("验证码"))
        }
    }
}
