import Loop

/// Polls `condition` on the loop every 2 ms for at most `limit`: for waiting on an effect a test cannot
/// be told about. Returns false on timeout or cancellation, so a broken expectation fails the test
/// (`#expect(await eventually { … })`) instead of spinning forever.
@LoopActor
public func eventually(within limit: Duration = .seconds(60), _ condition: @LoopActor () -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + limit
    while !condition() {
        guard clock.now < deadline, !Task.isCancelled else { return false }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return true
}

/// `eventually` for a condition that must await (an API read); an error counts as not yet.
@LoopActor
public func eventually(within limit: Duration = .seconds(60), _ condition: @LoopActor () async throws -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + limit
    while (try? await condition()) != true {
        guard clock.now < deadline, !Task.isCancelled else { return false }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return true
}
