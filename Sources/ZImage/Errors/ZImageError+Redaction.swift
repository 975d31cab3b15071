extension ZImageError {
    /// The same error with every occurrence of `secret` in its texts replaced by `<redacted>`: a server that echoes the key
    /// in a message or a body must not put it into an error a person reads or a log keeps.
    public func redacting(_ secret: String) -> ZImageError {
        guard secret.count >= 8 else { return self }
        func clean(_ text: String) -> String { text.replacingOccurrences(of: secret, with: "<redacted>") }
        switch self {
        case .invalidRequest(var failure):
            failure.problem = clean(failure.problem)
            return .invalidRequest(failure)
        case .missingCredentials:
            return self
        case .api(var failure):
            failure.message = failure.message.map(clean)
            failure.code = failure.code.map(clean)
            return .api(failure)
        case .transport(var failure):
            failure.message = clean(failure.message)
            failure.detail = failure.detail.map(clean)
            return .transport(failure)
        case .undecodableResponse(var failure):
            failure.bodyExcerpt = clean(failure.bodyExcerpt)
            return .undecodableResponse(failure)
        case .download(var failure):
            failure.reason = clean(failure.reason)
            return .download(failure)
        }
    }
}
