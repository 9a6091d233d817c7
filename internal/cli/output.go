package cli

import (
	"encoding/json"
	"io"
)

// writeJSON writes v as indented JSON with a trailing newline. Map keys are
// sorted by encoding/json, so output is deterministic.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
