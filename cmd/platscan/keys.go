package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/platscan/platscan/evidence"
)

// defaultKeyPath is where the signing key lives unless --key says
// otherwise: $PLATSCAN_KEY, else the user's config directory.
func defaultKeyPath() string {
	if p := os.Getenv("PLATSCAN_KEY"); p != "" {
		return p
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "platscan", "signing-key.pem")
}

func keyFlag() cli.Flag {
	return &cli.StringFlag{Name: "key", Usage: "ed25519 signing key `FILE` (PKCS#8 PEM; default $PLATSCAN_KEY or ~/.config/platscan/signing-key.pem, created on first use)"}
}

// signer loads the signing key, generating the default one on first use
// and saying so on stderr.
func signer(c *cli.Context) (*evidence.Ed25519Signer, error) {
	path := c.String("key")
	if path != "" {
		k, err := evidence.LoadKey(path)
		if err != nil {
			return nil, inputErr(err)
		}
		return evidence.NewEd25519Signer(k), nil
	}
	path = defaultKeyPath()
	k, err := evidence.LoadKey(path)
	if errors.Is(err, fs.ErrNotExist) {
		if k, err = evidence.GenerateKey(path); err != nil {
			return nil, scanErr(err)
		}
		s := evidence.NewEd25519Signer(k)
		note(c, "generated a signing key at %s (fingerprint %s); publish the fingerprint so others can check your runs", path, s.KeyID())
		return s, nil
	}
	if err != nil {
		return nil, inputErr(err)
	}
	return evidence.NewEd25519Signer(k), nil
}

func keysCommand() *cli.Command {
	return &cli.Command{
		Name:  "keys",
		Usage: "signing keys for runs",
		Subcommands: []*cli.Command{{
			Name:  "generate",
			Usage: "create an ed25519 signing key (FILE and FILE.pub) and print its fingerprint",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "key `FILE` (default " + defaultKeyPath() + ")"},
				&cli.BoolFlag{Name: "force", Usage: "replace an existing key (runs signed with it can then no longer be re-signed; their signatures stay valid)"},
			},
			Action: func(c *cli.Context) error {
				path := c.String("output")
				if path == "" {
					path = defaultKeyPath()
				}
				if err := checkOutput(path, c.Bool("force")); err != nil {
					return err
				}
				if c.Bool("force") {
					// GenerateKey never overwrites; with --force the old
					// key goes first (its .pub with it).
					for _, p := range []string{path, path + ".pub"} {
						if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
							return inputErr(err)
						}
					}
				}
				k, err := evidence.GenerateKey(path)
				if err != nil {
					return inputErr(err)
				}
				fmt.Fprintf(c.App.Writer, "private key: %s\npublic key:  %s.pub\nfingerprint: %s\n", path, path, evidence.NewEd25519Signer(k).KeyID())
				return nil
			},
		}},
	}
}
