package install

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"os/exec"
	"runtime"
	"strconv"
)

//go:embed compile.py
var compileScript string

// compileFiles writes bytecode for files with python, in parallel worker
// processes when there are many. Files that fail to compile are skipped.
func compileFiles(ctx context.Context, python string, files []string) error {
	if len(files) == 0 {
		return nil
	}
	var in bytes.Buffer
	for _, f := range files {
		in.WriteString(f)
		in.WriteByte(0)
	}
	cmd := exec.CommandContext(ctx, python, "-I", "-c", compileScript, strconv.Itoa(runtime.NumCPU()))
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("compiling bytecode with %s: %w: %s", python, err, bytes.TrimSpace(stderr.Bytes()))
	}
	return nil
}
