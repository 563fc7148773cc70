// Reading and printing quantities. The rules follow apimachinery's `ParseQuantity` and
// `CanonicalizeBytes` (researched, re-derived here from their documented behaviour):
//
// * Parsing rounds away from zero to nano precision; BinarySI amounts are capped at Int64.max and
//   a BinarySI amount strictly between 0 and 1 becomes DecimalSI.
// * The parsed text is kept as the printed form when it is already "canonical enough": decimal
//   forms whose digits (at most 18) end with a non-zero group at a scale that is a multiple of 3
//   and do not start with 0 (`100m`, `1E-3`, `+1`); binary forms with a whole number (at most ~14
//   digits) not divisible by 8 (`1Gi`, `-2Ki` but not `1024Ki`).
// * Otherwise: DecimalSI/DecimalExponent print the mantissa without trailing zeros and the exponent
//   lowered to a multiple of 3 (`1500M`, `500m`, `1e3`); BinarySI prints integral values of at least
//   1024 in magnitude with the largest 1024-power suffix that divides them (`1536Mi`), anything
//   else as DecimalSI.
//
// Deliberate differences, where Kubernetes silently prints a wrong number: a DecimalSI exponent
// past `E` (10^18) prints as `e21`… instead of dropping the suffix, and a BinarySI value past
// `Ei` stays in `Ei`. Kubernetes also reads a bare suffix (`Ki`, `m`) or a lone `.` as zero; these
// need at least one digit here.

extension Quantity {
    static func parse(_ text: String) throws(QuantityError) -> Quantity {
        if text == "0" { return Quantity(mantissa: 0, scale: 0, format: .decimalSI, text: text) }
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw .formatWrong(text) }
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        var position = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            position = 1
        }
        let integerStart = position
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        let integerDigits = bytes[integerStart..<position]
        var fractionDigits = bytes[position..<position]
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            let fractionStart = position
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            fractionDigits = bytes[fractionStart..<position]
        }
        guard !integerDigits.isEmpty || !fractionDigits.isEmpty else { throw .formatWrong(text) }

        // The suffix: letters, then an optional sign and digits (for `e-3`), then the end.
        let suffixStart = position
        while position < bytes.count, "eEinumkKMGTP".utf8.contains(bytes[position]) { position += 1 }
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") || bytes[position] == UInt8(ascii: "+") {
            position += 1
        }
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        guard position == bytes.count else { throw .formatWrong(text) }
        let suffix = String(decoding: bytes[suffixStart...], as: UTF8.self)
        guard let (base, exponent, format) = interpret(suffix: suffix) else { throw .suffix(text) }

        // Significant digits: the integer part without leading zeros, then the fraction.
        let significantInteger = integerDigits.drop { $0 == UInt8(ascii: "0") }
        var digits = Array(significantInteger) + Array(fractionDigits)
        while digits.first == UInt8(ascii: "0") { digits.removeFirst() }
        var scale = Int(base == 10 ? exponent : 0) - fractionDigits.count
        var magnitude: UInt128 = 0
        var inexact = false
        for (index, digit) in digits.enumerated() {
            if index < 37 {
                magnitude = magnitude * 10 + UInt128(digit - UInt8(ascii: "0"))
            } else {
                scale += 1
                inexact = inexact || digit != UInt8(ascii: "0")
            }
        }
        if base == 2 {
            // Round up before scaling by 2^exponent so the result never falls below the true value.
            if inexact { (magnitude, inexact) = (magnitude + 1, false) }
            while true {
                let (product, overflow) = magnitude.multipliedReportingOverflow(by: UInt128(1) << exponent)
                if !overflow && product < mantissaLimit {
                    magnitude = product
                    break
                }
                (magnitude, scale) = (dividedRoundingUp(magnitude, byPowerOfTen: 1), scale + 1)
            }
        }
        let (roundedMagnitude, roundedScale) = rounded(magnitude, scale: scale, inexact: inexact)
        guard let finalScale = Int32(exactly: roundedScale) else { throw .numeric(text) }
        var quantity = Quantity(
            mantissa: negative ? -Int128(roundedMagnitude) : Int128(roundedMagnitude), scale: finalScale, format: format)

        if format == .binarySI {
            let limit = Quantity(value: .max)
            if quantity > limit { quantity = Quantity(mantissa: limit.mantissa, scale: 0, format: format) }
            if quantity < -limit { quantity = Quantity(mantissa: -limit.mantissa, scale: 0, format: format) }
            let magnitude = quantity.sign < 0 ? -quantity : quantity
            if !quantity.isZero, magnitude < Quantity(value: 1) { quantity.format = .decimalSI }  // 0 < |amount| < 1
        }
        if keepsText(integer: significantInteger, fraction: fractionDigits, exponent: exponent, format: format,
            magnitude: roundedMagnitude)
        {
            quantity.text = text
        }
        return quantity
    }

    /// Whether Kubernetes' parser takes its int64 fast path and keeps the text as the printed form.
    private static func keepsText(
        integer: ArraySlice<UInt8>, fraction: ArraySlice<UInt8>, exponent: Int, format: Format, magnitude: UInt128
    ) -> Bool {
        // `integer` has no leading zeros; Kubernetes counts an all-zero integer part as "0".
        let integerCount = max(integer.count, 1)
        let shifted = (integer.isEmpty ? [UInt8(ascii: "0")] : Array(integer)) + Array(fraction)
        switch format {
        case .binarySI:
            guard fraction.isEmpty, 14 - integerCount - exponent * 3 / 10 >= 0 else { return false }
            return (magnitude >> exponent) & 7 != 0
        case .decimalSI, .decimalExponent:
            let scale = exponent - fraction.count
            guard integerCount + fraction.count <= 18, scale >= -9 else { return false }
            return scale % 3 == 0 && shifted.first != UInt8(ascii: "0") && !shifted.suffix(3).elementsEqual("000".utf8)
        }
    }

    /// Base (2 or 10), exponent and format for a suffix.
    private static func interpret(suffix: String) -> (base: Int, exponent: Int, format: Format)? {
        if let known = suffixes[suffix] { return known }
        // `e<int>` / `E<int>`; the exponent must fit the scale's Int32.
        guard suffix.count > 1, suffix.first == "e" || suffix.first == "E", let exponent = Int32(suffix.dropFirst())
        else { return nil }
        return (10, Int(exponent), .decimalExponent)
    }

    private static let suffixes: [String: (base: Int, exponent: Int, format: Format)] = [
        "": (10, 0, .decimalSI), "n": (10, -9, .decimalSI), "u": (10, -6, .decimalSI), "m": (10, -3, .decimalSI),
        "k": (10, 3, .decimalSI), "M": (10, 6, .decimalSI), "G": (10, 9, .decimalSI), "T": (10, 12, .decimalSI),
        "P": (10, 15, .decimalSI), "E": (10, 18, .decimalSI), "Ki": (2, 10, .binarySI), "Mi": (2, 20, .binarySI),
        "Gi": (2, 30, .binarySI), "Ti": (2, 40, .binarySI), "Pi": (2, 50, .binarySI), "Ei": (2, 60, .binarySI),
    ]

    /// Kubernetes' `CanonicalizeBytes`, for quantities whose text was not kept.
    var canonicalText: String {
        guard !isZero else { return "0" }
        if format == .binarySI, let text = binaryText { return text }
        let (mantissa, scale) = normalized
        // Lower the exponent to a multiple of 3, moving the difference into trailing zeros.
        let exponent = Int(scale) - ((Int(scale) % 3) + 3) % 3
        var number = String(mantissa) + String(repeating: "0", count: Int(scale) - exponent)
        let siSuffixes = [-9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"]
        // BinarySI amounts that reach here (fractional, small or huge) print as DecimalSI.
        if format != .decimalExponent, let suffix = siSuffixes[exponent] {
            number += suffix
        } else if exponent != 0 {
            number += "e\(exponent)"
        }
        return number
    }

    /// The base-1024 form, or nil when the value prints as DecimalSI instead (below 1024 in
    /// magnitude, fractional, or too large for an exact integer).
    private var binaryText: String? {
        let (mantissa, scale) = normalized
        guard scale >= 0, Int(scale) < Self.powersOfTen.count else { return nil }
        let (integer, overflow) = mantissa.magnitude.multipliedReportingOverflow(by: Self.powersOfTen[Int(scale)])
        guard !overflow, integer >= 1024 else { return nil }
        var (amount, power) = (integer, 0)
        while power < 6, amount >= 1024, amount % 1024 == 0 {
            amount /= 1024
            power += 1
        }
        let suffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
        return (mantissa < 0 ? "-" : "") + String(amount) + suffixes[power]
    }
}
