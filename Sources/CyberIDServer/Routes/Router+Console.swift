import CyberIDCore
import CyberIDProvider
import CyberIDServices
import CyberIDStore
import CyberIDWeb
import Foundation
import Hummingbird

extension Router where Context == AppRequestContext {
    /// The operator console (issue 15, docs/console.md): sign-in with the operator's wallet at
    /// level high, then only what the operator's roles allow; every change audited under their
    /// display name, the sensitive ones after a second operator's approval.
    func addConsoleRoutes(_ console: Console) {
        get("console") { request, _ in
            let frame = console.frame(request, .home)
            do {
                guard try await console.session(request) != nil else {
                    return Console.html(console.pages.signIn(frame))
                }
                switch try await Self.consoleCall(console, request, frame, form: FormParameters()) {
                case .answer(let response): return response
                case .call(let call):
                    let pending = try await console.admin.fourEyesRequests(status: .pending).count
                    return Console.html(console.pages.home(call.frame, pendingCount: pending))
                }
            } catch {
                return console.errorPage(frame, error)
            }
        }
        get("console/signin") { _, _ in
            let (location, sealed) = try console.signIn.start()
            return Portal.seeOther(
                location, cookies: [WebCookie.setCookie(name: Console.signInCookie, value: sealed, maxAge: 600)])
        }
        get("console/callback") { request, _ in
            var frame = console.frame(request, .refused)
            let clearing = WebCookie.clearing(name: Console.signInCookie)
            let query = (try? FormParameters(encoded: request.uri.query ?? "")) ?? FormParameters()
            do {
                let signIn = try await console.signIn.finish(
                    query, cookie: WebCookie.value(named: Console.signInCookie, in: request.headers[values: .cookie]))
                // A person without a role gets no console session at all.
                guard try await !console.admin.operatorRoles(personID: signIn.personID).isEmpty else {
                    throw FirstPartyRefusal(reason: "no-role")
                }
                let session = try await console.sessions.create(signIn, audience: console.audience)
                return Portal.seeOther(
                    "/console", cookies: [clearing, WebCookie.setCookie(name: Console.sessionCookie, value: session.token)])
            } catch let refusal as FirstPartyRefusal {
                frame.page = .refused
                return Console.html(console.pages.refused(frame, reason: refusal.reason), status: .forbidden, cookies: [clearing])
            } catch {
                return console.errorPage(frame, error)
            }
        }
        consolePost("console/signout", .signedOut, console) { _, call in
            try await console.sessions.signOut(token: call.session.token)
            var frame = call.frame
            (frame.csrf, frame.page, frame.operatorName, frame.roles) = (nil, .signedOut, nil, [])
            return Console.html(console.pages.signedOut(frame), cookies: [WebCookie.clearing(name: Console.sessionCookie)])
        }
        addConsolePersonRoutes(console)
        addConsoleRequestRoutes(console)
        addConsoleOperatorRoutes(console)
        addConsolePlatformRoutes(console)
        addConsoleSystemRoutes(console)
    }

    /// Persons: look-up by network number (a POST: no number in a URL or log) and the
    /// lifecycle actions of `support`.
    func addConsolePersonRoutes(_ console: Console) {
        consoleGet("console/persons", .persons, console) { _, call in
            try call.require(.lookUpPerson)
            return Console.html(console.pages.persons(call.frame, lookedUp: nil, summary: nil))
        }
        consolePost("console/persons/lookup", .persons, console) { _, call in
            try call.require(.lookUpPerson)
            let number = try Self.field("number", call.form)
            return Console.html(try await Self.personPage(console, call, number: number, audited: true))
        }
        consolePost("console/persons/act", .persons, console) { _, call in
            let number = try Self.field("number", call.form)
            guard let event = LifecycleEvent(rawValue: try Self.field("event", call.form)), event != .cancel else {
                throw Self.invalid("event")
            }
            try call.require(Self.action(of: event))
            let reason = try Self.field("reason", call.form)
            _ = try PersonLifecycle.checkedReason(reason, for: event)
            try await Self.lookUpForAct(console, call, number)
            _ = try await call.admin.apply(event, networkNumber: number, reason: reason)
            var frame = call.frame
            frame.flash = "console_flash_applied"
            var flashed = call
            flashed.frame = frame
            return Console.html(try await Self.personPage(console, flashed, number: number))
        }
    }

    /// The Persons page showing a number's summary (or that there is none).
    static func personPage(_ console: Console, _ call: ConsoleCall, number: String, audited: Bool = false) async throws
        -> String
    {
        let summary: PersonSummary?
        do {
            summary = try await audited ? call.admin.lookUp(networkNumber: number) : call.admin.summary(networkNumber: number)
        } catch let error as AdminError where error == .unknownNumber {
            summary = nil
        }
        return console.pages.persons(call.frame, lookedUp: number, summary: summary)
    }

    /// The look-up an act on `number` starts with: audited like a look-up from the Persons page
    /// (`person.look-up`), then an operator's number refused. The caller checks the act's reason
    /// first, so that no answer but this one depends on the number: the answers that tell a
    /// citizen's number from an operator's leave a trace (a review found them probing numbers
    /// unaudited with a refused reason).
    static func lookUpForAct(_ console: Console, _ call: ConsoleCall, _ number: String) async throws {
        let person = try await call.admin.lookUp(networkNumber: number).personID
        guard try await console.admin.operatorRoles(personID: person).isEmpty else { throw AdminError.operatorTarget() }
    }

    /// An operator's own number is not changed from the console (one support operator could
    /// otherwise suspend every admin, and two could cancel one): that is done from the server.
    static func refuseOperatorTarget(_ console: Console, _ number: String) async throws {
        let person = try await console.admin.summary(networkNumber: number).personID
        guard try await console.admin.operatorRoles(personID: person).isEmpty else { throw AdminError.operatorTarget() }
    }

    static func action(of event: LifecycleEvent) -> OperatorAction {
        switch event {
        case .suspend: .suspendPerson
        case .resume: .resumePerson
        case .restrict: .restrictPerson
        case .lift: .liftPerson
        case .cancel: .cancelPerson
        }
    }

    /// A required, non-empty form field.
    static func field(_ name: String, _ form: FormParameters) throws -> String {
        guard let value = form[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            throw Self.missing(name)
        }
        return value
    }
}
