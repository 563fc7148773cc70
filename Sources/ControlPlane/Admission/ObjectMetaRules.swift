import Kube

/// Name and label rules the apiserver validates on every write, with its wording.
enum ObjectMetaRules {
    static let labelValueMessage =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    static let subdomainMessage =
        "a DNS-1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"

    typealias Cause = (field: String, reason: String, message: String)

    static func isSubdomain(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isLabelish)
    }

    private static func isLabelish(_ part: Substring) -> Bool {
        guard let first = part.utf8.first, let last = part.utf8.last else { return false }
        let alnum: (UInt8) -> Bool = { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) }
        return alnum(first) && alnum(last) && part.utf8.allSatisfy { alnum($0) || $0 == 45 }
    }

    static func isLabelValue(_ value: String) -> Bool {
        guard value.utf8.count <= 63 else { return false }
        guard let first = value.utf8.first, let last = value.utf8.last else { return true }
        let alnum: (UInt8) -> Bool = { ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) }
        return alnum(first) && alnum(last) && value.utf8.allSatisfy { alnum($0) || $0 == 45 || $0 == 95 || $0 == 46 }
    }

    /// A label key: an optional DNS subdomain prefix and `/`, then a name like a label value.
    static func isLabelKey(_ key: String) -> Bool {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return !key.isEmpty && isLabelValue(key)
        case 2: return isSubdomain(String(parts[0])) && !parts[1].isEmpty && isLabelValue(String(parts[1]))
        default: return false
        }
    }

    /// The causes for invalid names, labels and annotations of `metadata`.
    static func validate(_ metadata: JSONValue?, nameRequired: Bool = true) -> [Cause] {
        var causes: [Cause] = []
        let name = metadata?["name"]?.stringValue ?? ""
        if name.isEmpty {
            if nameRequired {
                causes.append(("metadata.name", "FieldValueRequired", "Required value: name or generateName is required"))
            }
        } else if !isSubdomain(name) {
            causes.append(("metadata.name", "FieldValueInvalid", "Invalid value: \"\(name)\": \(subdomainMessage)"))
        }
        for (key, value) in metadata?["labels"]?.objectValue ?? JSONObject() {
            if !isLabelKey(key) {
                causes.append(("metadata.labels", "FieldValueInvalid", "Invalid value: \"\(key)\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"))
            }
            let text = value.stringValue ?? ""
            if !isLabelValue(text) {
                causes.append(("metadata.labels", "FieldValueInvalid", "Invalid value: \"\(text)\": \(labelValueMessage)"))
            }
        }
        return causes
    }

    /// Metadata keys in the order the apiserver writes them; unknown keys follow.
    static let order = [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers",
        "managedFields",
    ]

    static func canonical(_ metadata: JSONValue) -> JSONValue {
        guard let object = metadata.objectValue else { return metadata }
        var result = JSONObject()
        for key in order { if let value = object[key] { result[key] = value } }
        for (key, value) in object where !order.contains(key) { result[key] = value }
        return .object(result)
    }

    /// Five characters from the alphabet generateName uses (no vowels, no look-alikes).
    static func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        var generator = SystemRandomNumberGenerator()
        var draw = generator.next()
        return String((0..<5).map { _ in
            defer { draw /= UInt64(alphabet.count) }
            return alphabet[Int(draw % UInt64(alphabet.count))]
        })
    }

    static func newUID() -> String {
        // Two 64-bit draws (one getrandom call each), formatted straight into the 36 bytes of the text:
        // the server makes one per created object.
        var generator = SystemRandomNumberGenerator()
        let words = (generator.next(), generator.next())
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for index in 0..<16 {
            var byte = UInt8(truncatingIfNeeded: (index < 8 ? words.0 : words.1) >> (UInt64(index % 8) * 8))
            if index == 6 { byte = (byte & 0x0F) | 0x40 }  // version 4
            if index == 8 { byte = (byte & 0x3F) | 0x80 }  // RFC 4122 variant
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
