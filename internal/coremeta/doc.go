// Package coremeta reads and writes core metadata, the METADATA file of
// wheels and installed distributions and the PKG-INFO file of sdists:
// metadata versions 1.0 (PEP 241), 1.1 (PEP 314), 1.2 (PEP 345), 2.1
// (PEP 566), 2.2 (PEP 643), 2.3 (PEP 685), 2.4 (PEP 639) and 2.5 (PEP 794),
// as the core metadata specification describes them
// (https://packaging.python.org/en/latest/specifications/core-metadata/).
//
// The format is email headers as Python's email parser reads them with the
// compat32 policy, which is what pip and importlib.metadata use:
//
//   - Header names are case-insensitive; a header line is "Name: value", a
//     line starting with a space or tab continues the previous header, the
//     first empty line ends the headers and the rest is the message body.
//     Lines end with LF, CRLF or CR; a final newline is optional.
//   - A value spanning several lines keeps its line breaks. Continuation
//     lines lose their common indentation up to 8 spaces (as
//     importlib.metadata's dedent does); a Description whose every
//     continuation line starts with "|" after the indentation is in the
//     legacy form of the specification and loses everything up to the "|".
//   - The body, when present, is the Description (whatever the metadata
//     version), overriding a Description header, which is then kept among
//     the unknown fields.
//
// Invariants:
//   - Values are kept as strings (Requires-Dist as PEP 508 text, Version as
//     written); Validate checks what the specification requires.
//   - Single-use fields that appear twice keep the first value; the others,
//     and every field the specification does not define, are kept in
//     Unknown in file order, so Write followed by Parse gives back an equal
//     Metadata.
//   - Write emits fields in the order of the specification, the Description
//     as the body from Metadata-Version 2.1 on and as a header (legacy "|"
//     form) before, all as UTF-8. Parse rejects input that is not UTF-8,
//     header lines without a colon, and metadata without a Name, naming the
//     line.
package coremeta
