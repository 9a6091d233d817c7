// Command ferry builds, installs, resolves, bundles and deploys Python
// packages. This file is the only place that touches os.Args and os.Exit.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"ferry/internal/cli"
	"ferry/internal/iostreams"
)

func main() {
	os.Exit(run())
}

func run() int {
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
