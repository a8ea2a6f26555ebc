import NIOCore

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The server could not listen on its address: `cannot listen on 127.0.0.1:8080: address already in use`.
public struct ListenError: Error, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var reason: String

    public var description: String { "cannot listen on \(host):\(port): \(reason)" }

    /// The listen error `error` stands for, or `nil` when it is not one: a bind refused (address
    /// in use, not local, not permitted) or an address that does not resolve.
    public init?(_ error: any Error, host: String, port: Int) {
        switch error {
        case let error as IOError where [EADDRINUSE, EADDRNOTAVAIL, EACCES].contains(error.errnoCode):
            reason = String(cString: strerror(error.errnoCode)).lowercased()
        case is SocketAddressError, is SocketAddressError.UnknownHost:
            reason = "the address does not resolve"
        default:
            return nil
        }
        self.host = host
        self.port = port
    }
}
