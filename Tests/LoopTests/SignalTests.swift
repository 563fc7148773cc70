import Glibc
import Loop
import Testing

@Suite(.timeLimit(.minutes(1))) struct SignalTests {
    @Test func signalsArriveAsAsyncEvents() async {
        let stream = await Signals.stream([SIGUSR2])
        // The handler is installed by the time `stream` returns: raising now cannot kill the process.
        kill(getpid(), SIGUSR2)
        var received: Int32?
        for await signal in stream {
            received = signal
            break
        }
        #expect(received == SIGUSR2)
    }
}
