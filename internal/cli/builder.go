package cli

import (
	"context"

	"ferry/internal/interp"
	"ferry/internal/project"
)

// newBuilder returns the builder installs use for sources, or nil while
// none is available.
func newBuilder(ctx context.Context, f *Factory, s *project.Session, info *interp.Info) project.Builder {
	return nil
}
