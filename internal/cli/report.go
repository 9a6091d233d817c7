package cli

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"

	"ferry/internal/fsx"
	"ferry/internal/project"
)

// writeInstallReport writes pip's installation report for plan to dest
// ("-" for stdout).
func writeInstallReport(ctx context.Context, f *Factory, s *project.Session, plan *project.Plan, dest string) error {
	rep, err := s.Report(ctx, plan, "ferry "+Version, false)
	if err != nil {
		return fmt.Errorf("building the report: %w", err)
	}
	if dest == "-" {
		return writeJSON(f.IO.Out, rep)
	}
	if !filepath.IsAbs(dest) {
		dest = filepath.Join(f.Dir, dest)
	}
	var buf bytes.Buffer
	if err := writeJSON(&buf, rep); err != nil {
		return err
	}
	if err := fsx.WriteFileAtomic(dest, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}
