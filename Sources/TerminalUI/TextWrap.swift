extension TextWidth {
    /// `text` broken into lines of at most `width` cells at spaces; a word wider than a line is cut.
    public static func wrap(_ text: String, to width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var word = String(word)
            while self.width(of: word) > width {
                if !current.isEmpty { lines.append(current); current = "" }
                let head = prefix(of: word, fitting: width)
                guard !head.isEmpty else { return lines }   // a wide character in a one-cell line
                lines.append(head)
                word.removeFirst(head.count)
            }
            if word.isEmpty { continue }
            if current.isEmpty {
                current = word
            } else if self.width(of: current) + 1 + self.width(of: word) <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = word
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
