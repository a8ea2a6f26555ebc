import Dispatch

/// Elements that parallel workers update in place, each worker only its own indices: the one
/// place the pipeline shares memory between threads outside Swift's checking. Valid only inside
/// the `withDisjointElements` call that made it.
struct DisjointBuffer<Element>: @unchecked Sendable {
    private let base: UnsafeMutableBufferPointer<Element>

    fileprivate init(_ base: UnsafeMutableBufferPointer<Element>) { self.base = base }

    var count: Int { base.count }

    /// Updates element `index` in place (no copy of what it holds).
    func update<Result>(_ index: Int, _ body: (inout Element) throws -> Result) rethrows -> Result {
        try body(&base[index])
    }
}

extension Array {
    /// Lends the elements to parallel workers, each updating only its own indices.
    mutating func withDisjointElements<Result>(_ body: (DisjointBuffer<Element>) throws -> Result) rethrows -> Result {
        try withUnsafeMutableBufferPointer { try body(DisjointBuffer($0)) }
    }
}

/// The pipeline's worker threads: Dispatch's pool (real threads, sized to the machine), never
/// Swift's cooperative pool, which blocking CPU work would starve.
enum Workers {
    /// Runs `body(0)` … `body(count - 1)` in parallel and returns when all have finished.
    static func run(_ count: Int, _ body: @Sendable (Int) -> Void) {
        if count == 1 { return body(0) }
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }
}
