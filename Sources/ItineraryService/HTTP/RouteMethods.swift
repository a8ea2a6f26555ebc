import Hummingbird
import Synchronization

/// The methods each route path answers, noted as routes are registered (through
/// ``MethodRecordingRouter``), so a known path asked with another method gets 405 and `Allow`:
/// Hummingbird's router answers 404 for both.
final class RouteMethods: Sendable {
    private let paths = Mutex<[String: [HTTPRequest.Method]]>([:])

    func add(_ method: HTTPRequest.Method, path: RouterPath) {
        paths.withLock { paths in
            var methods = paths[path.description, default: []]
            methods.append(method)
            // HEAD comes with GET (the router's `autoGenerateHeadEndpoints`).
            if method == .get { methods.append(.head) }
            paths[path.description] = methods
        }
    }

    /// Every path with the names of the methods it answers, sorted.
    var all: [(path: String, methods: [String])] {
        paths.withLock { $0 }.map { ($0.key, $0.value.map(\.rawValue).sorted()) }.sorted { $0.path < $1.path }
    }

    /// The methods `path` answers, sorted by name; none for an unknown path.
    func methods(forPath path: String) -> [HTTPRequest.Method] {
        let key = RouterPath(path).description
        return paths.withLock { $0[key] ?? [] }.sorted { $0.rawValue < $1.rawValue }
    }
}

/// A router that notes in ``RouteMethods`` the path and method of every route added through it
/// or a group made from it.
struct MethodRecordingRouter<Context: RequestContext>: RouterMethods {
    let router: Router<Context>
    let routes: RouteMethods

    @discardableResult func on<Responder: HTTPResponder>(
        _ path: RouterPath, method: HTTPRequest.Method, responder: Responder
    ) -> Self where Responder.Context == Context {
        routes.add(method, path: path)
        router.on(path, method: method, responder: responder)
        return self
    }

    @discardableResult func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self {
        router.add(middleware: middleware)
        return self
    }
}
