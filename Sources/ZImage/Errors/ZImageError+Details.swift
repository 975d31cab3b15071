// The details each code of ZImageError carries.

extension ZImageError {
    /// A request field that breaks a rule of the contract.
    public struct InvalidRequest: Sendable, Hashable, CustomStringConvertible {
        /// The field, named as in the request JSON (`prompt`, `size`, `seed`, `base_url`, …).
        public var field: String
        /// What is wrong with the value, in a few words ("is empty", "has 801 characters").
        public var problem: String
        /// The values the field accepts.
        public var allowed: String

        /// Creates the failure for one field.
        package init(field: String, problem: String, allowed: String) {
            self.field = field
            self.problem = problem
            self.allowed = allowed
        }

        /// `Invalid request: <field> <problem>; allowed: <values>.`
        public var description: String {
            "Invalid request: \(field) \(problem); allowed: \(allowed)."
        }
    }

    /// No API key could be found; says where it looked and what to do.
    public struct MissingCredentials: Sendable, Hashable, CustomStringConvertible {
        /// The environment variable looked at first.
        var environmentVariable: String
        /// The credentials file looked at next.
        public var filePath: String
        /// The profile looked for in that file.
        var profile: String
        /// Why the file gave no key ("file not found", "no [default] profile", …).
        var fileProblem: String
        /// Line numbers of the file that could not be read as `[profile]` or `name = value`.
        var malformedLines: [Int] = []

        /// Where to put a key, and why the credentials file gave none.
        public var description: String {
            var text =
                "No DashScope API key found: set \(environmentVariable), or add `dashscope_api_key = sk-...` under "
                + "[\(profile)] in ~/.alibabacloud/credentials (\(filePath): \(fileProblem)"
            if !malformedLines.isEmpty {
                let lines = malformedLines.map(String.init).joined(separator: ", ")
                text +=
                    "; line\(malformedLines.count == 1 ? "" : "s") \(lines) could not be read as `[profile]` or `name = value`"
            }
            return text + ")."
        }
    }

    /// An error answer from DashScope: its HTTP status and the `code`, `message` and `request_id` of its body.
    public struct APIFailure: Sendable, Hashable, CustomStringConvertible {
        /// The HTTP status.
        public var status: Int
        /// The body's `code` (`InvalidParameter`, `Throttling.RateQuota`, …), when it had one.
        public var code: String?
        /// The body's `message`, when it had one.
        public var message: String?
        /// The body's `request_id`, when it had one; quote it to Alibaba Cloud support.
        public var requestID: String?
        /// The host the request went to.
        public var host: String
        /// How many attempts were made, retries included.
        public var attempts: Int = 1
        /// The wait the server asked for in `Retry-After` (whole seconds or an HTTP date), when it sent one: what a
        /// server passing the error on should put in its own `Retry-After`.
        public var retryAfter: Duration? = nil
        /// The region of the client that sent the request (`nil` only when an error is made by hand); with a base URL,
        /// the region whose key and paths were used.
        public var region: Region? = nil

        /// Whether docs/CONTRACT.md says this status is worth retrying (429 and 5xx gateway or server errors).
        var isRetryable: Bool { RetryPolicy.retryableStatuses.contains(status) }

        /// Status, code, message, request id and attempts, with a hint for the statuses a person can act on.
        public var description: String {
            var text = "DashScope answered HTTP \(status)\((200..<300).contains(status) ? " with an error" : "")"
            if let code { text += " \(code)" }
            if let message, !message.isEmpty {
                text += ": \(message.hasSuffix(".") ? String(message.dropLast()) : message)"
            }
            if let requestID { text += " (request id \(requestID))" }
            if attempts > 1 { text += " after \(attempts) attempts" }
            if let retryAfter {
                let seconds = retryAfter.components.seconds + (retryAfter.components.attoseconds > 0 ? 1 : 0)
                text += "; the server asked to retry after \(seconds) s"
            }
            text += "."
            if let hint { text += " " + hint }
            return text
        }

        private var hint: String? {
            let code = (self.code ?? "").lowercased()
            switch status {
            case 401:
                let region = self.region ?? Region(host: host)
                var hint =
                    "Check the key: API keys are issued per region, and a key from one region is refused by the other"
                if let region {
                    hint += " (this request went to \(region.displayName), \(host); \(region.otherRegionsAdvice))"
                }
                return hint + "."
            case 403:
                return
                    "The account or workspace has no access to z-image-turbo in this region: activate the model in the "
                    + "Model Studio console, or check the workspace's permissions and quota."
            case 404:
                return
                    "The model was not found here: check that the region offers z-image-turbo and that the endpoint is right."
            case 429:
                return "Too many requests: wait and try again, or ask for a higher rate limit."
            case 400 where code.contains("datainspection"):
                return "The prompt or the generated image was judged inappropriate: change the prompt."
            case 400 where code == "arrearage":
                return "The account has an overdue payment: settle it in the Alibaba Cloud console."
            case 500...599:
                return
                    "This is a server-side failure; failed calls are not billed, so trying again later costs nothing."
            default:
                return nil
            }
        }
    }

    /// A response whose body does not have the contract's shape.
    public struct UndecodableResponse: Sendable, Hashable, CustomStringConvertible {
        /// The HTTP status of the response.
        public var status: Int
        /// What was expected and not found.
        public var reason: String
        /// The start of the body (at most 200 characters, the key removed), to see what came instead.
        public var bodyExcerpt: String

        /// The status, what was expected, and the start of the body.
        public var description: String {
            "DashScope's HTTP \(status) answer could not be read: \(reason). The body began: \(bodyExcerpt.isEmpty ? "(empty)" : bodyExcerpt)"
        }
    }

    /// The generated image could not be fetched, checked or written.
    public struct DownloadFailure: Sendable, Hashable, CustomStringConvertible {
        /// The image URL without its query (the signature in the query is a credential for 24 hours).
        public var location: String
        /// What went wrong.
        public var reason: String
        /// The HTTP status, when the image host answered.
        public var status: Int?
        /// Whether another attempt may succeed (HTTP 429 or 5xx, or a connection failure).
        var isRetryable = false

        /// The image's location without its signed query, and the reason.
        public var description: String {
            "The image at \(location) could not be saved: \(reason)."
        }
    }
}
