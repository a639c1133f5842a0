/// The browser pages of the citizen portal (issue 14). They answer HTML, not JSON, and are
/// documented in docs/portal.md rather than in the OpenAPI document (whose every error is a
/// problem+json); `OpenAPIRouteTests` subtracts exactly these and checks each one exists.
enum WebRoutes {
    static let browserPaths: Set<String> = [
        "GET /", "GET /language/{}", "GET /account/signin", "GET /account/callback", "POST /account/signout",
        "POST /account/signout-everywhere", "GET /account", "GET /account/platforms", "POST /account/platforms/withdraw",
        "GET /account/history", "GET /account/history.json", "GET /account/history.csv", "GET /account/suspend",
        "POST /account/suspend", "POST /account/wards/suspend", "POST /account/wards/resume",
        // The operator console (issue 15, docs/console.md).
        "GET /console", "GET /console/signin", "GET /console/callback", "POST /console/signout", "GET /console/persons",
        "POST /console/persons/lookup", "POST /console/persons/act", "POST /console/requests", "GET /console/pending",
        "POST /console/requests/decide", "POST /console/requests/open", "GET /console/audit", "POST /console/audit/verify",
        "GET /console/operators", "POST /console/operators/grant", "POST /console/operators/revoke",
        "GET /console/platforms", "POST /console/platforms/register", "GET /console/platforms/edit",
        "POST /console/platforms/change", "POST /console/platforms/disable", "GET /console/policy", "POST /console/policy/set",
        "POST /console/policy/clear", "GET /console/trust", "POST /console/trust/add", "POST /console/trust/remove",
        "GET /console/keys", "GET /console/statistics", "POST /console/audit", "GET /console/audit/checkpoint",
    ]
}
