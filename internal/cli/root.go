package cli

import (
	"github.com/spf13/cobra"
)

// NewRootCmd builds the ferry command tree.
func NewRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "ferry <command> [flags]",
		Short: "Build, install, resolve, bundle and deploy Python packages",
		Long: `ferry builds, installs, resolves, bundles and deploys Python packages.

It reads the standard formats (wheels, sdists, pyproject.toml, setup.cfg,
requirements files, simple repository indexes) and follows pip's flag names
where pip has the flag.`,
		Example: `  $ ferry venv .venv
  $ ferry install -r requirements.txt
  $ ferry inspect dist/app-1.0-py3-none-any.whl`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       versionString(),
	}
	root.SetVersionTemplate("ferry {{.Version}}\n")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &FlagError{Err: err}
	})
	root.CompletionOptions.DisableDefaultCmd = true

	for _, add := range []func(*Factory) *cobra.Command{
		newCmdVersion,
		newCmdVenv,
		newCmdBuild,
		newCmdIndex,
		newCmdInstall,
		newCmdUninstall,
		newCmdDownload,
		newCmdWheel,
		newCmdCache,
		newCmdSelf,
		newCmdList,
		newCmdFreeze,
		newCmdShow,
		newCmdCheck,
		newCmdBundle,
		newCmdDeploy,
		newCmdRollback,
	} {
		root.AddCommand(add(f))
	}
	return root
}
