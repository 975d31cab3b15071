import Foundation
public import ZImage

/// A fault the simulated DashScope plays, where it plays it, and how many times: the vocabulary for tests of a client's
/// error handling, and for the contract scenarios that record such faults.
///
/// ``documented`` holds every error the contract documents for the generation endpoint, one fault per status and code,
/// with DashScope's message and a `Retry-After` where a retry is expected; a parameterized test takes it as its
/// arguments:
/// ```swift
/// @Test(arguments: DashScopeFault.documented)
/// func posterHandlesEveryDocumentedError(_ fault: DashScopeFault) async throws {
///     try await withSimulator(faults: [fault]) { client in
///         // a retried fault: the retry succeeds; a final one: the typed error reaches the app
///     }
/// }
/// ```
public struct DashScopeFault: Sendable, Hashable, CustomStringConvertible {
    /// What the server does instead of answering normally.
    public let simulatorFault: SimulatorFault
    /// The path prefix it applies to (any path when `nil`).
    package let pathPrefix: String?
    /// How many requests in a row it answers.
    public let times: Int

    /// Answers the next `times` requests under `pathPrefix` (any path when `nil`) with `fault`.
    public init(_ fault: SimulatorFault, pathPrefix: String?, times: Int) {
        self.simulatorFault = fault
        self.pathPrefix = pathPrefix
        self.times = max(1, times)
    }

    /// The same fault, answering the next `times` requests in a row: `times` at least the client's attempts (4 by
    /// default) exhausts a retried fault's retries.
    public func repeated(_ times: Int) -> Self {
        Self(simulatorFault, pathPrefix: pathPrefix, times: times)
    }

    /// The HTTP status the fault answers with, when it answers with a status of its own.
    public var status: Int? {
        switch simulatorFault {
        case .status(let status, _, _, _), .redirect(_, let status), .endlessBody(let status, _),
            .raw(let status, _, _, _):
            status
        case .delayBeforeHeaders, .slowBody, .truncatedBody, .connectionReset, .invalidJSON: nil
        }
    }

    /// DashScope's error `code`, for a fault in DashScope's error shape.
    public var code: String? {
        guard case .status(_, let code, _, _) = simulatorFault else { return nil }
        return code
    }

    /// Whether the client tries again after this fault (with backoff; honouring `Retry-After`): by the contract's table
    /// for an error status; a reset connection is retried too.
    public var isRetried: Bool {
        if case .connectionReset = simulatorFault { return true }
        guard let status, code != nil else { return false }
        return DashScopeAPI.documentedErrors.first { $0.status == status }?.isRetried ?? false
    }

    /// The fault in a few words (`429 Throttling.RateQuota, retry-after 1, to /api/v1/…`), as a test's argument is
    /// shown.
    public var description: String {
        simulatorFault.description + (times > 1 ? " ×\(times)" : "")
    }

    // MARK: - The documented errors

    /// Every error the contract documents for the generation endpoint (docs/CONTRACT.md "Errors"): each status with
    /// each of its codes, in both spellings where two are documented, with DashScope's message. The retried ones (429,
    /// 500, 503) carry `Retry-After: 1` on a 429 and play once, so a client's retry meets the normal answer; the others
    /// are final.
    public static let documented: [DashScopeFault] = DashScopeAPI.documentedErrors.flatMap { row in
        row.codes.map { code in
            Self(
                .status(
                    row.status, code: code, message: message(for: code, status: row.status),
                    retryAfter: row.status == 429 ? "1" : nil), pathPrefix: DashScopeAPI.generationPath, times: 1)
        }
    }

    /// DashScope's message for `code`: its own words where its documentation gives them, else the status's meaning.
    static func message(for code: String, status: Int) -> String {
        switch code {
        case "InvalidParameter": "Required parameter(s) missing or invalid, please check the request parameters."
        case "DataInspectionFailed", "data_inspection_failed":
            "Input or output data may contain inappropriate content."
        case "IPInfringementSuspect": "Input data is suspected of being involved in IP infringement."
        case "Arrearage": "Access denied, please make sure your account is in good standing."
        case "InvalidApiKey", "invalid_api_key": "Invalid API-key provided."
        case "NOT AUTHORIZED": "Not authorized."
        case "AccessDenied": "Access denied."
        case "AccessDenied.Unpurchased":
            "Access to model denied. Please make sure you are eligible for using the model."
        case "Model.AccessDenied": "Model access denied."
        case "Workspace.AccessDenied": "Workspace access denied."
        case "AllocationQuota.FreeTierOnly": "The free tier of the model has been exhausted."
        case "ModelNotFound", "model_not_found": "Model not exist."
        case "Throttling", "Throttling.RateQuota": "Requests rate limit exceeded, please try again later."
        case "Throttling.BurstRate": "Request rate increased too quickly, please try again later."
        case "Throttling.AllocationQuota": "Allocated quota exceeded, please increase your quota limit."
        case "InternalError", "InternalError.Algo", "SystemError":
            "An internal error has occurred, please try again later."
        case "InternalError.Timeout", "RequestTimeOut": "Request timed out, please try again later."
        case "ModelServingError": "The model is overloaded, please try again later."
        case "ModelUnavailable": "Model is unavailable, please try again later."
        default:
            DashScopeAPI.documentedErrors.first { $0.status == status }?.meaning ?? "simulated failure"
        }
    }

    // MARK: - Named faults

    /// HTTP 429 `Throttling.RateQuota` with `Retry-After`, to the next `times` generations.
    public static func throttled(retryAfter seconds: Int = 1, times: Int = 1) -> Self {
        Self(
            .status(
                429, code: "Throttling.RateQuota", message: message(for: "Throttling.RateQuota", status: 429),
                retryAfter: String(seconds)), pathPrefix: DashScopeAPI.generationPath, times: times)
    }

    /// HTTP 500 `InternalError`, to the next `times` generations.
    public static func serverError(times: Int = 1) -> Self {
        Self(
            .status(500, code: "InternalError", message: message(for: "InternalError", status: 500)),
            pathPrefix: DashScopeAPI.generationPath, times: times)
    }

    /// HTTP 503 `ModelServingError`, to the next `times` generations.
    public static func unavailable(times: Int = 1) -> Self {
        Self(
            .status(503, code: "ModelServingError", message: message(for: "ModelServingError", status: 503)),
            pathPrefix: DashScopeAPI.generationPath, times: times)
    }

    /// HTTP 401 `InvalidApiKey` to the next generation (never retried): a wrong key, or one from another region.
    public static var unauthorized: Self {
        Self(
            .status(401, code: "InvalidApiKey", message: message(for: "InvalidApiKey", status: 401)),
            pathPrefix: DashScopeAPI.generationPath, times: 1)
    }

    /// HTTP 400 with `code` and `message` to the next generation (never retried).
    public static func rejected(
        code: String = "InvalidParameter", message: String = "num_images_per_prompt must be 1"
    ) -> Self {
        Self(.status(400, code: code, message: message), pathPrefix: DashScopeAPI.generationPath, times: 1)
    }

    /// The image URL has expired: the next image download gets OSS's HTTP 403 with its XML body.
    public static var expiredImageURL: Self {
        Self(
            .raw(
                status: 403, contentType: "application/xml",
                body: DashScopeSimulation.ossErrorBody(code: "AccessDenied", message: "Request has expired.")),
            pathPrefix: DashScopeSimulation.resultsRoot, times: 1)
    }

    /// The connection of the next generation is reset before any answer.
    public static var connectionReset: Self {
        Self(.connectionReset, pathPrefix: DashScopeAPI.generationPath, times: 1)
    }
}
