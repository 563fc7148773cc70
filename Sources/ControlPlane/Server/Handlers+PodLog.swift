import HTTP
import HTTPClient
import Kube
import Loop

/// `PodLogOptions` from the query, as kube-apiserver 1.19 decodes them.
struct PodLogOptions: Sendable, Equatable {
    var container = ""
    var follow = false
    var previous = false
    var timestamps = false
    var sinceSeconds: Int64?
    var sinceTime: Time?
    var tailLines: Int64?
    var limitBytes: Int64?

    init(_ query: QueryParameters) throws(APIError) {
        container = query["container"] ?? ""
        follow = Self.flag(query["follow"])
        previous = Self.flag(query["previous"])
        timestamps = Self.flag(query["timestamps"])
        sinceSeconds = try Self.integer(query["sinceSeconds"])
        tailLines = try Self.integer(query["tailLines"])
        limitBytes = try Self.integer(query["limitBytes"])
        if let text = query["sinceTime"], !text.isEmpty {
            guard let time = Time(rfc3339: text) else {
                throw APIError.badRequest("parsing time \"\(text)\" as \"2006-01-02T15:04:05Z07:00\": not an RFC 3339 time")
            }
            sinceTime = time
        }
    }

    /// A query boolean: absent, `0` and `false` are false; anything else is true.
    private static func flag(_ value: String?) -> Bool {
        guard let value else { return false }
        return value != "0" && value.lowercased() != "false"
    }

    private static func integer(_ value: String?) throws(APIError) -> Int64? {
        guard let value, !value.isEmpty else { return nil }
        guard let number = Int64(value) else {
            throw APIError.badRequest("strconv.ParseInt: parsing \"\(value)\": invalid syntax")
        }
        return number
    }

    /// ValidatePodLogOptions: 422 naming each bad field.
    func validate(pod name: String) throws(APIError) {
        var causes: [(field: String, reason: String, message: String)] = []
        if let tailLines, tailLines < 0 {
            causes.append(("tailLines", "FieldValueInvalid", "Invalid value: \(tailLines): must be greater than or equal to 0"))
        }
        if let limitBytes, limitBytes < 1 {
            causes.append(("limitBytes", "FieldValueInvalid", "Invalid value: \(limitBytes): must be greater than 0"))
        }
        if sinceSeconds != nil, sinceTime != nil {
            causes.append(("", "FieldValueForbidden", "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified"))
        } else if let sinceSeconds, sinceSeconds < 1 {
            causes.append(("sinceSeconds", "FieldValueInvalid", "Invalid value: \(sinceSeconds): must be greater than 0"))
        }
        guard !causes.isEmpty else { return }
        let summary = causes.map { "\($0.field): \($0.message)" }.joined(separator: ", ")
        throw APIError(
            code: 422, reason: "Invalid",
            message: "PodLogOptions \"\(name)\" is invalid: \(causes.count > 1 ? "[\(summary)]" : summary)",
            details: [
                "name": .string(name), "kind": "PodLogOptions",
                "causes": .array(causes.map {
                    ["reason": .string($0.reason), "message": .string($0.message), "field": .string($0.field)]
                }),
            ])
    }

    /// The kubelet's query: only the options given, names sorted (Go's `url.Values.Encode`).
    var kubeletQuery: String {
        var items: [(String, String)] = []
        if follow { items.append(("follow", "true")) }
        if let limitBytes { items.append(("limitBytes", String(limitBytes))) }
        if previous { items.append(("previous", "true")) }
        if let sinceSeconds { items.append(("sinceSeconds", String(sinceSeconds))) }
        if let sinceTime { items.append(("sinceTime", sinceTime.rfc3339)) }
        if let tailLines { items.append(("tailLines", String(tailLines))) }
        if timestamps { items.append(("timestamps", "true")) }
        return items.map { "\($0.0)=\(PercentEncoding.encode($0.1))" }.joined(separator: "&")
    }
}

extension APIServer {
    /// `GET pods/<name>/log`: checks the options and the container, then streams
    /// `/containerLogs/<ns>/<pod>/<container>` from the pod's kubelet. An unscheduled pod has no log: 204.
    func podLog(_ context: RequestContext, _ writer: any HTTPResponseWriter) async throws {
        let pods = context.type
        let name = context.info.name ?? ""
        let options = try PodLogOptions(context.query)
        try options.validate(pod: name)
        guard let pod = store.get(pods.storageKey, context.key(name)) else { throw APIError.notFound(pods, name) }
        let container = try Self.logContainer(options.container, of: pod, name: name)
        guard let nodeName = pod["spec"]?["nodeName"]?.stringValue, !nodeName.isEmpty else {
            try writer.writeHead(.noContent, headers: ["Cache-Control": "no-cache, private"])
            writer.end()
            return
        }
        let location = try kubeletLocation(node: nodeName)
        let namespace = context.namespace ?? ""
        let path = "/containerLogs/" + [namespace, name, container].map(PercentEncoding.encode).joined(separator: "/")
        let url = location.url(path: path, query: options.kubeletQuery)
        let upstream: HTTPClientStream
        do {
            upstream = try await kubelet.kubeletClient().stream(HTTPClientRequest(url: url))
        } catch let error as HTTPClientError {
            throw APIError.unknown("Get \"\(url)\": \(KubeletConnector.goErrorText(error, authority: location.authority))")
        }
        guard (200...206).contains(upstream.status.code) else {
            throw await Self.kubeletFailure(upstream, name: name)
        }
        try writer.writeHead(.ok, headers: ["Cache-Control": "no-cache, private", "Content-Type": "text/plain"])
        await relay(upstream, to: writer, watchHangUp: options.follow)
    }

    /// The container to read: the one asked for (it must exist), else the only one.
    static func logContainer(_ requested: String, of pod: JSONValue, name: String) throws(APIError) -> String {
        let names = { (key: String) in (pod["spec"]?[key]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue } }
        let containers = names("containers")
        let initContainers = names("initContainers")
        if !requested.isEmpty {
            guard containers.contains(requested) || initContainers.contains(requested) else {
                throw APIError.badRequest("container \(requested) is not valid for pod \(name)")
            }
            return requested
        }
        switch containers.count {
        case 1: return containers[0]
        case 0: throw APIError.badRequest("no container found for pod \(name)")
        default:
            var message = "a container name must be specified for pod \(name), choose one of: [\(containers.joined(separator: " "))]"
            if !initContainers.isEmpty {
                message += " or one of the init containers: [\(initContainers.joined(separator: " "))]"
            }
            throw APIError.badRequest(message)
        }
    }

    /// A kubelet answer outside 200–206 as kube-apiserver's response checker reports it: its body
    /// (up to 50 kB) becomes the message of an InternalError (500), a BadRequest (400), or a generic
    /// status for `pods/log <name>`.
    static func kubeletFailure(_ upstream: HTTPClientStream, name: String) async -> APIError {
        var body: [UInt8] = []
        do {
            for try await chunk in upstream {
                body += chunk.prefix(50_000 - body.count)
                if body.count >= 50_000 { break }
            }
        } catch {
            return APIError.internalError("\(error)")
        }
        await upstream.cancel()
        let text = String(decoding: body, as: UTF8.self)
        switch upstream.status.code {
        case 500:
            return APIError(
                code: 500, reason: "InternalError", message: "Internal error occurred: \(text)",
                details: ["causes": [["message": .string(text)]]])
        case 400:
            return APIError.badRequest(text)
        default:
            return genericServerResponse(upstream.status.code, serverMessage: text, kind: "pods/log", name: name)
        }
    }

    /// apimachinery's `NewGenericServerResponse` for an empty verb: a reason and message per status code,
    /// then `( <kind> <name>)`.
    static func genericServerResponse(_ code: Int, serverMessage: String, kind: String, name: String) -> APIError {
        let (reason, message): (String, String) =
            switch code {
            case 409: ("Conflict", "the server reported a conflict")
            case 404: ("NotFound", "the server could not find the requested resource")
            case 400: ("BadRequest", "the server rejected our request for an unknown reason")
            case 401: ("Unauthorized", "the server has asked for the client to provide credentials")
            case 403: ("Forbidden", "the server does not allow access to the requested resource")
            case 406: ("NotAcceptable", "the server was unable to respond with a content type that the client supports")
            case 415: ("UnsupportedMediaType", "the server was unable to respond with a content type that the client supports")
            case 405: ("MethodNotAllowed", "the server does not allow this method on the requested resource")
            case 422: ("Invalid", "the server rejected our request due to an error in our request")
            case 503: ("ServiceUnavailable", "the server is currently unable to handle the request")
            case 504: ("Timeout", "the server was unable to return a response in the time allotted, but may still be processing the request")
            case 429: ("TooManyRequests", "the server has received too many requests and has asked us to try again later")
            case 500...:
                ("InternalError", "an error on the server (\(goQuoted(serverMessage))) has prevented the request from succeeding")
            default: ("", "the server responded with the status code \(code) but did not return more information")
            }
        return APIError(
            code: code, reason: reason, message: "\(message) ( \(kind) \(name))",
            details: ["name": .string(name), "kind": .string(kind)])
    }

    /// Go's `%q` for the common cases: quotes, backslashes and control characters escaped.
    static func goQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
