import Foundation
import HTTP
import HTTPClient
import Kube
import Loop

/// How one webhook call went wrong, sorted as the apiserver sorts it: only `.call` failures are
/// subject to `failurePolicy`.
enum WebhookFailure: Error {
    /// Connect, TLS, timeout, HTTP status, undecodable or invalid reply: `failed calling webhook`.
    case call(String)
    /// `allowed: false`.
    case rejection(APIError)
    /// A patch that cannot be decoded or applied: always a 500.
    case patch(String)
}

extension APIServer {
    /// POSTs `review` to the webhook (`<url>?timeout=<N>s`, the apiserver's headers, TLS verified
    /// against `caBundle`, the whole call limited to `timeoutSeconds`) over a kept client, and returns
    /// the decoded reply.
    func postReview(_ review: JSONValue, to hook: MutatingWebhook) async throws(WebhookFailure) -> JSONValue {
        let url = try Self.endpoint(of: hook) + "?timeout=\(hook.timeoutSeconds)s"
        var key = WebhookClients.Key(certificateAuthority: nil, timeoutSeconds: hook.timeoutSeconds)
        if let bundle = hook.clientConfig["caBundle"]?.stringValue, !bundle.isEmpty {
            guard let data = Data(base64Encoded: bundle), let pem = String(data: data, encoding: .utf8),
                pem.contains("-----BEGIN CERTIFICATE-----")
            else {
                throw .call("could not get REST client: unable to load root certificates: unable to parse bytes as PEM block")
            }
            key.certificateAuthority = pem
        }
        let headers: HTTPHeaders = [
            "User-Agent": "kube-apiserver-admission", "Accept": "application/json, */*", "Content-Type": "application/json",
        ]
        let request = HTTPClientRequest(
            method: .post, url: url, headers: headers, body: review.serialized(), timeout: .seconds(hook.timeoutSeconds))
        let client = webhookClients.client(for: key)
        let response: HTTPClientResponse
        do { response = try await client.execute(request) } catch { throw .call(Self.goText(error, url: url)) }
        guard response.status.isSuccess else { throw .call(Self.statusText(response)) }
        if let syntax = GoJSONSyntax.firstError(response.body) {
            throw .call("couldn't get version/kind; json parse error: \(syntax)")
        }
        do { return try JSONValue(parsing: response.body) } catch { throw .call(error.message) }
    }

    /// `clientConfig.url`, or for a service reference `https://<name>.<namespace>.svc:<port><path>`,
    /// which this server cannot reach: the call fails as a lookup failure would.
    static func endpoint(of hook: MutatingWebhook) throws(WebhookFailure) -> String {
        if let url = hook.clientConfig["url"]?.stringValue { return url }
        guard let service = hook.clientConfig["service"], service.objectValue != nil else {
            throw .call("could not get REST client: webhook clientConfig has neither url nor service")
        }
        let host = "\(service["name"]?.stringValue ?? "").\(service["namespace"]?.stringValue ?? "").svc"
        let port = service["port"]?.int64Value ?? 443
        let url = "https://\(host):\(port)\(service["path"]?.stringValue ?? "")?timeout=\(hook.timeoutSeconds)s"
        throw .call("Post \"\(url)\": dial tcp: lookup \(host): no such host")
    }

    /// A client failure worded as Go's `net/http` error for the same cause.
    static func goText(_ error: HTTPClientError, url: String) -> String {
        let authority = url.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? ""
        let host = authority.split(separator: ":").first.map(String.init) ?? authority
        let cause: String
        switch error.kind {
        case .timeout: cause = "context deadline exceeded"
        case .connect: cause = "dial tcp \(authority.contains(":") ? authority : authority + ":443"): connect: connection refused"
        case .dns: cause = "dial tcp: lookup \(host): no such host"
        case .tlsVerify: cause = "x509: certificate signed by unknown authority"
        case .transport: cause = "EOF"
        default: cause = error.message
        }
        return "Post \"\(url)\": \(cause)"
    }

    /// A non-2xx answer as client-go reports it: the message of a `Status` body, else a generic text.
    static func statusText(_ response: HTTPClientResponse) -> String {
        if let status = try? JSONValue(parsing: response.body), status["kind"]?.stringValue == "Status",
            let message = status["message"]?.stringValue, !message.isEmpty
        {
            return message
        }
        let code = response.status.code
        switch code {
        case 400: return "the server rejected our request for an unknown reason"
        case 401: return "the server has asked for the client to provide credentials"
        case 403: return "the server does not allow access to the requested resource"
        case 404: return "the server could not find the requested resource"
        case 405: return "the server does not allow this method on the requested resource"
        case 429: return "the server has received too many requests and has asked us to try again later"
        case 503: return "the server is currently unable to handle the request"
        case 500...:
            var body = Substring(String(decoding: response.body.prefix(1024), as: UTF8.self))
            while body.last?.isWhitespace == true { body = body.dropLast() }
            return "an error on the server (\(JSONValue.string(String(body)).text)) has prevented the request from succeeding"
        default: return "the server responded with the status code \(code) but did not return more information"
        }
    }

    /// `reply.response` after the apiserver's checks (`VerifyAdmissionResponse`): a v1 reply must be
    /// a v1 AdmissionReview echoing the uid, and a patch needs `patchType: JSONPatch`.
    static func verifiedResponse(_ reply: JSONValue, uid: String, version: String) throws(WebhookFailure) -> JSONValue {
        func invalid(_ reason: String) -> WebhookFailure { .call("received invalid webhook response: \(reason)") }
        guard let response = reply["response"], response.objectValue != nil else { throw invalid("webhook response was absent") }
        let patch = response["patch"]?.stringValue ?? ""
        var patchType = response["patchType"]?.stringValue ?? ""
        if version == "v1" {
            let got = response["uid"]?.stringValue ?? ""
            guard got == uid else { throw invalid("expected response.uid=\"\(uid)\", got \"\(got)\"") }
            let apiVersion = reply["apiVersion"]?.stringValue ?? ""
            let kind = reply["kind"]?.stringValue ?? ""
            guard apiVersion == "admission.k8s.io/v1", kind == "AdmissionReview" else {
                let groupVersion = apiVersion.contains("/") ? apiVersion : "/" + apiVersion
                throw invalid("expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got \(groupVersion), Kind=\(kind)")
            }
            if !patch.isEmpty, patchType.isEmpty { throw invalid("webhook returned response.patch but not response.patchType") }
            if patch.isEmpty, !patchType.isEmpty { throw invalid("webhook returned response.patchType but not response.patch") }
        } else if !patch.isEmpty, patchType.isEmpty {
            patchType = "JSONPatch"
        }
        if !patchType.isEmpty, patchType != "JSONPatch" {
            throw invalid("webhook returned invalid response.patchType of \"\(patchType)\"")
        }
        return response
    }
}
