/// Where TLS material comes from: a file (re-read each time it is loaded) or PEM text in memory
/// (kubeconfig `*-data` fields, generated certificates).
public enum PEMSource: Sendable, Equatable {
    case file(String)
    case pem(String)
}
