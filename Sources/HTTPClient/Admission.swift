import Loop

/// A request under way in one of the client's engines.
@LoopActor
protocol ClientCall: AnyObject, Sendable {
    /// Asks the client's admission for a place; the call goes out once it has one.
    func start()
    func cancel()
}

/// A call that waits for a place in the client's `Admission`.
@LoopActor
protocol AdmittedCall: ClientCall {
    var isFinished: Bool { get }
    /// It has a place: send it.
    func admitted()
    /// The client shut down while it waited.
    func refuse()
}

/// The client's places for requests in flight (`maxConnectionsPerHost`), shared by its two engines, so
/// that a watch holding a connection counts as a request does. Requests beyond them wait here, in
/// order, instead of in curl: curl walks its own list of waiting transfers each time one is removed,
/// and with tens of thousands waiting (pod events) that walk took 15 % of the loop.
@LoopActor
final class Admission {
    private let limit: Int
    private var inFlight = 0
    private var waiting: [any AdmittedCall] = []
    private var waitingHead = 0
    private var isClosed = false

    init(limit: Int) {
        self.limit = limit > 0 ? limit : .max
    }

    /// Requests in flight and waiting.
    var count: Int { inFlight + waiting.count - waitingHead }

    func enter(_ call: any AdmittedCall) {
        if isClosed {
            call.refuse()
        } else if inFlight < limit {
            inFlight += 1
            call.admitted()
        } else {
            waiting.append(call)
        }
    }

    /// An admitted call ended: its place goes to the first one waiting (one cancelled while it waited
    /// is skipped).
    func leave() {
        inFlight -= 1
        while !isClosed, inFlight < limit, waitingHead < waiting.count {
            let next = waiting[waitingHead]
            waitingHead += 1
            if !next.isFinished {
                inFlight += 1
                next.admitted()
            }
        }
        if waitingHead == waiting.count {
            waiting.removeAll(keepingCapacity: true)
            waitingHead = 0
        } else if waitingHead > 1024, waitingHead * 2 > waiting.count {
            waiting.removeFirst(waitingHead)
            waitingHead = 0
        }
    }

    /// Refuses every waiting call; the engines end those in flight.
    func shutdown() {
        isClosed = true
        let refused = waiting[waitingHead...]
        waiting = []
        waitingHead = 0
        for call in refused where !call.isFinished { call.refuse() }
    }
}
