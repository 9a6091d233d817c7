package cli

import (
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"ferry/internal/coremeta"
	"ferry/internal/distinfo"
	"ferry/internal/pep440"
	"ferry/internal/pkgname"
	"ferry/internal/tags"
	"ferry/internal/wheel"
	"ferry/python"
)

// newCmdSelf is `ferry self`: commands about ferry itself.
func newCmdSelf(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "self <command>",
		Short: "Commands about ferry itself",
		Args:  exactArgs(0),
	}
	cmd.AddCommand(selfWheelCmd(f, selfWheelRun))
	return cmd
}

type selfWheelOptions struct {
	OutDir string
	JSON   bool
	// Executable is the program packed; "" is the running one.
	Executable string
}

// selfWheelCmd builds `ferry self wheel`; tests pass their own run.
func selfWheelCmd(f *Factory, run func(context.Context, *Factory, *selfWheelOptions) error) *cobra.Command {
	opts := &selfWheelOptions{}
	cmd := &cobra.Command{
		Use:   "wheel [-o DIR]",
		Short: "Write a wheel of ferry itself",
		Long: `Write a platform wheel of the project "ferry" holding this ferry program
and its Python shim, ready to publish to a private index or to use with
--find-links. Installed, it puts ferry on PATH (the environment's scripts
directory) and makes ferry a PEP 517 build backend for any frontend:

    [build-system]
    requires = ["ferry"]
    build-backend = "ferry.backend"

The wheel is tagged for the platform the program was built for
(py3-none-manylinux_2_17_x86_64.musllinux_1_1_x86_64 for a static Linux
x86-64 build; a program linked against the C library gets the local
linux_x86_64 tag, and a warning). SOURCE_DATE_EPOCH fixes its time stamps.`,
		Example: `  $ ferry self wheel -o wheelhouse
  $ pip wheel --no-index --find-links wheelhouse ./project-built-by-ferry`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.OutDir, "outdir", "o", ".", "write the wheel into `DIR`")
	fl.BoolVar(&opts.JSON, "json", false, "describe the wheel as JSON on stdout")
	return cmd
}

// selfPlatformTags returns the platform tags of a Go program for goos and
// goarch; static says whether it is linked without the C library.
func selfPlatformTags(goos, goarch string, static bool) ([]string, error) {
	linuxArch := map[string]string{"amd64": "x86_64", "arm64": "aarch64", "386": "i686", "arm": "armv7l", "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64"}
	switch goos {
	case "linux":
		arch, ok := linuxArch[goarch]
		if !ok {
			break
		}
		if !static {
			return []string{"linux_" + arch}, nil
		}
		// A static program runs on any glibc and any musl.
		return []string{"manylinux_2_17_" + arch, "musllinux_1_1_" + arch}, nil
	case "darwin":
		// Go 1.25 and later support macOS 12 and later.
		switch goarch {
		case "amd64":
			return []string{"macosx_12_0_x86_64"}, nil
		case "arm64":
			return []string{"macosx_12_0_arm64"}, nil
		}
	case "windows":
		switch goarch {
		case "amd64":
			return []string{"win_amd64"}, nil
		case "arm64":
			return []string{"win_arm64"}, nil
		case "386":
			return []string{"win32"}, nil
		}
	}
	return nil, fmt.Errorf("no wheel platform tag for %s/%s", goos, goarch)
}

// isStaticELF reports whether the ELF program at p has no interpreter
// (is not dynamically linked); non-ELF files count as static.
func isStaticELF(p string) bool {
	ef, err := elf.Open(p)
	if err != nil {
		return true
	}
	defer ef.Close()
	for _, prog := range ef.Progs {
		if prog.Type == elf.PT_INTERP {
			return false
		}
	}
	return true
}

// selfWheelJSON is the stable shape of `ferry self wheel --json`.
type selfWheelJSON struct {
	Path     string `json:"path"`
	Filename string `json:"filename"`
	Version  string `json:"version"`
	Tag      string `json:"tag"`
}

func selfWheelRun(ctx context.Context, f *Factory, opts *selfWheelOptions) error {
	exe := opts.Executable
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return fmt.Errorf("finding the running program: %w", err)
		}
	}
	static := runtime.GOOS != "linux" || isStaticELF(exe)
	plats, err := selfPlatformTags(runtime.GOOS, runtime.GOARCH, static)
	if err != nil {
		return err
	}
	if !static {
		fmt.Fprintf(f.IO.ErrOut, "warning: %s is linked against the C library; the wheel is tagged %s and installs only on like machines (build ferry with CGO_ENABLED=0 for a manylinux wheel)\n", exe, plats[0])
	}
	version, err := pep440.Parse(Version)
	if err != nil {
		return fmt.Errorf("ferry's version %q: %w", Version, err)
	}
	mtime, _, err := sourceDateEpoch(f)
	if err != nil {
		return err
	}
	out := opts.OutDir
	if !filepath.IsAbs(out) {
		out = filepath.Join(f.Dir, out)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", out, err)
	}
	var tagList []tags.Tag
	for _, p := range plats {
		tagList = append(tagList, tags.NewTag("py3", "none", p))
	}
	tagText := tags.FormatTagSet(tagList)
	name := pkgname.Name("ferry")
	filename := fmt.Sprintf("ferry-%s-%s.whl", version, tagText)
	tmp, err := os.CreateTemp(out, ".ferry-self-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := writeSelfWheel(tmp, exe, name, version, tagList, mtime); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	dst := filepath.Join(out, filename)
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return err
	}
	shown := dst
	if rel, err := filepath.Rel(f.Dir, dst); err == nil && filepath.IsLocal(rel) {
		shown = rel
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, selfWheelJSON{Path: shown, Filename: filename, Version: version.String(), Tag: tagText})
	}
	fmt.Fprintf(f.IO.ErrOut, "Wrote %s\n", shown)
	return nil
}

// writeSelfWheel writes the wheel: the shim package, the program as
// ferry/bin/ferry and as the script "ferry", and the .dist-info.
func writeSelfWheel(w io.Writer, exe string, name pkgname.Name, version pep440.Version, tagList []tags.Tag, mtime time.Time) error {
	info := distinfo.DirName(name, version)
	data := fmt.Sprintf("%s-%s.data", name, version)
	ww := wheel.NewWriter(w, wheel.WriterOptions{DistInfo: info, Mtime: mtime})
	shim := python.Shim()
	err := fs.WalkDir(shim, "ferry", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(shim, p)
		if err != nil {
			return err
		}
		return ww.Add(p, b, false)
	})
	if err != nil {
		return fmt.Errorf("adding the Python shim: %w", err)
	}
	binName := "ferry"
	if runtime.GOOS == "windows" {
		binName = "ferry.exe"
	}
	open := func() (io.ReadCloser, error) { return os.Open(exe) }
	if err := ww.AddOpen(path.Join("ferry", "bin", binName), open, true); err != nil {
		return err
	}
	if err := ww.AddOpen(path.Join(data, "scripts", binName), open, true); err != nil {
		return err
	}
	var md bytes.Buffer
	err = coremeta.Write(&md, coremeta.Metadata{
		MetadataVersion: "2.1",
		Name:            "ferry",
		Version:         version.String(),
		Summary:         "Build, install, resolve, bundle and deploy Python packages (the ferry program and its PEP 517 backend shim)",
		RequiresPython:  ">=3.7",
	})
	if err != nil {
		return err
	}
	if err := ww.Add(info+"/METADATA", md.Bytes(), false); err != nil {
		return err
	}
	var wf bytes.Buffer
	if err := distinfo.WriteWheel(&wf, distinfo.Wheel{WheelVersion: "1.0", Generator: "ferry (" + Version + ")", RootIsPurelib: false, Tags: tagList}); err != nil {
		return err
	}
	if err := ww.Add(info+"/WHEEL", wf.Bytes(), false); err != nil {
		return err
	}
	if err := ww.Close(); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("reading the program %s: %w", exe, err)
		}
		return err
	}
	return nil
}
