// What a test suite that imports ZImageTesting writes without importing anything else (with MemberImportVisibility on,
// members are visible only through modules a file imports, so re-exporting is the only way): the client and its errors
// and regions (ZImage), record modes (ZImageCassettes), and the simulation and its faults for `withSimulator`
// (ZImageSimulation).
@_exported public import ZImage
@_exported public import ZImageCassettes
@_exported public import ZImageSimulation
