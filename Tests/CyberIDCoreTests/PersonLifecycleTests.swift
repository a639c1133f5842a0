import Foundation
import Testing

@testable import CyberIDCore

@Suite struct PersonLifecycleTests {
    typealias Rules = [LifecycleEvent: (PersonState, Set<LifecycleActor>)]

    /// The rules per state, and for `suspended` per suspender (the history that led there).
    static func expected(_ state: PersonState, suspendedBy: LifecycleActor?) -> Rules {
        switch state {
        case .active:
            [
                .suspend: (.suspended, [.person, .guardian, .administrator]),
                .restrict: (.restricted, [.administrator, .policy]),
                .cancel: (.cancelled, [.person, .administrator]),
            ]
        case .suspended:
            switch suspendedBy {
            case .person?:
                [.resume: (.active, [.person, .guardian, .administrator]), .cancel: (.cancelled, [.person, .administrator])]
            case .guardian?:
                [.resume: (.active, [.guardian, .administrator]), .cancel: (.cancelled, [.person, .administrator])]
            case .administrator?, .policy?, .platform?, nil:
                // Held by an authority: only an administrator resumes or cancels.
                [.resume: (.active, [.administrator]), .cancel: (.cancelled, [.administrator])]
            }
        case .restricted:
            [
                // Only an administrator suspends a restricted number: the holder's suspension
                // would be theirs to resume, to `active`, past the restriction.
                .suspend: (.suspended, [.administrator]),
                .lift: (.active, [.administrator, .policy]),
                // Nor does the holder cancel it: they would enroll again at once, unrestricted.
                .cancel: (.cancelled, [.administrator]),
            ]
        case .cancelled:
            [:]
        }
    }

    /// Every (state, suspender, event, actor): the expected outcome written out as a table, so a
    /// change to the rules changes this test.
    @Test func everyTransitionFollowsTheTable() throws {
        var checked = 0
        for state in PersonState.allCases {
            let suspenders: [LifecycleActor?] = state == .suspended ? [nil] + LifecycleActor.allCases : [nil]
            for suspendedBy in suspenders {
                let rules = Self.expected(state, suspendedBy: suspendedBy)
                for event in LifecycleEvent.allCases {
                    for actor in LifecycleActor.allCases {
                        checked += 1
                        try check(state, suspendedBy, event, actor, rules: rules)
                    }
                }
            }
        }
        #expect(checked == (3 + 6) * 5 * 5)
    }

    func check(
        _ state: PersonState, _ suspendedBy: LifecycleActor?, _ event: LifecycleEvent, _ actor: LifecycleActor,
        rules: Rules
    ) throws {
        let result = Result { () throws(LifecycleError) in
            try PersonLifecycle.apply(event, to: state, by: actor, reason: "test", suspendedBy: suspendedBy)
        }
        let where_ = Comment(rawValue: "\(event) by \(actor) from \(state) (suspended by \(String(describing: suspendedBy)))")
        if let (target, actors) = rules[event] {
            if actors.contains(actor) {
                let transition = try result.get()
                #expect(transition.to == target && transition.from == state && transition.actor == actor, where_)
            } else {
                #expect(throws: LifecycleError.actorNotAllowed, where_) { try result.get() }
            }
        } else if state == .cancelled {
            #expect(throws: LifecycleError.cancelled, where_) { try result.get() }
        } else {
            #expect(throws: LifecycleError.transitionNotAllowed, where_) { try result.get() }
        }
    }

    /// The review's attack (issue 12, finding 1): an administrator restricts; the holder
    /// suspends and resumes to get back to `active`. The suspension is refused, so the
    /// restriction stands; likewise for a guardian.
    @Test func aHolderCannotSuspendAndResumePastARestriction() throws {
        let restricted = try PersonLifecycle.apply(.restrict, to: .active, by: .administrator, reason: "fraud check")
        #expect(restricted.to == .restricted)
        for actor in [LifecycleActor.person, .guardian] {
            #expect(throws: LifecycleError.actorNotAllowed) {
                try PersonLifecycle.apply(.suspend, to: restricted.to, by: actor, reason: "lost phone")
            }
        }
        // An administrator may suspend a restricted number; the holder still cannot resume it.
        let suspended = try PersonLifecycle.apply(.suspend, to: .restricted, by: .administrator, reason: "escalated")
        #expect(throws: LifecycleError.actorNotAllowed) {
            try PersonLifecycle.apply(.resume, to: suspended.to, by: .person, reason: "mine", suspendedBy: .administrator)
        }
        // Nor cancel it with one wallet signature while an administrator holds it (finding 6).
        #expect(throws: LifecycleError.actorNotAllowed) {
            try PersonLifecycle.apply(.cancel, to: suspended.to, by: .person, reason: "bye", suspendedBy: .administrator)
        }
    }

    @Test func aPersonResumesOnlyTheirOwnSuspension() throws {
        #expect(try PersonLifecycle.apply(.resume, to: .suspended, by: .person, reason: "found my phone", suspendedBy: .person).to == .active)
        #expect(try PersonLifecycle.apply(.resume, to: .suspended, by: .guardian, reason: "ok", suspendedBy: .guardian).to == .active)
        #expect(try PersonLifecycle.apply(.resume, to: .suspended, by: .guardian, reason: "ok", suspendedBy: .person).to == .active)
        // A minor cannot lift their guardian's suspension.
        #expect(throws: LifecycleError.actorNotAllowed) {
            try PersonLifecycle.apply(.resume, to: .suspended, by: .person, reason: "please", suspendedBy: .guardian)
        }
        #expect(throws: LifecycleError.actorNotAllowed) {
            try PersonLifecycle.apply(.resume, to: .suspended, by: .person, reason: "please", suspendedBy: .administrator)
        }
        #expect(throws: LifecycleError.actorNotAllowed) {
            try PersonLifecycle.apply(.resume, to: .suspended, by: .platform, reason: "x", suspendedBy: .person)
        }
    }

    @Test func everyTransitionNeedsAReason() {
        #expect(throws: LifecycleError.reasonRequired) { try PersonLifecycle.apply(.suspend, to: .active, by: .person, reason: "  ") }
        #expect(throws: LifecycleError.reasonRequired) { try PersonLifecycle.apply(.cancel, to: .active, by: .person, reason: "") }
    }

    /// A reason is stored, recorded and shown as written: plain text of at most 500 characters —
    /// no control character, no bidirectional override or isolate (which would make the console
    /// show it reordered), other format characters (ZWJ, ZWNJ) allowed.
    @Test func aReasonIsPlainTextOfAtMost500Characters() throws {
        for reason in ["a\u{0}b", "lost phone\nresume: administrator", "\u{1B}[2J", "a\u{7F}b", "a\u{85}b", "refund\u{202E}txt.exe", "a\u{2066}b\u{2069}", "lost\u{2028}resume: administrator",
            "a" + String(repeating: "\u{301}", count: 600), String(repeating: "x", count: 501)] {
            #expect(throws: LifecycleError.invalidReason, "\(reason.debugDescription)") {
                try PersonLifecycle.apply(.suspend, to: .active, by: .person, reason: reason)
            }
        }
        // 500 characters (after trimming), other scripts, and an emoji joined with U+200D (Cf).
        for reason in [String(repeating: "界", count: 500), "  \(String(repeating: "x", count: 500)) ", "手机丢了", "👩‍💻 lost", "e\u{301}", "می\u{200C}خواهم"] {
            #expect(try PersonLifecycle.apply(.suspend, to: .active, by: .person, reason: reason).reason == reason.trimmingCharacters(in: .whitespaces))
        }
    }

    @Test func onlyActivePersonsLogIn() {
        #expect(PersonState.allCases.filter(PersonLifecycle.canLogIn) == [.active])
    }
}
