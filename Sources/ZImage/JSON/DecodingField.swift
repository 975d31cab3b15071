extension KeyedDecodingContainer {
    /// Decodes an optional field, reporting any failure as a type mismatch at that field: `JSONDecoder` reports `1.5` for
    /// an `Int` as corrupt data without a path, and a message must name the field.
    func decodeField<Value: Decodable>(_ type: Value.Type, forKey key: Key) throws -> Value? {
        do {
            return try decodeIfPresent(type, forKey: key)
        } catch {
            throw DecodingError.typeMismatch(type, .init(codingPath: codingPath + [key], debugDescription: "\(error)"))
        }
    }
}
