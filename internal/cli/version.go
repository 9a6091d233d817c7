package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Version is ferry's release version.
const Version = "0.1.0.dev0"

// versionString is Version plus the VCS revision the binary was built from,
// when the Go toolchain recorded one.
func versionString() string {
	v := Version
	if info, ok := debug.ReadBuildInfo(); ok {
		var rev, dirty string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if len(s.Value) > 12 {
					rev = s.Value[:12]
				} else {
					rev = s.Value
				}
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+dirty"
				}
			}
		}
		if rev != "" {
			v += " (" + rev + dirty + ")"
		}
	}
	return v
}

type versionOptions struct {
	JSON bool
}

func newCmdVersion(f *Factory) *cobra.Command {
	opts := &versionOptions{}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print ferry's version",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return versionRun(f, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print as JSON")
	return cmd
}

func versionRun(f *Factory, opts *versionOptions) error {
	if opts.JSON {
		return writeJSON(f.IO.Out, map[string]string{
			"version": Version,
			"build":   versionString(),
			"go":      runtime.Version(),
			"os":      runtime.GOOS,
			"arch":    runtime.GOARCH,
		})
	}
	_, err := fmt.Fprintf(f.IO.Out, "ferry %s\n", versionString())
	return err
}
