import Testing

// The test tiers, declared once for every test target. A target of their own, not
// ItineraryTestSupport: that one carries the store (libpq), which the pure targets'
// tests (ItineraryCoreTests, ItineraryFeedTests) must build without; a Tags.swift in each
// test target would be five copies of one declaration.
extension Tag {
    /// Pure: no PostgreSQL, no child process, no browser, no network (handlers go through the
    /// router with in-memory stores). Seconds for the whole tier; `scripts/test --unit` runs it alone.
    @Tag public static var unit: Self
    /// Everything else: a real PostgreSQL, the built `itinerary` run as a child process, chromium,
    /// sockets.
    @Tag public static var integration: Self
}
