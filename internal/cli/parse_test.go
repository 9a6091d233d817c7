package cli

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"ferry/internal/iostreams"
)

// parseOptions runs `ferry name args...` with the command's run function
// replaced by one that records the options it is handed, and returns them
// (nil when parsing failed) with the error.
func parseOptions[O any](t *testing.T, name string, newCmd func(*Factory, func(context.Context, *Factory, *O) error) *cobra.Command, args []string) (*O, error) {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	f := &Factory{IO: ios, Getenv: func(string) string { return "" }, Dir: t.TempDir()}
	var got *O
	root := NewRootCmd(f)
	for _, c := range root.Commands() {
		if c.Name() == name {
			root.RemoveCommand(c)
		}
	}
	root.AddCommand(newCmd(f, func(_ context.Context, _ *Factory, o *O) error {
		got = o
		return nil
	}))
	root.SetArgs(append([]string{name}, args...))
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	_, err := root.ExecuteC()
	return got, err
}

// checkParse parses args with parseOptions and checks the options against
// want; with wantUsage, it checks that parsing fails as a usage error.
func checkParse[O any](t *testing.T, name string, newCmd func(*Factory, func(context.Context, *Factory, *O) error) *cobra.Command, args []string, want O, wantUsage bool) {
	t.Helper()
	got, err := parseOptions(t, name, newCmd, args)
	if wantUsage {
		var fe *FlagError
		if err == nil || !(errors.As(err, &fe) || isCobraUsageError(err)) {
			t.Fatalf("err = %v, want a usage error", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if got == nil {
		t.Fatal("the command's run function was not called")
	}
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
}
