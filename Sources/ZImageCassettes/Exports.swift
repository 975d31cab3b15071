// The seam's types appear throughout this module's API (`Transport`, `JSONValue`, `TransportError`): a file that imports
// ZImageCassettes can use them without a second import.
@_exported public import ZImageHTTP
