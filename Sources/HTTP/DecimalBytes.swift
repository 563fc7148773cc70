extension [UInt8] {
    /// Appends `value` in decimal ASCII, zero-padded to `width` digits, with a minus sign before them if
    /// negative. No String is built: this writes every pooled request's length and every lease's
    /// renewTime, a thousand times a second at 10,000 nodes.
    public mutating func appendDecimal(_ value: Int, width: Int = 1) {
        if value < 0 { append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits = 1
        var rest = magnitude
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        append(contentsOf: repeatElement(UInt8(ascii: "0"), count: Swift.max(width, digits)))
        var index = count - 1
        repeat {
            self[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
            index -= 1
        } while magnitude > 0
    }
}
