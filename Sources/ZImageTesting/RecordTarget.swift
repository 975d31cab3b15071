/// What a test's recording goes to, when its record mode records.
public enum RecordTarget: String, Sendable, Hashable, CaseIterable {
    /// DashScope itself, with your key (`DASHSCOPE_API_KEY` or the credentials file), or the origin in
    /// `DASHSCOPE_BASE_URL` (a `zimage serve simulate` started elsewhere). The default.
    case dashScope = "dashscope"
    /// A DashScope simulator started in the test process for the test alone, playing the test's `simulate:` failures
    /// first: no key, no binary, no network; the cassette says `source: simulator`. Error paths (a 429, a 500, an
    /// expired image URL) become cassettes this way.
    case simulator
}
