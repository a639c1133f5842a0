import CyberIDRelyingParty
import Foundation
import Testing

/// The SDK's JWKS cache across a rotation of the server's signing keys: a token under a `kid`
/// it has not seen makes it fetch the JWKS again, at most every 10 seconds.
@Suite struct KeyRotationTests {
    @Test func afterARotationTheSDKFetchesTheNewKeyAndStillVerifies() async throws {
        try await LiveServer.with { server in
            let relyingParty = try await server.relyingParty(try await server.secretClient())
            let oldKid = try server.activeKid()
            let started = Date()
            let (firstRequest, first) = try await server.logIn(with: relyingParty)  // caches the JWKS
            let cached = Date()
            #expect(try LiveServer.decode(first.idToken, part: 0)["kid"] as? String == oldKid)

            let newKid = try await server.rotateSigningKeys()
            #expect(newKid != oldKid)
            #expect(try await server.publishedKids() == [newKid, oldKid])

            // Within 10 s of the last fetch an unknown kid is refused without asking the server again.
            let fresh = try await server.signedByServer(server.claims(for: relyingParty, nonce: "n-1"))
            #expect(try LiveServer.decode(fresh, part: 0)["kid"] as? String == newKid)
            // Only while the 10 s surely have not passed since the fetch (a loaded machine may be
            // slower: the refusal cannot be observed then, and the rest still runs).
            if Date().timeIntervalSince(started) < 9 {
                let throttled = await #expect(throws: RelyingPartyError.self) {
                    try await relyingParty.verifyIDToken(fresh, nonce: "n-1")
                }
                #expect(throttled?.says("does not verify with the provider's keys") == true)
            } else {
                // Said in the test's output, not a failure: the machine, not the SDK, was slow.
                withKnownIssue("too slow to observe the 10 s refetch limit") {
                    Issue.record("the refusal within 10 s of the fetch was not checked")
                }
            }

            // After that, a login signed with the new key makes the SDK fetch the JWKS and verify it.
            let request = relyingParty.authorizationRequest()
            let code = try relyingParty.code(fromCallback: try await server.callback(for: request), for: request)
            // Waited on the clock the SDK reads (`Date`), not the monotonic one `Task.sleep` uses.
            while Date().timeIntervalSince(cached) < 11 { try await Task.sleep(for: .milliseconds(200)) }
            let second = try await relyingParty.exchange(code: code, for: request)
            #expect(try LiveServer.decode(second.idToken, part: 0)["kid"] as? String == newKid)
            #expect(second.claims.sub == first.claims.sub)
            #expect(second.claims.nonce == request.nonce)
            // Tokens the retired key signed still verify (it stays published for a grace period),
            // and so does the token refused above.
            #expect(
                try await relyingParty.verifyIDToken(first.idToken, nonce: firstRequest.nonce).sub == first.claims.sub)
            #expect(try await relyingParty.verifyIDToken(fresh, nonce: "n-1").nonce == "n-1")
        }
    }
}
