import Foundation
import ZImage

/// A failure the simulated DashScope plays, where it plays it, and how many times: the vocabulary for tests of a client's
/// error handling, and for the contract scenarios that record such failures.
public struct SimulatedFailure: Sendable, Hashable {
    /// What the server does instead of answering normally.
    public let fault: SimulatorFault
    /// The path prefix it applies to (any path when `nil`).
    package let pathPrefix: String?
    /// How many requests in a row it answers.
    public let times: Int

    /// Answers the next `times` requests under `pathPrefix` (any path when `nil`) with `fault`.
    public init(_ fault: SimulatorFault, pathPrefix: String?, times: Int) {
        self.fault = fault
        self.pathPrefix = pathPrefix
        self.times = max(1, times)
    }

    /// HTTP 429 `Throttling.RateQuota` with `Retry-After`, to the next `times` generations.
    public static func throttled(retryAfter seconds: Int = 1, times: Int = 1) -> Self {
        Self(
            .status(
                429, code: "Throttling.RateQuota", message: "Requests rate limit exceeded, please try again later.",
                retryAfter: String(seconds)), pathPrefix: DashScopeAPI.generationPath, times: times)
    }

    /// HTTP 500 `InternalError`, to the next `times` generations.
    public static func serverError(times: Int = 1) -> Self {
        Self(
            .status(500, code: "InternalError", message: "An internal error has occurred, please try again later."),
            pathPrefix: DashScopeAPI.generationPath, times: times)
    }

    /// HTTP 503 `ModelServingError`, to the next `times` generations.
    public static func unavailable(times: Int = 1) -> Self {
        Self(
            .status(503, code: "ModelServingError", message: "The model is overloaded, please try again later."),
            pathPrefix: DashScopeAPI.generationPath, times: times)
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
