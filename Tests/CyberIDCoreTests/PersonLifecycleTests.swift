import Testing

@testable import CyberIDCore

@Suite struct PersonLifecycleTests {
    /// Every (state, event, actor) triple: the expected outcome written out as a table, so a
    /// change to the rules changes this test.
    @Test func everyTransitionFollowsTheTable() throws {
        let allowed: [PersonState: [LifecycleEvent: (PersonState, Set<LifecycleActor>)]] = [
            .active: [
                .suspend: (.suspended, [.person, .guardian, .administrator]),
                .restrict: (.restricted, [.administrator, .policy]),
                .cancel: (.cancelled, [.person, .administrator]),
            ],
            .suspended: [
                .resume: (.active, [.administrator]),  // suspended by an administrator (the default)
                .cancel: (.cancelled, [.person, .administrator]),
            ],
            .restricted: [
                .suspend: (.suspended, [.person, .guardian, .administrator]),
                .lift: (.active, [.administrator, .policy]),
                .cancel: (.cancelled, [.person, .administrator]),
            ],
            .cancelled: [:],
        ]
        var checked = 0
        for state in PersonState.allCases {
            for event in LifecycleEvent.allCases {
                for actor in LifecycleActor.allCases {
                    checked += 1
                    let result = Result { () throws(LifecycleError) in
                        try PersonLifecycle.apply(event, to: state, by: actor, reason: "test")
                    }
                    if let (target, actors) = allowed[state]?[event] {
                        if actors.contains(actor) {
                            let transition = try result.get()
                            #expect(transition.to == target && transition.from == state && transition.actor == actor)
                        } else {
                            #expect(throws: LifecycleError.actorNotAllowed) { try result.get() }
                        }
                    } else if state == .cancelled {
                        #expect(throws: LifecycleError.cancelled) { try result.get() }
                    } else {
                        #expect(throws: LifecycleError.transitionNotAllowed) { try result.get() }
                    }
                }
            }
        }
        #expect(checked == 4 * 5 * 5)
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

    @Test func onlyActivePersonsLogIn() {
        #expect(PersonState.allCases.filter(PersonLifecycle.canLogIn) == [.active])
    }
}
