package interp

import (
	"fmt"

	"ferry/internal/tags"
)

// Interpreter describes the interpreter for wheel-tag purposes, derived
// from its TagFacts as packaging.tags does.
func (i *Info) Interpreter() (tags.Interpreter, error) {
	in, err := i.TagFacts.Interpreter()
	if err != nil {
		return tags.Interpreter{}, fmt.Errorf("interpreter %s: %w", i.Executable, err)
	}
	return in, nil
}

// SupportedTags returns the wheel tags the interpreter accepts, most
// preferred first (packaging's sys_tags order).
func (i *Info) SupportedTags() ([]tags.Tag, error) {
	in, err := i.Interpreter()
	if err != nil {
		return nil, err
	}
	return tags.Supported(in), nil
}
