/// `resource.Quantity`: a decimal amount (`100m`, `1Gi`, `1e3`, `0.5`) with the notation it was
/// written in, read and printed exactly as Kubernetes does.
///
/// The value is `mantissa × 10^scale`, exact: no floating point anywhere. The mantissa is an
/// `Int128` kept below 10^37 in magnitude, so every quantity with up to 37 significant digits is
/// exact (Kubernetes' int64 fast path holds 18), and the scale is never finer than 10^-9 because,
/// like Kubernetes, parsing rounds away from zero to nano precision. Beyond 37 significant digits
/// the last digit is rounded away from zero (Kubernetes would switch to arbitrary precision).
///
/// `==`, `<` and hashing compare values only: `1Gi == 1073741824`, as Kubernetes' `Cmp`/`Equal`.
public struct Quantity: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The notation a quantity is printed in; canonicalisation keeps it.
    public enum Format: String, Sendable, Hashable {
        /// `1e3`, `12E-3`.
        case decimalExponent = "DecimalExponent"
        /// `1Ki`, `1536Mi` (integral values ≥ 1024 only; others print as DecimalSI).
        case binarySI = "BinarySI"
        /// `100m`, `1`, `1500M`.
        case decimalSI = "DecimalSI"
    }

    var mantissa: Int128
    var scale: Int32
    /// Changing it changes how the amount prints (the kept text no longer applies).
    public var format: Format { didSet { text = nil } }
    /// The parsed text, kept when Kubernetes keeps it as the printed form (`ParseQuantity`'s cache):
    /// this is why `1E-3` and `+1` print back unchanged while `1000m` prints as `1`.
    var text: String?

    init(mantissa: Int128, scale: Int32, format: Format, text: String? = nil) {
        self.mantissa = mantissa
        self.scale = scale
        self.format = format
        self.text = text
    }

    public static let zero = Quantity(mantissa: 0, scale: 0, format: .decimalSI)

    /// `value` in `format` (`NewQuantity`).
    public init(value: Int64, format: Format = .decimalSI) {
        self.init(mantissa: Int128(value), scale: 0, format: format)
    }

    /// `milli / 1000` (`NewMilliQuantity`): CPU amounts.
    public init(milli: Int64, format: Format = .decimalSI) {
        self.init(mantissa: Int128(milli), scale: -3, format: format)
    }

    /// `value × 10^scale` (`NewScaledQuantity`); a scale below -9 rounds away from zero to nano.
    public init(value: Int64, scale: Int32, format: Format = .decimalSI) {
        let negative = value < 0
        let (magnitude, exponent) = Self.rounded(UInt128(value.magnitude), scale: Int(scale), inexact: false)
        self.init(mantissa: negative ? -Int128(magnitude) : Int128(magnitude), scale: Int32(exponent), format: format)
    }

    /// Parses Kubernetes quantity syntax: `[+-]digits[.digits][suffix]`, suffix one of
    /// `n u m "" k M G T P E`, `Ki Mi Gi Ti Pi Ei`, or `e<int>` / `E<int>`. Note that with a
    /// string *literal* argument Swift calls `init(stringLiteral:)` instead, which traps when invalid.
    public init(_ text: String) throws(QuantityError) {
        self = try Self.parse(text)
    }

    public var isZero: Bool { mantissa == 0 }

    /// -1, 0 or 1.
    public var sign: Int { mantissa == 0 ? 0 : (mantissa < 0 ? -1 : 1) }

    /// The canonical text (Kubernetes' `String()`).
    public var description: String { text ?? canonicalText }

    /// The value rounded away from zero to an integer (Kubernetes' `Value()`), clamped to Int64.
    public var value: Int64 { scaledValue(scale: 0) }

    /// The value in thousandths rounded away from zero (Kubernetes' `MilliValue()`), clamped to Int64.
    public var milliValue: Int64 { scaledValue(scale: -3) }

    /// The value in units of 10^scale, rounded away from zero, clamped to Int64's range where
    /// Kubernetes would overflow silently.
    public func scaledValue(scale target: Int32) -> Int64 {
        guard mantissa != 0 else { return 0 }
        let shift = Int(scale) - Int(target)
        let magnitude = mantissa.magnitude
        var result: UInt128
        if shift >= 0 {
            guard shift < Self.powersOfTen.count else { return clampedToInt64(UInt128.max) }
            let (product, overflow) = magnitude.multipliedReportingOverflow(by: Self.powersOfTen[shift])
            result = overflow ? .max : product
        } else {
            result = Self.dividedRoundingUp(magnitude, byPowerOfTen: -shift)
        }
        return clampedToInt64(result)
    }

    private func clampedToInt64(_ magnitude: UInt128) -> Int64 {
        if mantissa < 0 {
            return magnitude >= UInt128(Int64.min.magnitude) ? .min : -Int64(magnitude)
        }
        return magnitude >= UInt128(Int64.max) ? .max : Int64(magnitude)
    }

    /// A floating-point approximation, for display and ratios only.
    public var approximateDouble: Double {
        var result = Double(mantissa)
        if scale > 0 {
            for _ in 0..<min(Int(scale), 400) { result *= 10 }
        } else {
            for _ in 0..<min(-Int(scale), 400) { result /= 10 }
        }
        return result
    }

    // MARK: Comparison

    public static func == (a: Quantity, b: Quantity) -> Bool { compare(a, b) == 0 }
    public static func < (a: Quantity, b: Quantity) -> Bool { compare(a, b) < 0 }

    public func hash(into hasher: inout Hasher) {
        let (mantissa, scale) = normalized
        hasher.combine(mantissa)
        hasher.combine(scale)
    }

    /// The mantissa without trailing zeros (zero as 0 × 10^0): one representation per value.
    var normalized: (mantissa: Int128, scale: Int32) {
        guard mantissa != 0 else { return (0, 0) }
        var (m, s) = (mantissa, scale)
        while m % 10 == 0 {
            m /= 10
            s += 1
        }
        return (m, s)
    }

    static func compare(_ a: Quantity, _ b: Quantity) -> Int {
        guard a.sign == b.sign else { return a.sign < b.sign ? -1 : 1 }
        guard a.sign != 0 else { return 0 }
        let (ma, sa) = a.normalized
        let (mb, sb) = b.normalized
        let (x, y) = (ma.magnitude, mb.magnitude)
        // Leading-digit positions first; equal positions leave a shift of at most 36 digits.
        let lead = (digitCount(x) + Int(sa), digitCount(y) + Int(sb))
        var order: Int
        if lead.0 != lead.1 {
            order = lead.0 < lead.1 ? -1 : 1
        } else {
            let (xs, ys) = sa >= sb ? (x * powersOfTen[Int(sa - sb)], y) : (x, y * powersOfTen[Int(sb - sa)])
            order = xs == ys ? 0 : (xs < ys ? -1 : 1)
        }
        return a.sign > 0 ? order : -order
    }

    // MARK: Arithmetic

    /// Exact sum (within 37 significant digits). Like Kubernetes, a zero left side takes the
    /// right side's format; otherwise the left side's is kept.
    public static func + (a: Quantity, b: Quantity) -> Quantity {
        guard !b.isZero else { return Quantity(mantissa: a.mantissa, scale: a.scale, format: a.format) }
        guard !a.isZero else { return Quantity(mantissa: b.mantissa, scale: b.scale, format: b.format) }
        let (high, low) = a.scale >= b.scale ? (a, b) : (b, a)
        let highMagnitude = high.mantissa.magnitude
        // Align to the finer scale when the coarser mantissa can take the shift within 37 digits;
        // else stop at the finest scale it can take and round the finer operand to it, away from
        // zero in the result (it is then far smaller than the other, so the result's sign holds).
        let room = 37 - digitCount(highMagnitude)
        let shift = min(Int(high.scale) - Int(low.scale), room)
        let common = Int(high.scale) - shift
        let highPart = Int128(highMagnitude * powersOfTen[shift]) * Int128(high.sign)
        let lowShift = common - Int(low.scale)
        var lowPart: Int128
        if lowShift == 0 {
            lowPart = low.mantissa
        } else {
            let sameSign = high.sign == low.sign
            let magnitude =
                sameSign
                ? dividedRoundingUp(low.mantissa.magnitude, byPowerOfTen: lowShift)
                : (lowShift < powersOfTen.count ? low.mantissa.magnitude / powersOfTen[lowShift] : 0)
            lowPart = Int128(magnitude) * Int128(low.sign)
        }
        let sum = highPart + lowPart  // both below 10^37: no overflow
        let (magnitude, exponent) = rounded(sum.magnitude, scale: common, inexact: false)
        let mantissa = sum < 0 ? -Int128(magnitude) : Int128(magnitude)
        return Quantity(mantissa: mantissa, scale: Int32(clamping: exponent), format: a.format)
    }

    public static prefix func - (q: Quantity) -> Quantity {
        Quantity(mantissa: -q.mantissa, scale: q.scale, format: q.format)
    }

    public static func - (a: Quantity, b: Quantity) -> Quantity {
        guard !a.isZero else { return Quantity(mantissa: -b.mantissa, scale: b.scale, format: b.format) }
        return a + -b
    }

    public static func += (a: inout Quantity, b: Quantity) { a = a + b }
    public static func -= (a: inout Quantity, b: Quantity) { a = a - b }

    // MARK: Exact-arithmetic helpers

    /// 10^0 … 10^38 (10^38 still fits UInt128).
    static let powersOfTen: [UInt128] = {
        var powers: [UInt128] = [1]
        for _ in 1...38 { powers.append(powers.last! * 10) }
        return powers
    }()

    static let mantissaLimit = powersOfTen[37]

    static func digitCount(_ value: UInt128) -> Int {
        var count = 1
        while count < powersOfTen.count, value >= powersOfTen[count] { count += 1 }
        return count
    }

    /// ⌈value / 10^power⌉.
    static func dividedRoundingUp(_ value: UInt128, byPowerOfTen power: Int) -> UInt128 {
        guard value != 0 else { return 0 }
        guard power < powersOfTen.count else { return 1 }
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: powersOfTen[power])
        return remainder == 0 ? quotient : quotient + 1
    }

    /// Brings `magnitude × 10^scale` into range: below 10^37 and no finer than 10^-9, rounding away
    /// from zero. `inexact` says the true magnitude is a little above `magnitude × 10^scale`.
    static func rounded(_ magnitude: UInt128, scale: Int, inexact: Bool) -> (UInt128, Int) {
        var (magnitude, scale, inexact) = (magnitude, scale, inexact)
        while magnitude >= mantissaLimit {
            inexact = inexact || magnitude % 10 != 0
            magnitude /= 10
            scale += 1
        }
        if scale < -9 {
            let shift = -9 - scale
            let (quotient, remainder) =
                shift < powersOfTen.count ? magnitude.quotientAndRemainder(dividingBy: powersOfTen[shift]) : (0, magnitude)
            inexact = inexact || remainder != 0
            (magnitude, scale) = (quotient, -9)
        }
        if inexact {
            magnitude += 1
            if magnitude == mantissaLimit { (magnitude, scale) = (magnitude / 10, scale + 1) }
        }
        return (magnitude, scale)
    }
}

public enum QuantityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not `[+-]digits[.digits][suffix]`.
    case formatWrong(String)
    /// An unknown suffix.
    case suffix(String)
    /// A number or exponent out of range.
    case numeric(String)

    public var description: String {
        switch self {
        case .formatWrong(let text):
            "quantity \"\(text)\" must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        case .suffix(let text): "unable to parse the suffix of quantity \"\(text)\""
        case .numeric(let text): "unable to parse the numeric part of quantity \"\(text)\""
        }
    }
}

extension Quantity: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    /// For constants in code: traps on invalid text, like Kubernetes' `MustParse`.
    public init(stringLiteral text: String) {
        do { try self.init(text) } catch { preconditionFailure(error.description) }
    }

    public init(integerLiteral value: Int64) {
        self.init(value: value)
    }
}

extension Quantity: Codable {
    /// A JSON string, or a JSON number read as its text (as Kubernetes accepts); null is zero.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text: String
        if container.decodeNil() {
            self = .zero
            return
        } else if let string = try? container.decode(String.self) {
            text = string.trimmingASCIISpaces
        } else if let integer = try? container.decode(Int64.self) {
            text = String(integer)
        } else if let number = try? container.decode(Double.self), number.isFinite {
            text = "\(number)"  // shortest round-trip digits: 0.5 reads back as "0.5"
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a quantity must be a string or a number")
        }
        do {
            self = try Self.parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension String {
    fileprivate var trimmingASCIISpaces: String {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let bytes = utf8
        guard let first = bytes.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = bytes.lastIndex(where: { !isSpace($0) })!
        return String(self[first...last])
    }
}
