import ItineraryCore
import ItineraryTestTags
import Testing

@Suite("Backoff", .tags(.unit))
struct BackoffTests {
    @Test func doublesFromTheFirstPauseUpToTheMaximum() {
        let backoff = Backoff(first: .seconds(5), maximum: .seconds(900))
        #expect(
            (0...10).map { backoff.delay(afterFailures: $0) }
                == [5, 5, 10, 20, 40, 80, 160, 320, 640, 900, 900].map { Duration.seconds($0) })
    }

    @Test(arguments: [0, 1, 2, 7, 16, 17, 64, Int.max])
    func neverShrinksAndNeverPassesTheMaximum(failures: Int) {
        let backoff = Backoff(first: .milliseconds(500), maximum: .seconds(30))
        let delay = backoff.delay(afterFailures: failures)
        #expect(delay >= backoff.first && delay <= backoff.maximum)
        if failures < Int.max { #expect(backoff.delay(afterFailures: failures + 1) >= delay) }
    }
}
