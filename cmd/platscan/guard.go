package main

import "github.com/urfave/cli/v2"

// allowPrivateFlag opts a scan into lab targets: private, loopback and
// link-local addresses, which the address guard refuses by default
// (docs/profile.md, "Address guard").
func allowPrivateFlag() cli.Flag {
	return &cli.BoolFlag{Name: "allow-private", Usage: "allow private, loopback and link-local target addresses (lab targets only; same as limits.allow_private)"}
}

// allowPrivate reports whether the command was given --allow-private
// (commands without the flag report false).
func allowPrivate(c *cli.Context) bool { return c.Bool("allow-private") }
