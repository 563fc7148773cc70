import Glibc

/// A growable malloc'd byte buffer for outgoing bytes. Its storage can be handed to a pending
/// `uv_write` (`takeStorage`) instead of being copied.
final class ByteBuffer {
    private(set) var base: UnsafeMutableRawPointer?
    private(set) var count = 0
    private var capacity = 0
    private let initialCapacity: Int

    init(initialCapacity: Int = 4096) { self.initialCapacity = initialCapacity }

    deinit { free(base) }

    var isEmpty: Bool { count == 0 }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    func reserve(_ additional: Int) {
        let needed = count + additional
        guard needed > capacity else { return }
        var newCapacity = max(capacity, initialCapacity)
        while newCapacity < needed { newCapacity *= 2 }
        guard let grown = realloc(base, newCapacity) else { fatalError("out of memory (\(newCapacity) bytes)") }
        base = grown
        capacity = newCapacity
    }

    /// Space for `additional` bytes at the end; call `didWrite` with how many were filled.
    func writableTail(_ additional: Int) -> UnsafeMutableRawPointer {
        reserve(additional)
        return base! + count
    }

    func didWrite(_ n: Int) { count += n }

    func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        (base! + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    func append(_ bytes: [UInt8]) { bytes.withUnsafeBytes { append($0) } }

    func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    func append(_ text: String) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { append(UnsafeRawBufferPointer($0)) }
        if done == nil { append(Array(text.utf8)) }
    }

    /// Appends a header value with CR and LF replaced by spaces, so no value can split the response.
    func appendSanitized(_ text: String) {
        let start = count
        append(text)
        guard let base else { return }
        for i in start..<count where base.load(fromByteOffset: i, as: UInt8.self) == 13 || base.load(fromByteOffset: i, as: UInt8.self) == 10 {
            base.storeBytes(of: 32, toByteOffset: i, as: UInt8.self)
        }
    }

    func append(byte: UInt8) {
        reserve(1)
        base!.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    func appendDecimal(_ value: Int) {
        guard value > 0 else {
            append(byte: UInt8(ascii: "0"))
            return
        }
        var digits = 0
        var v = value
        while v > 0 { digits += 1; v /= 10 }
        reserve(digits)
        v = value
        for i in stride(from: count + digits - 1, through: count, by: -1) {
            base!.storeBytes(of: UInt8(48 + v % 10), toByteOffset: i, as: UInt8.self)
            v /= 10
        }
        count += digits
    }

    func appendHex(_ value: Int) {
        let digits: StaticString = "0123456789abcdef"
        var shift = 60
        while shift > 0 && (value >> shift) & 0xF == 0 { shift -= 4 }
        while shift >= 0 {
            append(byte: digits.utf8Start[(value >> shift) & 0xF])
            shift -= 4
        }
    }

    /// Forgets the contents; very large storage is released rather than kept.
    func clear() {
        count = 0
        if capacity > 4 << 20 {
            free(base)
            base = nil
            capacity = 0
        }
    }

    /// Hands over the storage (the caller frees it with `free`) and starts empty.
    func takeStorage() -> UnsafeMutableRawPointer? {
        let storage = base
        base = nil
        capacity = 0
        count = 0
        return storage
    }
}

/// ASCII case-insensitive comparison against a lowercase literal, without allocating.
func asciiEqualsLowercase(_ text: String, _ lower: StaticString) -> Bool {
    let utf8 = text.utf8
    guard utf8.count == lower.utf8CodeUnitCount else { return false }
    var i = 0
    for byte in utf8 {
        let folded = byte >= 65 && byte <= 90 ? byte | 0x20 : byte
        if folded != lower.utf8Start[i] { return false }
        i += 1
    }
    return true
}

func asciiEqualsLowercase(_ bytes: [UInt8], _ lower: StaticString) -> Bool {
    guard bytes.count == lower.utf8CodeUnitCount else { return false }
    for i in 0..<bytes.count {
        let byte = bytes[i]
        let folded = byte >= 65 && byte <= 90 ? byte | 0x20 : byte
        if folded != lower.utf8Start[i] { return false }
    }
    return true
}

/// Whether a comma-separated header value lists `token` (lowercase), ignoring case and spaces.
func listContainsToken(_ value: String, _ token: StaticString) -> Bool {
    var start = value.utf8.startIndex
    let utf8 = value.utf8
    while start <= utf8.endIndex {
        let end = utf8[start...].firstIndex(of: UInt8(ascii: ",")) ?? utf8.endIndex
        var element = Substring(utf8[start..<end])
        while element.first == " " || element.first == "\t" { element.removeFirst() }
        while element.last == " " || element.last == "\t" { element.removeLast() }
        if asciiEqualsLowercase(String(element), token) { return true }
        if end == utf8.endIndex { break }
        start = utf8.index(after: end)
    }
    return false
}
