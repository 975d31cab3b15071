/// One row of docs/CONTRACT.md's "Errors" table: an HTTP status, the codes documented with it, and whether another
/// attempt may succeed. The OpenAPI document (`zimage openapi`) describes each status from here; the retry policy's
/// statuses are tested against it.
package struct DocumentedError: Sendable, Hashable {
    /// The HTTP status.
    package var status: Int
    /// The `code` values documented with it, as the API spells them (some in two spellings).
    package var codes: [String]
    /// Whether the client tries again after it (with backoff); the API does not bill failed calls.
    package var isRetried: Bool
    /// What the status means, in one sentence.
    package var meaning: String

    /// Creates a row.
    package init(status: Int, codes: [String], isRetried: Bool, meaning: String) {
        self.status = status
        self.codes = codes
        self.isRetried = isRetried
        self.meaning = meaning
    }
}

extension DashScopeAPI {
    /// The error statuses DashScope documents for this endpoint, with their codes (docs/CONTRACT.md "Errors"). Classify by
    /// the status, never by a code's prefix: a 400 `InternalError.Algo.InvalidParameter` has been seen and is not retried.
    package static let documentedErrors: [DocumentedError] = [
        DocumentedError(
            status: 400,
            codes: [
                "InvalidParameter", "DataInspectionFailed", "data_inspection_failed", "IPInfringementSuspect",
                "Arrearage",
            ], isRetried: false,
            meaning: "The request breaks a rule, or the prompt or the image was judged inappropriate."),
        DocumentedError(
            status: 401, codes: ["InvalidApiKey", "invalid_api_key", "NOT AUTHORIZED"], isRetried: false,
            meaning: "The key is wrong, or it belongs to the other region."),
        DocumentedError(
            status: 403,
            codes: [
                "AccessDenied", "AccessDenied.Unpurchased", "Model.AccessDenied", "Workspace.AccessDenied",
                "AllocationQuota.FreeTierOnly",
            ], isRetried: false, meaning: "The account may not use this model, or its free quota is spent."),
        DocumentedError(
            status: 404, codes: ["ModelNotFound", "model_not_found"], isRetried: false,
            meaning: "The model does not exist here."),
        DocumentedError(
            status: 429,
            codes: ["Throttling", "Throttling.RateQuota", "Throttling.BurstRate", "Throttling.AllocationQuota"],
            isRetried: true, meaning: "Too many requests; try again after a while (`Retry-After`, when sent)."),
        DocumentedError(
            status: 500,
            codes: ["InternalError", "InternalError.Algo", "InternalError.Timeout", "SystemError", "RequestTimeOut"],
            isRetried: true, meaning: "The service failed; another attempt may succeed."),
        DocumentedError(
            status: 503, codes: ["ModelServingError", "ModelUnavailable"], isRetried: true,
            meaning: "The model is overloaded or unavailable; another attempt may succeed."),
    ]
}
