public import ArgumentParser
public import ZImage
public import ZImageCassettes

/// A region is parsed once, by the argument parser: `--region` takes `beijing` or `singapore` (also `cn-beijing`,
/// `ap-southeast-1`, `intl`), lists them in `--help`, and completes them in shells (ArgumentParser's default
/// `allValueStrings` of a `CaseIterable` string enum: the short names).
extension Region: ExpressibleByArgument {
    /// The region named `argument`, in any of the spellings ``Region/init(name:)`` accepts.
    public init?(argument: String) {
        self.init(name: argument)
    }
}

/// `--record-mode` takes `none`, `once`, `new-episodes`, `update` or `all`.
extension RecordMode: ExpressibleByArgument {}
