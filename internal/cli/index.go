package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"ferry/internal/server"
)

type indexOptions struct {
	Dir        string
	Output     string
	UploadTime string
	JSON       bool
}

func newCmdIndex(f *Factory) *cobra.Command {
	return indexCmd(f, indexRun)
}

// indexCmd builds the command; tests pass their own run to check argv →
// options alone.
func indexCmd(f *Factory, run func(context.Context, *Factory, *indexOptions) error) *cobra.Command {
	opts := &indexOptions{}
	cmd := &cobra.Command{
		Use:   "index DIR",
		Short: "Turn a directory of wheels and sdists into a static package index",
		Long: `Write a static simple repository index (PEP 503 HTML and PEP 691 JSON,
with PEP 658 metadata files) for the wheels and sdists in DIR, servable by
any web server: an air-gapped mirror or an internal package server.

The tree written to OUT (default DIR itself):

  OUT/simple/index.html, index.json         the project list
  OUT/simple/<project>/index.html, .json    each project's files, with
                                            sha256 hashes, requires-python,
                                            yanked marks, sizes, upload times
  OUT/<file>                                the files (linked or copied
                                            when OUT is not DIR)
  OUT/<file>.metadata                       each wheel's METADATA

Point pip or ferry at it with --index-url http://host/path/simple/ (or
file:///path/OUT/simple/). A web server serves index.html for directory
URLs, which every installer reads; to also answer clients asking for JSON,
choose index.json when the Accept header contains
application/vnd.pypi.simple.v1+json (nginx: a map on $http_accept used in
try_files; Apache: a RewriteCond on %{HTTP_ACCEPT}) and serve it with that
content type.

A file named <file>.yanked next to a distribution marks it yanked (PEP 592);
its content is the reason. --upload-time chooses the PEP 700 upload times:
"mtime" (the files' modification times), "none", or an RFC 3339 time used
for every file. The same files give the same output, byte for byte.`,
		Example: `  $ ferry index ./wheelhouse
  $ ferry index ./wheelhouse -o /srv/www/pypi
  $ ferry index dist --upload-time 2024-01-01T00:00:00Z`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if args[0] == "" {
				return FlagErrorf("DIR must not be empty")
			}
			opts.Dir = args[0]
			if _, err := uploadTimeFunc(opts.UploadTime); err != nil {
				return FlagErrorf("%v", err)
			}
			return run(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Output, "output", "o", "", "directory to write the index to (default: DIR)")
	fl.StringVar(&opts.UploadTime, "upload-time", "mtime", `upload times to publish: "mtime", "none" or an RFC 3339 time`)
	fl.BoolVar(&opts.JSON, "json", false, "print a summary as JSON on stdout")
	return cmd
}

// uploadTimeFunc turns the --upload-time value into server.Options'
// UploadTime.
func uploadTimeFunc(v string) (func(string, time.Time) time.Time, error) {
	switch v {
	case "", "mtime":
		return nil, nil
	case "none":
		return func(string, time.Time) time.Time { return time.Time{} }, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return nil, fmt.Errorf(`invalid --upload-time %q: want "mtime", "none" or an RFC 3339 time`, v)
	}
	return func(string, time.Time) time.Time { return t }, nil
}

// indexJSON is the stable shape of `ferry index --json`.
type indexJSON struct {
	Output   string   `json:"output"`
	Projects int      `json:"projects"`
	Files    int      `json:"files"`
	Metadata int      `json:"metadata_files"`
	Warnings []string `json:"warnings"`
}

func indexRun(ctx context.Context, f *Factory, opts *indexOptions) error {
	dir := opts.Dir
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(f.Dir, dir)
	}
	out := dir
	if opts.Output != "" {
		out = opts.Output
		if !filepath.IsAbs(out) {
			out = filepath.Join(f.Dir, out)
		}
	}
	upload, err := uploadTimeFunc(opts.UploadTime)
	if err != nil {
		return FlagErrorf("%v", err)
	}
	warnings := []string{}
	sum, err := server.WriteTree(ctx, dir, out, server.Options{
		UploadTime: upload,
		Warn: func(msg string) {
			warnings = append(warnings, msg)
			fmt.Fprintf(f.IO.ErrOut, "warning: %s\n", msg)
		},
	})
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, indexJSON{Output: out, Projects: sum.Projects, Files: sum.Files, Metadata: sum.Metadata, Warnings: warnings})
	}
	shown := opts.Output
	if shown == "" {
		shown = opts.Dir
	}
	_, err = fmt.Fprintf(f.IO.Out, "Indexed %d %s of %d %s (%d metadata %s) into %s\n",
		sum.Files, countNoun(sum.Files, "file"), sum.Projects, countNoun(sum.Projects, "project"),
		sum.Metadata, countNoun(sum.Metadata, "file"), filepath.Join(shown, "simple")+"/")
	return err
}

func countNoun(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
