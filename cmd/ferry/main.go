// Command ferry builds, installs, resolves, bundles and deploys Python
// packages. This file is the only place that touches os.Args and os.Exit.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"ferry/internal/cli"
	"ferry/internal/iostreams"
)

func main() {
	os.Exit(run())
}

func run() int {
	// FERRY_CPUPROFILE=FILE writes a CPU profile of the run (for
	// BENCHMARKS.md: go tool pprof FILE).
	if p := os.Getenv("FERRY_CPUPROFILE"); p != "" {
		if f, err := os.Create(p); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer func() {
					pprof.StopCPUProfile()
					f.Close()
				}()
			}
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dir, err := os.Getwd()
	if err != nil {
		dir = "."
	}
	f := &cli.Factory{
		IO:      iostreams.System(os.Getenv),
		Getenv:  os.Getenv,
		Environ: os.Environ,
		Dir:     dir,
	}
	return cli.Main(ctx, os.Args[1:], f)
}
