// Package deploy installs release archives (the .tar.gz that ferry bundle
// --format tar.gz writes) into a deploy directory, switches between them
// atomically and rolls back, in the manner of Capistrano's releases/ and
// current layout. It needs no network.
//
// A deploy directory holds:
//
//	releases/<version>-<hash12>/   one unpacked release each (hash12: the
//	                               first 12 hex digits of its content hash)
//	current                        a symbolic link to releases/<name>
//	.ferry-deploy.json             the releases in the order they were
//	                               deployed (the State), oldest first
//	.ferry-deploy.lock             held by every deploy and rollback
//
// A release archive is a tar stream (gzip-compressed or not) whose members
// all sit under one top directory, or all at the root, with RELEASE.json
// at that level: a JSON object with at least "format" (1), "name",
// "version" and "hash". The hash is the release's content hash: the hex
// SHA-256 of one line per regular file and symbolic link, RELEASE.json
// excluded, in byte order of their slash-separated names relative to the
// release root, "<kind> <name>\x00<hex SHA-256 of the content>\n" with kind
// "f" for a file, "x" for an executable file and "l" for a link (whose
// content is its target).
//
// Deploy, in order, under the lock:
//  1. Unpack the archive into a temporary directory inside releases/,
//     reading every member through archive.WalkTar's checks (no absolute
//     names, no "..", no links leaving the release, no devices, size
//     limits) and placing it through fsx.SafeJoin; compute the content
//     hash while unpacking. A truncated archive, a missing or invalid
//     RELEASE.json, or a hash that differs from the manifest's fails here:
//     the temporary directory is removed and nothing else has changed.
//  2. Rename the temporary directory to releases/<version>-<hash12> (a
//     release already there with that name is the same content and is
//     reused).
//  3. Switch current: a new symbolic link is made under a temporary name
//     and renamed over current, so every reader resolves current to a
//     complete release, before or after, never to nothing.
//  4. Run the hook, if any (sh -c, in the deploy directory, with
//     FERRY_RELEASE, FERRY_RELEASE_DIR, FERRY_RELEASE_VERSION,
//     FERRY_PREVIOUS_RELEASE and FERRY_DEPLOY_DIR set). A failing hook is a
//     *HookError; the new release stays current unless
//     Options.RollbackOnHookFailure, which switches back to the previous
//     release and runs the hook once more for it.
//  5. Prune: keep the newest Options.Keep releases of the state, and never
//     remove the current release, the one before it in deploy order (the
//     rollback target) or the one that was current before this run. A
//     release is removed by renaming it to a temporary name first, so a
//     half-removed release never appears under its own name.
//
// Rollback switches current to the release deployed before the current
// one (or to a named release), with the same hook handling; it removes
// nothing. A target must be a complete release (its RELEASE.json present).
//
// Directories in releases/ that the state does not list are left alone;
// temporary directories that an interrupted run left are removed.
package deploy
