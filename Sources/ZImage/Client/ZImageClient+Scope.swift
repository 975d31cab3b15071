extension ZImageClient {
    /// The client a test scope lends to code that makes its own (``ZImageClient/make(region:)`` in ZImageCurl): set by
    /// ZImageTesting's `.cassette` trait, `withCassette` and `withSimulator` for the task tree of the test, as
    /// swift-dependencies lends its dependencies through task-locals. `nil` outside a test scope.
    @TaskLocal package static var scoped: ZImageClient?
}
