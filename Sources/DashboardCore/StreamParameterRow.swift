/// One custom parameter being typed in the start-stream form: a name and a value editor.
public struct StreamParameterRow: Equatable, Sendable {
    public var name: LineEditor
    public var value: LineEditor

    public init(name: String = "", value: String = "") {
        self.name = LineEditor(name, limit: StartStreamForm.Limits.parameterName)
        self.value = LineEditor(value, limit: StartStreamForm.Limits.parameterValue)
    }
}
