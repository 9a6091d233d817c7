package backend

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkBuild builds the sdist and the wheel (from the sdist, as
// `ferry build` does) of a generated project of 300 modules in 30
// packages with package data.
func BenchmarkBuild(b *testing.B) {
	dir := b.TempDir()
	files := map[string]string{
		"pyproject.toml":    "[project]\nname = \"bench\"\nversion = \"1.0\"\ndescription = \"generated\"\nreadme = \"README.md\"\n[project.scripts]\nbench = \"bench.pkg00.mod00:main\"\n[tool.setuptools.package-data]\n\"*\" = [\"*.json\"]\n",
		"README.md":         "# bench\n",
		"LICENSE":           "MIT\n",
		"bench/__init__.py": "",
	}
	for p := 0; p < 30; p++ {
		files[fmt.Sprintf("bench/pkg%02d/__init__.py", p)] = ""
		files[fmt.Sprintf("bench/pkg%02d/data.json", p)] = "{}\n"
		for m := 0; m < 10; m++ {
			files[fmt.Sprintf("bench/pkg%02d/mod%02d.py", p, m)] = fmt.Sprintf("def main():\n    return %d\n\n", m) + string(make([]byte, 0)) + "# " + fmt.Sprint(make([]int, 200)) + "\n"
		}
	}
	write(b, dir, files)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out := filepath.Join(b.TempDir(), "dist")
		arts, err := Build(ctx, nativeOpener(testOptions()), Request{Dir: dir, OutDir: out, Mode: SdistThenWheel})
		if err != nil {
			b.Fatal(err)
		}
		if len(arts) != 2 {
			b.Fatal(arts)
		}
		os.RemoveAll(out)
	}
}
