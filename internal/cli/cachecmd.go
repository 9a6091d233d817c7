package cli

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"ferry/internal/cache"
)

type cacheOptions struct {
	Dir     string
	MaxAge  time.Duration
	Buckets []string
	JSON    bool
}

func newCmdCache(f *Factory) *cobra.Command {
	opts := &cacheOptions{}
	cmd := &cobra.Command{
		Use:   "cache <command>",
		Short: "Inspect and clean ferry's cache",
		Long: `ferry keeps downloaded files, unpacked and verified wheels, index pages,
built wheels, build environments and interpreter descriptions in one
versioned cache directory: $FERRY_CACHE_DIR, else $XDG_CACHE_HOME/ferry,
else ~/.cache/ferry (--cache-dir overrides it). Several ferry processes
may use it at once.`,
		Example: `  $ ferry cache dir
  $ ferry cache info
  $ ferry cache prune --max-age 720h
  $ ferry cache clean http`,
	}
	cmd.PersistentFlags().StringVar(&opts.Dir, "cache-dir", "", "the cache directory")
	cmd.AddCommand(&cobra.Command{
		Use:   "dir",
		Short: "Print the cache directory",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.open(f)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(f.IO.Out, c.Dir())
			return err
		},
	})
	info := &cobra.Command{
		Use:   "info",
		Short: "Show the size of each part of the cache",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return cacheInfoRun(f, opts)
		},
	}
	info.Flags().BoolVar(&opts.JSON, "json", false, "print as JSON")
	cmd.AddCommand(info)
	clean := &cobra.Command{
		Use:     "clean [BUCKET...]",
		Aliases: []string{"purge"},
		Short:   "Remove everything from the cache (or from the named parts)",
		Long: `Remove every entry of the cache, or of the named parts: archives
(downloaded files), unpacked (verified wheels), http (index pages and
metadata), builds, envs (build environments), interpreters. Entries other
ferry processes are writing at the same time are unaffected.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.open(f)
			if err != nil {
				return err
			}
			var buckets []cache.Bucket
			for _, a := range args {
				b, ok := bucketByName(a)
				if !ok {
					return FlagErrorf("unknown cache part %q (want archives, unpacked, http, builds, envs or interpreters)", a)
				}
				buckets = append(buckets, b)
			}
			before := du(c.Dir())
			if err := c.Clean(cmd.Context(), buckets...); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.ErrOut, "Removed %s from %s\n", humanBytes(before-du(c.Dir())), c.Dir())
			return nil
		},
	}
	cmd.AddCommand(clean)
	prune := &cobra.Command{
		Use:   "prune",
		Short: "Remove entries not used recently and leftovers of interrupted runs",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return cachePruneRun(cmd.Context(), f, opts)
		},
	}
	prune.Flags().DurationVar(&opts.MaxAge, "max-age", 30*24*time.Hour, "remove entries not used for this long")
	prune.Flags().BoolVar(&opts.JSON, "json", false, "print what was removed as JSON")
	cmd.AddCommand(prune)
	return cmd
}

func (o *cacheOptions) open(f *Factory) (*cache.Cache, error) {
	c, _, err := openCache(f, o.Dir, false)
	return c, err
}

func bucketByName(name string) (cache.Bucket, bool) {
	for _, b := range cache.AllBuckets() {
		if string(b) == name || filepath.Base(string(b)) == name {
			return b, true
		}
	}
	return "", false
}

func cacheInfoRun(f *Factory, opts *cacheOptions) error {
	c, err := opts.open(f)
	if err != nil {
		return err
	}
	type part struct {
		Name  string `json:"name"`
		Path  string `json:"path"`
		Bytes int64  `json:"bytes"`
	}
	var parts []part
	var total int64
	for _, b := range cache.AllBuckets() {
		p := c.BucketDir(b)
		n := du(p)
		total += n
		parts = append(parts, part{Name: filepath.Base(string(b)), Path: p, Bytes: n})
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, map[string]any{"dir": c.Dir(), "bytes": total, "parts": parts})
	}
	fmt.Fprintf(f.IO.Out, "%s\n", c.Dir())
	for _, p := range parts {
		fmt.Fprintf(f.IO.Out, "  %-13s %10s\n", p.Name, humanBytes(p.Bytes))
	}
	fmt.Fprintf(f.IO.Out, "  %-13s %10s\n", "total", humanBytes(total))
	return nil
}

func cachePruneRun(ctx context.Context, f *Factory, opts *cacheOptions) error {
	c, err := opts.open(f)
	if err != nil {
		return err
	}
	st, err := c.Prune(ctx, time.Now().Add(-opts.MaxAge))
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, st)
	}
	fmt.Fprintf(f.IO.ErrOut, "Removed %d entr%s and %d leftover%s (%s)\n", st.Entries, map[bool]string{true: "y", false: "ies"}[st.Entries == 1],
		st.Temp, plural(st.Temp), humanBytes(st.Bytes))
	return nil
}

// du is the size of the regular files under p.
func du(p string) int64 {
	var n int64
	filepath.WalkDir(p, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
