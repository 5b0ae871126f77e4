/// One entry of the key hint line: keys, and what they do now.
public struct FooterHint: Hashable, Sendable {
    public var keys: [Key]
    public var summary: String

    public init(_ keys: [Key], _ summary: String) {
        self.keys = keys
        self.summary = summary
    }
}

/// The key hint line: what the keys do in front of the operator now. On the screens, help and
/// quit are `pinned`: they show at every width, and the other hints fill the room left, in
/// keymap order. While a form, prompt, question or editor has the keyboard, its own keys show
/// instead (there `?` and `q` are text, or close it).
public struct FooterHints: Equatable, Sendable {
    public var hints: [FooterHint]
    public var pinned: [FooterHint]

    public init(_ hints: [FooterHint], pinned: [FooterHint] = []) {
        self.hints = hints
        self.pinned = pinned
    }
}

extension AppState {
    public var footerHints: FooterHints {
        switch modal {
        case nil:
            return screenHints
        case .help:
            let scroll = [Action.moveDown, .moveUp].flatMap { action in
                keymap.bindings.first { $0.action == action && $0.contexts.contains(context) }?.keys.prefix(1) ?? []
            }
            return FooterHints([FooterHint(scroll, "scroll"), FooterHint([], "other keys close")])
        case .confirmation:
            return FooterHints([
                FooterHint([.tab, .left, .right], "switch"), FooterHint([.enter], "choose"), FooterHint([.escape], "cancel"),
            ])
        case .urlPrompt(let prompt):
            switch prompt.purpose {
            case .announce:
                return FooterHints([
                    FooterHint([.enter], "announce"), FooterHint([.tab], "GET/POST"), FooterHint([.escape], "cancel"),
                ])
            case .hold:
                return FooterHints([FooterHint([.enter], "hold"), FooterHint([.escape], "cancel")])
            case .announceParticipant:
                return FooterHints([
                    FooterHint([.enter], "announce"), FooterHint([.tab], "GET/POST"), FooterHint([.escape], "cancel"),
                ])
            }
        case .startStreamForm(let form):
            return FooterHints(form.hints.map { FooterHint($0.keys, $0.summary) })
        case .command:
            return FooterHints([
                FooterHint([.tab, .backTab], "complete"), FooterHint([.enter], "run"), FooterHint([.escape], "cancel"),
            ])
        case .filter:
            return FooterHints([FooterHint([.enter], "keep the filter"), FooterHint([.escape], "clear it")])
        case .notice:
            return FooterHints([FooterHint([.enter, .escape], "close")])
        case .picker:
            return FooterHints([
                FooterHint([.character("j"), .character("k")], "move"), FooterHint([.enter], "choose"),
                FooterHint([.escape], "cancel"),
            ])
        case .columns:
            return FooterHints([
                FooterHint([.character(" ")], "show/hide"), FooterHint([.character("J"), .character("K")], "move"),
                FooterHint([.character("r")], "defaults"), FooterHint([.enter], "keep"), FooterHint([.escape], "cancel"),
            ])
        }
    }

    /// The screen's hints from the keymap: without mutating keys when read-only or when the
    /// conference they would act on has ended (they would only say so), the filter-clearing key
    /// only while a filter is on, help and quit pinned. A key shown once is not shown again for
    /// a later binding: the first binding of a key is the one it runs (Esc clears a filter
    /// before it goes back).
    var screenHints: FooterHints {
        let map = readOnlyHere ? keymap.readOnly : keymap
        let ended = targetConference(self).map { !$0.conference.status.isLive } ?? false
        let pinnedActions: [Action] = [.help, .quit]
        var hints: [FooterHint] = []
        var shown: Set<Key> = []
        for binding in map.hints(in: context) where !pinnedActions.contains(binding.action) {
            if binding.action == .clearFilter && focusedFilter.isEmpty { continue }
            if binding.mutating && ended { continue }
            let keys = binding.keys.filter { !shown.contains($0) }
            guard !keys.isEmpty else { continue }
            shown.formUnion(keys)
            // `n` says which stream it starts: the picked caller's on the participants pane.
            let summary = binding.action == .newStream && streamsPickedCall(self) ? "stream the call" : binding.hintSummary
            hints.append(FooterHint(keys, summary))
        }
        let pinned = pinnedActions.compactMap { action in
            map.bindings.first { $0.action == action && $0.contexts.contains(context) && !$0.keys.isEmpty }
                .map { FooterHint($0.keys, $0.hintSummary) }
        }
        return FooterHints(hints, pinned: pinned)
    }
}
