import Hummingbird

extension Router where Context == AppRequestContext {
    /// `GET /openapi.json`: the OpenAPI 3.1 description of every route (``OpenAPIDocument``),
    /// cacheable for an hour.
    func addOpenAPIRoute() {
        get("openapi.json") { _, _ in
            var response = Response.json(OpenAPIDocument.json)
            response.headers[.cacheControl] = "public, max-age=3600"
            return response
        }
    }
}
