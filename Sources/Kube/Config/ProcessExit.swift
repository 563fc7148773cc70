import Foundation

extension Process {
    /// Starts the process; the returned function blocks until it has exited. Unlike `waitUntilExit`,
    /// which spins a run loop on Linux (a whole core per waiting thread), this sleeps on a semaphore.
    func launchForWaiting() throws -> () -> Void {
        let exited = DispatchSemaphore(value: 0)
        terminationHandler = { _ in exited.signal() }
        try run()
        return { exited.wait() }
    }
}
