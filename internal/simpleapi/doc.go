// Package simpleapi reads and writes the Simple Repository API that Python
// package indexes serve: PEP 503 (HTML), PEP 691 (JSON, with content
// negotiation), PEP 592 (yanked files), PEP 658 and PEP 714 (separately
// served core metadata: data-core-metadata and the legacy
// data-dist-info-metadata), and PEP 700 (versions, file sizes, upload times).
// See https://packaging.python.org/en/latest/specifications/simple-repository-api/.
//
// Parsing resolves every link against the page URL (or an HTML <base>),
// moves a hash fragment (#sha256=...) into File.Hashes, and keeps only
// anchors with an href. Parsers never fail on unknown attributes or keys;
// they fail on input that is not the format at all (binary data, JSON of
// the wrong shape, an api-version with an unsupported major version).
//
// Writing is deterministic: files in the order given, keys sorted, so a
// static index generated twice from the same files is byte-identical.
package simpleapi
