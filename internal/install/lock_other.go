//go:build !unix

package install

import (
	"context"
	"path/filepath"

	"ferry/internal/fsx"
)

// lockDir locks a lock file inside dir (directories cannot be locked
// here).
func lockDir(ctx context.Context, dir string) (func(), error) {
	return fsx.Lock(ctx, filepath.Join(dir, ".ferry-lock"))
}
