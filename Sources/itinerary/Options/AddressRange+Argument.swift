import ArgumentParser
import ItineraryService

extension AddressRange: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(argument)
    }
}
