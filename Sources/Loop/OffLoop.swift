/// Runs `body` on the global concurrent executor and comes back to the caller's actor: for pure work
/// big enough to be worth two thread switches (encoding or parsing a whole object), so the loop
/// thread serves other requests meanwhile and the machine's other core does the work.
@concurrent
public func offLoop<T: Sendable, E: Error>(_ body: @Sendable () throws(E) -> T) async throws(E) -> T {
    try body()
}
