/// Comma-separated values as RFC 4180 writes them: a record per line, each line ended by CRLF
/// (the last one too), fields separated by commas; a field holding a comma, a double quote, a CR
/// or an LF is put in double quotes, with its own double quotes doubled. Nothing else is changed:
/// numbers and dates go out as they are given.
public enum CSV {
    /// One record, with its CRLF.
    public static func record(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    /// A header record, then one record per row.
    public static func text(header: [String], rows: [[String]]) -> String {
        rows.reduce(into: record(header)) { $0 += record($1) }
    }

    /// One field, quoted when it must be.
    public static func field(_ value: String) -> String {
        // By byte: "\r\n" is one Character in Swift, and would hide from a check by character.
        guard value.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0D || $0 == 0x0A })
        else { return value }
        return "\"" + value.replacing("\"", with: "\"\"") + "\""
    }
}
