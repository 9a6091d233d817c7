package backend

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"ferry/internal/archive"
	"ferry/internal/fsx"
	"ferry/internal/sdist"
)

// Mode is what Build builds.
type Mode int

const (
	// SdistThenWheel builds the sdist, unpacks it and builds the wheel
	// from the unpacked tree, so that a file missing from the sdist breaks
	// the build instead of the user's install (`ferry build`).
	SdistThenWheel Mode = iota
	// SdistOnly builds the sdist (`--sdist`).
	SdistOnly
	// WheelOnly builds the wheel straight from the source tree
	// (`--wheel`).
	WheelOnly
	// SdistAndWheel builds both from the source tree (`--sdist --wheel`).
	SdistAndWheel
)

// Artifact is one built file.
type Artifact struct {
	// Kind is "sdist", "wheel" or "editable".
	Kind string
	// Path is the file's path (OutDir joined with its name).
	Path string
}

// Request is one `ferry build`.
type Request struct {
	// Dir is the project directory.
	Dir string
	// OutDir receives the files; it is created if missing.
	OutDir string
	Mode   Mode
	// Settings are the PEP 517 config settings for every hook.
	Settings ConfigSettings
	// TempDir is where the sdist is unpacked ("" for the system's).
	TempDir string
}

// Build runs the hooks open returns for the request's directory (and,
// for SdistThenWheel, for the unpacked sdist) and returns what it built.
func Build(ctx context.Context, open Opener, req Request) ([]Artifact, error) {
	if err := os.MkdirAll(req.OutDir, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", req.OutDir, err)
	}
	h, err := open(ctx, req.Dir)
	if err != nil {
		return nil, err
	}
	var out []Artifact
	buildSdist := req.Mode != WheelOnly
	if buildSdist {
		name, err := h.BuildSdist(ctx, req.OutDir, req.Settings)
		if err != nil {
			return nil, err
		}
		out = append(out, Artifact{Kind: "sdist", Path: filepath.Join(req.OutDir, name)})
	}
	switch req.Mode {
	case SdistOnly:
		return out, nil
	case WheelOnly, SdistAndWheel:
		name, err := h.BuildWheel(ctx, req.OutDir, req.Settings)
		if err != nil {
			return nil, err
		}
		return append(out, Artifact{Kind: "wheel", Path: filepath.Join(req.OutDir, name)}), nil
	}
	// SdistThenWheel.
	tmp, err := os.MkdirTemp(req.TempDir, "ferry-build-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	top, err := UnpackSdist(ctx, out[0].Path, tmp)
	if err != nil {
		return nil, fmt.Errorf("unpacking the sdist just built: %w", err)
	}
	hs, err := open(ctx, top)
	if err != nil {
		return nil, fmt.Errorf("building the wheel from %s: %w", filepath.Base(out[0].Path), err)
	}
	name, err := hs.BuildWheel(ctx, req.OutDir, req.Settings)
	if err != nil {
		return nil, fmt.Errorf("building the wheel from %s: %w", filepath.Base(out[0].Path), err)
	}
	return append(out, Artifact{Kind: "wheel", Path: filepath.Join(req.OutDir, name)}), nil
}

// UnpackSdist extracts the sdist file into dir (which must be empty or
// new) after package sdist's checks and returns the path of its
// top-level directory. On failure dir's content is removed.
func UnpackSdist(ctx context.Context, file, dir string) (top string, err error) {
	format, ok := sdist.FormatOf(file)
	if !ok {
		return "", fmt.Errorf("%s: not an sdist (.tar.gz or .zip)", file)
	}
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				os.RemoveAll(filepath.Join(dir, e.Name()))
			}
		}
	}()
	info, err := sdist.Unpack(f, fi.Size(), format, archive.DefaultLimits(), func(sf sdist.File, body io.Reader) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		dst, err := fsx.SafeJoin(dir, sf.Top+"/"+sf.Name)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if sf.Executable {
			mode = 0o755
		}
		w, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode)
		if err != nil {
			return err
		}
		if _, err := io.Copy(w, body); err != nil {
			w.Close()
			return err
		}
		return w.Close()
	})
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, info.TopDir), nil
}
