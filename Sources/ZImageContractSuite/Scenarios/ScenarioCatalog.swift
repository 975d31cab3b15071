import Foundation
import ZImage
import ZImageContract
package import ZImageSimulation

/// A contract scenario and how to produce it: the request, the expected outcome, and the faults the simulator plays.
package struct ScenarioRecipe: Sendable {
    /// What the cassette shows and must replay to.
    package var scenario: Scenario
    /// Failures the simulator plays before the client runs.
    package var faults: [DashScopeFault]
    /// Whether a live API produces it on demand. Those that cannot are kept as they are when recording live.
    var liveReproducible: Bool
}

/// The contract scenarios, the same for each region. Every generation prompt is distinct, so a replay server can serve a
/// region's cassettes together without one scenario answering another's request.
package enum ScenarioCatalog {
    /// All scenarios, in a stable order.
    package static let all: [ScenarioRecipe] = [
        generate(
            "basic-generation", "A documented request (1024*1024, seed 1234) and its image download.",
            [
                "prompt": .string(DocumentedExamples.prompt), "size": .string("1024*1024"), "seed": .int(1234),
                "prompt_extend": .bool(false),
            ],
            Expectation(outcome: .success, width: 1024, height: 1024, attempts: 1, extended: false)),
        generate(
            "quick-start", "The skill's quick-start request: the documented prompt and size, no seed.",
            [
                "prompt": .string(DocumentedExamples.prompt), "size": .string("1024*1024"),
                "prompt_extend": .bool(false),
            ],
            Expectation(outcome: .success, width: 1024, height: 1024, attempts: 1, extended: false)),
        generate(
            "seed-non-square", "A seed and a non-square size (1024*1536).",
            [
                "prompt": .string("A red fox in fresh snow, morning light"), "size": .string("1024*1536"),
                "seed": .int(42),
            ],
            Expectation(outcome: .success, width: 1024, height: 1536, attempts: 1, extended: false)),
        generate(
            "prompt-extend", "prompt_extend: a rewritten prompt, reasoning and reasoning_tokens.",
            ["prompt": .string("a lighthouse on a cliff"), "size": .string("1024*1024"), "prompt_extend": .bool(true)],
            Expectation(outcome: .success, width: 1024, height: 1024, attempts: 1, extended: true)),
        generate(
            "invalid-parameter", "400 InvalidParameter, not retried.",
            ["prompt": .string("A lake, refused as an invalid parameter")],
            Expectation(outcome: .apiError, httpStatus: 400, code: "InvalidParameter", attempts: 1),
            faults: [.rejected(code: "InvalidParameter", message: "num_images_per_prompt must be 1")],
            live: false),
        generate(
            "data-inspection-failed", "400 DataInspectionFailed: the prompt judged inappropriate, not retried.",
            ["prompt": .string("A scene the content filter refuses \(DashScopeSimulation.inappropriateMarker)")],
            Expectation(outcome: .apiError, httpStatus: 400, code: "DataInspectionFailed", attempts: 1),
            live: false),
        generate(
            "invalid-api-key", "401 InvalidApiKey: a bad key, or a key of the other region; not retried.",
            ["prompt": .string("A lake, with a key the API refuses")],
            Expectation(outcome: .apiError, httpStatus: 401, code: "InvalidApiKey", attempts: 1),
            validKey: false),
        generate(
            "throttled-then-success", "429 Throttling.RateQuota with Retry-After, then success on the retry.",
            ["prompt": .string("A lake after a throttled first try")],
            Expectation(outcome: .success, width: 1024, height: 1024, attempts: 2),
            faults: [.throttled(retryAfter: 1)],
            live: false),
        generate(
            "server-error-every-attempt", "500 InternalError on each of the four attempts: the client gives up.",
            ["prompt": .string("A lake the server never draws")],
            Expectation(outcome: .apiError, httpStatus: 500, code: "InternalError", attempts: 4),
            faults: [.serverError(times: 4)],
            live: false),
        generate(
            "unavailable-then-success", "503 ModelServingError, then success on the retry.",
            ["prompt": .string("A lake after the model was briefly unavailable")],
            Expectation(outcome: .success, width: 1024, height: 1024, attempts: 2),
            faults: [.unavailable()],
            live: false),
        generate(
            "expired-image-url", "The image URL has expired: OSS answers 403 with its XML body.",
            ["prompt": .string("A lake whose image link expired")],
            Expectation(outcome: .downloadError, httpStatus: 403),
            faults: [.expiredImageURL],
            live: false),
        ScenarioRecipe(
            scenario: Scenario(
                name: "models-probe", summary: "The read-only models probe with a valid key: 200.",
                operation: .probe, request: nil, expect: Expectation(outcome: .success)),
            faults: [], liveReproducible: true),
        ScenarioRecipe(
            scenario: Scenario(
                name: "models-probe-bad-key", summary: "The models probe with a bad key: 401.",
                operation: .probe, request: nil, validKey: false, expect: Expectation(outcome: .unauthorized)),
            faults: [], liveReproducible: true),
    ]

    /// The scenario called `name`.
    package static func named(_ name: String) -> ScenarioRecipe? {
        all.first { $0.scenario.name == name }
    }

    private static func generate(
        _ name: String, _ summary: String, _ request: [String: JSONValue], _ expect: Expectation,
        faults: [DashScopeFault] = [], validKey: Bool = true, live: Bool = true
    ) -> ScenarioRecipe {
        ScenarioRecipe(
            scenario: Scenario(
                name: name, summary: summary, operation: .generate, request: request, validKey: validKey, expect: expect
            ),
            faults: faults, liveReproducible: live)
    }
}
