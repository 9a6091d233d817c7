package backend

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestFixtures builds each fixture project as `ferry build` does (sdist,
// then the wheel from the unpacked sdist) and compares the sdist's
// members, the wheel's members (with modes) and the wheel's METADATA and
// entry points with the fixture's want/ sections.
func TestFixtures(t *testing.T) {
	for _, name := range fixtureNames(t) {
		t.Run(name, func(t *testing.T) {
			f := loadFixture(t, name)
			dir := f.extract(t, "")
			out := t.TempDir()
			var warnings []string
			o := testOptions()
			o.Warnf = func(format string, args ...any) { warnings = append(warnings, fmt.Sprintf(format, args...)) }
			arts, err := Build(context.Background(), nativeOpener(o), Request{Dir: dir, OutDir: out, Mode: SdistThenWheel})
			if err != nil {
				t.Fatal(err)
			}
			if len(arts) != 2 {
				t.Fatalf("artifacts = %v", arts)
			}
			f.check(t, "sdist", strings.Join(tarNames(t, arts[0].Path), "\n")+"\n")
			names, content, modes := zipFiles(t, arts[1].Path)
			var lines []string
			for _, n := range names {
				lines = append(lines, modes[n].String()+" "+n)
			}
			f.check(t, "wheel", filepath.Base(arts[1].Path)+"\n"+strings.Join(lines, "\n")+"\n")
			for _, n := range names {
				switch {
				case strings.HasSuffix(n, ".dist-info/METADATA"):
					f.check(t, "METADATA", content[n])
				case strings.HasSuffix(n, ".dist-info/entry_points.txt"):
					f.check(t, "entry_points.txt", content[n])
				case strings.Contains(n, ".data/scripts/"):
					f.check(t, "scripts/"+filepath.Base(n), content[n])
				}
			}
			var wl strings.Builder
			for _, w := range warnings {
				wl.WriteString(w + "\n")
			}
			f.check(t, "warnings", wl.String())
			f.save(t)
		})
	}
}
