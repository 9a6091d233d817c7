package packse_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/resolve"
	"ferry/internal/resolve/packse"
	"ferry/internal/testkit"
)

const vectors = "resolver_scenarios_packse.json"

func loadScenarios(t *testing.T) *packse.File {
	t.Helper()
	data, err := os.ReadFile(testkit.VectorPath(t, vectors))
	if err != nil {
		t.Fatal(err)
	}
	f, err := packse.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestScenarios runs every non-universal packse scenario through the
// resolver on the in-memory index and compares the outcome.
func TestScenarios(t *testing.T) {
	f := loadScenarios(t)
	tally := &testkit.Tally{File: vectors}
	t.Cleanup(func() {
		testkit.Report(t, fmt.Sprintf("packse (in-memory engine): %d passed, %d failed, %d skipped", tally.Passed, tally.Failed, tally.Skipped))
	})
	for _, sc := range f.Scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			// Universal scenarios (one lock for every platform) and the
			// few that encode uv-only behaviour; Skip says which.
			if why, skip := sc.Skip(); skip {
				tally.Skip(1)
				t.Skip(why)
			}
			err := runScenario(t, &sc)
			if !tally.Check(err == nil) {
				t.Errorf("%s\n%s\nroot: %v\n%v", sc.Name, sc.Description, sc.Root.Requires, err)
			}
		})
	}
}

func runScenario(t *testing.T, sc *packse.Scenario) error {
	target, err := sc.Target()
	if err != nil {
		return err
	}
	p, err := sc.Provider(target)
	if err != nil {
		return err
	}
	reqs, err := sc.Requirements()
	if err != nil {
		return err
	}
	opts, err := sc.Options(target)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := resolve.Solve(ctx, p, reqs, opts)
	if !sc.Expected.Satisfiable {
		var ns *resolve.NoSolutionError
		if err == nil {
			return fmt.Errorf("expected no solution, got %v", res.Versions())
		}
		if !errors.As(err, &ns) {
			return fmt.Errorf("expected no solution, got error: %w", err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("expected a solution: %w", err)
	}
	if sc.Expected.Packages == nil {
		return nil
	}
	got := map[string]string{}
	for _, pkg := range res.Packages {
		got[string(pkg.Name)] = pkg.Version().String()
	}
	if diff := cmp.Diff(sc.Expected.Packages, got); diff != "" {
		return fmt.Errorf("packages (-want +got):\n%s", diff)
	}
	return nil
}
