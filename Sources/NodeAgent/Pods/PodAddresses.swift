/// An IPv4 CIDR such as `10.244.0.0/16`.
struct IPv4Network: Equatable, CustomStringConvertible {
    let base: UInt32
    let prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let prefix = Int(parts[1]), (0...32).contains(prefix),
            let address = Self.parse(String(parts[0]))
        else { return nil }
        self.prefix = prefix
        base = prefix == 0 ? 0 : address & ~UInt32((1 << (32 - prefix)) - 1)
    }

    init(base: UInt32, prefix: Int) {
        self.base = base
        self.prefix = prefix
    }

    var size: UInt64 { 1 << UInt64(32 - prefix) }
    var description: String { Self.format(base) + "/\(prefix)" }

    func contains(_ address: UInt32) -> Bool { UInt64(address) >= UInt64(base) && UInt64(address) < UInt64(base) + size }

    /// Subnet `index` of `count` equal parts (`count` rounded up to a power of two).
    func subnet(_ index: Int, of count: Int) -> IPv4Network? {
        var bits = 0
        while (1 << bits) < count { bits += 1 }
        guard prefix + bits <= 32 else { return nil }
        let prefix = prefix + bits
        return IPv4Network(base: base + UInt32(index) << UInt32(32 - prefix), prefix: prefix)
    }

    static func parse(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard let byte = UInt8(octet) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }

    static func format(_ address: UInt32) -> String {
        "\(address >> 24).\(address >> 16 & 255).\(address >> 8 & 255).\(address & 255)"
    }
}

/// Hands out one node's pod IPs from its CIDR (SPEC §1.4): unique, released on delete. The network
/// address, the first host (the node's bridge, by convention) and the broadcast address are never given.
struct PodAddresses {
    let network: IPv4Network
    private var used: Set<UInt32> = []
    private var owners: [String: UInt32] = [:]
    private var next: UInt32

    init(network: IPv4Network) {
        self.network = network
        next = network.base + 2
    }

    var count: Int { used.count }

    /// The address held by `owner` (`namespace/name`), or a new one; nil when the CIDR is full.
    mutating func allocate(for owner: String) -> String? {
        if let held = owners[owner] { return IPv4Network.format(held) }
        let first = network.base + 2
        let last = UInt32(UInt64(network.base) + network.size - 2)
        guard last >= first else { return nil }
        for _ in first...last {
            let candidate = next
            next = next >= last ? first : next + 1
            if used.insert(candidate).inserted {
                owners[owner] = candidate
                return IPv4Network.format(candidate)
            }
        }
        return nil
    }

    /// Marks an address a pod already has (adoption at start); false when it is not ours to track.
    @discardableResult
    mutating func reserve(_ address: String, for owner: String) -> Bool {
        guard let value = IPv4Network.parse(address), network.contains(value), used.insert(value).inserted else { return false }
        owners[owner] = value
        return true
    }

    mutating func release(_ owner: String) {
        if let held = owners.removeValue(forKey: owner) { used.remove(held) }
    }
}
