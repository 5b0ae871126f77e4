import CompatAPI
import DashboardCore

/// The start-stream form as a centred box over the dashboard: a label column and a value column,
/// each error in red under its field, key hints at the bottom; the field list scrolls so the focus
/// stays in view, and everything clips, so no terminal size can crash it.
///
/// The bearer token is drawn as one mask symbol per character: its text never reaches the frame.
public struct StartStreamFormView: Widget {
    public var form: StartStreamForm
    public var glyphs: Glyphs

    public init(_ form: StartStreamForm, glyphs: Glyphs = .unicode) {
        self.form = form
        self.glyphs = glyphs
    }

    static let widest = 100
    static let labelWidth = 18
    static let focusedLabelStyle = Style(foreground: .cyan, bold: true)
    static let focusedValueStyle = Style(underline: true)
    static let errorStyle = Style(foreground: .red, bold: true)
    static let warningStyle = Style(foreground: .yellow)
    static let buttonFocusedStyle = Style(bold: true, reverse: true)

    /// One line of the scrolling field list.
    enum Row: Equatable {
        case field(StartStreamForm.Field)
        case parametersHeading
        case parameter(Int)
        case error(String, of: StartStreamForm.Field)
        case warning(String, of: StartStreamForm.Field)
    }

    public func draw(in area: Rect, on frame: inout Frame) {
        guard area.width >= 4, area.height >= 3 else { return }
        let width = min(Self.widest, area.width >= 40 ? area.width - 4 : area.width)
        let valueWidthGuess = max(1, width - 4 - min(Self.labelWidth, (width - 4) / 3))
        let rows = self.rows(valueWidth: valueWidthGuess)
        let top = topLines(width: max(1, width - 4))
        let chrome = 2 + top.count + (form.notice == nil ? 0 : 1) + 3   // border, blank, buttons, hints
        let height = min(chrome + rows.count, area.height >= 12 ? area.height - 2 : area.height)
        let box = area.centered(width: width, height: height)
        // One blank column each side, so the box stands apart from the dashboard it covers.
        frame.fill(Rect(x: box.x - 1, y: box.y, width: box.width + 2, height: box.height).intersection(area))
        Box(title: form.title, glyphs: glyphs, style: Style(foreground: .cyan), titleStyle: .bold).draw(in: box, on: &frame)
        let inner = box.inset(by: 1)
        let content = Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height)
        guard content.width > 0, content.height > 0 else { return }
        var canvas = FormCanvas(frame: frame, clip: content)
        defer { frame = canvas.frame }

        // Bottom up: hints, buttons and the notice always show; the field list gets what is left.
        let hintsY = content.maxY - 1
        let buttonsY = hintsY - 1
        let noticeY = form.notice == nil ? buttonsY : buttonsY - 1
        drawHints(y: hintsY, in: content, on: &canvas)
        drawButtons(y: buttonsY, in: content, on: &canvas)
        if let notice = form.notice {
            canvas.write(
                TextWidth.truncate("\(glyphs.warning) \(notice)", to: content.width, ellipsis: glyphs.ellipsis),
                x: content.x, y: noticeY, style: Self.warningStyle)
        }
        for (index, line) in top.enumerated() {
            canvas.write(line.text, x: content.x, y: content.y + index, style: line.style)
        }
        let listTop = content.y + top.count
        let listBottom = noticeY - 1          // a blank line above the buttons when there is room
        let listHeight = max(0, listBottom - listTop)
        guard listHeight > 0 else { return }
        let offset = scrollOffset(rows: rows, height: listHeight)
        let labelWidth = min(Self.labelWidth, content.width / 3)
        let valueArea = (x: content.x + labelWidth, width: content.width - labelWidth)
        for (index, row) in rows.dropFirst(offset).prefix(listHeight).enumerated() {
            draw(row, y: listTop + index, labelX: content.x, labelWidth: labelWidth, value: valueArea, on: &canvas)
        }
        // Arrows in the right padding column say there is more above or below.
        if offset > 0 { canvas.write(glyphs.up, x: content.maxX, y: listTop, style: .dim, clipped: false) }
        if offset + listHeight < rows.count {
            canvas.write(glyphs.down, x: content.maxX, y: listTop + listHeight - 1, style: .dim, clipped: false)
        }
        if let choice = form.confirmingDiscard {
            canvas.frame.render(
                ConfirmDialog(
                    title: "Discard changes?", message: "The stream was not started. Throw away what you typed?",
                    buttons: ["Keep editing", "Discard"], focusedButton: choice == .keepEditing ? 0 : 1, glyphs: glyphs),
                in: area)
        }
    }

    // MARK: layout

    /// Every line of the field list, before scrolling; messages are wrapped to the value column.
    func rows(valueWidth: Int) -> [Row] {
        let errors = form.fieldErrors
        let warnings = form.warnings
        var rows: [Row] = []
        func messages(_ field: StartStreamForm.Field) {
            if let error = errors[field] {
                rows += marked(error, with: glyphs.error, width: valueWidth).map { .error($0, of: field) }
            }
            if let warning = warnings[field] {
                rows += marked(warning, with: glyphs.warning, width: valueWidth).map { .warning($0, of: field) }
            }
        }
        for field in form.fixedFields {
            rows.append(.field(field))
            messages(field)
        }
        rows.append(.parametersHeading)
        for row in form.parameters.indices {
            rows.append(.parameter(row))
            messages(.parameterName(row))
            messages(.parameterValue(row))
        }
        rows.append(.field(.addParameter))
        messages(.addParameter)
        return rows
    }

    /// `text` wrapped to `width` with `mark` before the first line and the others indented under it:
    /// the mark says error or warning without colour (NO_COLOR).
    func marked(_ text: String, with mark: String, width: Int) -> [String] {
        let indent = TextWidth.width(of: mark) + 1
        let lines = TextWidth.wrap(text, to: max(1, width - indent))
        return lines.enumerated().map { index, line in
            (index == 0 ? mark + " " : String(repeating: " ", count: indent)) + line
        }
    }

    /// The first row shown: just far enough down that the focused field and its messages fit.
    /// Worked out from the focus alone, so the screen stays a pure function of the form.
    func scrollOffset(rows: [Row], height: Int) -> Int {
        let maxOffset = max(0, rows.count - height)
        if form.focus == .submit || form.focus == .cancel { return maxOffset }
        let owned = rows.indices.filter { belongsToFocus(rows[$0]) }
        guard let first = owned.first, let last = owned.last else { return 0 }
        let offset = last - first + 1 > height ? first : max(0, last + 1 - height)
        return min(offset, maxOffset)
    }

    func belongsToFocus(_ row: Row) -> Bool {
        let focusRow = form.focus.parameterRow
        switch row {
        case .field(let field): return field == form.focus
        case .parameter(let index): return index == focusRow
        case .error(_, let field), .warning(_, let field):
            return field == form.focus || (focusRow != nil && field.parameterRow == focusRow)
        case .parametersHeading: return false
        }
    }

    /// The service's refusal, or that a start is in flight, above the fields.
    func topLines(width: Int) -> [(text: String, style: Style)] {
        if form.submitting {
            return [("starting\(glyphs.ellipsis) waiting for the service", Style(foreground: .yellow, bold: true))]
        }
        guard let error = form.serviceError else { return [] }
        var lines = TextWidth.wrap("\(glyphs.error) the service refused: \(error)", to: width)
        if lines.count > 2 {
            lines = [lines[0], TextWidth.truncate(lines[1] + " " + lines[2], to: width, ellipsis: glyphs.ellipsis)]
        }
        return lines.map { ($0, Self.errorStyle) } + [("", .plain)]
    }

    // MARK: rows

    fileprivate func draw(
        _ row: Row, y: Int, labelX: Int, labelWidth: Int, value: (x: Int, width: Int), on canvas: inout FormCanvas
    ) {
        switch row {
        case .field(let field):
            // The button says what it does; a label beside it would only repeat it.
            drawLabel(field == .addParameter ? "" : field.label, focused: form.focus == field, x: labelX, y: y, width: labelWidth, on: &canvas)
            drawValue(of: field, x: value.x, y: y, width: value.width, on: &canvas)
        case .parametersHeading:
            drawLabel("Parameters", focused: false, x: labelX, y: y, width: labelWidth, on: &canvas)
            let count = form.parameters.count
            let summary = count == 0 ? "none (C-n adds one)" : "\(count) of \(StartStreamRequest.maxParameters), sent in this order"
            canvas.write(summary, x: value.x, y: y, maxWidth: value.width, style: .dim)
        case .parameter(let index):
            let focused = form.focus.parameterRow == index
            drawLabel("  \(index + 1)", focused: focused, x: labelX, y: y, width: labelWidth, on: &canvas)
            drawParameter(index, x: value.x, y: y, width: value.width, on: &canvas)
        case .error(let text, _):
            canvas.write(text, x: value.x, y: y, maxWidth: value.width, style: Self.errorStyle)
        case .warning(let text, _):
            canvas.write(text, x: value.x, y: y, maxWidth: value.width, style: Self.warningStyle)
        }
    }

    fileprivate func drawLabel(_ label: String, focused: Bool, x: Int, y: Int, width: Int, on canvas: inout FormCanvas) {
        // A marker as well as a colour, so the focus shows without colour too (NO_COLOR).
        let marker = focused ? (glyphs.isUnicode ? "▸" : ">") : " "
        let text = TextWidth.truncate("\(marker)\(label)", to: max(0, width - 1), ellipsis: glyphs.ellipsis)
        canvas.write(text, x: x, y: y, maxWidth: width - 1, style: focused ? Self.focusedLabelStyle : .plain)
    }

    fileprivate func drawValue(of field: StartStreamForm.Field, x: Int, y: Int, width: Int, on canvas: inout FormCanvas) {
        let focused = form.focus == field
        switch field {
        case .url:
            drawText(form.url.text, cursor: form.url.cursor, focused: focused, placeholder: "required: wss://host/path", x: x, y: y, width: width, on: &canvas)
        case .name:
            drawText(form.name.text, cursor: form.name.cursor, focused: focused, placeholder: "optional", x: x, y: y, width: width, on: &canvas)
        case .callbackURL:
            drawText(
                form.callbackURL.text, cursor: form.callbackURL.cursor, focused: focused,
                placeholder: "optional: https:// URL for stream events", x: x, y: y, width: width, on: &canvas)
        case .bearerToken:
            let mask = String(repeating: glyphs.isUnicode ? "•" : "*", count: form.bearerToken.count)
            drawText(
                mask, cursor: form.bearerToken.cursor, focused: focused, placeholder: "optional, never shown",
                x: x, y: y, width: width, on: &canvas)
        case .track:
            drawPicker(form.track.rawValue, focused: focused, x: x, y: y, width: width, on: &canvas)
        case .codec:
            drawPicker(form.codec?.rawValue ?? "service default", focused: focused, x: x, y: y, width: width, on: &canvas)
        case .callbackMethod:
            let used = drawPicker(form.callbackMethod.rawValue, focused: focused, x: x, y: y, width: width, on: &canvas)
            if !form.sendsStatusCallback {
                canvas.write("  not sent without a callback URL", x: x + used, y: y, maxWidth: width - used, style: .dim)
            }
        case .realTime:
            let text = form.realTime ? "[x] on" : "[ ] off"
            canvas.write(text, x: x, y: y, maxWidth: width, style: focused ? Self.buttonFocusedStyle : .plain)
        case .addParameter:
            canvas.write("[ + Add parameter ]", x: x, y: y, maxWidth: width, style: focused ? Self.buttonFocusedStyle : .plain)
        case .parameterName, .parameterValue, .submit, .cancel:
            break
        }
    }

    /// Name and value side by side: `name______ = value____________`.
    fileprivate func drawParameter(_ index: Int, x: Int, y: Int, width: Int, on canvas: inout FormCanvas) {
        guard form.parameters.indices.contains(index) else { return }
        let row = form.parameters[index]
        let nameWidth = max(1, (width - 3) * 2 / 5)
        drawText(
            row.name.text, cursor: row.name.cursor, focused: form.focus == .parameterName(index), placeholder: "name",
            x: x, y: y, width: nameWidth, on: &canvas)
        canvas.write(" = ", x: x + nameWidth, y: y, maxWidth: width - nameWidth, style: .dim)
        drawText(
            row.value.text, cursor: row.value.cursor, focused: form.focus == .parameterValue(index), placeholder: "value",
            x: x + nameWidth + 3, y: y, width: width - nameWidth - 3, on: &canvas)
    }

    /// A text field: underlined with a block cursor when focused, scrolled to keep the cursor in
    /// view; cut with an ellipsis otherwise; a dim placeholder when empty.
    fileprivate func drawText(
        _ text: String, cursor: Int, focused: Bool, placeholder: String, x: Int, y: Int, width: Int, on canvas: inout FormCanvas
    ) {
        guard width > 0 else { return }
        guard focused else {
            if text.isEmpty {
                canvas.write(placeholder, x: x, y: y, maxWidth: width, style: .dim)
            } else {
                canvas.write(TextWidth.truncate(text, to: width, ellipsis: glyphs.ellipsis), x: x, y: y, maxWidth: width)
            }
            return
        }
        canvas.fill(Rect(x: x, y: y, width: width, height: 1), style: Self.focusedValueStyle)
        let characters = Array(text)
        let cursor = min(max(0, cursor), characters.count)
        var before = String(characters[..<cursor])
        while TextWidth.width(of: before) > width - 1, !before.isEmpty { before.removeFirst() }
        let used = canvas.write(before, x: x, y: y, maxWidth: width, style: Self.focusedValueStyle)
        let under = cursor < characters.count ? String(characters[cursor]) : " "
        var cursorStyle = Self.focusedValueStyle
        cursorStyle.reverse = true
        let cursorWidth = canvas.write(under, x: x + used, y: y, maxWidth: width - used, style: cursorStyle)
        if cursor + 1 < characters.count {
            let after = String(characters[(cursor + 1)...])
            canvas.write(
                after, x: x + used + cursorWidth, y: y, maxWidth: width - used - cursorWidth, style: Self.focusedValueStyle)
        }
    }

    /// `◀ both_tracks ▶`; returns the cells used.
    @discardableResult
    fileprivate func drawPicker(_ choice: String, focused: Bool, x: Int, y: Int, width: Int, on canvas: inout FormCanvas) -> Int {
        let text = glyphs.isUnicode ? "◀ \(choice) ▶" : "< \(choice) >"
        return canvas.write(text, x: x, y: y, maxWidth: width, style: focused ? Self.buttonFocusedStyle : .plain)
    }

    fileprivate func drawButtons(y: Int, in content: Rect, on canvas: inout FormCanvas) {
        let start = form.submitting ? "[ starting\(glyphs.ellipsis) ]" : ConfirmDialog.label("Start stream")
        let cancel = ConfirmDialog.label("Cancel")
        let total = TextWidth.width(of: start) + 2 + TextWidth.width(of: cancel)
        var x = content.x + max(0, (content.width - total) / 2)
        let startStyle: Style = form.submitting ? .dim : (form.focus == .submit ? Self.buttonFocusedStyle : .plain)
        x += canvas.write(start, x: x, y: y, maxWidth: content.maxX - x, style: startStyle)
        x += 2
        canvas.write(cancel, x: x, y: y, maxWidth: content.maxX - x, style: form.focus == .cancel ? Self.buttonFocusedStyle : .plain)
    }

    fileprivate func drawHints(y: Int, in content: Rect, on canvas: inout FormCanvas) {
        let hints = form.hints.map { hint in
            KeyHint(hint.keys.map { $0.displayName(glyphs: glyphs) }.joined(separator: "/"), hint.summary)
        }
        guard y >= content.y else { return }
        canvas.frame.render(KeyHints(hints, glyphs: glyphs), in: Rect(x: content.x, y: y, width: content.width, height: 1))
    }
}

/// Writing clipped to one rectangle: the form's rows never spill over its border, whatever the size.
fileprivate struct FormCanvas {
    var frame: Frame
    let clip: Rect

    @discardableResult
    mutating func write(
        _ text: String, x: Int, y: Int, maxWidth: Int? = nil, style: Style = .plain, clipped: Bool = true
    ) -> Int {
        guard y >= clip.y, y < clip.maxY else { return 0 }
        let right = clipped ? clip.maxX : clip.maxX + 1
        guard x >= clip.x, x < right else { return 0 }
        let room = min(right - x, maxWidth ?? Int.max)
        guard room > 0 else { return 0 }
        return frame.write(text, x: x, y: y, maxWidth: room, style: style)
    }

    mutating func fill(_ rect: Rect, style: Style) {
        frame.fill(rect.intersection(clip), style: style)
    }
}
