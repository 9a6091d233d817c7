package backend

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// NativeHooks runs the native backend on the project in Dir: the Hooks a
// frontend calls. Each call opens the project afresh, so edits between
// calls are seen.
type NativeHooks struct {
	Dir     string
	Options Options
}

var _ Hooks = (*NativeHooks)(nil)

func (h *NativeHooks) open(ctx context.Context, cs ConfigSettings) (*Project, Options, error) {
	o, err := h.Options.WithSettings(cs)
	if err != nil {
		return nil, o, err
	}
	dir, err := filepath.Abs(h.Dir)
	if err != nil {
		return nil, o, err
	}
	p, err := Open(ctx, os.DirFS(dir), dir)
	if err != nil {
		return nil, o, err
	}
	if !p.FromSdist { // the source tree's build has reported them
		for _, w := range p.Warnings() {
			o.warnf("%s", w)
		}
	}
	return p, o, nil
}

// BuildSdist writes the project's sdist into outDir.
func (h *NativeHooks) BuildSdist(ctx context.Context, outDir string, cs ConfigSettings) (string, error) {
	p, o, err := h.open(ctx, cs)
	if err != nil {
		return "", err
	}
	return writeInto(outDir, func(w io.Writer) (string, error) { return p.WriteSdist(ctx, w, o) })
}

// BuildWheel writes the project's wheel into outDir.
func (h *NativeHooks) BuildWheel(ctx context.Context, outDir string, cs ConfigSettings) (string, error) {
	p, o, err := h.open(ctx, cs)
	if err != nil {
		return "", err
	}
	return writeInto(outDir, func(w io.Writer) (string, error) { return p.WriteWheel(ctx, w, o) })
}

// BuildEditable writes the project's PEP 660 editable wheel into outDir.
func (h *NativeHooks) BuildEditable(ctx context.Context, outDir string, cs ConfigSettings) (string, error) {
	p, o, err := h.open(ctx, cs)
	if err != nil {
		return "", err
	}
	return writeInto(outDir, func(w io.Writer) (string, error) { return p.WriteEditable(ctx, w, o) })
}

// writeInto runs write against a temporary file in outDir and renames it
// to the name write returns; on failure nothing is left behind.
func writeInto(outDir string, write func(io.Writer) (string, error)) (name string, err error) {
	tmp, err := os.CreateTemp(outDir, ".ferry-build-*")
	if err != nil {
		return "", fmt.Errorf("creating output file: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<16)
	name, err = write(bw)
	if err != nil {
		return "", err
	}
	if err = bw.Flush(); err != nil {
		return "", fmt.Errorf("writing %s: %w", name, err)
	}
	if err = tmp.Chmod(0o644); err != nil {
		return "", err
	}
	if err = tmp.Close(); err != nil {
		return "", fmt.Errorf("writing %s: %w", name, err)
	}
	if err = os.Rename(tmp.Name(), filepath.Join(outDir, name)); err != nil {
		return "", fmt.Errorf("writing %s: %w", name, err)
	}
	return name, nil
}
